"""Add cards (key A): deck, front, back, tags and "also add the reversed card".

Ctrl+Enter adds and keeps the dialog open for the next note: front and back are cleared, deck and tags
stay, the focus goes back to the front, and a short confirmation says what was added. A front already in
the chosen deck is pointed out as you type (adding it anyway is allowed). Escape closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.app import App, StorageError
from studyapp.services.notes.notes import NoteError, add_note, find_duplicate
from studyapp.ui.editing.note_editor import NoteEditor

CLOZE_HINT = "Cloze: write {{c1::answer}} or {{c1::answer::hint}} in the front; c2, c3… make more cards."
SUBMIT_KEYS = ("Ctrl+Return", "Ctrl+Enter")


def submit_shortcuts(dialog: QDialog, slot: object) -> None:
    """Ctrl+Enter (either Enter key) anywhere in ``dialog`` runs ``slot``."""
    for keys in SUBMIT_KEYS:
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)


class AddDialog(QDialog):
    added = Signal(object)  # the new note's id

    def __init__(self, app: App, deck_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("AddDialog")
        self.setWindowTitle("Add cards")
        self.setMinimumWidth(560)
        self.added_count = 0

        self.deck = QComboBox()
        self.deck.setObjectName("DeckChoice")
        for deck in app.decks():
            self.deck.addItem(deck.name, deck.id)
        if deck_id is not None and self.deck.findData(deck_id) >= 0:
            self.deck.setCurrentIndex(self.deck.findData(deck_id))
        self.deck.currentIndexChanged.connect(lambda _index: self._check_duplicate())

        self.editor = NoteEditor()
        self.editor.changed.connect(self._edited)
        self.reversed = QCheckBox("Also add the reversed card (back → front)")
        self.hint = QLabel(CLOZE_HINT)
        self.hint.setObjectName("KeyHint")
        self.hint.setWordWrap(True)
        self.duplicate = QLabel("A note with this front is already in this deck (you can still add it).")
        self.duplicate.setObjectName("DuplicateWarning")
        self.duplicate.setWordWrap(True)
        self.duplicate.setStyleSheet("color: #b25c00;")
        self.duplicate.hide()
        self.status = QLabel()
        self.status.setObjectName("AddStatus")

        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add this note and start the next (Ctrl+Enter)")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        submit_shortcuts(self, self.add)

        top = QFormLayout()
        top.addRow("Deck", self.deck)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(QLabel("Ctrl+Enter"))
        buttons.addWidget(self.add_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.reversed)
        layout.addWidget(self.duplicate)
        layout.addLayout(buttons)
        self.editor.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def deck_id(self) -> int | None:
        data = self.deck.currentData()
        return int(data) if data is not None else None

    def _edited(self) -> None:
        self.status.clear()
        self._check_duplicate()

    def _check_duplicate(self) -> None:
        deck_id = self.deck_id()
        text = self.editor.note_text()
        found = deck_id is not None and find_duplicate(self.app.collection, deck_id, text.front, text.html) is not None
        self.duplicate.setVisible(found)

    def add(self) -> None:
        """Add the note; keep the dialog open with empty fields for the next one."""
        deck_id = self.deck_id()
        if deck_id is None:
            self._show_status("There is no deck to add to.", error=True)
            return
        text = self.editor.note_text()
        text = type(text)(text.front, text.back, text.tags, text.html, self.reversed.isChecked())
        try:
            added = add_note(self.app.collection, self.app.rng, self.app.clock, deck_id, text)
        except (NoteError, StorageError) as error:
            self._show_status(f"Not added: {error}.", error=True)
            return
        self.added_count += 1
        self.editor.clear_fields()
        cards = len(added.card_ids)
        self._show_status(f"Added ({cards} card{'s' if cards != 1 else ''}) to {self.deck.currentText()}.")
        self.added.emit(added.note_id)

    def _show_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #c0392b;" if error else "color: #2e7d32;")
        self.status.setText(text)
