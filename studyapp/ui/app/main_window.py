"""The one main window: deck list, reviewer and session summary in a stack, with the menus.

The window receives the ``App`` it works on; it keeps no state of its own beyond the current
session, and stores its size and position in the collection's settings. Files dropped on it open
the import dialog.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
)
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QStackedWidget, QWidget

from studyapp.services.app import App, StorageError
from studyapp.services.decks.tree import deck_tree
from studyapp.services.review.custom_study import leftover
from studyapp.services.review.quiz import remember_mode, remembered_mode
from studyapp.services.settings import load_settings
from studyapp.services.stats.streak import study_days, study_days_line
from studyapp.ui.app import dialogs
from studyapp.ui.app.file_drop import importable_paths
from studyapp.ui.app.main_menus import build_menus
from studyapp.ui.app.settings_dialog import SettingsDialog, apply_settings
from studyapp.ui.app.study_keys import StudyKeys
from studyapp.ui.app.welcome import WelcomePanel
from studyapp.ui.app.window_geometry import (  # noqa: F401 - GEOMETRY_SETTING and DEFAULT_SIZE: part of this module's API
    DEFAULT_SIZE,
    GEOMETRY_SETTING,
    MINIMUM_SIZE,
    app_icon,
    restore_geometry,
    save_geometry,
)
from studyapp.ui.decks.deck_export import PathChooser, choose_export, export_deck
from studyapp.ui.decks.deck_list import DeckList
from studyapp.ui.decks.deck_tree import DeckActions
from studyapp.ui.maintenance.backups_dialog import BackupControl
from studyapp.ui.review.reviewer import Reviewer
from studyapp.ui.review.session_summary import SessionSummaryView
from studyapp.ui.sync.sync_control import SyncControl

_Dialog = TypeVar("_Dialog", bound=QDialog)

if TYPE_CHECKING:  # windows and dialogs are loaded when first opened (a faster start)
    from studyapp.ui.browser.browser_window import BrowserWindow
    from studyapp.ui.editing.add_dialog import AddDialog
    from studyapp.ui.editing.edit_dialog import EditDialog
    from studyapp.ui.importing.import_dialog import ImportDialog
    from studyapp.ui.stats.stats_window import StatsWindow


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
        self.choose_export_path: PathChooser = choose_export  # the save dialog, with the history checkbox
        self.choose_export_deck: Callable[[QWidget, list[str]], str | None] = dialogs.choose_deck
        self.import_dialog: ImportDialog | None = None
        self.has_closed = False  # once closed, a dialog still finishing (its worker stopping) reports to no one
        self.add_dialog: AddDialog | None = None
        self.edit_dialog: EditDialog | None = None
        self.browser: BrowserWindow | None = None
        self.stats_window: StatsWindow | None = None

        self.deck_list = DeckList()
        self.reviewer = Reviewer(app.media_dir)
        self.reviewer.sounds.deck_options = lambda deck_id: getattr(app.collection.decks.get(deck_id), "options", None)
        self.summary = SessionSummaryView()
        self.stack = QStackedWidget()
        for page in (self.deck_list, self.reviewer, self.summary):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self.deck_list.study_requested.connect(self.study)
        self.deck_list.mode_lookup = lambda deck_id: remembered_mode(app.collection, deck_id)
        self.deck_list.mode_chosen.connect(lambda deck_id, mode: remember_mode(app.collection, deck_id, mode))
        self.reviewer.back_requested.connect(self.show_decks)
        self.reviewer.edit_requested.connect(self.edit_card)
        self.reviewer.mode_chosen.connect(lambda deck_id, mode: remember_mode(app.collection, deck_id, mode))
        self.reviewer.finished.connect(self._show_summary)
        self.summary.back_requested.connect(self.show_decks)
        self.summary.undo_requested.connect(self._undo_from_summary)
        self.summary.custom_study_requested.connect(self.custom_study)
        self.deck_actions = DeckActions(app, self.deck_list, self, self.show_decks)
        self.welcome = WelcomePanel()  # first start: until the first answer
        self.deck_list.column_layout.insertWidget(1, self.welcome)
        self.welcome.import_requested.connect(self.import_deck)
        self.welcome.sample_requested.connect(self._study_sample)
        apply_settings(load_settings(app.collection), [self.reviewer.card_view], start_up=True)

        self.backups = BackupControl(app, self)  # every 30 minutes of use when something changed, and on close
        self.backups.restored.connect(self._collection_restored)
        build_menus(self)
        self.sync = SyncControl(self, self._collection_restored)  # Y, the Sync button, Tools → Sync settings…
        self.study_keys = StudyKeys(self.stack, self.reviewer, self.actions())  # A, S, Y: not while studying
        self._restore_geometry()
        self.show_decks()
        self.sync.sync_on_open()

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.app, [self.reviewer.card_view], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self.show_decks() if self.stack.currentWidget() is self.deck_list else None)
        dialog.open()
        return dialog

    # -- pages -------------------------------------------------------------------------------------

    def show_decks(self) -> None:
        """The deck list, with fresh counts; the deck last studied stays chosen."""
        studied = self.reviewer.session.deck.id if self.reviewer.session is not None else None
        self.reviewer.session = None
        descriptions = {deck.id: deck.description for deck in self.app.decks()}
        self.deck_list.set_decks(deck_tree(self.app.collection, self.app.clock), descriptions)
        days = study_days(self.app)
        self.deck_list.set_study_days(study_days_line(days))
        self.welcome.setVisible(not days.ever_answered)
        if studied is not None:
            self.deck_list.select_deck(studied)
        self.stack.setCurrentWidget(self.deck_list)
        self.deck_list.focus_table()

    def _study_sample(self) -> None:
        deck = self.app.find_deck("Calcinosis") or next(iter(self.app.decks()), None)
        if deck is not None:
            self.study(deck.id)

    def study(self, deck_id: int) -> None:
        self.stack.setCurrentWidget(self.reviewer)
        self.reviewer.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reviewer.start(self.app.review_session(deck_id))

    def _show_summary(self) -> None:
        session = self.reviewer.session
        if session is None:
            return
        left = leftover(self.app.collection, session.deck.id, self.app.clock)
        clock = self.app.clock
        self.summary.show_summary(
            session.deck.name, session.summary, clock.now(), clock.local_zone(), session.can_undo, left
        )
        self.stack.setCurrentWidget(self.summary)
        self.summary.setFocus(Qt.FocusReason.OtherFocusReason)

    def custom_study(self) -> QDialog | None:
        """Custom study of the deck studied or chosen; the dialog starts the session it makes."""
        session = self.reviewer.session
        deck_id = session.deck.id if session is not None else self.deck_list.table.current_deck_id()
        if deck_id is None or self.app.collection.decks.get(deck_id) is None:
            return None
        from studyapp.ui.decks.custom_study_dialog import CustomStudyDialog

        dialog = CustomStudyDialog(self.app, deck_id, self)
        dialog.study.connect(lambda made: (self.stack.setCurrentWidget(self.reviewer), self.reviewer.start(made)))
        return self._open_modal(dialog, lambda _dialog: self.stack.currentWidget().setFocus())

    def _undo_from_summary(self) -> None:
        if self.reviewer.session is not None and self.reviewer.session.can_undo:
            self.stack.setCurrentWidget(self.reviewer)
            self.reviewer.setFocus(Qt.FocusReason.OtherFocusReason)
            self.reviewer.undo()

    # -- actions -----------------------------------------------------------------------------------

    def add_cards(self) -> AddDialog:
        """The Add dialog (A), on the deck being studied or chosen; the deck counts refresh when it closes."""
        if self.add_dialog is not None:
            return self.add_dialog
        session = self.reviewer.session
        deck_id = session.deck.id if session is not None else self.deck_list.table.current_deck_id()
        from studyapp.ui.editing.add_dialog import AddDialog

        self.add_dialog = self._open_modal(AddDialog(self.app, deck_id, self), self._add_dialog_closed)
        return self.add_dialog

    def _open_modal(self, dialog: _Dialog, on_closed: Callable[[_Dialog], None]) -> _Dialog:
        """Show a window-modal dialog that deletes itself when closed and reports back then, unless the window has
        closed meanwhile (a Check Collection cancelled as the window closes stops later, when the collection may
        be closed too: there is no deck list to refresh)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: None if self.has_closed else on_closed(dialog))
        dialog.open()
        return dialog

    def _add_dialog_closed(self, dialog: AddDialog) -> None:
        self.add_dialog = None
        self.activateWindow()
        if self.stack.currentWidget() is self.deck_list and (dialog.added_count or dialog.decks_made):
            chosen = dialog.deck_id()
            self.show_decks()
            if chosen is not None:
                self.deck_list.select_deck(chosen)

    def edit_card(self, card_id: int) -> QDialog | None:
        """Edit the note of the card being studied (E); the reviewer redraws it, the session goes on."""
        if self.edit_dialog is not None:
            return self.edit_dialog
        from studyapp.ui.occlusion.launch import occlusion_note

        if (note_id := occlusion_note(self.app, card_id)) is not None:  # its masks, in the occlusion editor
            return self.open_occlusion(note_id=note_id, card_id=card_id)
        from studyapp.ui.editing.edit_dialog import EditDialog

        dialog = EditDialog(self.app, card_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.saved.connect(lambda note: self._card_edited(card_id, note))
        dialog.finished.connect(lambda _result: self._edit_dialog_closed())
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def _card_edited(self, card_id: int, note: object) -> None:
        session = self.reviewer.session
        if session is None or session.current is None or session.current.id != card_id:
            return
        fields = {name: getattr(note, name) for name in ("front", "back", "kind", "html")}
        current = session.current
        fields["fields"] = note.padded(len(current.fields)) if current.fields else ()  # type: ignore[attr-defined]
        fields["tags"] = tuple(note.tags.split())  # type: ignore[attr-defined]
        self.reviewer.show_edited(dataclasses.replace(current, **fields))

    def _edit_dialog_closed(self) -> None:
        self.edit_dialog = None
        self.activateWindow()
        if self.stack.currentWidget() is self.reviewer:
            self.reviewer.setFocus(Qt.FocusReason.OtherFocusReason)

    def import_deck(self) -> None:
        path = self.choose_import_file(self)
        if path is not None:
            self.open_import_dialog(path)

    def open_import_dialog(self, path: Path) -> ImportDialog:
        """The import dialog for ``path``, window-modal; the deck list is refreshed when it closes."""
        if self.import_dialog is not None:
            return self.import_dialog
        from studyapp.ui.importing.import_dialog import ImportDialog

        self.import_dialog = self._open_modal(ImportDialog(self.app, path, self), self._import_dialog_closed)
        return self.import_dialog

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

    def open_browser(self) -> BrowserWindow:
        """The card browser (one at a time); the deck list's counts are refreshed when it closes."""
        from studyapp.ui.browser.browser_window import BrowserWindow

        if self.browser is None:
            self.browser = BrowserWindow(self.app, self)
            self.browser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.browser.closed.connect(self._browser_closed)
        self.browser.show()
        self.browser.activateWindow()
        return self.browser

    def open_stats(self) -> StatsWindow:
        """The statistics (one window at a time), for the deck being studied or chosen."""
        from studyapp.ui.stats.stats_window import StatsWindow

        if self.stats_window is None:
            session = self.reviewer.session
            deck_id = session.deck.id if session is not None else self.deck_list.table.current_deck_id()
            deck = self.app.collection.decks.get(deck_id) if deck_id is not None else None
            self.stats_window = StatsWindow(self.app, self, deck.name if deck is not None else None)
            self.stats_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.stats_window.closed.connect(self._stats_closed)
        self.stats_window.show()
        self.stats_window.activateWindow()
        return self.stats_window

    def check_collection(self) -> QDialog:
        """Tools → Check Collection…: checks at once, off the UI thread; the deck list is refreshed after it."""
        from studyapp.ui.maintenance.check_dialog import CheckDialog

        def closed(_dialog: QDialog) -> None:
            if self.stack.currentWidget() is self.deck_list:
                self.show_decks()

        return self._open_modal(CheckDialog(self.app, self), closed)

    def open_notetypes(self) -> QDialog:
        """Tools → Note Types…: fields, card templates and styling; the deck list is read again after it."""
        from studyapp.ui.notetypes.manager_window import NotetypesWindow

        def closed(dialog: NotetypesWindow) -> None:
            if dialog.changed and self.stack.currentWidget() is self.deck_list:
                self.show_decks()

        return self._open_modal(NotetypesWindow(self.app, self), closed)

    def open_occlusion(self, note_id: int | None = None, card_id: int | None = None) -> QDialog:
        """Tools → Image Occlusion…: a new note for the deck chosen, or (from E) the note of the card studied."""
        from studyapp.ui.occlusion.launch import open_occlusion

        session = self.reviewer.session
        deck_id = session.deck.id if session is not None else self.deck_list.table.current_deck_id()
        dialog = open_occlusion(self.app, self, deck_id, note_id, lambda d: self._occlusion_closed(d.added_count))
        if card_id is not None:
            dialog.saved.connect(lambda note: self._card_edited(card_id, note))
        return dialog

    def _occlusion_closed(self, added: int) -> None:
        self.activateWindow()
        if self.stack.currentWidget() is self.reviewer:
            self.reviewer.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.stack.currentWidget() is self.deck_list and added:
            self.show_decks()

    def _collection_restored(self) -> None:
        """A backup was restored: what showed the old content closes or is read again; undo starts afresh."""
        for window in (self.browser, self.stats_window):
            if window is not None:
                window.close()
        self.deck_actions.undo_stack.clear()
        self.show_decks()

    def _stats_closed(self) -> None:
        self.stats_window = None

    def _browser_closed(self) -> None:
        self.browser = None
        if self.stack.currentWidget() is self.deck_list:
            self.show_decks()

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
        restore_geometry(self, self.app)

    def save_geometry(self) -> None:
        save_geometry(self, self.app)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.sync.defer_close(event):  # "sync on close": the close comes again once the sync has ended
            return
        if self.import_dialog is not None:
            self.import_dialog.reject()  # cancels a running import and waits for its worker
        self.reviewer.sounds.close()  # stops the audio and its thread, releases the sound device
        if self.isVisible():  # a second close of a hidden window has nothing new to save
            try:
                self.save_geometry()
            except StorageError as error:  # the window still closes: its size is all that is lost
                print(f"studyapp: {error}", file=sys.stderr)
            self.backups.on_close()
        self.has_closed = True
        super().closeEvent(event)
