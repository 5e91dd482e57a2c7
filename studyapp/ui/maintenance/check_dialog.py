"""Tools → Check Collection…: the check runs off the UI thread, then its report is shown; Repair when it helps.

The check (and the repair) run as a ``CheckJob`` on a ``BackgroundTask``: the job opens its own connection,
so the window stays responsive. Cancel stops a check before it writes anything; closing the dialog while
it runs cancels it and waits for the worker, so no thread outlives the dialog. When the report comes, the
dialog grows to show it whole (the common report needs no scrolling), never past the screen: a longer one
scrolls, the buttons always in view.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.app import App
from studyapp.services.maintenance.check import CheckCancelled, CheckJob, CheckReport
from studyapp.services.maintenance.check_report import outcome
from studyapp.ui.app.window_geometry import keep_on_screen
from studyapp.ui.importing.import_worker import BackgroundTask, one_line


def report_html(text: str) -> str:
    """The text report with its headings in bold and its indentation kept."""
    parts = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        indent = "&nbsp;" * (2 * (len(line) - len(stripped)))
        body = html.escape(stripped)
        if line and not line.startswith(" ") and not line.startswith(("Checked ", "No problems", "Repair")):
            body = f"<b>{body}</b>" if not line[0].isdigit() else body
        parts.append(f"{indent}{body}" if line else "")
    return "<div style='line-height: 130%'>" + "<br>".join(parts) + "</div>"


MIN_REPORT_LINES = 6  # the report box is never squeezed below this, whatever the screen


class CheckDialog(QDialog):
    check_finished = Signal(str)  # "checked", "repaired", "cancelled" or "failed", once the worker has stopped

    def __init__(self, app: App, parent: QWidget | None = None, start: bool = True) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("CheckDialog")
        self.setWindowTitle("Check Collection")
        self.report: CheckReport | None = None
        self.task: BackgroundTask | None = None
        self.job: CheckJob | None = None
        self._close_when_stopped = False
        self._outcome = "failed"
        self._repairing = False

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-weight: 600;")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.view = QTextEdit()
        self.view.setObjectName("CheckReport")
        self.view.setReadOnly(True)
        self.view.document().setDocumentMargin(10)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self.view.setMinimumHeight(self.view.fontMetrics().lineSpacing() * MIN_REPORT_LINES)
        self.view.hide()
        self.repair_button = QPushButton("Repair")
        self.repair_button.setToolTip(
            "Reschedule the cards from their review log (logged) and move unused media files to .trash. "
            "Cards with answers dated after now stay as they are: the review log is append-only."
        )
        self.repair_button.clicked.connect(self.repair)
        self.repair_button.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        keep_on_screen(self)  # sized to its report, within the screen
        if start:
            self.start()

    @property
    def running(self) -> bool:
        return self.task is not None

    # -- running ---------------------------------------------------------------------------------------

    def start(self, repair: bool = False) -> None:
        """Check (or check and repair) on a worker thread."""
        if self.running:
            return
        self.status.setText("Repairing the collection…" if repair else f"Checking {self.app.path.name}…")
        self.progress.setRange(0, 0)  # busy until the first count
        self.progress.show()
        self.repair_button.hide()
        self._set_cancel_text("Cancel")
        task = BackgroundTask(parent=self)
        job = CheckJob(self.app.path, self.app.clock, self.app.rng, repair, task.report)
        task.work = job.run
        task.progressed.connect(self._progressed)
        self._repairing = repair
        task.succeeded.connect(self._succeeded)  # (a bound method: a lambda slot crashed a later event loop)
        task.failed.connect(self._failed)
        task.finished.connect(self._stopped)
        self.task, self.job = task, job
        task.start()

    def repair(self) -> None:
        self.start(repair=True)

    def _set_cancel_text(self, text: str) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if button is not None:
            button.setText(text)

    def _progressed(self, stage: str, done: int, total: int) -> None:
        self.status.setText(f"{stage}…")
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)

    def _succeeded(self, report: object) -> None:
        self._done(report, self._repairing)

    def _done(self, report: object, repaired: bool) -> None:
        assert isinstance(report, CheckReport)
        self.report = report
        self.progress.hide()
        self.status.setText(outcome(report))
        self.view.setHtml(report_html(report.text()))
        self.view.show()
        if self.isVisible():  # (a dialog not shown yet is fitted when it is shown)
            self.fit_report()
        self.repair_button.setVisible(report.repairable)
        self._set_cancel_text("Close")
        self._outcome = "repaired" if repaired else "checked"

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.report is not None:
            self.fit_report()

    def fit_report(self) -> None:
        """Grow the dialog until the report needs no scrolling, within the screen's free area (kept inside it)."""
        layout = self.layout()
        layout.activate()
        document = self.view.document()
        document.setTextWidth(self.view.viewport().width())
        wanted = int(document.size().height()) + 2 * self.view.frameWidth() + 2
        extra = wanted - self.view.height()
        screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        frame = max(self.frameGeometry().height() - self.height(), 0)
        height = max(self.height(), min(self.height() + max(extra, 0), screen.height() - frame))
        if height != self.height():
            self.resize(self.width(), height)
        placed = self.frameGeometry()
        if self.isVisible() and not screen.contains(placed):
            x = max(screen.left(), min(placed.x(), screen.right() - placed.width() + 1))
            y = max(screen.top(), min(placed.y(), screen.bottom() - placed.height() + 1))
            self.move(x, y)

    def _failed(self, error: object) -> None:
        self.progress.hide()
        if isinstance(error, CheckCancelled):
            self.status.setText("Cancelled: nothing was changed.")
            self._outcome = "cancelled"
        else:
            self.status.setText(one_line(f"The check failed: {error}"))
            self._outcome = "failed"
        self._set_cancel_text("Close")

    def _stopped(self) -> None:
        task = self.task
        self.task, self.job = None, None
        if task is not None:
            task.deleteLater()
        self.check_finished.emit(self._outcome)
        if self._close_when_stopped:
            super().reject()

    # -- closing ---------------------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel: a running check is stopped (it has written nothing) and the dialog closes once it has."""
        if self.running:
            assert self.job is not None
            self.job.cancel()
            self._close_when_stopped = True
            self.status.setText("Cancelling…")
            return
        super().reject()

    def done(self, result: int) -> None:
        """Closing while a worker runs (the window closes, say): cancel it and wait, so no thread outlives it."""
        if self.running and self.task is not None and self.job is not None:
            self.job.cancel()
            self.task.wait()
        super().done(result)
