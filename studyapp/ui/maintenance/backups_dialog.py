"""File → Backups…: the collection's backups, newest first (by their own history, not the clock that named
them; one named after now is marked as made while the clock was ahead), and restoring one of them.

Restoring asks first; the collection as it is then is backed up before the backup is copied in, so a
restore can itself be undone (that backup appears at the top of the list). The dialog also serves at
start-up, when the collection is damaged (``CorruptStartDialog``): it offers the newest backup that
passes its check, and moves the damaged file aside rather than overwrite it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.clock import Clock
from studyapp.services.app import App
from studyapp.services.maintenance.backups import (
    AutoBackup,
    Backup,
    BackupError,
    BackupSummary,
    PendingBackup,
    backups_dir_for,
    card_counts,
    describe_time,
    is_ahead,
    list_backups,
    restore_damaged,
)
from studyapp.ui.app.window_geometry import keep_on_screen
from studyapp.ui.importing.import_worker import BackgroundTask

LIST_SIZE = QSize(520, 540)
CHECK_EVERY_MS = 60_000  # how often the window asks whether a backup is due

AHEAD = "clock was ahead"
AHEAD_TIP = "Made while the computer's clock was ahead: its name says a time after now. Listed by what it holds."

SMALL_PRINT = (
    "A backup is taken when studyapp closes and every 30 minutes while something changes; the last 20 "
    "are kept, then one a day for a week and one a week for a month. Backups hold the collection only: "
    "images and other media files are not part of them."
)


def _cards(count: int | None) -> str:
    if count is None:
        return "unreadable"
    return "1 card" if count == 1 else f"{count:,} cards"


class BackupsDialog(QDialog):
    """The list of backups, with Back up now and Restore…; emits ``restored`` after a restore."""

    restored = Signal()

    def __init__(self, backups: AutoBackup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backups = backups
        self.app = backups.app
        self.confirmation: QMessageBox | None = None
        self.setObjectName("BackupsDialog")
        self.setWindowTitle("Backups")

        title = QLabel("Backups")
        title.setObjectName("DialogTitle")
        self.folder = QLabel(str(backups_dir_for(self.app.path)))
        self.folder.setObjectName("DialogSubtitle")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)

        self.table = QTableWidget(0, 2)
        self.table.setObjectName("ImportPreview")  # the app's style for a plain table of data
        self.table.setHorizontalHeaderLabels(["Taken", "Cards"])
        self.table.horizontalHeaderItem(1).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.ask_restore())

        self.empty = QLabel("No backups yet: Back up now makes the first one.")
        self.empty.setObjectName("BackupsEmpty")
        self.empty.setWordWrap(True)
        small_print = QLabel(SMALL_PRINT)
        small_print.setObjectName("KeyHint")
        small_print.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.backup_button = QPushButton("Back up now")
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setObjectName("Primary")
        self.buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.ask_restore)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.folder)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(small_print)
        layout.addStretch(0)  # takes the room only while the list is hidden: the empty state stays together on top
        layout.addSpacing(4)
        layout.addWidget(self.buttons)
        self.resize(LIST_SIZE)
        keep_on_screen(self)  # sized to its list, within the screen
        self.refresh()
        if not self.shown:  # the empty state: a compact dialog, not four lines spread over a tall one
            self.resize(LIST_SIZE.width(), self.sizeHint().height())
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the list ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the folder again; the newest backup is chosen."""
        clock = self.app.clock
        now, zone = clock.now(), clock.local_zone()
        self.shown: list[Backup] = list_backups(self.app.path, now)
        counts = card_counts(self.app.path, self.shown)
        self.table.setRowCount(len(self.shown))
        for row, backup in enumerate(self.shown):
            ahead = is_ahead(backup.taken, now)
            text = describe_time(backup.taken, now, zone)
            when = QTableWidgetItem(f"{text} ({AHEAD})" if ahead else text)
            tip = f"{backup.path}\n{backup.taken:%Y-%m-%d %H:%M:%S} UTC"
            when.setToolTip(f"{tip}\n{AHEAD_TIP}" if ahead else tip)
            cards = QTableWidgetItem(_cards(counts.get(backup.path)))
            cards.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, when)
            self.table.setItem(row, 1, cards)
        grows = bool(self.shown) and self.table.isHidden() and self.height() < LIST_SIZE.height()
        self.table.setVisible(bool(self.shown))
        self.empty.setVisible(not self.shown)
        if grows:  # the first backup was just taken: room for the list, within the screen
            screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
            frame = max(self.frameGeometry().height() - self.height(), 0)
            self.resize(self.width(), min(LIST_SIZE.height(), screen.height() - frame))
        if self.shown:
            self.table.selectRow(0)
        self._update_buttons()

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    # -- actions -----------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        try:
            self.backups.backup_now()
        except BackupError as error:
            self._fail(str(error))
            return
        self.refresh()

    def ask_restore(self) -> QMessageBox | None:
        """Ask before restoring the chosen backup (window-modal, without blocking)."""
        backup = self.selected()
        if backup is None:
            return None
        row = self.shown.index(backup)
        when, cards = self.rows()[row]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore backup",
            f"Restore the backup of {when} ({cards})?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            "The collection as it is now is backed up first, so you can go back to it from this list."
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Restore")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.accepted.connect(lambda: self.restore(backup))
        box.finished.connect(lambda _result: setattr(self, "confirmation", None))
        self.confirmation = box
        box.open()
        return box

    def restore(self, backup: Backup) -> None:
        try:
            self.backups.restore(backup)
        except BackupError as error:
            self._fail(str(error))
            return
        self.refresh()
        self.restored.emit()

    def _fail(self, message: str) -> None:
        _warn(self, message)


class BackupControl(QObject):
    """The main window's backups: the timer, File → Backups… and the backup on close.

    The timer only asks; ``AutoBackup`` decides by the app's clock, so a test moves a ``FixedClock`` on
    and calls :meth:`backup_if_due` instead of waiting half an hour. The timed backup is written on a
    worker thread (through a connection of its own), so a large collection does not stall the window.
    """

    restored = Signal()
    backed_up = Signal(object)  # the Backup a timed backup wrote

    def __init__(self, app: App, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.auto = AutoBackup(app)
        self.dialog: BackupsDialog | None = None
        self.task: BackgroundTask | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.backup_if_due)
        self.timer.start()

    def backup_if_due(self) -> bool:
        """The timer's slot: start a backup on a worker if one is due; ``backed_up`` says when it is done."""
        if self.task is not None or not self.auto.due():
            return False
        try:
            pending = self.auto.begin()
        except BackupError as error:  # the next try is one interval later, so this is not repeated each minute
            _warn(self.window, str(error))
            return False
        task = BackgroundTask(pending.run, self)
        task.succeeded.connect(lambda summary: self._written(pending, summary))
        task.failed.connect(lambda error: _warn(self.window, str(error)))
        task.finished.connect(self._task_done)
        self.task = task
        task.start()
        return True

    def _written(self, pending: PendingBackup, summary: BackupSummary) -> None:
        self.backed_up.emit(self.auto.finish(pending, summary))

    def _task_done(self) -> None:
        if self.task is not None:
            self.task.deleteLater()
        self.task = None

    def open_dialog(self) -> BackupsDialog:
        """File → Backups…, window-modal; it deletes itself when closed."""
        if self.dialog is not None:
            return self.dialog
        dialog = BackupsDialog(self.auto, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.restored.connect(self.restored)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self) -> None:
        self.dialog = None
        self.window.activateWindow()

    def on_close(self) -> Backup | None:
        """The window is closing: a backup if anything changed (a failure is told on standard error)."""
        self.timer.stop()
        if self.task is not None:
            self.task.wait()  # its result is not needed: the backup made now is newer
        try:
            return self.auto.on_close()
        except BackupError as error:
            print(f"studyapp: {error}", file=sys.stderr)
            return None


def _warn(parent: QWidget, message: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "Backups", message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("MessageBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


class CorruptStartDialog(QDialog):
    """At start-up: the collection is damaged. Offers the newest good backup, or says there is none."""

    def __init__(
        self,
        path: Path,
        problem: str,
        offer: tuple[Backup, int] | None,
        clock: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.offer = offer
        self.clock = clock
        self.moved_to: Path | None = None
        self.setObjectName("CorruptStartDialog")
        self.setWindowTitle("studyapp")

        title = QLabel("The collection is damaged")
        title.setObjectName("DialogTitle")
        where = QLabel(f"{path}")
        where.setObjectName("DialogSubtitle")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail = QLabel(f"SQLite reports: {problem.removeprefix(f'{path}: ')}")
        detail.setObjectName("KeyHint")
        detail.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.quit_button = self.buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button: QPushButton | None = None
        if offer is None:
            self.message.setText(
                "There is no backup that passes its check, so studyapp cannot open this collection. "
                "The file was left as it is."
            )
        else:
            backup, cards = offer
            when = describe_time(backup.taken, clock.now(), clock.local_zone())
            if is_ahead(backup.taken, clock.now()):
                when += f" ({AHEAD})"
            self.message.setText(
                f"The newest good backup is from <b>{when}</b> ({_cards(cards)}). Restoring it moves the "
                f"damaged file aside as <i>{path.name}.damaged-…</i> (it is kept, not deleted); what was "
                "studied after the backup is not in it."
            )
            self.restore_button = self.buttons.addButton("Restore backup", QDialogButtonBox.ButtonRole.AcceptRole)
            self.restore_button.setObjectName("Primary")
            self.restore_button.setDefault(True)
        self.error = QLabel()
        self.error.setObjectName("InlineMessage")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addWidget(self.message)
        layout.addWidget(detail)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.resize(520, layout.totalHeightForWidth(520))  # the wrapped text's height, no more
        keep_on_screen(self)

    def restore(self) -> None:
        """Move the damaged file aside and put the backup in its place; the dialog is accepted."""
        if self.offer is None:
            return
        try:
            self.moved_to = restore_damaged(self.path, self.offer[0], self.clock)
        except BackupError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.accept()
