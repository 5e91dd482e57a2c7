"""The Browse window: search box, the card table, bulk actions on the selection, and the note editor.

Actions go through ``services.browser_actions`` (one transaction each, undone with Ctrl+Z); the window
only asks, runs and refreshes. A bad search never opens a dialog: it says what is wrong on one line
under the search box and keeps the last good result.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QWidget,
)

from studyapp.services.app import App
from studyapp.services.browsing.sidebar import Combine, combined
from studyapp.services.notes.browser_actions import BrowserActions, BulkActionError, Change
from studyapp.services.notes.search import SearchError
from studyapp.ui.app.style import theme_for
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.browser import prompts
from studyapp.ui.browser.card_table_model import CardTableModel
from studyapp.ui.browser.column_menu import install_column_menu
from studyapp.ui.browser.editor_pane import EditorPane
from studyapp.ui.browser.panes import Panes
from studyapp.ui.browser.preview import CardPreview
from studyapp.ui.browser.sidebar import Sidebar


class BrowserWindow(QMainWindow):
    closed = Signal()

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("BrowserWindow")
        self.app = app
        self.actions_service = BrowserActions(app.collection, app.clock, app.rng)
        # Replaceable so that tests can answer without the blocking input dialogs.
        self.ask_deck: Callable[[QWidget, list[str]], str | None] = prompts.ask_deck
        self.ask_tags: Callable[[QWidget, str], str | None] = prompts.ask_tags
        self.confirm_box: QMessageBox | None = None

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search: words, field:text, deck:name, tag:name, is:due, is:suspended…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self.run_search)
        self.count_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setVisible(False)
        self.status_label = QLabel()

        self.model = CardTableModel(app, self.palette())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for section, width in enumerate((230, 190, 110, 90, 85, 65, 70, 75, 100, 65, 55)):
            header.resizeSection(section, width)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # "added" order until a header is clicked
        install_column_menu(app, header)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.editor = EditorPane(app)
        self.editor.saved.connect(self._note_saved)
        self.preview = CardPreview(app)
        self.sidebar = Sidebar(app, self.search_box.text)
        self.sidebar.search_requested.connect(self.search_for)
        self.sidebar.message.connect(self._say)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)
        self.panes = Panes(self.sidebar, top, self.error_label, self.table, self.editor, self.preview,
                           self.status_label)  # fmt: skip
        self.setCentralWidget(self.panes.body)
        self._build_actions()
        self.setWindowTitle("Browse")
        remember_geometry(self, app, "browser", (1180, 780))  # within the screen, where it was last
        self.run_search()

    # -- actions -----------------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], object], tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{tip or text.replace('&', '').rstrip('…')} ({shortcut})")
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.change_deck_action = self._action("Change &deck…", "Ctrl+D", self.change_deck)
        self.add_tags_action = self._action("&Add tags…", "Ctrl+Shift+A", self.add_tags)
        self.remove_tags_action = self._action("&Remove tags…", "Ctrl+Alt+Shift+A", self.remove_tags)
        self.suspend_action = self._action("&Suspend", "Ctrl+J", self.toggle_suspend, "Suspend / unsuspend")
        self.bury_action = self._action("&Bury", "Ctrl+Shift+J", self.bury, "Bury until tomorrow")
        self.reset_action = self._action("Reset &progress", "Ctrl+Alt+N", self.reset)
        self.delete_action = self._action("De&lete…", None, self.ask_delete, "Delete the notes")
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        # Delete in the search box or the editor deletes text; only in the table does it mean the notes.
        self.removeAction(self.delete_action)
        self.table.addAction(self.delete_action)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.undo_action = self._action("&Undo", "Ctrl+Z", self.undo)
        self.save_action = self._action("Save note", "Ctrl+S", self.editor.save)
        self._action("Find", "Ctrl+F", self.focus_search)
        self._action("Sidebar", "Ctrl+Shift+R", self.panes.toggle_sidebar)
        self._action("Preview", "Ctrl+Shift+P", self.panes.toggle_preview)
        self._action("Card info", "Ctrl+Shift+I", self.preview.info_button.click)
        self._action("Save current search…", None, self.sidebar.save_current)
        self._action("Close", "Escape", self.close)
        toolbar = self.addToolBar("Actions")
        toolbar.setObjectName("BrowserToolbar")
        toolbar.setMovable(False)
        self.bulk_actions = (
            self.change_deck_action,
            self.add_tags_action,
            self.remove_tags_action,
            self.suspend_action,
            self.bury_action,
            self.reset_action,
            self.delete_action,
        )
        for action in self.bulk_actions:
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        self._update_actions()

    def _update_actions(self) -> None:
        chosen = bool(self.selected_card_ids())
        for action in self.bulk_actions:
            action.setEnabled(chosen)
        label = self.actions_service.undo_label
        self.undo_action.setEnabled(label is not None)
        self.undo_action.setText(f"&Undo {label}" if label else "&Undo")

    # -- searching ---------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def run_search(self) -> bool:
        """Search for what the box says; on a bad query, say why in one line and keep the rows."""
        if not self.editor.save():
            return False
        try:
            self.model.search(self.search_box.text().strip())
        except SearchError as error:
            self._show_error(str(error).splitlines()[0] if str(error) else "that search is not understood")
            return False
        self.error_label.setVisible(False)
        self._after_reload([])
        return True

    def search_for(self, term: str, how: Combine = Combine.REPLACE) -> bool:
        """A sidebar item's search, alone or joined with the one in the box (and/or), run at once."""
        self.search_box.setText(combined(self.search_box.text(), term, how))
        return self.run_search()

    def _note_saved(self, _note_id: int) -> None:
        self.model.forget_rows()
        self.preview.show_card(self.preview.card_id)
        self.sidebar.reload()  # a new tag

    def _say(self, text: str, error: bool) -> None:
        if error:
            self._show_error(text)
        else:
            self.error_label.setVisible(False)
            self.status_label.setText(text)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {theme_for(self.palette()).hard};")
        self.error_label.setVisible(True)

    def _show_count(self) -> None:
        total = self.model.total
        self.count_label.setText(f"{total:,} card{'s' if total != 1 else ''}")
        self.setWindowTitle(f"Browse ({total:,} card{'s' if total != 1 else ''})")

    # -- the selection -----------------------------------------------------------------------------

    def selected_card_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.card_id(row) for row in rows]

    def select_cards(self, card_ids: list[int]) -> None:
        """Select these cards (those still in the result), showing rows down to the last of them."""
        rows = sorted(row for row in (self.model.row_of(card_id) for card_id in card_ids) if row is not None)
        if rows:
            self.model.show_rows(rows[-1] + 1)
        selection = QItemSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(selection, flags)
        if rows:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(self.model.index(rows[0], 0))

    def _selection_changed(self, _selected: object = None, _deselected: object = None) -> None:
        if not self.editor.save():
            return  # the unsaved note stays in the editor with the reason shown: nothing is lost silently
        chosen = self.selected_card_ids()
        self.editor.show_card(chosen[0] if len(chosen) == 1 else None)
        self.preview.show_card(chosen[0] if len(chosen) == 1 else None)
        self._update_actions()
        self.status_label.setText(f"{len(chosen):,} selected" if chosen else "")

    def _after_reload(self, keep: list[int]) -> None:
        self.select_cards(keep)
        self._selection_changed()
        self._show_count()

    # -- bulk actions ------------------------------------------------------------------------------

    def _run(self, act: Callable[[list[int]], Change | None]) -> None:
        chosen = self.selected_card_ids()
        if not chosen or not self.editor.save():
            return
        try:
            change = act(chosen)
        except BulkActionError as error:
            self._show_error(str(error))
            return
        self.error_label.setVisible(False)
        self.model.refresh()
        self._after_reload(chosen)
        if change is not None:
            self.status_label.setText(f"{change.label}: {change.count:,} card{'s' if change.count != 1 else ''}")

    def change_deck(self) -> None:
        if not self.selected_card_ids():
            return
        name = self.ask_deck(self, [deck.name for deck in self.app.decks()])
        if name is not None:
            self._run(lambda ids: self.actions_service.change_deck(ids, name))

    def add_tags(self) -> None:
        text = self.ask_tags(self, "Add tags") if self.selected_card_ids() else None
        if text is not None:
            self._run(lambda ids: self.actions_service.add_tags(ids, [text]))

    def remove_tags(self) -> None:
        text = self.ask_tags(self, "Remove tags") if self.selected_card_ids() else None
        if text is not None:
            self._run(lambda ids: self.actions_service.remove_tags(ids, [text]))

    def toggle_suspend(self) -> None:
        self._run(self.actions_service.toggle_suspended)

    def bury(self) -> None:
        self._run(self.actions_service.bury)

    def reset(self) -> None:
        self._run(self.actions_service.reset)

    def ask_delete(self) -> QMessageBox | None:
        """Ask before deleting the notes of the selected cards (the box opens without blocking)."""
        chosen = self.selected_card_ids()
        if not chosen or self.confirm_box is not None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete notes",
            f"Delete the notes of the {len(chosen):,} selected card{'s' if len(chosen) != 1 else ''}?\n"
            "Ctrl+Z in the browser brings them back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._delete_answered(result, chosen))
        self.confirm_box = box
        box.open()
        return box

    def _delete_answered(self, result: int, chosen: list[int]) -> None:
        self.confirm_box = None
        if result == QMessageBox.StandardButton.Yes:
            self.editor.dirty = False  # the note is going: its unsaved edit goes with it
            self.select_cards(chosen)
            self._run(self.actions_service.delete_notes)

    def undo(self) -> None:
        if not self.editor.save():
            return
        try:
            change = self.actions_service.undo()
        except BulkActionError as error:
            self._show_error(str(error))
            return
        if change is None:
            return
        self.model.refresh()
        self._after_reload(self.selected_card_ids_after_undo(change))
        self.status_label.setText(f"Undone: {change.label}")

    def selected_card_ids_after_undo(self, change: Change) -> list[int]:
        """The cards the undone action was about (restored or changed back), to select them again."""
        ids: list[int] = []
        for snapshot in (*change.reinsert, *change.restore):
            if snapshot.table == "cards":
                ids.extend(row[0] for row in snapshot.rows)
        return ids

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.editor.leave(self.close):  # a note that cannot be saved: asked first, never lost silently
            event.ignore()
            return
        self.closed.emit()
        super().closeEvent(event)
