"""Work off the UI thread: a small QThread that runs one function and reports back through queued signals.

The thread object lives on the UI thread, so its signals, emitted from the worker, reach the dialog's
slots queued, on the UI thread. The work must not touch ``app.collection`` (its SQLite connection
belongs to the UI thread): an ``ImportJob`` opens its own connection, a preview reads only the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from studyapp.services.app import CollectionError, ImportFailure


class BackgroundTask(QThread):
    progressed = Signal(str, int, int)  # stage, done, total
    succeeded = Signal(object)  # what the work returned
    failed = Signal(object)  # the exception it raised

    def __init__(self, work: Callable[[], object] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work

    def report(self, stage: str, done: int, total: int) -> None:
        """A progress callback for the work (it is called on the worker thread)."""
        self.progressed.emit(stage, done, total)

    def run(self) -> None:
        assert self.work is not None
        try:
            result = self.work()
        except Exception as error:  # every failure goes back to the UI thread as a message
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)


def one_line(text: str) -> str:
    return " ".join(text.split())


def error_message(error: BaseException, path: Path) -> str:
    """A one-line message for a failed preview or import, naming the file (not its whole folder)."""
    if isinstance(error, ImportFailure):
        where = error.path.name if error.path.name else str(error.path)
        if error.line is not None:
            where = f"{where}: line {error.line}"
        return one_line(f"{where}: {error.reason}")
    if isinstance(error, CollectionError):
        return one_line(str(error))
    if isinstance(error, OSError):
        return one_line(f"{path.name}: cannot be read ({error.strerror or error})")
    return one_line(f"{path.name}: {error or type(error).__name__}")
