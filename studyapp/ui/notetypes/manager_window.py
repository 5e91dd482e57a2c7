"""Tools → Note Types…: the collection's note types with their note counts; a fields page and a templates page.

Every change goes through ``services.notetypes.manage`` (one transaction each) and the list is read again after
it. A change that would delete text or cards asks first (a warning naming how many), and only a yes makes it.
What happened, or why nothing did, is one line under the list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.notetypes.model import STOCK, NoteType
from studyapp.services.app import App, StorageError
from studyapp.services.notetypes.manage import Change, ConfirmationNeeded, NotetypeError, NotetypeManager
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.importing.import_worker import one_line
from studyapp.ui.notetypes.fields_page import FieldsPage
from studyapp.ui.notetypes.prompts import ask_text, ask_yes
from studyapp.ui.notetypes.templates_page import TemplatesPage

Action = Callable[[bool], Any]  # called with ``confirm``; returns what the manager returned


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' * (number != 1)}"


class NotetypesWindow(QDialog):
    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NotetypesWindow")
        self.setWindowTitle("Note Types")
        self.app = app
        self.manager = NotetypeManager(app.collection, app.rng, app.clock)
        self.prompt: QWidget | None = None  # the question open now (a name or a yes), for tests
        self.changed = False  # something was stored: the deck list is read again after the window closes

        self.type_list = QListWidget()
        self.type_list.setObjectName("NotetypeList")
        self.type_list.setSpacing(3)
        self.type_list.currentItemChanged.connect(lambda *_: self._show_current())
        self.add_button = QPushButton("&Add")
        self.add_menu = QMenu(self)
        self.add_actions: dict[str, QAction] = {}
        for key, stock in STOCK.items():
            action = self.add_menu.addAction(f"Add: {stock.name}")
            action.triggered.connect(lambda _checked=False, key=key: self.add_stock(key))
            self.add_actions[key] = action
        self.add_menu.addSeparator()
        self.clone_action = self.add_menu.addAction("Clone the chosen type")
        self.clone_action.triggered.connect(lambda _checked=False: self.clone_current())
        self.add_button.setMenu(self.add_menu)
        self.rename_button = QPushButton("&Rename…")
        self.rename_button.clicked.connect(self.rename_current)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Note types"))
        left_layout.addWidget(self.type_list, 1)
        left_layout.addLayout(buttons)

        self.fields_page = FieldsPage(self)
        self.templates_page = TemplatesPage(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.fields_page, "&Fields")
        self.tabs.addTab(self.templates_page, "&Cards")
        self.tabs.currentChanged.connect(lambda _index: self.templates_page.save_if_changed())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 740])
        splitter.setChildrenCollapsible(False)

        self.status = QLabel()
        self.status.setObjectName("NotetypeStatus")
        self.status.setWordWrap(True)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        remember_geometry(self, app, "note_types", (980, 600))  # where it was last, within the screen
        self.reload()

    # -- the list ----------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        """Read the note types and their counts again; keep (or move to) the chosen one."""
        if select is None:
            select = self.current_id()
        self.type_list.blockSignals(True)
        self.type_list.clear()
        chosen = 0
        for row, summary in enumerate(self.manager.overview()):
            text = f"{summary.notetype.name}\n{_count(summary.notes, 'note')}, {_count(summary.cards, 'card')}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, summary.notetype.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, summary.notes)
            self.type_list.addItem(item)
            if summary.notetype.id == select:
                chosen = row
        self.type_list.blockSignals(False)
        if self.type_list.count():
            self.type_list.setCurrentRow(chosen)
        self._show_current()

    def current_id(self) -> int | None:
        item = self.type_list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def current(self) -> NoteType | None:
        notetype_id = self.current_id()
        return None if notetype_id is None else self.app.collection.notetypes.get(notetype_id)

    def select(self, name: str) -> None:
        for row in range(self.type_list.count()):
            if self.type_list.item(row).text().split("\n")[0] == name:
                self.type_list.setCurrentRow(row)
                return

    def _show_current(self) -> None:
        notetype = self.current()
        self.rename_button.setEnabled(notetype is not None)
        self.remove_button.setEnabled(notetype is not None)
        self.clone_action.setEnabled(notetype is not None)
        self.fields_page.set_notetype(notetype)
        self.templates_page.set_notetype(notetype)

    # -- running a change --------------------------------------------------------------------------

    def run(self, action: Action, done: Callable[[Any], str], title: str = "", yes: str = "Delete") -> None:
        """Make a change; if it would lose something, ask (``title``, ``yes``) and make it only on a yes."""
        try:
            result = action(False)
        except ConfirmationNeeded as question:
            self.prompt = ask_yes(
                self,
                title,
                f"{question}.\n\nThis cannot be undone.",
                yes,
                lambda: self.run(lambda _c: action(True), done),
            )
            return
        except (NotetypeError, StorageError) as error:
            self.show_status(one_line(str(error)), error=True)
            return
        self.changed = True
        select = result.notetype.id if isinstance(result, Change) else getattr(result, "id", None)
        self.reload(select)
        self.show_status(done(result))

    def show_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b3261e;" if error else "")
        self.status.setText(text)

    def ask_name(self, title: str, label: str, text: str, on_ok: Callable[[str], object]) -> None:
        self.prompt = ask_text(self, title, label, text, on_ok)

    # -- note types --------------------------------------------------------------------------------

    def add_stock(self, key: str) -> None:
        def add(name: str) -> None:
            self.run(lambda _c: self.manager.add_stock(key, name), lambda nt: f'Added the note type "{nt.name}"')

        default = self.app.collection.notetypes.unique_name(STOCK[key].name)
        self.ask_name("Add note type", f"A new note type like {STOCK[key].name}, called:", default, add)

    def clone_current(self) -> None:
        notetype = self.current()
        if notetype is None:
            return

        def clone(name: str) -> None:
            self.run(lambda _c: self.manager.clone(notetype.id, name), lambda nt: f'Added the note type "{nt.name}"')

        default = self.app.collection.notetypes.unique_name(f"{notetype.name} copy")
        self.ask_name("Clone note type", f"A copy of {notetype.name}, called:", default, clone)

    def rename_current(self) -> None:
        notetype = self.current()
        if notetype is None:
            return

        def rename(name: str) -> None:
            self.run(lambda _c: self.manager.rename(notetype.id, name), lambda ch: f'Renamed to "{ch.notetype.name}"')

        self.ask_name("Rename note type", "New name:", notetype.name, rename)

    def remove_current(self) -> None:
        notetype = self.current()
        if notetype is None:
            return
        used = self.app.collection.notetypes.note_count(notetype.id)
        if used:
            self.show_status(f'"{notetype.name}" is used by {_count(used, "note")}: delete or move them first', True)
            return

        def remove() -> None:
            try:
                self.manager.remove(notetype.id)
            except (NotetypeError, StorageError) as error:
                self.show_status(one_line(str(error)), error=True)
                return
            self.changed = True
            self.reload(-1)
            self.show_status(f'Removed the note type "{notetype.name}"')

        self.prompt = ask_yes(self, "Remove note type", f'Remove the note type "{notetype.name}"? No note uses it.',
                              "Remove", remove)  # fmt: skip

    # -- closing -----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.templates_page.save_if_changed()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.templates_page.save_if_changed()
        super().done(result)
