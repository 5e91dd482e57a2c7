"""What the deck list's keys and buttons do: new deck, rename, delete (asking first), undo, options.

The deck list only says what was asked (its signals); this answers with the services in
``studyapp.services.decks.deck_ops``, and calls ``refresh`` to show the result. Dialogs open without blocking
(``open()``), and the one last opened is kept in ``dialog`` so that tests can drive it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from studyapp.core.deck_names import quoted
from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.services.settings import collapsed_decks, set_collapsed_decks
from studyapp.ui.app import dialogs
from studyapp.ui.app.deck_name_prompt import DeckNamePrompt, ask_deck_name
from studyapp.ui.decks.deck_list import DeckList

if TYPE_CHECKING:  # the options dialog (and its FSRS panel and charts) is loaded when first opened
    from studyapp.ui.decks.deck_options_dialog import DeckOptionsDialog


class DeckActions(QObject):
    def __init__(self, app: App, deck_list: DeckList, window: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(window)
        self.app = app
        self.deck_list = deck_list
        self.window = window
        self.refresh = refresh
        self.dialog: QDialog | None = None
        self.undo_stack: list[deck_ops.DeletedDecks] = []
        deck_list.collapsed = collapsed_decks(app.collection)
        deck_list.collapsed_changed.connect(lambda names: set_collapsed_decks(app.collection, names))
        deck_list.new_deck_requested.connect(self.new_deck)
        table = deck_list.table
        table.rename_requested.connect(self.rename)
        table.delete_requested.connect(self.delete)
        table.undo_requested.connect(self.undo)
        table.options_requested.connect(self.options)

    def _ask_name(self, title: str, label: str, text: str, use: Callable[[str], None]) -> DeckNamePrompt:
        """The name prompt; ``use`` refusing a name (``DeckNameError``) keeps it open with the name and the reason."""
        dialog = ask_deck_name(self.window, title, label, text, use)
        self.dialog = dialog
        return dialog

    def _refuse(self, title: str, error: Exception) -> QMessageBox:
        return dialogs.show_message(self.window, QMessageBox.Icon.Warning, title, str(error))

    def _select(self, name: str) -> None:
        item = self.deck_list.item_named(name)
        if item is not None:
            self.deck_list.table.setCurrentItem(item)
        self.deck_list.focus_table()

    def new_deck(self) -> DeckNamePrompt:
        """Ask for a name; ``Parent::Child`` makes a subdeck. A bad name keeps the prompt open, saying why."""

        def create(name: str) -> None:
            deck = deck_ops.create_deck(self.app.collection, self.app.rng, self.app.clock, name)
            self.refresh()
            self._select(deck.name)

        return self._ask_name("New deck", "Name (Parent::Child for a subdeck):", "", create)

    def rename(self, old: str | None = None) -> DeckNamePrompt | None:
        old = old or self.deck_list.table.current_name()
        if old is None:
            return None

        def rename(name: str) -> None:
            new = deck_ops.rename_deck(self.app.collection, old, name)
            self.refresh()
            self._select(new)

        return self._ask_name("Rename deck", "New name (its subdecks follow):", old, rename)

    def delete(self, name: str | None = None) -> QMessageBox | None:
        """Ask first, then delete the deck with its subdecks, notes and cards (Ctrl+Z brings them back)."""
        name = name or self.deck_list.table.current_name()
        if name is None:
            return None
        _, cards = deck_ops.deletion_size(self.app.collection, name)
        subdecks = deck_ops.subdeck_count(self.app.collection, name)  # ``name`` may be a parent only by its subdecks
        below = f" and its {subdecks} subdeck{'s' * (subdecks != 1)}" if subdecks else ""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete deck",
            f"Delete {quoted(name)}{below}, with {cards} card{'s' * (cards != 1)}?\n"
            "Their review history is kept. Ctrl+Z in the deck list undoes this.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("DeleteDeckBox")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.accepted.connect(lambda: self._delete_now(name))
        self.dialog = box
        box.open()
        return box

    def _delete_now(self, name: str) -> None:
        try:
            self.undo_stack.append(deck_ops.delete_deck(self.app.collection, name))
        except deck_ops.DeckNameError as error:  # gone already
            self._refuse("Delete deck", error)
        self.refresh()

    def undo(self) -> bool:
        """Bring back the decks deleted last; False when there is nothing to undo."""
        if not self.undo_stack:
            return False
        deleted = self.undo_stack.pop()
        deck_ops.undo_delete(self.app.collection, deleted)
        self.refresh()
        self._select(deleted.name)
        return True

    def options(self, deck_id: int | None = None) -> DeckOptionsDialog | None:
        deck_id = deck_id if deck_id is not None else self.deck_list.table.current_deck_id()
        if deck_id is None:
            return None
        from studyapp.ui.decks.deck_options_dialog import DeckOptionsDialog

        dialog = DeckOptionsDialog(self.app, deck_id, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _result: self._options_closed(deck_id))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _options_closed(self, deck_id: int) -> None:
        self.dialog = None
        self.refresh()
        self.deck_list.select_deck(deck_id)
