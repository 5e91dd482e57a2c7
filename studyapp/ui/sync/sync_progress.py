"""The sync running off the UI thread, in a window-modal dialog: what it is doing, a bar and Cancel.

The bar is busy (the protocol's steps have no known length) except while a step counts toward a known end, as the
replay of a big collection's answers does ("Replaying answers (120,000 of 1,000,000)"): then it fills.

The work runs on a ``BackgroundTask`` over a connection of its own (``App.on_own_connection``: the window's
connection belongs to the UI thread). Cancel asks the engine to stop at its next step (it rolls the
collection back to how it was); closing the dialog while it runs cancels too, and the dialog closes only
once the worker has stopped, so no thread outlives it. ``done`` carries the outcome: the ``SyncSummary``,
or the exception the sync raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from studyapp.services.app import App
from studyapp.services.sync.progress_text import counts_of
from studyapp.ui.app.window_geometry import keep_on_screen
from studyapp.ui.importing.import_worker import BackgroundTask, one_line

# engine(collection, media_folder, account, *, mode, now, zone, progress, cancelled) -> SyncSummary
SyncEngine = Callable[..., Any]


def default_engine() -> SyncEngine:
    from studyapp.services.sync.service import sync

    return sync


class SyncProgressDialog(QDialog):
    done = Signal(object)  # the SyncSummary, or the exception, once the worker has stopped

    def __init__(
        self,
        app: App,
        account: Any,
        mode: str = "normal",
        parent: QWidget | None = None,
        engine: SyncEngine | None = None,
        title: str = "Sync",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SyncProgressDialog")
        self.setWindowTitle(title)
        self.app = app
        self.account = account
        self.mode = mode
        self.engine = engine or default_engine()
        self.outcome: object = None
        self.cancel_event = threading.Event()
        self.task: BackgroundTask | None = None
        self.status = QLabel(f"Connecting to {account.endpoint}…")
        self.status.setObjectName("SyncStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy until a step counts toward a known end
        self.progress.setTextVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)  # the longest step ("Matching with the server: replaying answers (N of M)") fits
        keep_on_screen(self)

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self) -> None:
        task = BackgroundTask(parent=self)
        seed = self.app.rng.getrandbits(63)  # the window's generator, drawn here on the UI thread
        task.work = lambda: self._work(task, seed)
        task.progressed.connect(self._progressed)
        task.succeeded.connect(self._stopped)
        task.failed.connect(self._stopped)
        self.task = task
        task.start()

    def _work(self, task: BackgroundTask, seed: int) -> object:
        """On the worker thread: the sync over a connection of its own."""
        app = self.app
        with App.on_own_connection(app.path, app.clock, seed) as own:
            return self.engine(
                own.collection,
                app.media_dir,
                self.account,
                mode=self.mode,
                now=app.clock.now,
                zone=app.clock.local_zone(),
                progress=lambda line: task.report(str(line), *counts_of(str(line))),
                cancelled=self.cancel_event.is_set,
            )

    def _progressed(self, line: str, done: int, total: int) -> None:
        if self.cancel_event.is_set():
            return
        self.status.setText(one_line(line))
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def cancel(self) -> None:
        """Ask the sync to stop at its next step; the dialog closes once it has."""
        if self.task is None or self.cancel_event.is_set():
            return
        self.cancel_event.set()
        self.status.setText("Cancelling: the collection stays as it was…")
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(False)

    def _stopped(self, outcome: object) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.wait()
        self.outcome = outcome
        super().accept()  # closed first: the window then takes the keys back
        self.done.emit(outcome)

    def reject(self) -> None:  # Cancel, Esc or the title bar's close: stop the worker first
        if self.task is not None:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
