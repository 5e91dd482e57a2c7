"""Tools → Note Types, driven as a user would: clicks and keys on the real window, then what was stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QPushButton

from studyapp.core.notetypes.model import NoteType
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.notetypes.manager_window import NotetypesWindow
from tests.conftest import collection_fingerprint
from tests.gui.support import offscreen_dialog_warning, open_window

from .helpers import add_notes, card_ords, five_field_type, stored_fields

pytestmark = offscreen_dialog_warning

ROWS = [
    ("Hund", "dog", "animal", "Der Hund bellt", "y"),
    ("Katze", "cat", "", "Die Katze schläft", ""),
    ("Maus", "mouse", "", "", ""),
]


@pytest.fixture
def vocab(app: App) -> tuple[NoteType, list[int]]:
    notetype = five_field_type(app)
    return notetype, add_notes(app, notetype, ROWS)


@pytest.fixture
def window(app: App, vocab: tuple[NoteType, list[int]], qtbot) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()


def open_manager(window: MainWindow, qtbot, name: str = "Vocab") -> NotetypesWindow:  # noqa: ANN001
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    assert window.notetypes_action in tools.actions()
    window.notetypes_action.trigger()
    manager = window.findChild(NotetypesWindow)
    assert manager is not None
    qtbot.waitExposed(manager)
    manager.select(name)
    assert manager.current() is not None and manager.current().name == name  # type: ignore[union-attr]
    return manager


def answer_prompt(qtbot, manager: NotetypesWindow, text: str) -> None:  # noqa: ANN001
    """Type ``text`` into the name question that is open (replacing what it holds) and press Enter."""
    prompt = manager.prompt
    assert isinstance(prompt, QInputDialog)
    qtbot.waitExposed(prompt)
    line = prompt.findChild(QLineEdit)
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def confirm_box(manager: NotetypesWindow) -> QMessageBox:
    box = manager.prompt
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def click_button(qtbot, box: QMessageBox, text: str) -> None:  # noqa: ANN001
    button = next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def stored(app: App, notetype: NoteType) -> NoteType:
    found = app.collection.notetypes.get(notetype.id)
    assert found is not None
    return found


def test_the_list_shows_each_type_with_its_notes_and_cards(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    manager = open_manager(window, qtbot)
    texts = [manager.type_list.item(row).text() for row in range(manager.type_list.count())]
    assert "Vocab\n3 notes, 4 cards" in texts
    assert manager.fields_page.field_list.item(0).text() == "1. Word   (sort field)"


def test_renaming_a_field_with_keys_renames_it_in_the_templates(  # noqa: ANN001
    window: MainWindow, qtbot, app: App, vocab: tuple[NoteType, list[int]]
) -> None:
    manager = open_manager(window, qtbot)
    page = manager.fields_page
    page.field_list.setCurrentRow(2)
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    answer_prompt(qtbot, manager, "Tip")
    qtbot.waitUntil(lambda: stored(app, vocab[0]).field_names[2] == "Tip")
    assert stored(app, vocab[0]).templates[0].question == "{{Word}}{{#Tip}}<br>{{hint:Tip}}{{/Tip}}"
    assert page.field_list.item(2).text() == "3. Tip"
    assert manager.status.text() == 'Renamed the field "Hint" to "Tip" (templates too)'


def test_a_bad_field_name_is_one_line_and_changes_nothing(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    manager = open_manager(window, qtbot)
    before = collection_fingerprint(app.path)
    qtbot.mouseClick(manager.fields_page.add_button, Qt.MouseButton.LeftButton)
    answer_prompt(qtbot, manager, "meaning")
    qtbot.waitUntil(lambda: "already a field" in manager.status.text())
    assert manager.status.text() == 'there is already a field called "meaning"'
    assert collection_fingerprint(app.path) == before


def test_deleting_a_field_with_text_asks_and_cancel_keeps_everything(  # noqa: ANN001
    window: MainWindow, qtbot, app: App, vocab: tuple[NoteType, list[int]]
) -> None:
    manager = open_manager(window, qtbot)
    page = manager.fields_page
    page.field_list.setCurrentRow(3)
    before = collection_fingerprint(app.path)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    box = confirm_box(manager)
    assert box.text().startswith('2 notes of "Vocab" have text in "Example": it would be deleted.')
    click_button(qtbot, box, "Cancel")
    qtbot.waitUntil(lambda: not box.isVisible())
    assert collection_fingerprint(app.path) == before
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    click_button(qtbot, confirm_box(manager), "Delete field and text")
    qtbot.waitUntil(lambda: "Example" not in stored(app, vocab[0]).field_names)
    assert stored_fields(app, vocab[1][0]) == ("Hund", "dog", "animal", "y")
    assert manager.status.text() == 'Deleted the field "Example" (3 notes rewritten)'


def test_moving_a_field_down_rewrites_the_notes(  # noqa: ANN001
    window: MainWindow, qtbot, app: App, vocab: tuple[NoteType, list[int]]
) -> None:
    manager = open_manager(window, qtbot)
    page = manager.fields_page
    page.field_list.setCurrentRow(0)
    qtbot.mouseClick(page.down_button, Qt.MouseButton.LeftButton)
    assert stored(app, vocab[0]).field_names[:2] == ("Meaning", "Word")
    assert stored_fields(app, vocab[1][1])[:2] == ("cat", "Katze")
    assert page.field_list.currentRow() == 1 and page.field_list.item(1).text() == "2. Word   (sort field)"


def test_typing_a_template_updates_the_live_preview_and_save_stores_it(  # noqa: ANN001
    window: MainWindow, qtbot, app: App, vocab: tuple[NoteType, list[int]]
) -> None:
    manager = open_manager(window, qtbot)
    manager.tabs.setCurrentWidget(manager.templates_page)
    page = manager.templates_page
    preview = page.preview
    sample = page.sample
    assert sample is not None and sample.note_id == min(vocab[1])  # a real note of the type: its first

    def shown() -> str:
        return " ".join(preview.toPlainText().split())

    assert shown().startswith(sample.fields[0])  # through the stored template
    editor = page.question_edit
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "Say: {{Meaning}} ({{Deck}})")
    qtbot.waitUntil(lambda: f"Say: {sample.fields[1]} (Calcinosis)" in shown())
    assert stored(app, vocab[0]).templates[0].question.startswith("{{Word}}")  # not saved yet
    assert page.save_button.isEnabled()
    page.editors.setCurrentIndex(1)  # the back template: the preview turns the card over
    qtbot.waitUntil(lambda: shown().endswith(f"{sample.fields[1]} {sample.fields[3]}".strip()))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert stored(app, vocab[0]).templates[0].question == "Say: {{Meaning}} ({{Deck}})"
    assert not page.save_button.isEnabled()
    assert manager.status.text() == 'Saved "Forward"'


def test_an_unsaved_edit_is_saved_when_the_window_closes(  # noqa: ANN001
    window: MainWindow, qtbot, app: App, vocab: tuple[NoteType, list[int]]
) -> None:
    manager = open_manager(window, qtbot)
    manager.tabs.setCurrentWidget(manager.templates_page)
    page = manager.templates_page
    page.template_box.setCurrentIndex(1)
    page.question_edit.setFocus()
    page.question_edit.selectAll()
    qtbot.keyClicks(page.question_edit, "{{Meaning}}")  # every note now makes the reverse card
    page.css_edit.setPlainText(".card { color: navy; }")
    qtbot.keyClick(manager, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(NotetypesWindow) is None)
    assert stored(app, vocab[0]).templates[1].question == "{{Meaning}}"
    assert stored(app, vocab[0]).css == ".card { color: navy; }"
    assert [card_ords(app, note) for note in vocab[1]] == [{0, 1}, {0, 1}, {0, 1}]


def test_deleting_a_template_with_studied_cards_asks_with_the_counts(  # noqa: ANN001
    window: MainWindow, qtbot, app: App, vocab: tuple[NoteType, list[int]]
) -> None:
    with app.collection.transaction():
        app.collection.db.execute("UPDATE cards SET reps = 2, state = 2 WHERE ord = 1")
    manager = open_manager(window, qtbot)
    manager.tabs.setCurrentWidget(manager.templates_page)
    page = manager.templates_page
    page.template_box.setCurrentIndex(1)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    box = confirm_box(manager)
    assert box.text().startswith('removing "Backward" deletes its 1 card (1 studied, their progress too).')
    click_button(qtbot, box, "Delete template and cards")
    qtbot.waitUntil(lambda: len(stored(app, vocab[0]).templates) == 1)
    assert card_ords(app, vocab[1][0]) == {0}
    assert page.template_box.count() == 1


def test_adding_a_type_from_a_stock_one_and_removing_it(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    manager = open_manager(window, qtbot)
    manager.add_actions["basic_typing"].trigger()
    answer_prompt(qtbot, manager, "Spelling")
    qtbot.waitUntil(lambda: app.collection.notetypes.by_name("Spelling") is not None)
    assert manager.current().name == "Spelling"  # type: ignore[union-attr]
    assert "{{type:Back}}" in manager.templates_page.question_edit.toPlainText()
    qtbot.mouseClick(manager.remove_button, Qt.MouseButton.LeftButton)
    click_button(qtbot, confirm_box(manager), "Remove")
    qtbot.waitUntil(lambda: app.collection.notetypes.by_name("Spelling") is None)
    manager.select("Vocab")
    qtbot.mouseClick(manager.remove_button, Qt.MouseButton.LeftButton)
    assert manager.status.text() == '"Vocab" is used by 3 notes: delete or move them first'


def test_the_window_fits_1024_by_640(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    manager = open_manager(window, qtbot)
    hint = manager.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 640
    manager.resize(1024, 640)
    manager.tabs.setCurrentWidget(manager.templates_page)
    qtbot.waitUntil(lambda: manager.templates_page.preview.isVisible())
    assert manager.templates_page.preview.width() >= 300
