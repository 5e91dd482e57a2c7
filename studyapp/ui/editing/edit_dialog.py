"""Edit the note of the card being studied (E while reviewing): its fields by name, and its tags.

The note type is shown, not changed here. Saving goes through ``update_note_fields``: the review
session's queue, counts and undo stack are not touched, and the reviewer redraws the same card
afterwards. If the new text makes cards the note did not have, they are added; a card the note no
longer makes is kept with its progress, and the dialog says so before it closes (Save or Ctrl+Enter
again closes it). Escape, Cancel or the window's X close it without saving; if the text was changed, they ask
"Discard the text you typed?" first (Keep editing leaves it as it was).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from studyapp.services.app import App, StorageError
from studyapp.services.browsing.sidebar import collection_tags
from studyapp.services.notes.notes import (
    NoteError,
    editor_field_names,
    note_of_card,
    shown_notetype,
    update_note_fields,
)
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.editing.add_dialog import fit_fields, submit_shortcuts
from studyapp.ui.editing.discard import AsksBeforeDiscarding
from studyapp.ui.editing.note_editor import NoteEditor


class EditDialog(AsksBeforeDiscarding):
    saved = Signal(object)  # the StoredNote as saved

    def __init__(self, app: App, card_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("EditDialog")
        self.setWindowTitle("Edit note")
        self.setMinimumWidth(560)
        self.note = note_of_card(app.collection, card_id)
        notetype = shown_notetype(app.collection, self.note)
        names = editor_field_names(notetype, self.note)
        self.notetype_label = QLabel(f"Note type: {notetype.name}")
        self.notetype_label.setObjectName("NotetypeLabel")
        self.editor = NoteEditor(field_names=names)
        self.editor.set_media_dir(app.media_dir)
        self.editor.tag_completer.set_source(lambda: collection_tags(app.collection))
        self.editor.set_values(self.note.padded(len(names)), tuple(self.note.tags.split()), self.note.html)
        self.editor.changed.connect(self._changed)
        self._dirty = False
        self.error = QLabel()
        self.error.setObjectName("EditError")
        self.error.setWordWrap(True)
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
        layout.addWidget(self.notetype_label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(max(self.minimumWidth(), 640), 420)
        fit_fields(self)
        remember_geometry(self, app, "edit")  # where it was last, within the screen
        self._stored = self._shown()
        self.editor.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def _shown(self) -> tuple[object, ...]:
        return self.editor.note_fields(), self.editor.note_tags()

    def unsaved_text(self) -> bool:
        """The fields or tags differ from what is stored (typing something and deleting it again is no change)."""
        return self._shown() != self._stored

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_fields(self)

    def _changed(self) -> None:
        self._dirty = True

    def save(self) -> None:
        if not self._dirty and self.error.isVisible() and self.error.property("saved"):
            self.accept()  # saved already; the message about the cards has been read
            return
        values, is_html = self.editor.note_fields()
        try:
            edited = update_note_fields(
                self.app.collection, self.app.rng, self.app.clock, self.note.id, values,
                self.editor.note_tags(), is_html,
            )  # fmt: skip
        except (NoteError, StorageError) as error:
            self._show(f"Not saved: {error}.", saved=False)
            return
        self._dirty = False
        self._stored = self._shown()
        self.saved.emit(edited.note)
        if edited.kept_ords:
            self._show(f"Saved: {edited.summary()}.", saved=True)
            return
        self.accept()

    def _show(self, text: str, saved: bool) -> None:
        self.error.setText(text)
        self.error.setProperty("saved", saved)
        self.error.setStyleSheet("color: #2e7d32;" if saved else "color: #c0392b;")
        self.error.show()
