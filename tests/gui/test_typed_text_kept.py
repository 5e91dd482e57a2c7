"""Typed text is never thrown away without asking: Add, Edit, the browser's editor, and the deck name prompts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.ui.app.deck_name_prompt import DeckNamePrompt
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.editing.add_dialog import AddDialog
from studyapp.ui.editing.discard import DISCARD_QUESTION

from .support import database_fingerprint, offscreen_dialog_warning, open_import, open_message_box, press, run_import

CTRL = Qt.KeyboardModifier.ControlModifier
pytestmark = offscreen_dialog_warning


def open_add(window: MainWindow, qtbot) -> AddDialog:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_A)
    dialog = window.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    return dialog


def question(qtbot, parent) -> QMessageBox:  # noqa: ANN001 - qtbot, QWidget
    box = open_message_box(qtbot, parent)
    assert box.text() == DISCARD_QUESTION
    assert sorted(b.text() for b in box.buttons()) == ["Discard", "Keep editing"]
    return box


def click(qtbot, box: QMessageBox, text: str) -> None:  # noqa: ANN001 - qtbot
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_escape_in_add_with_text_asks_keep_editing_keeps_it_discard_stores_nothing(
    window: MainWindow,
    qtbot,  # noqa: ANN001
    app: App,
) -> None:
    before = database_fingerprint(app.path)
    dialog = open_add(window, qtbot)
    qtbot.keyClicks(dialog.editor.front, "Half a question")
    press(qtbot, Qt.Key.Key_Escape)
    box = question(qtbot, dialog)
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape on the question keeps editing too
    qtbot.waitUntil(lambda: not box.isVisible())
    assert dialog.isVisible() and dialog.editor.front.toPlainText() == "Half a question"
    qtbot.mouseClick(next(b for b in dialog.findChildren(type(dialog.add_button)) if b.text() == "Close"),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    box = question(qtbot, dialog)
    click(qtbot, box, "Keep editing")
    assert dialog.isVisible() and dialog.editor.front.toPlainText() == "Half a question"
    dialog.close()  # the window's X
    box = question(qtbot, dialog)
    click(qtbot, box, "Discard")
    qtbot.waitUntil(lambda: window.add_dialog is None)
    assert database_fingerprint(app.path) == before


def test_add_closes_at_once_when_nothing_was_typed_or_all_was_added(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    dialog = open_add(window, qtbot)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.add_dialog is None)
    assert not dialog.findChildren(QMessageBox)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window and QApplication.focusWidget() is not None)
    dialog = open_add(window, qtbot)
    qtbot.keyClicks(dialog.editor.front, "Capital of Peru")
    qtbot.keyClicks(dialog.editor.back, "Lima")
    qtbot.keyClicks(dialog.editor.tags, "geo")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.status.text().startswith("Added")
    press(qtbot, Qt.Key.Key_Escape)  # the tags stay for the next note: they are not unsaved text
    qtbot.waitUntil(lambda: window.add_dialog is None)


def test_escape_in_edit_asks_and_discard_changes_nothing(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    press(qtbot, Qt.Key.Key_Return)  # study
    before = database_fingerprint(app.path)
    press(qtbot, Qt.Key.Key_E)
    dialog = window.edit_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    original = dialog.editor.front.toPlainText()
    qtbot.keyClicks(dialog.editor.front, "X")
    press(qtbot, Qt.Key.Key_Escape)
    box = question(qtbot, dialog)
    click(qtbot, box, "Keep editing")
    assert dialog.isVisible() and dialog.editor.front.toPlainText() == "X" + original
    press(qtbot, Qt.Key.Key_Backspace)  # typed and taken back: no change, nothing to ask
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: window.edit_dialog is None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window and QApplication.focusWidget() is not None)
    press(qtbot, Qt.Key.Key_E)
    dialog = window.edit_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    qtbot.keyClicks(dialog.editor.front, "Y")
    press(qtbot, Qt.Key.Key_Escape)
    click(qtbot, question(qtbot, dialog), "Discard")
    qtbot.waitUntil(lambda: window.edit_dialog is None)
    assert database_fingerprint(app.path) == before


def test_the_browser_saves_on_close_and_asks_only_for_a_note_it_can_not_save(
    window: MainWindow,
    qtbot,  # noqa: ANN001
    app: App,
) -> None:
    browser = window.open_browser()
    qtbot.waitExposed(browser)
    browser.table.selectRow(0)
    editor = browser.editor.editor
    qtbot.waitUntil(lambda: browser.editor.note_id is not None)
    note_id = browser.editor.note_id
    editor.back.setFocus()
    qtbot.keyClicks(editor.back, " (typed in the browser)")
    browser.close()
    qtbot.waitUntil(lambda: not browser.isVisible())
    note = app.collection.notes.get(note_id)
    assert note is not None and note.back.startswith(" (typed in the browser)")

    browser = window.open_browser()
    qtbot.waitExposed(browser)
    browser.table.selectRow(0)
    qtbot.waitUntil(lambda: browser.editor.note_id is not None)
    editor = browser.editor.editor
    editor.front.selectAll()
    qtbot.keyClick(editor.front, Qt.Key.Key_Delete)  # an empty first field: the note cannot be saved
    assert editor.front.toPlainText() == ""
    qtbot.keyClicks(editor.back, " more")
    before = database_fingerprint(app.path)
    browser.close()
    box = question(qtbot, browser)
    assert "Not saved" in box.informativeText()
    click(qtbot, box, "Keep editing")
    assert browser.isVisible() and " more" in editor.back.toPlainText()
    browser.close()
    click(qtbot, question(qtbot, browser), "Discard")
    qtbot.waitUntil(lambda: not browser.isVisible())
    assert database_fingerprint(app.path) == before


def test_with_no_deck_add_asks_for_one_keeps_a_bad_name_then_adds_to_it(
    window: MainWindow,
    qtbot,  # noqa: ANN001
    app: App,
) -> None:
    for deck in app.decks():
        deck_ops.delete_deck(app.collection, deck.name)
    window.show_decks()
    window.deck_list.focus_table()
    dialog = open_add(window, qtbot)
    assert dialog.deck.count() == 0 and dialog.status.text().startswith("No deck yet: New… makes one")
    qtbot.keyClicks(dialog.editor.front, "First question")
    qtbot.keyClicks(dialog.editor.back, "First answer")
    before = database_fingerprint(app.path)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.name_prompt is not None and dialog.name_prompt.isVisible())
    prompt = dialog.name_prompt
    qtbot.waitUntil(lambda: QApplication.focusWidget() is prompt.edit)
    qtbot.keyClicks(prompt.edit, "Bio::")
    press(qtbot, Qt.Key.Key_Return)
    assert prompt.isVisible() and prompt.edit.text() == "Bio::"
    assert prompt.reason.isVisible() and prompt.reason.text() == (
        "“Bio::” has an empty part: write names like Parent::Child."
    )
    assert database_fingerprint(app.path) == before
    qtbot.keyClicks(prompt.edit, "Cells")
    assert not prompt.reason.isVisible()  # editing clears the reason
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.name_prompt is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.editor.front)
    deck = app.find_deck("Bio::Cells")
    assert deck is not None and dialog.deck_id() == deck.id
    [(note_id, front)] = app.collection.notes.fronts_in_deck(deck.id)
    assert front == "First question"
    assert dialog.status.text().startswith("Added")
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.add_dialog is None)
    assert window.deck_list.item_named("Bio::Cells") is not None


def test_a_bad_new_deck_name_keeps_the_prompt_the_name_and_says_why(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    before = database_fingerprint(app.path)
    press(qtbot, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    prompt = window.deck_actions.dialog
    assert isinstance(prompt, DeckNamePrompt)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is prompt.edit)
    qtbot.keyClicks(prompt.edit, "   ")
    press(qtbot, Qt.Key.Key_Return)
    assert prompt.isVisible() and prompt.reason.text() == "The deck name is empty."
    prompt.edit.clear()
    qtbot.keyClicks(prompt.edit, "calcinosis")
    press(qtbot, Qt.Key.Key_Return)
    assert prompt.isVisible() and prompt.edit.text() == "calcinosis"
    assert prompt.reason.text() == "There is already a deck called “Calcinosis”."
    prompt.edit.clear()
    qtbot.keyClicks(prompt.edit, "::".join(["L"] * 40))
    press(qtbot, Qt.Key.Key_Return)
    assert prompt.isVisible() and "40 levels; at most 32" in prompt.reason.text()
    assert "\n" not in prompt.reason.text()
    assert database_fingerprint(app.path) == before
    prompt.edit.clear()
    qtbot.keyClicks(prompt.edit, "Fresh")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    assert app.find_deck("Fresh") is not None
    assert window.deck_list.table.current_name() == "Fresh"


def test_a_bad_rename_keeps_the_prompt_open(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    window.deck_list.table.setCurrentItem(window.deck_list.item_named("Calcinosis"))
    window.deck_list.focus_table()
    press(qtbot, Qt.Key.Key_F2)
    prompt = window.deck_actions.dialog
    assert isinstance(prompt, DeckNamePrompt) and prompt.textValue() == "Calcinosis"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is prompt.edit)
    prompt.edit.end(False)
    qtbot.keyClicks(prompt.edit, "::::x")
    press(qtbot, Qt.Key.Key_Return)
    assert prompt.isVisible() and prompt.edit.text() == "Calcinosis::::x"
    assert "empty part" in prompt.reason.text()
    assert app.find_deck("Calcinosis") is not None
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    assert app.find_deck("Calcinosis") is not None


def test_a_bad_deck_name_in_the_import_says_why_and_keeps_the_name(
    window: MainWindow,
    app: App,
    qtbot,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    source = tmp_path / "times.csv"
    source.write_text("Front,Back\nMeeting at 9:00,Room 3\n", encoding="utf-8")
    before = database_fingerprint(app.path)
    dialog = open_import(window, qtbot, source)
    combo = dialog.options_panel.deck_combo
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "Plans::::Daily")
    assert dialog.message_label.text() == "“Plans::::Daily” has an empty part: write names like Parent::Child."
    assert not dialog.import_button.isEnabled() and combo.currentText() == "Plans::::Daily"
    press(qtbot, Qt.Key.Key_Return)  # Enter does not import a bad name
    assert dialog.isVisible() and database_fingerprint(app.path) == before
    combo.lineEdit().end(False)
    for _ in range(len("::::Daily")):
        qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Backspace)
    qtbot.keyClicks(combo.lineEdit(), "::Daily")
    assert dialog.import_button.isEnabled()
    assert run_import(qtbot, dialog) == "imported"
    assert app.find_deck("Plans::Daily") is not None
