"""Adding cards (A, Ctrl+Enter) and editing the card being studied (E), driven by the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.editing.add_dialog import AddDialog
from studyapp.ui.editing.edit_dialog import EditDialog

from . import support
from .support import offscreen_dialog_warning, press

CTRL = Qt.KeyboardModifier.ControlModifier


def open_add(window: MainWindow, qtbot) -> AddDialog:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_A)
    dialog = window.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    return dialog


def type_note(qtbot, dialog: AddDialog, front: str, back: str, tags: str = "") -> None:  # noqa: ANN001
    qtbot.keyClicks(dialog.editor.front, front)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), back)
    if tags:
        press(qtbot, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), tags)


def notes_with_front(app: App, deck_id: int, front: str) -> list[int]:
    return [note_id for note_id, text in app.collection.notes.fronts_in_deck(deck_id) if text == front]


@offscreen_dialog_warning
def test_ctrl_enter_adds_and_keeps_the_dialog_open(window: MainWindow, qtbot, app: App, calcinosis_id: int) -> None:
    dialog = open_add(window, qtbot)
    assert dialog.deck_id() == calcinosis_id
    type_note(qtbot, dialog, "What is pi?", "About 3.14", "maths  quiz")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    [note_id] = notes_with_front(app, calcinosis_id, "What is pi?")
    note = app.collection.notes.get(note_id)
    assert note is not None
    assert (note.back, note.tags, note.html) == ("About 3.14", "maths quiz", False)
    assert dialog.isVisible() and window.add_dialog is dialog
    assert dialog.editor.front.toPlainText() == "" and dialog.editor.back.toPlainText() == ""
    assert dialog.editor.tags.text() == "maths  quiz"
    assert QApplication.focusWidget() is dialog.editor.front
    assert dialog.status.text().startswith("Added")
    total = next(c.total for c in app.deck_counts() if c.deck_id == calcinosis_id)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.add_dialog is None)
    shown = window.deck_list  # the list was refreshed with the new card
    assert any(c.total == total for c in app.deck_counts()) and shown.isVisible()


@offscreen_dialog_warning
def test_a_duplicate_front_is_pointed_out_but_can_be_added(
    window: MainWindow, qtbot, app: App, calcinosis_id: int
) -> None:
    dialog = open_add(window, qtbot)
    type_note(qtbot, dialog, "Capital of Peru", "Lima")
    assert not dialog.duplicate.isVisible()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.keyClicks(dialog.editor.front, "capital of  PERU")
    assert dialog.duplicate.isVisible()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert len([f for _i, f in app.collection.notes.fronts_in_deck(calcinosis_id) if "peru" in f.casefold()]) == 2


@offscreen_dialog_warning
def test_the_reversed_checkbox_gives_two_cards(window: MainWindow, qtbot, app: App) -> None:
    dialog = open_add(window, qtbot)
    type_note(qtbot, dialog, "hola", "hello")
    dialog.reversed.setChecked(True)
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    [note_id] = added
    assert len(app.collection.notes.card_ords([note_id])[note_id]) == 2


@offscreen_dialog_warning
def test_ctrl_b_while_typing_stores_bold_html(window: MainWindow, qtbot, app: App) -> None:
    dialog = open_add(window, qtbot)
    front = dialog.editor.front
    qtbot.keyClicks(front, "the ")
    press(qtbot, Qt.Key.Key_B, CTRL)
    qtbot.keyClicks(front, "heart")
    press(qtbot, Qt.Key.Key_B, CTRL)
    qtbot.keyClicks(front, " <pumps>")
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    note = app.collection.notes.get(added[0])
    assert note is not None and note.html
    assert note.front == "the <b>heart</b> &lt;pumps&gt;"


@offscreen_dialog_warning
def test_a_cloze_front_makes_a_cloze_note(window: MainWindow, qtbot, app: App) -> None:
    dialog = open_add(window, qtbot)
    assert "{{c1::answer}}" in dialog.hint.text()
    type_note(qtbot, dialog, "{{c1::Lima}} is in {{c2::Peru}}", "")
    added: list[int] = []
    dialog.added.connect(added.append)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    note = app.collection.notes.get(added[0])
    assert note is not None and note.kind.value == "cloze"


def open_edit(window: MainWindow, qtbot) -> EditDialog:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_E)
    dialog = window.edit_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    return dialog


@offscreen_dialog_warning
def test_e_edits_the_answer_and_the_session_goes_on(window: MainWindow, qtbot, app: App, calcinosis_id: int) -> None:
    press(qtbot, Qt.Key.Key_Return)  # study the chosen deck
    reviewer = window.reviewer
    assert reviewer.session is not None and reviewer.session.current is not None
    card_id = reviewer.session.current.id
    counts = reviewer.session.counts()
    press(qtbot, Qt.Key.Key_Space)
    assert reviewer.revealed
    dialog = open_edit(window, qtbot)
    dialog.editor.back.selectAll()
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "A brand new answer")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.edit_dialog is None)
    note = app.collection.notes.of_card(card_id)
    assert note is not None and note.back == "A brand new answer"
    assert reviewer.session.current.id == card_id and reviewer.revealed
    assert "A brand new answer" in reviewer.card_view.toPlainText()
    assert reviewer.session.counts() == counts
    qtbot.waitUntil(lambda: QApplication.focusWidget() is reviewer)
    press(qtbot, Qt.Key.Key_3)
    assert [entry.card_id for entry in app.collection.reviews.log()] == [card_id]


@offscreen_dialog_warning
def test_escape_in_the_edit_dialog_changes_nothing(window: MainWindow, qtbot, app: App) -> None:
    press(qtbot, Qt.Key.Key_Return)
    before = support.database_fingerprint(app.path)
    question = window.reviewer.card_view.toPlainText()
    dialog = open_edit(window, qtbot)
    qtbot.keyClicks(dialog.editor.front, "changed ")
    press(qtbot, Qt.Key.Key_Escape)
    box = support.open_message_box(qtbot, dialog)  # typed text: asked first
    assert box.text() == "Discard the text you typed?"
    next(button for button in box.buttons() if button.text() == "Discard").click()
    qtbot.waitUntil(lambda: window.edit_dialog is None)
    assert support.database_fingerprint(app.path) == before
    assert window.reviewer.card_view.toPlainText() == question and not window.reviewer.revealed
