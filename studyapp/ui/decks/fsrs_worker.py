"""Running the FSRS fit and the retention simulation off the UI thread, with a Cancel that really lets go.

Neither the Rust fit nor the simulation can be interrupted. So Cancel abandons a job: its result, when
it comes, is dropped, and the panel is usable at once (a new job may start while the old one finishes).
The thread objects are kept until their threads end, and :meth:`JobRunner.shutdown` (the dialog closing)
waits for any still running, so no QThread is ever destroyed while it runs.
The work must not touch ``app.collection``: what it needs is read beforehand, on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from studyapp.ui.importing.import_worker import BackgroundTask


class JobRunner(QObject):
    """One job at a time is *current*; its result is handed over, an abandoned one's is not."""

    busy_changed = Signal(bool)
    idle = Signal()  # every thread, abandoned ones included, has ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: BackgroundTask | None = None
        self._threads: list[BackgroundTask] = []
        self._callbacks: dict[BackgroundTask, tuple[Callable[[object], None], Callable[[BaseException], None]]] = {}

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def running(self) -> int:
        """Threads not yet ended (the current job and abandoned ones)."""
        return len(self._threads)

    def start(
        self, work: Callable[[], object], done: Callable[[object], None], failed: Callable[[BaseException], None]
    ) -> None:
        """Run ``work`` on a thread; ``done(result)`` or ``failed(error)`` on the UI thread, unless cancelled."""
        self.cancel()
        task = BackgroundTask(work, self)
        self._current = task
        self._threads.append(task)
        self._callbacks[task] = (done, failed)
        # Slots of this object (which lives on the UI thread): the worker's signals arrive queued.
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.finished.connect(self._ended)
        task.start()
        self.busy_changed.emit(True)

    def cancel(self) -> bool:
        """Abandon the current job (its thread runs on, its result is dropped); whether there was one."""
        if self._current is None:
            return False
        self._current = None
        self.busy_changed.emit(False)
        return True

    def shutdown(self) -> None:
        """Drop every result and wait for the threads still running (the fit and simulation take seconds)."""
        self.cancel()
        for task in list(self._threads):
            task.succeeded.disconnect()
            task.failed.disconnect()
            task.wait()
        self._threads.clear()
        self._callbacks.clear()

    def _take(self) -> tuple[Callable[[object], None], Callable[[BaseException], None]] | None:
        """The callbacks of the task that sent the signal, if it is the current one."""
        task = self.sender()
        if not isinstance(task, BackgroundTask) or task is not self._current:
            return None  # abandoned
        self._current = None
        self.busy_changed.emit(False)
        return self._callbacks.get(task)

    def _succeeded(self, result: object) -> None:
        callbacks = self._take()
        if callbacks is not None:
            callbacks[0](result)

    def _failed(self, error: BaseException) -> None:
        callbacks = self._take()
        if callbacks is not None:
            callbacks[1](error)

    def _ended(self) -> None:
        task = self.sender()
        if isinstance(task, BackgroundTask) and task in self._threads:
            self._threads.remove(task)
            self._callbacks.pop(task, None)
            task.deleteLater()
        if not self._threads:
            self.idle.emit()
