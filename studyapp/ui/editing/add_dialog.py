"""Add cards (key A): note type, deck, one editor per field of the type, tags.

The note type starts as the one last added to the chosen deck (else the last one used, else Basic) and
follows the deck when it changes; switching it keeps the text of fields whose names the new type has too.
Basic keeps two shortcuts of the two-field editor: "also add the reversed card", and a first field with
``{{c1::...}}`` making a Cloze note. Ctrl+Enter adds and keeps the dialog open for the next note: the
fields are cleared, type, deck and tags stay, the focus goes back to the first field, and a short
confirmation says what was added. A first field already in the chosen deck is pointed out as you type
(adding it anyway is allowed). Escape, Close or the window's X close it, asking "Discard the text you
typed?" first when a field (or the tags) holds text not added yet. New… beside the deck makes a deck there
and chooses it; with no deck at all, Add asks for the new deck's name and then adds to it.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.deck_names import quoted
from studyapp.core.notetypes.model import BASIC, NoteType, NotetypeKind
from studyapp.core.text.cloze import cloze_numbers
from studyapp.services.app import App, StorageError
from studyapp.services.browsing.sidebar import collection_tags
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.notes.notes import AddedNote, NoteError, NoteFields, NoteText, add_note, find_duplicate
from studyapp.services.notes.notetype_choice import NotetypeChoice, add_note_of_choice, notetype_choices
from studyapp.services.settings import notetype_for_deck, remember_notetype
from studyapp.ui.app.deck_name_prompt import DeckNamePrompt, ask_deck_name
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.editing.discard import AsksBeforeDiscarding
from studyapp.ui.editing.note_editor import NoteEditor

CLOZE_HINT = "Cloze: write {{c1::answer}} or {{c1::answer::hint}} in the front; c2, c3… make more cards."
CLOZE_TYPE_HINT = (
    "Write {{c1::answer}} or {{c1::answer::hint}} in {field}; c2, c3… make more cards. "
    "Ctrl+Shift+C makes the selection the next deletion."
)
BASIC_PLACEHOLDERS = {"Front": "Question, or a sentence with {{c1::a cloze}}", "Back": "Answer"}


def is_plain_basic(notetype: NoteType) -> bool:
    """The stock Basic type with its two fields: the one that keeps the reversed and cloze shortcuts."""
    return notetype.stock == BASIC and notetype.field_names == ("Front", "Back")


SUBMIT_KEYS = ("Ctrl+Return", "Ctrl+Enter")


MAX_HEIGHT = 600  # a dialog fits a 1024x640 screen with its title bar; more fields scroll


def fit_fields(dialog: QDialog) -> None:
    """Make ``dialog`` tall enough for its editor's fields (never shorter, never over ``MAX_HEIGHT`` or the screen),
    and keep it on the screen."""
    editor = getattr(dialog, "editor", None)
    layout = dialog.layout()
    if editor is None or layout is None:
        return
    layout.activate()
    screen = dialog.screen().availableGeometry()
    frame = max(dialog.frameGeometry().height() - dialog.height(), 0)
    wanted = dialog.height() + editor.wanted_height()
    if wanted > dialog.height():
        dialog.resize(dialog.width(), min(wanted, MAX_HEIGHT, screen.height() - frame))
    placed = dialog.frameGeometry()
    if dialog.isVisible() and not screen.contains(placed):  # grown past the screen's edge: back inside it
        x = max(screen.left(), min(placed.x(), screen.right() - placed.width() + 1))
        y = max(screen.top(), min(placed.y(), screen.bottom() - placed.height() + 1))
        dialog.move(x, y)


def submit_shortcuts(dialog: QDialog, slot: object) -> None:
    """Ctrl+Enter (either Enter key) anywhere in ``dialog`` runs ``slot``."""
    for keys in SUBMIT_KEYS:
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)


NO_DECK = "No deck yet: New… makes one, or Add asks for its name."


class AddDialog(AsksBeforeDiscarding):
    added = Signal(object)  # the new note's id

    def __init__(self, app: App, deck_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("AddDialog")
        self.setWindowTitle("Add cards")
        self.setMinimumWidth(560)
        self.added_count = 0
        self.decks_made = 0
        self.name_prompt: DeckNamePrompt | None = None

        self.choices = notetype_choices(app.collection)
        self.notetype = QComboBox()
        self.notetype.setObjectName("NotetypeChoice")
        for choice in self.choices:
            self.notetype.addItem(choice.name, choice.key)
        self.notetype.setToolTip("The note type: its fields and the cards they make")
        self.deck = QComboBox()
        self.deck.setObjectName("DeckChoice")
        for deck in app.decks():
            self.deck.addItem(deck.name, deck.id)
        if deck_id is not None and self.deck.findData(deck_id) >= 0:
            self.deck.setCurrentIndex(self.deck.findData(deck_id))
        self.deck.setPlaceholderText("No deck yet")
        self.deck.currentIndexChanged.connect(lambda _index: self._deck_changed())
        self.new_deck_button = QPushButton("New…")
        self.new_deck_button.setObjectName("NewDeckButton")
        self.new_deck_button.setToolTip("Make a new deck and add to it")
        self.new_deck_button.setAutoDefault(False)
        self.new_deck_button.clicked.connect(lambda: self.new_deck())

        self.editor = NoteEditor()
        self.editor.set_media_dir(app.media_dir)
        self.editor.tag_completer.set_source(lambda: collection_tags(app.collection))
        self.editor.changed.connect(self._edited)
        self.reversed = QCheckBox("Also add the reversed card (back → front)")
        self.hint = QLabel(CLOZE_HINT)
        self.hint.setObjectName("KeyHint")
        self.hint.setWordWrap(True)
        self.duplicate = QLabel("A note with this first field is already in this deck (you can still add it).")
        self.duplicate.setObjectName("DuplicateWarning")
        self.duplicate.setWordWrap(True)
        self.duplicate.setStyleSheet("color: #b25c00;")
        self.duplicate.hide()
        self.status = QLabel()
        self.status.setObjectName("AddStatus")
        self.status.setWordWrap(True)
        self.occlusion = QPushButton("Image Occlusion…")  # an image occlusion type is made on its picture
        self.occlusion.setObjectName("OpenOcclusion")
        self.occlusion.setToolTip("Open or paste a picture and draw the masks its cards hide")
        self.occlusion.setAutoDefault(False)
        self.occlusion.clicked.connect(self.open_occlusion)

        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add this note and start the next (Ctrl+Enter)")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        submit_shortcuts(self, self.add)

        top = QHBoxLayout()
        top.setSpacing(8)
        type_label = QLabel("&Type")
        type_label.setBuddy(self.notetype)
        deck_label = QLabel("&Deck")
        deck_label.setBuddy(self.deck)
        for label in (type_label, deck_label):  # never squeezed by a long note type or deck name
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            label.ensurePolished()  # room for the last glyph's overhang too (the "e" of Type was cut)
            label.setMinimumWidth(label.sizeHint().width() + 4)
        for combo in (self.notetype, self.deck):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        top.addWidget(type_label)
        top.addWidget(self.notetype, 1)
        top.addSpacing(12)
        top.addWidget(deck_label)
        top.addWidget(self.deck, 1)
        top.addWidget(self.new_deck_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.occlusion)
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
        self._choose_notetype(notetype_for_deck(app.collection, self.deck_id()))
        self.notetype.currentIndexChanged.connect(lambda _index: self._notetype_changed())
        self._notetype_changed()
        self.resize(max(self.minimumWidth(), 640), 420)
        fit_fields(self)
        remember_geometry(self, app, "add")  # where it was last, within the screen
        self._kept_tags = self.editor.note_tags()  # tags stay after an add: only new ones are unsaved text
        if self.deck.count() == 0:
            self._show_status(NO_DECK, hint=True)
        self.editor.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def unsaved_text(self) -> bool:
        """A field holds text, or the tags were changed, since the dialog opened or the last note was added."""
        values, _is_html = self.editor.note_fields()
        return any(value.strip() for value in values) or self.editor.note_tags() != self._kept_tags

    def new_deck(self, then_add: bool = False) -> DeckNamePrompt:
        """Ask for a new deck's name (a bad one keeps the prompt open, saying why); the deck is made and chosen,
        and with ``then_add`` the note is added to it."""

        def create(name: str) -> None:
            deck = create_deck(self.app.collection, self.app.rng, self.app.clock, name)
            self.decks_made += 1
            self.deck.blockSignals(True)
            self.deck.clear()
            for each in self.app.decks():
                self.deck.addItem(each.name, each.id)
            self.deck.blockSignals(False)
            self.deck.setCurrentIndex(self.deck.findData(deck.id))
            self._deck_changed()
            self._show_status(f"Deck {quoted(deck.name)} made.")
            if then_add:
                self.add()

        prompt = ask_deck_name(self, "New deck", "Name of the new deck (Parent::Child for a subdeck):", "", create)
        prompt.finished.connect(lambda _result: self._back_from_prompt())
        self.name_prompt = prompt
        return prompt

    def _back_from_prompt(self) -> None:
        self.name_prompt = None
        self.activateWindow()
        self.editor.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_fields(self)

    def deck_id(self) -> int | None:
        data = self.deck.currentData()
        return int(data) if data is not None else None

    def choice(self) -> NotetypeChoice:
        return self.choices[max(0, self.notetype.currentIndex())]

    def _choose_notetype(self, notetype_id: int | None) -> None:
        """Select the note type ``notetype_id`` if offered, else Basic (the first choice if even that is missing)."""
        index = self.notetype.findData(str(notetype_id)) if notetype_id is not None else -1
        if index < 0:
            index = next((i for i, c in enumerate(self.choices) if is_plain_basic(c.notetype)), -1)
        if index < 0:
            index = next((i for i, c in enumerate(self.choices) if c.stock_key == BASIC), 0)
        self.notetype.setCurrentIndex(index)

    def _deck_changed(self) -> None:
        remembered = notetype_for_deck(self.app.collection, self.deck_id())
        if remembered is not None and self.notetype.findData(str(remembered)) >= 0:
            self._choose_notetype(remembered)
        self._check_duplicate()

    def _notetype_changed(self) -> None:
        notetype = self.choice().notetype
        self.editor.set_field_names(notetype.field_names)
        plain_basic = is_plain_basic(notetype)
        self.editor.set_placeholders(BASIC_PLACEHOLDERS if plain_basic else {})
        self.editor.set_cloze(notetype.is_cloze or plain_basic)  # Basic: a {{c1::}} front makes a Cloze note
        self.reversed.setVisible(plain_basic)
        if not plain_basic:
            self.reversed.setChecked(False)
        if notetype.is_cloze:
            self.hint.setText(CLOZE_TYPE_HINT.format(field=notetype.field_names[0] if notetype.fields else "the text"))
        elif plain_basic:
            self.hint.setText(CLOZE_HINT)
        self.hint.setVisible(notetype.is_cloze or plain_basic)
        occlusion = notetype.kind is NotetypeKind.IMAGE_OCCLUSION
        self.occlusion.setVisible(occlusion)
        if occlusion:
            self.hint.setText("Image occlusion notes are drawn on their picture: Image Occlusion… opens the editor.")
        self._check_duplicate()
        fit_fields(self)

    def _edited(self) -> None:
        if self.deck.count() > 0:  # with no deck, the way to make one stays in view
            self.status.clear()
        self._check_duplicate()

    def _check_duplicate(self) -> None:
        deck_id = self.deck_id()
        values, is_html = self.editor.note_fields()
        found = deck_id is not None and find_duplicate(self.app.collection, deck_id, values[0], is_html) is not None
        self.duplicate.setVisible(found)

    def add(self) -> None:
        """Add the note; keep the dialog open with empty fields for the next one."""
        deck_id = self.deck_id()
        if deck_id is None:  # no deck yet: make one here, then add to it (what was typed stays meanwhile)
            self._show_status("Name a deck for this note.", hint=True)
            self.new_deck(then_add=True)
            return
        choice = self.choice()
        values, is_html = self.editor.note_fields()
        tags = self.editor.note_tags()
        try:
            if is_plain_basic(choice.notetype) and (self.reversed.isChecked() or cloze_numbers(values[0])):
                text = NoteText(values[0], values[1], tags, is_html, self.reversed.isChecked())
                added: AddedNote = add_note(self.app.collection, self.app.rng, self.app.clock, deck_id, text)
                notetype_id = choice.notetype.id
            else:
                note = NoteFields(choice.notetype.id, values, tags, is_html)
                added, notetype = add_note_of_choice(
                    self.app.collection, self.app.rng, self.app.clock, deck_id, choice, note
                )
                notetype_id = notetype.id
        except (NoteError, StorageError) as error:
            self._show_status(f"Not added: {error}.", error=True)
            return
        if notetype_id:
            with contextlib.suppress(StorageError):  # only the next starting choice is lost; the note is saved
                remember_notetype(self.app.collection, deck_id, notetype_id)
        if choice.stock_key is not None:  # the stock type is in the collection now: offer it as such
            self._refresh_choices(notetype_id)
        self.added_count += 1
        self.editor.clear_fields()
        self._kept_tags = self.editor.note_tags()
        cards = len(added.card_ids)
        self._show_status(f"Added ({cards} card{'s' if cards != 1 else ''}) to {self.deck.currentText()}.")
        self.added.emit(added.note_id)

    def open_occlusion(self) -> QDialog:
        """The image occlusion editor for the chosen deck; what it adds counts as added here."""
        from studyapp.ui.occlusion.launch import open_occlusion

        dialog = open_occlusion(self.app, self, self.deck_id())
        dialog.added.connect(self._occlusion_added)
        return dialog

    def _occlusion_added(self, note_id: int) -> None:
        self.added_count += 1
        self.added.emit(note_id)

    def _refresh_choices(self, notetype_id: int) -> None:
        self.choices = notetype_choices(self.app.collection)
        self.notetype.blockSignals(True)
        self.notetype.clear()
        for choice in self.choices:
            self.notetype.addItem(choice.name, choice.key)
        self._choose_notetype(notetype_id)
        self.notetype.blockSignals(False)
        self._notetype_changed()

    def _show_status(self, text: str, error: bool = False, hint: bool = False) -> None:
        self.status.setStyleSheet("" if hint else "color: #c0392b;" if error else "color: #2e7d32;")
        self.status.setText(text)
