"""The browser's sidebar: Saved searches, Decks, Note types (with their card templates) and Tags, as a tree.

A click on an item searches for it (``deck:"A::B"``, ``note:"Basic"``, ``tag:x``, a saved query); Ctrl+click
adds it to the search in the box ("and"), Shift+click offers it as an alternative ("or"), as in Anki.
Saved searches are kept in the collection (``services.browsing.sidebar``): "Save current search…" names
the search in the box; a saved one can be renamed or deleted from its context menu.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from studyapp.services.app import App, StorageError
from studyapp.services.browsing.sidebar import (
    Combine,
    Item,
    SavedSearchError,
    delete_search,
    rename_search,
    save_search,
    sidebar_items,
)
from studyapp.ui.app.style import theme_for

SEARCH_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
MIN_WIDTH = 140
DEFAULT_WIDTH = 190


def ask_name(parent: QWidget, title: str, label: str, text: str) -> str | None:
    name, ok = QInputDialog.getText(parent, title, label, text=text)
    return name if ok else None


def _combine(modifiers: Qt.KeyboardModifier) -> Combine:
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return Combine.AND
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return Combine.OR
    return Combine.REPLACE


class Sidebar(QTreeWidget):
    search_requested = Signal(str, object)  # the item's search, Combine
    message = Signal(str, bool)  # a line for the browser to show; True: an error

    def __init__(self, app: App, current_query: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BrowserSidebar")
        self.app = app
        self.current_query = current_query
        self.ask_name: Callable[[QWidget, str, str, str], str | None] = ask_name  # tests answer without blocking
        self._modifiers = Qt.KeyboardModifier.NoModifier
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setMinimumWidth(MIN_WIDTH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.itemClicked.connect(self._clicked)
        self.reload()

    def sizeHint(self):  # noqa: ANN201 - QSize
        hint = super().sizeHint()
        hint.setWidth(DEFAULT_WIDTH)
        return hint

    # -- the tree ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the decks, note types, tags and saved searches again; sections open, deeper items as they were
        (folded at first)."""
        opened = {self._path(item) for item in self._all_items() if item.isExpanded()}
        folded_sections = {self._path(item) for item in self._all_items() if item.parent() is None} - opened
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for section in sidebar_items(self.app.collection):
            top = self._add(None, section)
            top.setFont(0, bold)
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        for item in self._all_items():
            path = self._path(item)
            item.setExpanded(path not in folded_sections if item.parent() is None else path in opened)

    def _add(self, parent: QTreeWidgetItem | None, item: Item) -> QTreeWidgetItem:
        node = QTreeWidgetItem([item.text])
        node.setData(0, SEARCH_ROLE, item.search)
        node.setData(0, KIND_ROLE, item.kind)
        if item.search is not None:
            node.setToolTip(0, f"{item.text}\n{item.search}\nCtrl+click: and; Shift+click: or")
        if item.kind == "save":
            node.setForeground(0, QBrush(QColor(theme_for(self.palette()).muted)))
        if parent is None:
            self.addTopLevelItem(node)
        else:
            parent.addChild(node)
        for child in item.children:
            self._add(node, child)
        return node

    def _all_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    def _path(self, item: QTreeWidgetItem) -> tuple[str, ...]:
        path: list[str] = []
        node: QTreeWidgetItem | None = item
        while node is not None:
            path.append(node.text(0))
            node = node.parent()
        return tuple(reversed(path))

    def find(self, *path: str) -> QTreeWidgetItem | None:
        """The item at ``path`` (section, then names), e.g. ``find("Tags", "anatomy", "heart")``."""
        return next((item for item in self._all_items() if self._path(item) == path), None)

    # -- clicks ------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._modifiers = event.modifiers()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self._modifiers = event.modifiers()
            self._clicked(item)
            return
        super().keyPressEvent(event)

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        search = item.data(0, SEARCH_ROLE)
        modifiers, self._modifiers = self._modifiers, Qt.KeyboardModifier.NoModifier
        if item.data(0, KIND_ROLE) == "save":
            self.save_current()
            return
        if search is None:  # a section heading: fold or unfold it
            item.setExpanded(not item.isExpanded())
            return
        self.search_requested.emit(search, _combine(modifiers))

    # -- saved searches ----------------------------------------------------------------------------

    def menu_for(self, item: QTreeWidgetItem | None) -> QMenu:
        """The context menu of ``item`` (or of the empty space): save the current search; rename or delete
        a saved one."""
        menu = QMenu(self)
        menu.addAction("Save current search…", self.save_current)
        if item is not None and item.data(0, KIND_ROLE) == "saved":
            name = item.text(0)
            menu.addAction("Rename…", lambda: self.rename(name))
            menu.addAction("Delete", lambda: self.delete(name))
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.menu_for(self.itemAt(position)).popup(self.viewport().mapToGlobal(position))

    def save_current(self) -> str | None:
        """Ask for a name and save the search in the box under it; a bad name asks again, the text kept."""
        query = self.current_query().strip()
        text = ""
        while True:
            name = self.ask_name(self, "Save search", f"Save “{query or 'every card'}” as:", text)
            if name is None:
                return None
            try:
                saved = save_search(self.app.collection, name, query)
            except (SavedSearchError, StorageError) as error:
                self.message.emit(f"Not saved: {error}", True)
                text = name
                continue
            self.reload()
            self._select("Saved searches", saved)
            self.message.emit(f"Saved search “{saved}”", False)
            return saved

    def rename(self, old: str) -> str | None:
        text = old
        while True:
            name = self.ask_name(self, "Rename saved search", "New name:", text)
            if name is None or name == old:
                return None
            try:
                renamed = rename_search(self.app.collection, old, name)
            except (SavedSearchError, StorageError) as error:
                self.message.emit(f"Not renamed: {error}", True)
                text = name
                continue
            self.reload()
            self._select("Saved searches", renamed)
            return renamed

    def delete(self, name: str) -> None:
        try:
            delete_search(self.app.collection, name)
        except StorageError as error:
            self.message.emit(f"Not deleted: {error}", True)
            return
        self.reload()
        self.message.emit(f"Deleted the saved search “{name}”", False)

    def _select(self, *path: str) -> None:
        item = self.find(*path)
        if item is not None:
            self.setCurrentItem(item)
