"""The note of the selected card, editable in place below the table: its note type, its fields by name, its tags.

Changes are saved through ``services.notes.update_note_fields`` when the selection moves on, or with Ctrl+S;
a note that cannot be saved (an empty first field) says why on one line and keeps the student's text. Cards
the new text makes are added; a card the note no longer makes is kept, and the line below says so. Closing
the browser saves too (as Anki does); only a note that cannot be saved asks "Discard the text you typed?".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from studyapp.services.app import App, StorageError
from studyapp.services.browsing.sidebar import collection_tags
from studyapp.services.notes.notes import (
    NoteError,
    NoteText,
    editor_field_names,
    note_of_card,
    shown_notetype,
    update_note_fields,
)
from studyapp.services.occlusion.notetype import is_occlusion_type
from studyapp.ui.app.style import theme_for
from studyapp.ui.editing.discard import ask_discard
from studyapp.ui.editing.note_editor import TWO_FIELDS, NoteEditor


class EditorPane(QWidget):
    saved = Signal(object)  # the note id

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.note_id: int | None = None
        self._loading = False
        self.dirty = False
        self.discard_question: QMessageBox | None = None
        self.notetype_label = QLabel()
        self.notetype_label.setObjectName("NotetypeLabel")
        self.card_id: int | None = None
        self.masks = QPushButton("Edit masks…")  # an image occlusion note: its picture, in the occlusion editor
        self.masks.setObjectName("EditMasks")
        self.masks.setAutoDefault(False)
        self.masks.clicked.connect(self.edit_masks)
        self.editor = NoteEditor()
        self.editor.set_media_dir(app.media_dir)
        self.editor.tag_completer.set_source(lambda: collection_tags(app.collection))
        self.editor.changed.connect(self._changed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.notetype_label, 1)
        top.addWidget(self.masks)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
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
        self.card_id = None if note is None else card_id
        self.masks.setVisible(note is not None and is_occlusion_type(shown_notetype(self.app.collection, note)))
        if note is None:
            self.notetype_label.setText("")
            self.editor.set_field_names(TWO_FIELDS)
            self.editor.set_values((), (), False)
        else:
            notetype = shown_notetype(self.app.collection, note)
            names = editor_field_names(notetype, note)
            self.notetype_label.setText(f"Note type: {notetype.name}")
            self.editor.set_field_names(names)
            self.editor.set_values(note.padded(len(names)), tuple(note.tags.split()), note.html)
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
        values, is_html = self.editor.note_fields()
        try:
            edited = update_note_fields(
                self.app.collection, self.app.rng, self.app.clock, self.note_id, values,
                self.editor.note_tags(), is_html,
            )  # fmt: skip
        except (NoteError, StorageError) as error:
            self._say(f"Not saved: {error}", error=True)
            return False
        self.dirty = False
        if edited.kept_ords:
            self._say(f"Saved: {edited.summary()}.", error=False)
        else:
            self.message.setVisible(False)
        self.saved.emit(self.note_id)
        return True

    def leave(self, close: Callable[[], object]) -> bool:
        """Before the browser closes: save; True if nothing is left unsaved. A note that cannot be saved asks
        whether to discard its text, and ``close`` runs again once it is discarded."""
        if self.save():
            return True
        if self.discard_question is None or not self.discard_question.isVisible():
            self.discard_question = ask_discard(self.window(), lambda: self._discard(close), self.message.text())
        return False

    def _discard(self, close: Callable[[], object]) -> None:
        self.dirty = False
        self.discard_question = None
        close()

    def edit_masks(self) -> QWidget | None:
        """The note's masks in the occlusion editor (the fields' edits saved first); shown again once saved."""
        from studyapp.ui.occlusion.launch import open_occlusion

        note_id = self.note_id
        if note_id is None or not self.masks.isVisibleTo(self) or not self.save():
            return None
        dialog = open_occlusion(self.app, self.window(), note_id=note_id)
        dialog.saved.connect(lambda _note: self._masks_saved(note_id))
        return dialog

    def _masks_saved(self, note_id: int) -> None:
        if self.note_id == note_id:
            self.show_card(self.card_id)
        self.saved.emit(note_id)

    def _say(self, text: str, error: bool) -> None:
        theme = theme_for(self.palette())
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.again};" if error else "")
        self.message.setVisible(True)
