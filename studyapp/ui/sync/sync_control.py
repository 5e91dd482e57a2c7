"""The window's side of syncing: the Sync button and Y on the deck list, Tools → Sync settings… and Sync
conflicts…, sync on open and on close, and the summary afterwards.

A sync runs from the deck list only (Y is a bare key, so ``StudyKeys`` takes it away while studying). When it
ends the window reads the collection again (``after_sync``: the deck list, and windows showing the old
content close), and a one-line summary shows in the status bar; a failure is one line in a message (for a
sync the student started) or in the status bar (for one on open or close). Closing the window with "sync
on close" set syncs first, in the progress dialog, for at most ``CLOSE_WAIT_MS``: then the sync is
cancelled (the collection stays as it was) and the window closes all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton

from studyapp.core.text.plain_text import html_to_text
from studyapp.services.sync.account import KEYS, KeyStore, insecure_problem, load_sync_settings
from studyapp.ui.app.dialogs import show_message
from studyapp.ui.importing.import_worker import one_line
from studyapp.ui.sync.sync_progress import SyncEngine, SyncProgressDialog

if TYPE_CHECKING:
    from studyapp.ui.app.main_window import MainWindow
    from studyapp.ui.sync.conflicts_dialog import SyncConflictsDialog
    from studyapp.ui.sync.sync_settings_dialog import SyncSettingsDialog

CLOSE_WAIT_MS = 60_000  # the longest a close waits for its sync before cancelling it
STATUS_MS = 15_000  # how long the summary stays in the status bar


def _tools_menu(window: MainWindow) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == "Tools":
            return menu
    return None


class SyncControl(QObject):
    finished = Signal(object)  # each sync's outcome (a SyncSummary or the exception), after the window is fresh

    def __init__(self, window: MainWindow, after_sync: Callable[[], None], keys: KeyStore = KEYS) -> None:
        super().__init__(window)
        self.window = window
        self.app = window.app
        self.keys = keys
        self.after_sync = after_sync
        self.engine: SyncEngine | None = None  # the sync itself (tests may put a fake in for Cancel)
        self.log_in: Callable[[str, str, str], Any] | None = None
        self.dialog: SyncProgressDialog | None = None
        self.settings_dialog: SyncSettingsDialog | None = None
        self.last_outcome: object = None
        self._automatic = False
        self._close_pending = False
        self._closed_synced = False
        self._close_timer: QTimer | None = None
        self.full_upload_question: QMessageBox | None = None  # open while the student decides
        self.told: QMessageBox | None = None  # the last sync's lines to tell, if it had any
        self._last_told = ""
        self.send_whole: object = None

        self.sync_action = self._action("&Sync", "Y", lambda: self.sync_now())
        self.settings_action = self._action("S&ync settings…", None, self.open_settings)
        self.conflicts_action = self._action("Sync co&nflicts…", None, self.open_conflicts)
        self.conflicts_action.setVisible(False)  # once there are any (checked when the menu opens)
        tools = _tools_menu(window)
        if tools is not None:
            tools.addSeparator()
            tools.addAction(self.sync_action)
            tools.addAction(self.settings_action)
            tools.addAction(self.conflicts_action)
            tools.aboutToShow.connect(self._update_conflicts_action)
        button = getattr(window.deck_list, "sync_button", None)
        if isinstance(button, QPushButton):
            button.clicked.connect(lambda _checked=False: self.sync_now())

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    # -- the account ---------------------------------------------------------------------------------------

    def account(self) -> Any:
        """The account to sync with (address, user and a stored key), or None: not signed in."""
        settings = load_sync_settings(self.app.collection)
        if not settings.server or not settings.user:
            return None
        if insecure_problem(settings.server, settings.insecure_allowed) is not None:
            return None
        key = self.keys.get(settings.server, settings.user)
        if key is None:
            return None
        from studyapp.services.sync.service import SyncAccount

        return SyncAccount(endpoint=settings.server, user=settings.user, host_key=key)

    # -- syncing -------------------------------------------------------------------------------------------

    def sync_now(self, mode: str = "normal", automatic: bool = False) -> SyncProgressDialog | None:
        """Sync (Y, the Sync button, Tools → Sync); not signed in: the settings dialog, saying so."""
        window = self.window
        if self.dialog is not None:
            return self.dialog
        if window.stack.currentWidget() is not window.deck_list:
            return None
        account = self.account()
        if account is None:
            if not automatic:
                self.open_settings().show_message("Sign in to a sync server first: address, user and password.")
            return None
        self._automatic = automatic
        title = "Syncing before closing" if self._close_pending else "Sync"
        dialog = SyncProgressDialog(self.app, account, mode, window, self.engine, title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # the window's connection waits meanwhile
        dialog.done.connect(self._done)
        self.dialog = dialog
        dialog.open()
        dialog.start()
        return dialog

    def _done(self, outcome: object) -> None:
        self.dialog = None
        self.last_outcome = outcome
        from studyapp.services.sync.errors import SyncError

        if self._close_pending:
            self._closed_synced = True
            if self._close_timer is not None:
                self._close_timer.stop()
            self.finished.emit(outcome)
            self.window.close()
            return
        self.app.collection.notetypes.refresh()  # the sync wrote through a connection of its own
        self.after_sync()  # read the collection again, whatever happened (a failure left it as it was)
        self.window.activateWindow()  # the keys come back to the deck list
        if isinstance(outcome, BaseException):
            line = one_line(str(outcome) or type(outcome).__name__)
            if isinstance(outcome, SyncError) and outcome.kind == "auth":
                settings = load_sync_settings(self.app.collection)
                self.keys.forget(settings.server, settings.user)
                line += " Sign in again in Tools → Sync settings…"
            if isinstance(outcome, SyncError) and outcome.kind == "cancelled":
                self.show_status("Sync cancelled: nothing was changed here.")
            elif isinstance(outcome, SyncError) and outcome.kind == "full_sync" and not self._automatic:
                self.full_upload_question = self._ask_full_upload(line)
            elif self._automatic:
                self.show_status(f"Sync failed: {line}")
            else:
                show_message(self.window, QMessageBox.Icon.Warning, "Sync", line)
        else:
            describe = getattr(outcome, "describe", None)
            line = describe() if callable(describe) else "Synced."
            self.show_status(line)
            self._update_conflicts_action()
            told = _to_tell(outcome)
            # What was skipped, moved or refused (and the server's word) is never left unsaid; the same lines again
            # (a media file the server refuses at every sync) are told once while the window is open.
            repeated, self._last_told = told == self._last_told, told
            if told and not repeated:
                self.told = show_message(self.window, QMessageBox.Icon.Information, "Sync", line)
                self.told.setInformativeText(told)
                self.told.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 36em; }")
        self.finished.emit(outcome)

    def _ask_full_upload(self, line: str) -> QMessageBox:
        """The server needs the whole collection from here: asked, never done silently."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Sync",
            f"{line[:1].upper()}{line[1:]}.\n\nSend the whole collection now? What the server holds that this "
            "computer lacks is taken first, so nothing on either side is lost; your phone then downloads the "
            "whole collection.",
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        box.setObjectName("FullUploadQuestion")
        self.send_whole = box.addButton("Send the whole collection", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(self._full_upload_answer)
        box.show()
        return box

    def _full_upload_answer(self, button: object) -> None:
        self.full_upload_question = None
        if button is self.send_whole:
            self.sync_now("full_upload")

    def show_status(self, line: str) -> None:
        """A line in the status bar, for a while; the bar is hidden again when it is empty."""
        bar = self.window.statusBar()
        if not bar.property("sync_hides"):
            bar.setProperty("sync_hides", True)
            bar.messageChanged.connect(lambda text: bar.setVisible(bool(text)))
        bar.show()
        bar.showMessage(line, STATUS_MS)

    # -- open and close ------------------------------------------------------------------------------------

    def sync_on_open(self) -> None:
        """At start-up, if the student asked for it and is signed in (a failure is a status-bar line)."""
        if load_sync_settings(self.app.collection).sync_on_open:
            QTimer.singleShot(0, lambda: self.sync_now(automatic=True))

    def defer_close(self, event: QCloseEvent) -> bool:
        """Called first by the window's ``closeEvent``: True when the close waits for a sync (then it comes again)."""
        if self._closed_synced:
            return False
        if self.dialog is not None:  # a sync already running: the close follows it
            self._close_pending = True
        elif load_sync_settings(self.app.collection).sync_on_close and self.window.isVisible():
            if self.window.stack.currentWidget() is not self.window.deck_list:
                self.window.show_decks()  # ends the study session; its answers are already saved
            self._close_pending = True
            if self.sync_now(automatic=True) is None:
                self._close_pending = False
                return False
        else:
            return False
        event.ignore()
        self._close_timer = QTimer(self)
        self._close_timer.setSingleShot(True)
        self._close_timer.timeout.connect(lambda: self.dialog.cancel() if self.dialog is not None else None)
        self._close_timer.start(CLOSE_WAIT_MS)
        return True

    # -- the dialogs ---------------------------------------------------------------------------------------

    def open_settings(self) -> SyncSettingsDialog:
        """Tools → Sync settings… (one at a time)."""
        if self.settings_dialog is not None:
            return self.settings_dialog
        from studyapp.ui.sync.sync_settings_dialog import SyncSettingsDialog

        dialog = SyncSettingsDialog(self.app, self.keys, self.window, self.log_in)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(self._settings_closed)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_closed(self, _result: int) -> None:
        self.settings_dialog = None
        self.window.activateWindow()

    def conflicts(self) -> list[Any]:
        from studyapp.services.sync.service import conflicts

        return list(conflicts(self.app.collection))

    def _update_conflicts_action(self) -> None:
        self.conflicts_action.setVisible(bool(self.conflicts()))

    def open_conflicts(self) -> SyncConflictsDialog:
        from studyapp.ui.sync.conflicts_dialog import SyncConflictsDialog

        found = self.conflicts()
        names = {}  # (a note deleted since has none: the dialog names it by its lost first field, "(deleted)")
        for conflict in found:
            note = self.app.collection.notes.get(conflict.note_id)
            if note is not None:
                names[conflict.note_id] = html_to_text(note.front)
        dialog = SyncConflictsDialog(found, self.app.clock.local_zone(), self.window, names)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
        return dialog


_TOLD_LINES = 12


def _to_tell(summary: object) -> str:
    """The server's message and the sync's notes (skipped, moved, refused), one line each; a long list is cut."""
    message = str(getattr(summary, "server_message", "") or "")
    lines = ([f"The server says: {one_line(message)}"] if message else []) + [
        one_line(str(note)) for note in getattr(summary, "notes", ())
    ]
    if len(lines) > _TOLD_LINES:
        lines = [*lines[: _TOLD_LINES - 1], f"… and {len(lines) - _TOLD_LINES + 1:,} more"]
    return "\n".join(f"• {line}" for line in lines)
