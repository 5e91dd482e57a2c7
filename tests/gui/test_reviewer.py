"""Studying in the real main window with the keyboard: reveal, answer, undo; checked in the collection."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.core.model import CardState, Rating, ReviewMode, Schedule
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow

from .support import press

FIRST_QUESTION = "What causes calcinosis?"
SECOND_QUESTION = "Is calcinosis treatable?"


@pytest.fixture
def studying(window: MainWindow, qtbot) -> MainWindow:
    """The window with the Calcinosis deck opened for study (by Enter on the deck list)."""
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    return window


def shown_text(window: MainWindow) -> str:
    return window.reviewer.card_view.toPlainText()


def test_the_question_comes_first_with_a_show_answer_button(studying: MainWindow) -> None:
    reviewer = studying.reviewer
    assert shown_text(studying).strip() == FIRST_QUESTION
    assert reviewer.answer_bar.show_answer_button.isVisible()
    assert not any(button.isVisible() for button in reviewer.answer_bar.rating_buttons.values())
    assert reviewer.counts_bar.plain_text() == "New 20 · Learning 0 · Due 0"
    assert QApplication.focusWidget() is reviewer


def test_space_reveals_the_answer_under_the_question_with_intervals(studying: MainWindow, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Space)
    text = shown_text(studying)
    assert text.index(FIRST_QUESTION) < text.index("Calcinosis may be caused by trauma")
    buttons = studying.reviewer.answer_bar.rating_buttons
    assert all(button.isVisible() for button in buttons.values())
    assert not studying.reviewer.answer_bar.show_answer_button.isVisible()
    assert buttons[Rating.AGAIN].interval == "1m"
    assert buttons[Rating.GOOD].interval == "10m"
    assert [button.title_label.text() for button in buttons.values()] == ["Again", "Hard", "Good", "Easy"]


def test_number_keys_do_nothing_before_the_answer_is_shown(studying: MainWindow, app: App, qtbot) -> None:
    press(qtbot, Qt.Key.Key_3)
    assert app.collection.reviews.log() == []
    assert shown_text(studying).strip() == FIRST_QUESTION


def test_key_3_answers_good_and_the_next_question_follows(studying: MainWindow, app: App, qtbot) -> None:
    card_id = studying.reviewer.session.current.id
    press(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    press(qtbot, Qt.Key.Key_3)

    log = app.collection.reviews.log()
    assert len(log) == 1
    assert (log[0].card_id, log[0].rating, log[0].mode) == (card_id, Rating.GOOD, ReviewMode.FLIP)
    assert app.collection.reviews.card(card_id).schedule.state == CardState.LEARNING
    assert shown_text(studying).strip() == SECOND_QUESTION
    assert studying.reviewer.answer_bar.show_answer_button.isVisible()
    assert studying.reviewer.counts_bar.plain_text() == "New 19 · Learning 1 · Due 0"


def test_the_buttons_can_be_clicked(studying: MainWindow, app: App, qtbot) -> None:
    bar = studying.reviewer.answer_bar
    qtbot.mouseClick(bar.show_answer_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.rating_buttons[Rating.AGAIN], Qt.MouseButton.LeftButton)
    assert [entry.rating for entry in app.collection.reviews.log()] == [Rating.AGAIN]
    assert QApplication.focusWidget() is studying.reviewer  # the buttons never take the keys away


def test_ctrl_z_undoes_the_answer_and_shows_the_card_again(studying: MainWindow, app: App, qtbot) -> None:
    card = studying.reviewer.session.current
    original = app.collection.reviews.card(card.id).schedule
    assert original == Schedule()
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    assert len(app.collection.reviews.log()) == 1

    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert app.collection.reviews.log() == []
    assert app.collection.reviews.card(card.id).schedule == original
    assert shown_text(studying).strip() == FIRST_QUESTION
    assert studying.reviewer.answer_bar.show_answer_button.isVisible()
    assert studying.reviewer.counts_bar.plain_text() == "New 20 · Learning 0 · Due 0"
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left to undo: no harm
    assert shown_text(studying).strip() == FIRST_QUESTION


def test_space_after_reveal_answers_good_as_in_anki(studying: MainWindow, app: App, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Space)
    assert [entry.rating for entry in app.collection.reviews.log()] == [Rating.GOOD]


def test_escape_goes_back_to_the_decks_with_new_19(studying: MainWindow, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    press(qtbot, Qt.Key.Key_Escape)
    assert studying.stack.currentWidget() is studying.deck_list
    assert studying.deck_list.table.topLevelItem(0).text(1) == "19"


def test_page_down_scrolls_a_long_answer(app: App, qtbot, tmp_path) -> None:
    source = tmp_path / "long.txt"
    paragraph = "A sentence that goes on for a while, so that the answer needs several lines. " * 3
    source.write_text("Why so long?\n\n" + "\n".join([paragraph] * 30) + "\n", encoding="utf-8")
    app.import_file(source)
    shown = MainWindow(app)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    shown.study(app.find_deck("Long").id)
    shown.reviewer.reveal()
    bar = shown.reviewer.card_view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    qtbot.keyClick(shown.reviewer, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    shown.close()
