"""The note of the selected card, editable in place below the table.

Changes are saved through ``services.notes.update_note`` when the selection moves on, or with Ctrl+S;
a note that cannot be saved (an empty front) says why on one line and keeps the student's text.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studyapp.services.app import App, StorageError
from studyapp.services.notes.notes import NoteError, NoteText, note_of_card, update_note
from studyapp.ui.app.style import theme_for
from studyapp.ui.editing.note_editor import NoteEditor


class EditorPane(QWidget):
    saved = Signal(object)  # the note id

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.note_id: int | None = None
        self._loading = False
        self.dirty = False
        self.editor = NoteEditor()
        self.editor.changed.connect(self._changed)
        self.message = QLabel()
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        self.show_card(None)

    def _changed(self) -> None:
        if not self._loading:
            self.dirty = True

    def show_card(self, card_id: int | None) -> None:
        """Show the note of ``card_id`` (nothing for None); the caller saves the previous one first."""
        note = None
        if card_id is not None:
            try:
                note = note_of_card(self.app.collection, card_id)
            except NoteError:
                note = None
        self._loading = True
        self.note_id = None if note is None else note.id
        if note is None:
            self.editor.set_note("", "", (), False)
        else:
            self.editor.set_note(note.front, note.back, tuple(note.tags.split()), note.html)
        self._loading = False
        self.dirty = False
        self.message.setVisible(False)
        self.setEnabled(note is not None)

    def note_text(self) -> NoteText:
        return self.editor.note_text()

    def save(self) -> bool:
        """Save the note if it changed; False (with the reason shown) if it cannot be saved."""
        if self.note_id is None or not self.dirty:
            return True
        try:
            update_note(self.app.collection, self.app.rng, self.app.clock, self.note_id, self.note_text())
        except (NoteError, StorageError) as error:
            self.message.setText(f"Not saved: {error}")
            self.message.setStyleSheet(f"color: {theme_for(self.palette()).again};")
            self.message.setVisible(True)
            return False
        self.dirty = False
        self.message.setVisible(False)
        self.saved.emit(self.note_id)
        return True
