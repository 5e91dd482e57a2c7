"""Add and Edit by fields: one labelled editor per field of the note type, driven by keys and clicks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.services.app import App
from studyapp.services.notes.adding import deck_named
from studyapp.services.notes.notes import NoteFields, add_note_fields
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.editing.add_dialog import AddDialog
from studyapp.ui.editing.edit_dialog import EditDialog
from tests.conftest import T0

from . import support
from .support import offscreen_dialog_warning, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
FIVE = ("Word", "Meaning", "Example", "Audio", "Notes")


def add_vocab_type(app: App, names: tuple[str, ...] = FIVE, name: str = "Vocab") -> NoteType:
    notetype = NoteType(
        id=app.rng.getrandbits(63),
        name=name,
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(n) for n in names),
        templates=(
            CardTemplate("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"),
            CardTemplate("Use", "{{#Example}}{{Example}}{{/Example}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
        ),
    )
    with app.collection.transaction():
        return app.collection.notetypes.add(notetype, T0)


def open_add(window: MainWindow, qtbot) -> AddDialog:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_A)
    dialog = window.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    return dialog


def close_add(window: MainWindow, qtbot) -> None:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.add_dialog is None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window and QApplication.focusWidget() is not None)


def labels(dialog: AddDialog | EditDialog) -> list[str]:
    return [label.text() for label in dialog.editor.labels]


def type_fields(qtbot, dialog: AddDialog | EditDialog, values: tuple[str, ...]) -> None:  # noqa: ANN001
    """Type each value into the next field, with Tab between them, starting in the first field."""
    dialog.editor.front.setFocus()
    for index, value in enumerate(values):
        if index:
            press(qtbot, Qt.Key.Key_Tab)
        if value:
            qtbot.keyClicks(QApplication.focusWidget(), value)


@offscreen_dialog_warning
def test_add_shows_a_labelled_editor_per_field_and_stores_them_all(
    window: MainWindow, qtbot, app: App, calcinosis_id: int
) -> None:
    vocab = add_vocab_type(app)
    dialog = open_add(window, qtbot)
    assert dialog.notetype.currentText() == "Basic" and labels(dialog) == ["Front", "Back"]
    support.choose(qtbot, dialog.notetype, str(vocab.id))
    assert labels(dialog) == list(FIVE) and len(dialog.editor.fields) == 5
    assert all(isinstance(label, QLabel) and label.buddy() is field
               for label, field in zip(dialog.editor.labels, dialog.editor.fields, strict=True))  # fmt: skip
    assert not dialog.reversed.isVisible() and not dialog.editor.cloze_button.isVisible()
    type_fields(qtbot, dialog, ("Hund", "dog", "Der Hund bellt.", "", "masculine"))
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "de animals")
    assert QApplication.focusWidget() is dialog.editor.tags
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    [note_id] = added
    note = app.collection.notes.get(note_id)
    assert note is not None and note.notetype_id == vocab.id
    assert note.padded(5) == ("Hund", "dog", "Der Hund bellt.", "", "masculine") and note.tags == "de animals"
    assert sorted(app.collection.notes.card_ords([note_id])[note_id]) == [0, 1]  # Example has text: both cards
    assert dialog.status.text() == "Added (2 cards) to Calcinosis."
    assert [field.toPlainText() for field in dialog.editor.fields] == [""] * 5
    assert QApplication.focusWidget() is dialog.editor.front

    close_add(window, qtbot)  # the deck remembers the type
    again = open_add(window, qtbot)
    assert again.notetype.currentText() == "Vocab" and labels(again) == list(FIVE)
    assert again.deck_id() == calcinosis_id


@offscreen_dialog_warning
def test_switching_the_type_keeps_the_text_of_fields_with_the_same_name(window: MainWindow, qtbot, app: App) -> None:
    vocab = add_vocab_type(app, ("Front", "Hint", "Back"), name="Basic (with hints)")
    dialog = open_add(window, qtbot)
    type_fields(qtbot, dialog, ("What is 2+2?", "Four"))
    support.choose(qtbot, dialog.notetype, str(vocab.id))
    assert labels(dialog) == ["Front", "Hint", "Back"]
    assert [f.toPlainText() for f in dialog.editor.fields] == ["What is 2+2?", "", "Four"]
    dialog.editor.field("Hint").setFocus()
    qtbot.keyClicks(dialog.editor.field("Hint"), "two and two")
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    note = app.collection.notes.get(added[0])
    assert note is not None and note.fields == ("What is 2+2?", "two and two", "Four")  # the answer is not lost


@offscreen_dialog_warning
def test_a_cloze_type_gets_the_cloze_helper(window: MainWindow, qtbot, app: App) -> None:
    cloze = app.collection.notetypes.stock("cloze", app.rng, T0)
    dialog = open_add(window, qtbot)
    support.choose(qtbot, dialog.notetype, str(cloze.id))
    assert labels(dialog) == ["Text", "Back Extra"] and dialog.editor.cloze_button.isVisible()
    assert "in Text" in dialog.hint.text() and dialog.hint.isVisible()
    text = dialog.editor.front
    text.setFocus()
    qtbot.keyClicks(text, "Lima is in Peru")
    for _ in range(len("Lima is in Peru")):  # select "Lima" ... by word: Home, then Shift+Right x4
        press(qtbot, Qt.Key.Key_Left)
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Right, SHIFT)
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    press(qtbot, Qt.Key.Key_End)
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Left, SHIFT)
    qtbot.mouseClick(dialog.editor.cloze_button, Qt.MouseButton.LeftButton)
    assert text.toPlainText() == "{{c1::Lima}} is in {{c2::Peru}}"
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert sorted(app.collection.notes.card_ords([added[0]])[added[0]]) == [0, 1]


@offscreen_dialog_warning
def test_a_refused_note_keeps_the_text_and_says_why(window: MainWindow, qtbot, app: App, collection_path) -> None:  # noqa: ANN001
    vocab = add_vocab_type(app)
    dialog = open_add(window, qtbot)
    support.choose(qtbot, dialog.notetype, str(vocab.id))
    before = support.database_fingerprint(collection_path)
    type_fields(qtbot, dialog, ("", "only a meaning"))
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.status.text() == "Not added: the first field (Word) is empty."
    assert dialog.editor.field("Meaning").toPlainText() == "only a meaning"
    assert support.database_fingerprint(collection_path) == before


def vocab_note(app: App, example: str = "Der Baum ist grün.") -> tuple[int, int, NoteType]:
    """A deck "Vocab" with one note of a five-field type; (deck id, note id, type)."""
    vocab = add_vocab_type(app)
    deck = deck_named(app, "Vocab")[0]
    added = add_note_fields(
        app.collection, app.rng, app.clock, deck.id, NoteFields(vocab.id, ("Baum", "tree", example, "", "n."))
    )
    return deck.id, added.note_id, vocab


@offscreen_dialog_warning
def test_e_edits_every_field_by_name_and_keeps_a_card_the_text_no_longer_makes(
    window: MainWindow, qtbot, app: App
) -> None:
    deck_id, note_id, _vocab = vocab_note(app)
    window.show_decks()
    window.deck_list.select_deck(deck_id)
    press(qtbot, Qt.Key.Key_Return)
    reviewer = window.reviewer
    assert reviewer.session is not None and reviewer.session.current is not None
    card_id = reviewer.session.current.id
    press(qtbot, Qt.Key.Key_E)
    dialog = window.edit_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    assert dialog.notetype_label.text() == "Note type: Vocab" and labels(dialog) == list(FIVE)
    assert [f.toPlainText() for f in dialog.editor.fields] == ["Baum", "tree", "Der Baum ist grün.", "", "n."]
    dialog.editor.field("Example").setFocus()
    dialog.editor.field("Example").selectAll()
    press(qtbot, Qt.Key.Key_Delete)  # the "Use" card has no content now
    dialog.editor.field("Notes").setFocus()
    press(qtbot, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(dialog.editor.field("Notes"), " (noun)")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    note = app.collection.notes.get(note_id)
    assert note is not None and note.padded(5) == ("Baum", "tree", "", "", "n. (noun)")
    assert sorted(app.collection.notes.card_ords([note_id])[note_id]) == [0, 1]  # kept, not deleted
    assert dialog.isVisible() and dialog.error.text() == (
        "Saved: 1 card (Use) no longer has content and was kept with its progress."
    )
    press(qtbot, Qt.Key.Key_Return, CTRL)  # read: closes without saving again
    qtbot.waitUntil(lambda: window.edit_dialog is None)
    assert reviewer.session.current.id == card_id
    assert reviewer.session.current.fields[4] == "n. (noun)"


@offscreen_dialog_warning
def test_the_browser_pane_edits_the_fields_by_name(window: MainWindow, qtbot, app: App) -> None:
    _deck_id, note_id, _vocab = vocab_note(app, example="")
    support.press(qtbot, Qt.Key.Key_B, CTRL)
    browser = window.browser
    assert browser is not None
    qtbot.waitExposed(browser)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is browser)
    browser.search_box.setFocus()
    browser.search_box.clear()
    qtbot.keyClicks(browser.search_box, "deck:Vocab")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: browser.model.total == 1)
    browser.table.setFocus()
    browser.table.selectRow(0)
    pane = browser.editor
    assert pane.notetype_label.text() == "Note type: Vocab"
    assert [label.text() for label in pane.editor.labels] == list(FIVE)
    example = pane.editor.field("Example")
    example.setFocus()
    qtbot.keyClicks(example, "Ein Baum.")
    press(qtbot, Qt.Key.Key_S, CTRL)
    note = app.collection.notes.get(note_id)
    assert note is not None and note.padded(5)[2] == "Ein Baum."
    assert sorted(app.collection.notes.card_ords([note_id])[note_id]) == [0, 1]  # the new card is made


@offscreen_dialog_warning
def test_a_type_with_many_fields_fits_1024x640_and_scrolls(window: MainWindow, qtbot, app: App) -> None:
    many = add_vocab_type(app, tuple(f"Field {n}" for n in range(1, 11)), name="Ten")
    dialog = open_add(window, qtbot)
    support.choose(qtbot, dialog.notetype, str(many.id))
    assert dialog.width() <= 1024 and dialog.height() <= 640
    scroll = dialog.editor.scroll
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)
    dialog.editor.front.setFocus()
    for _ in range(9):
        press(qtbot, Qt.Key.Key_Tab)
    last = dialog.editor.fields[-1]
    assert QApplication.focusWidget() is last
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().value() > 0)  # scrolled to the field being typed in
    top = last.mapTo(scroll.viewport(), last.rect().topLeft()).y()
    assert 0 <= top < scroll.viewport().height()
    for button in (dialog.add_button,):
        assert button.isVisible() and button.mapTo(dialog, button.rect().bottomLeft()).y() <= dialog.height()
