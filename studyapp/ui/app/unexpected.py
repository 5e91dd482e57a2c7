"""An unexpected error in the window (a bug in a click's handler, say): logged, and told once, without a crash.

Qt calls ``sys.excepthook`` for an exception raised in a slot and carries on; without a hook the traceback went to
a terminal the student does not see, and the click seemed to do nothing. ``UnexpectedErrors`` is that hook while
the window runs (``launch.run_gui``): the traceback goes to the error log (``services.error_log``) and a message
says what stopped, that the collection is safe (every write is one transaction, rolled back by the error), and
where the details are. The same error again (a timer's, say) is logged but not shown again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtWidgets import QMessageBox, QWidget

from studyapp.services.error_log import record_unexpected
from studyapp.services.paths import APP_NAME


class UnexpectedErrors:
    def __init__(self, parent: Callable[[], QWidget | None], log: Path | None = None) -> None:
        self._parent = parent  # the window to show the message over (None: none yet, or it closed)
        self._log = log
        self._told: set[tuple[str, str]] = set()
        self.box: QMessageBox | None = None  # the message shown last (for the tests)
        self._previous = sys.excepthook

    def __enter__(self) -> UnexpectedErrors:
        self._previous, sys.excepthook = sys.excepthook, self.hook
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.excepthook = self._previous

    def hook(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if not isinstance(error, Exception):  # Ctrl+C in the terminal, a SystemExit: as Python would
            self._previous(kind, error, trace)
            return
        log = record_unexpected(error.with_traceback(trace), "the window", self._log)
        print(f"studyapp: unexpected error {type(error).__name__}: {error} (details: {log})", file=sys.stderr)
        key = (type(error).__name__, str(error))
        application = QCoreApplication.instance()
        if application is None or QThread.currentThread() is not application.thread():
            return  # (a worker thread's: logged; a message may only be shown from the window's thread)
        if key in self._told:
            return
        self._told.add(key)
        self._show(error, log)

    def _show(self, error: Exception, log: Path | None) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, APP_NAME, "Something went wrong, and what you asked for did not finish.",
            QMessageBox.StandardButton.Ok, self._parent(),
        )  # fmt: skip
        message = " ".join(str(error).split())[:300]
        where = (
            f"The details, for a bug report, are in {log}." if log is not None else "The details could not be saved."
        )
        box.setInformativeText(
            f"{type(error).__name__}: {message}\n\nYour collection is safe: what was saved stays saved, and nothing "
            f"half-done was kept.\n\n{where}"
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 32em; }")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.box = box
        box.show()
