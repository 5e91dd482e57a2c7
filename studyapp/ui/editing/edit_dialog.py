"""Edit the note of the card being studied (E while reviewing).

The dialog only changes the note's text and tags (``update_note``); the review session's queue, counts
and undo stack are not touched, and the reviewer redraws the same card afterwards. Ctrl+Enter or Save
saves; Escape cancels without saving anything.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from studyapp.services.app import App, StorageError
from studyapp.services.notes.notes import NoteError, note_of_card, update_note
from studyapp.storage.notes_store import StoredNote
from studyapp.ui.editing.add_dialog import submit_shortcuts
from studyapp.ui.editing.note_editor import NoteEditor


class EditDialog(QDialog):
    saved = Signal(object)  # the StoredNote as saved

    def __init__(self, app: App, card_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("EditDialog")
        self.setWindowTitle("Edit note")
        self.setMinimumWidth(560)
        self.note = note_of_card(app.collection, card_id)
        self.editor = NoteEditor()
        self.editor.set_note(self.note.front, self.note.back, tuple(self.note.tags.split()), self.note.html)
        self.error = QLabel()
        self.error.setObjectName("EditError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save (Ctrl+Enter)")
        save.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        submit_shortcuts(self, self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.editor.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        try:
            updated: StoredNote = update_note(
                self.app.collection, self.app.rng, self.app.clock, self.note.id, self.editor.note_text()
            )
        except (NoteError, StorageError) as error:
            self.error.setText(f"Not saved: {error}.")
            self.error.show()
            return
        self.saved.emit(updated)
        self.accept()
