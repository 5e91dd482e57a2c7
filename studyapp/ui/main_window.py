"""The one main window: deck list, reviewer and session summary in a stack, with the menus.

The window receives the ``App`` it works on; it keeps no state of its own beyond the current
session, and stores its size and position in the collection's settings. Files dropped on it open
the import dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QWidget

from studyapp.services.app import App
from studyapp.services.paths import resources_dir
from studyapp.ui import dialogs
from studyapp.ui.deck_export import export_deck
from studyapp.ui.deck_list import DeckList
from studyapp.ui.file_drop import importable_paths
from studyapp.ui.import_dialog import ImportDialog
from studyapp.ui.reviewer import Reviewer
from studyapp.ui.session_summary import SessionSummaryView

GEOMETRY_SETTING = "gui.window_geometry"
DEFAULT_SIZE = (960, 680)
MINIMUM_SIZE = (640, 480)


def app_icon() -> QIcon:
    path = resources_dir() / "icons" / "studyapp.png"
    return QIcon(str(path)) if path.is_file() else QIcon()


class MainWindow(QMainWindow):
    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("MainWindow")
        self.setWindowTitle("studyapp")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(*MINIMUM_SIZE)
        self.setAcceptDrops(True)
        # Replaceable so that tests can skip the system's file choosers.
        self.choose_import_file: Callable[[QWidget], Path | None] = dialogs.choose_import_file
        self.choose_export_path: Callable[[QWidget, str], Path | None] = dialogs.choose_export_path
        self.choose_export_deck: Callable[[QWidget, list[str]], str | None] = dialogs.choose_deck
        self.import_dialog: ImportDialog | None = None

        self.deck_list = DeckList()
        self.reviewer = Reviewer(app.media_dir)
        self.summary = SessionSummaryView()
        self.stack = QStackedWidget()
        for page in (self.deck_list, self.reviewer, self.summary):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self.deck_list.study_requested.connect(self.study)
        self.reviewer.back_requested.connect(self.show_decks)
        self.reviewer.finished.connect(self._show_summary)
        self.summary.back_requested.connect(self.show_decks)
        self.summary.undo_requested.connect(self._undo_from_summary)

        self._build_menus()
        self._restore_geometry()
        self.show_decks()

    # -- menus -------------------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_menus(self) -> None:
        self.import_action = self._action("&Import…", "Ctrl+I", self.import_deck)
        self.export_action = self._action("&Export deck…", "Ctrl+E", self.export_deck)
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.shortcuts_action = self._action("&Keyboard shortcuts", "F1", self.show_shortcuts)
        self.about_action = self._action("&About studyapp", None, self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    # -- pages -------------------------------------------------------------------------------------

    def show_decks(self) -> None:
        """The deck list, with fresh counts; the deck last studied stays chosen."""
        studied = self.reviewer.session.deck.id if self.reviewer.session is not None else None
        self.reviewer.session = None
        descriptions = {deck.id: deck.description for deck in self.app.decks()}
        self.deck_list.set_decks(self.app.deck_counts(), descriptions)
        if studied is not None:
            self.deck_list.select_deck(studied)
        self.stack.setCurrentWidget(self.deck_list)
        self.deck_list.focus_table()

    def study(self, deck_id: int) -> None:
        self.stack.setCurrentWidget(self.reviewer)
        self.reviewer.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reviewer.start(self.app.review_session(deck_id))

    def _show_summary(self) -> None:
        session = self.reviewer.session
        if session is None:
            return
        self.summary.show_summary(session.deck.name, session.summary, self.app.clock.now(), self.app.clock.local_zone())
        self.stack.setCurrentWidget(self.summary)
        self.summary.setFocus(Qt.FocusReason.OtherFocusReason)

    def _undo_from_summary(self) -> None:
        if self.reviewer.session is not None and self.reviewer.session.can_undo:
            self.stack.setCurrentWidget(self.reviewer)
            self.reviewer.setFocus(Qt.FocusReason.OtherFocusReason)
            self.reviewer.undo()

    # -- actions -----------------------------------------------------------------------------------

    def import_deck(self) -> None:
        path = self.choose_import_file(self)
        if path is not None:
            self.open_import_dialog(path)

    def open_import_dialog(self, path: Path) -> ImportDialog:
        """The import dialog for ``path``, window-modal; the deck list is refreshed when it closes."""
        if self.import_dialog is not None:
            return self.import_dialog
        dialog = ImportDialog(self.app, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: self._import_dialog_closed(dialog))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _import_dialog_closed(self, dialog: ImportDialog) -> None:
        self.import_dialog = None
        self.activateWindow()  # the keys come back here
        if self.stack.currentWidget() is not self.deck_list:
            return
        self.show_decks()
        deck = self.app.find_deck(dialog.summary.deck) if dialog.summary is not None else None
        if deck is not None:
            self.deck_list.select_deck(deck.id)

    def export_deck(self) -> QMessageBox | None:
        """Export the deck being studied, else the one chosen in the list, else ask which."""
        names = {deck.id: deck.name for deck in self.app.decks()}
        if not names:
            return dialogs.show_message(self, QMessageBox.Icon.Information, "Export", "There is no deck to export.")
        session = self.reviewer.session
        deck_id = session.deck.id if session is not None else self.deck_list.table.current_deck_id()
        name = names.get(deck_id) if deck_id is not None else None
        if name is None:
            name = self.choose_export_deck(self, sorted(names.values()))
        return export_deck(self, self.app, name, self.choose_export_path) if name is not None else None

    # -- dropped files -----------------------------------------------------------------------------

    def _consider_drag(self, event: QDragMoveEvent) -> None:
        if importable_paths(event.mimeData()) and self.import_dialog is None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._consider_drag(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._consider_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = importable_paths(event.mimeData())
        if not paths or self.import_dialog is not None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_import_dialog(paths[0])

    def show_shortcuts(self) -> dialogs.ShortcutsDialog:
        dialog = dialogs.ShortcutsDialog(self)
        dialog.open()
        return dialog

    def show_about(self) -> QMessageBox:
        return dialogs.show_about(self)

    # -- size and position -------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        saved = self.app.setting(GEOMETRY_SETTING)
        if isinstance(saved, str) and self.restoreGeometry(QByteArray.fromHex(saved.encode("ascii"))):
            return
        self.resize(*DEFAULT_SIZE)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            frame = self.frameGeometry()
            frame.moveCenter(screen.availableGeometry().center())
            self.move(frame.topLeft())

    def save_geometry(self) -> None:
        self.app.set_setting(GEOMETRY_SETTING, bytes(self.saveGeometry().toHex().data()).decode("ascii"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_dialog is not None:
            self.import_dialog.reject()  # cancels a running import and waits for its worker
        if self.isVisible():  # a second close of a hidden window has nothing new to save
            self.save_geometry()
        super().closeEvent(event)
