"""The fields of the chosen note type, in order: add, rename, move up or down, remove (asking when notes have text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from studyapp.core.notetypes.model import NoteType
from studyapp.core.wording import plural

if TYPE_CHECKING:
    from studyapp.ui.notetypes.manager_window import NotetypesWindow


class FieldsPage(QWidget):
    def __init__(self, window: NotetypesWindow) -> None:
        super().__init__()
        self.window_ = window
        self.notetype: NoteType | None = None
        self.field_list = QListWidget()
        self.field_list.setObjectName("FieldList")
        self.field_list.currentRowChanged.connect(lambda _row: self._enable())
        self.note = QLabel(
            "Renaming a field renames it in the card templates too. Moving or removing one changes every note of "
            "this type; removing one whose text some notes hold asks first."
        )
        self.note.setWordWrap(True)
        self.add_button = QPushButton("&Add…")
        self.rename_button = QPushButton("Re&name…")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        self.remove_button = QPushButton("&Delete")
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.remove_button.clicked.connect(self.remove)
        buttons = QVBoxLayout()
        for button in (self.add_button, self.rename_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.field_list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.note)

    def set_notetype(self, notetype: NoteType | None, row: int | None = None) -> None:
        previous = self.field_list.currentRow() if row is None else row
        same = self.notetype is not None and notetype is not None and notetype.id == self.notetype.id
        self.notetype = notetype
        self.field_list.clear()
        if notetype is not None:
            for index, name in enumerate(notetype.field_names):
                self.field_list.addItem(
                    f"{index + 1}. {name}" + ("   (sort field)" if index == notetype.sort_field else "")
                )
            self.field_list.setCurrentRow(min(max(previous, 0), len(notetype.fields) - 1) if same else 0)
        self._enable()

    def _enable(self) -> None:
        row = self.field_list.currentRow()
        count = self.field_list.count()
        chosen = self.notetype is not None and 0 <= row < count
        self.add_button.setEnabled(self.notetype is not None)
        self.rename_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < count - 1)
        self.remove_button.setEnabled(chosen and count > 1)

    def _chosen(self) -> tuple[NoteType, int] | None:
        row = self.field_list.currentRow()
        return None if self.notetype is None or row < 0 else (self.notetype, row)

    def add(self) -> None:
        if self.notetype is None:
            return
        notetype_id = self.notetype.id
        window = self.window_

        def add(name: str) -> None:
            window.run(
                lambda _c: window.manager.add_field(notetype_id, name), lambda ch: f'Added the field "{name.strip()}"'
            )
            self.field_list.setCurrentRow(self.field_list.count() - 1)

        window.ask_name("Add field", "Name of the new field:", "", add)

    def rename(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        notetype, index = chosen
        window = self.window_
        old = notetype.fields[index].name

        def rename(name: str) -> None:
            window.run(
                lambda _c: window.manager.rename_field(notetype.id, index, name),
                lambda ch: f'Renamed the field "{old}" to "{ch.notetype.fields[index].name}" (templates too)',
            )

        window.ask_name("Rename field", f'New name of "{old}":', old, rename)

    def move(self, step: int) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        notetype, index = chosen
        window = self.window_
        name = notetype.fields[index].name
        window.run(
            lambda _c: window.manager.move_field(notetype.id, index, index + step),
            lambda ch: f'Moved "{name}" to place {index + step + 1} ({plural(ch.notes_rewritten, "note")} rewritten)',
        )
        self.field_list.setCurrentRow(index + step)

    def remove(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        notetype, index = chosen
        window = self.window_
        name = notetype.fields[index].name
        window.run(
            lambda confirm: window.manager.remove_field(notetype.id, index, confirm),
            lambda ch: f'Deleted the field "{name}" ({plural(ch.notes_rewritten, "note")} rewritten)',
            title="Delete field",
            yes="Delete field and text",
        )
