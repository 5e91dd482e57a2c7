"""File → Import: see how a file will be read, adjust it, import it off the UI thread, see what happened.

Previews and the import itself run on a ``BackgroundTask`` (a QThread). The import can be cancelled;
the job then leaves the collection exactly as it was. Closing the dialog while it runs cancels the
import and waits for the worker, so no thread outlives the dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.app import App
from studyapp.services.importing.import_job import ImportCancelled, ImportJob
from studyapp.services.importing.import_preview import ImportPreview, preview_file
from studyapp.services.importing.importing import ImportSummary
from studyapp.services.notes.notetype_choice import notetype_choices
from studyapp.ui.app.time_wording import plural
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.importing.column_mapping import Target
from studyapp.ui.importing.import_options_panel import ImportOptionsPanel
from studyapp.ui.importing.import_preview_table import PreviewTable, preview_caption
from studyapp.ui.importing.import_progress import ElidedLabel, ProgressRow
from studyapp.ui.importing.import_summary_view import ImportSummaryView
from studyapp.ui.importing.import_worker import BackgroundTask, error_message

CANCELLED_MESSAGE = "Import cancelled — nothing was changed."
DEFAULT_SIZE = (960, 600)  # fits a 1024x640 screen with the window's frame; smaller, the choices scroll
MINIMUM_SIZE = (720, 480)
_PREVIEW_MIN_HEIGHT = 170


def folder_text(folder: Path) -> str:
    """A folder as the user knows it: ``~/Downloads`` rather than ``/home/ana/Downloads``."""
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(folder)


class ImportDialog(QDialog):
    preview_ready = Signal()  # a preview, or the reason there is none, is shown
    progressed = Signal(str, int, int)  # the import's stage, done and total, on the UI thread
    import_finished = Signal(str)  # "imported", "cancelled" or "failed", once the worker has stopped

    def __init__(self, app: App, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportDialog")
        self.setWindowTitle("Import")
        self.app = app
        self.path = Path(path)
        self.preview: ImportPreview | None = None
        self.summary: ImportSummary | None = None
        self.outcome: str | None = None
        self.preview_error: str | None = None
        self.import_message: tuple[str, str] | None = None  # (kind, text) of the last failed or cancelled run
        self._preview_task: BackgroundTask | None = None
        self._preview_again = False
        self._import_task: BackgroundTask | None = None
        self._job: ImportJob | None = None
        self._closing = False

        title = QLabel(f"Import “{self.path.name}”")
        title.setObjectName("DialogTitle")
        self.title_label = title
        folder = ElidedLabel(folder_text(self.path.parent))
        folder.setObjectName("DialogSubtitle")
        self.folder_label = folder
        targets = [Target(c.key, c.name, c.notetype.field_names) for c in notetype_choices(app.collection)]
        self.options_panel = ImportOptionsPanel(sorted(deck.name for deck in app.decks()), targets)
        self.options_panel.reread.connect(self.start_preview)
        self.options_panel.changed.connect(self._choices_changed)
        self.preview_heading = QLabel("Preview")
        self.preview_heading.setObjectName("SectionHeading")
        self.table = PreviewTable()
        self.table.setMinimumHeight(_PREVIEW_MIN_HEIGHT)
        self.table.mapping_header.chosen.connect(self.options_panel.choose_column)
        self.summary_view = ImportSummaryView()

        setup = QWidget()
        setup_layout = QVBoxLayout(setup)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        setup_layout.setSpacing(8)
        setup_layout.addWidget(self.options_panel)
        setup_layout.addSpacing(6)
        setup_layout.addWidget(self.preview_heading)
        setup_layout.addWidget(self.table, 1)
        self.setup_scroll = QScrollArea()  # on a small screen the choices scroll; Import and Cancel stay in view
        self.setup_scroll.setObjectName("ImportSetup")
        self.setup_scroll.setWidget(setup)
        self.setup_scroll.setWidgetResizable(True)
        self.setup_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.setup_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.setup_scroll)
        self.pages.addWidget(self.summary_view)

        self.message_label = QLabel()
        self.message_label.setObjectName("InlineMessage")
        self.message_label.setWordWrap(True)
        self.progress_row = ProgressRow()

        self.buttons = QDialogButtonBox()
        self.import_button = self._button("Import", QDialogButtonBox.ButtonRole.AcceptRole, "Primary")
        self.cancel_button = self._button("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self._button("Close", QDialogButtonBox.ButtonRole.AcceptRole, "Primary")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        self.close_button.clicked.connect(self.accept)

        footer = QHBoxLayout()
        footer.setSpacing(16)
        footer.addWidget(self.message_label, 1)
        footer.addWidget(self.progress_row, 1)
        footer.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(folder)
        layout.addSpacing(12)
        layout.addWidget(self.pages, 1)
        layout.addSpacing(8)
        layout.addLayout(footer)
        self.resize(*self._fitting(DEFAULT_SIZE))
        remember_geometry(self, app, "import")  # where it was last, within the screen
        self.setMinimumSize(*self._fitting(MINIMUM_SIZE))
        self.import_button.setDefault(True)  # Enter imports (once the button is inside the dialog)
        self.options_panel.deck_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        self.start_preview()

    def _fitting(self, size: tuple[int, int]) -> tuple[int, int]:
        """``size``, made smaller when the screen is (room left for the window's frame and the task bar)."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None or screen.width() <= 0:
            return size
        return min(size[0], screen.width() - 40), min(size[1], screen.height() - 40)

    def _button(self, text: str, role: QDialogButtonBox.ButtonRole, name: str = "") -> QPushButton:
        button = self.buttons.addButton(text, role)
        button.setObjectName(name)
        return button

    # -- state -------------------------------------------------------------------------------------

    @property
    def previewing(self) -> bool:
        return self._preview_task is not None

    @property
    def running(self) -> bool:
        return self._import_task is not None

    def _message(self) -> tuple[str, str]:
        problem = self.options_panel.problem() if self.preview is not None else None
        if self.running:
            return "", ""
        if self.import_message is not None:
            return self.import_message
        if self.preview_error is not None:
            return "error", self.preview_error
        if self.previewing and self.preview is None:
            return "info", "Reading the file…"
        if problem is not None:
            return "error", problem
        lines = [self._left_out_line()] if self._left_out_line() else []
        if self.preview is not None:
            lines += [f"Warning: {warning}" for warning in self.preview.warnings]
            lines += [f"Note: {notice}" for notice in self.preview.notices]
        return ("info", "\n".join(lines)) if lines else ("", "")

    def _left_out_line(self) -> str:
        """``2 columns not imported: Source, Notes``, or nothing when every column goes somewhere."""
        mapping = self.options_panel.notetype.mapping if self.preview is not None else None
        if mapping is None:
            return ""
        left_out = mapping.left_out()
        if not left_out:
            return ""
        names = [self.preview.column_names[c] for c in left_out if c < len(self.preview.column_names)]
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        return f"{plural(len(left_out), 'column')} not imported: {shown}"

    def _refresh(self) -> None:
        done = self.summary is not None
        kind, text = self._message()
        self.message_label.setText(text)
        self.message_label.setProperty("kind", kind)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)
        self.message_label.setVisible(not self.running)
        self.progress_row.setVisible(self.running)
        self.options_panel.set_busy(self.running)
        self.table.setEnabled(not self.running)
        self.import_button.setVisible(not done)
        self.cancel_button.setVisible(not done)
        self.close_button.setVisible(done)
        ready = self.preview is not None and self.preview_error is None and self.options_panel.problem() is None
        self.import_button.setEnabled(ready and not self.running and not self.previewing)

    def _choices_changed(self) -> None:
        self.import_message = None
        if self.preview is not None:
            self.table.show_mapping(self.options_panel.notetype.mapping)
        self._refresh()

    # -- preview -----------------------------------------------------------------------------------

    def start_preview(self) -> None:
        """Read the head of the file with the current choices, on a worker; one preview at a time."""
        if self._closing:
            return
        if self._preview_task is not None:
            self._preview_again = True
            return
        path, options = self.path, self.options_panel.read_options()
        task = BackgroundTask(lambda: preview_file(path, options), self)
        task.succeeded.connect(self._preview_done)
        task.failed.connect(self._preview_failed)
        task.finished.connect(self._preview_ended)
        self._preview_task = task
        task.start()
        self._refresh()

    def _preview_done(self, preview: ImportPreview) -> None:
        self.preview, self.preview_error = preview, None
        self.options_panel.show_preview(preview)
        self.table.show_preview(preview)
        self.table.show_mapping(self.options_panel.notetype.mapping)
        self.preview_heading.setText(preview_caption(preview))

    def _preview_failed(self, error: BaseException) -> None:
        self.preview, self.preview_error = None, error_message(error, self.path)
        self.options_panel.show_no_preview()
        self.table.show_preview(None)
        self.preview_heading.setText("Preview")

    def _preview_ended(self) -> None:
        task, self._preview_task = self._preview_task, None
        if task is not None:
            task.deleteLater()
        if self._preview_again and not self._closing:
            self._preview_again = False
            self.start_preview()
            return
        self._refresh()
        self.preview_ready.emit()

    # -- import ------------------------------------------------------------------------------------

    def start_import(self) -> None:
        if not self.import_button.isEnabled() or not self.import_button.isVisible():
            return
        task = BackgroundTask(parent=self)
        job = self.app.import_job(
            self.path, self.options_panel.import_options(), self.options_panel.policy(), task.report
        )
        task.work = job.run
        task.progressed.connect(self._import_progressed)
        task.succeeded.connect(self._import_done)
        task.failed.connect(self._import_failed)
        task.finished.connect(self._import_ended)
        self._job, self._import_task = job, task
        self.import_message, self.outcome = None, None
        self.progress_row.start()
        self.cancel_button.setEnabled(True)
        self._refresh()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        task.start()

    def cancel_import(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.progress_row.cancelling()
            self.cancel_button.setEnabled(False)

    def cancel_or_close(self) -> None:
        if self.running:
            self.cancel_import()
        else:
            self.reject()

    def _import_progressed(self, stage: str, done: int, total: int) -> None:
        if self._job is not None and self._job.cancelled:
            return
        self.progress_row.show_progress(stage, done, total)
        self.progressed.emit(stage, done, total)

    def _import_done(self, summary: ImportSummary) -> None:
        self.summary, self.outcome = summary, "imported"
        self.summary_view.show_summary(summary)

    def _import_failed(self, error: BaseException) -> None:
        if isinstance(error, ImportCancelled):
            self.outcome, self.import_message = "cancelled", ("info", CANCELLED_MESSAGE)
        else:
            self.outcome, self.import_message = "failed", ("error", error_message(error, self.path))

    def _import_ended(self) -> None:
        task, self._import_task, self._job = self._import_task, None, None
        if task is not None:
            task.deleteLater()
        self.cancel_button.setEnabled(True)
        if self.summary is not None:
            self.pages.setCurrentWidget(self.summary_view)
            self.close_button.setDefault(True)
        self._refresh()
        if self.summary is not None:
            self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.import_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.import_finished.emit(self.outcome or "failed")

    # -- closing -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.running:
            self.cancel_import()  # Escape stops the import first; a second Escape closes
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        """Closing while a worker runs: cancel it and wait, so no thread outlives the dialog."""
        self._closing = True
        if self._job is not None:
            self._job.cancel()
        for task in (self._import_task, self._preview_task):
            if task is not None:
                task.wait()
        super().done(result)
