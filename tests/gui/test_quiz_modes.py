"""The quiz modes in the real window: chosen beside Study, typed answers and multiple choice by keys and clicks.

Every test ends by reading the review log: one row per answer, with its rating and the mode it was quizzed in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ReviewMode
from studyapp.core.quiz.answer_match import Verdict
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow

from .support import open_window, press

CAPITALS = {"France": "Paris", "Italy": "Rome", "Spain": "Madrid", "Portugal": "Lisbon", "Germany": "Berlin"}
KEYS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4]


def import_csv(app: App, tmp_path: Path, name: str, rows: dict[str, str]) -> int:
    source = tmp_path / f"{name.lower()}.csv"
    source.write_text("front,back\n" + "".join(f"{q},{a}\n" for q, a in rows.items()), encoding="utf-8")
    app.import_file(source)
    deck = app.find_deck(name)
    assert deck is not None
    return deck.id


@pytest.fixture
def capitals_id(app: App, tmp_path: Path) -> int:
    return import_csv(app, tmp_path, "Capitals", {f"Capital of {c}?": city for c, city in CAPITALS.items()})


@pytest.fixture
def tiny_id(app: App, tmp_path: Path) -> int:
    return import_csv(app, tmp_path, "Tiny", {"One?": "yes", "Two?": "no", "Three?": "No!"})


def log(app: App) -> list[tuple[Rating, ReviewMode]]:
    """The log's ratings and modes, sorted (the clock stands still, so the rows have no order in time)."""
    return sorted((entry.rating, entry.mode) for entry in app.collection.reviews.log())


def study(window: MainWindow, qtbot, deck_id: int, mode: ReviewMode) -> None:  # noqa: ANN001 - qtbot
    """Choose the deck and click its mode beside Study, then Enter, as a user does."""
    window.deck_list.select_deck(deck_id)
    qtbot.mouseClick(window.deck_list.mode_chooser.buttons[mode], Qt.MouseButton.LeftButton)
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer


def click(qtbot, button: QWidget) -> None:  # noqa: ANN001 - qtbot
    """A click on a button once it is laid out (an option's height follows its wrapped text)."""
    qtbot.waitUntil(lambda: button.isVisible() and button.height() > 0)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def question(window: MainWindow) -> str:
    return window.reviewer.card_view.toPlainText().strip().splitlines()[0]


def type_answer(qtbot, window: MainWindow, text: str) -> None:  # noqa: ANN001 - qtbot
    field = window.reviewer.typed_panel.input
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, text)
    press(qtbot, Qt.Key.Key_Return)


# -- type the answer ---------------------------------------------------------------------------------


def test_typed_answers_are_checked_graded_and_logged_as_typed(
    capitals_id: int, window: MainWindow, app: App, qtbot
) -> None:
    study(window, qtbot, capitals_id, ReviewMode.TYPE)
    reviewer = window.reviewer
    assert question(window) == "Capital of France?"
    assert reviewer.typed_panel.input.isVisible() and not reviewer.choice_panel.isVisible()

    type_answer(qtbot, window, "  PARÍS!")  # case, accent, punctuation and spaces do not count
    assert window.add_dialog is None  # the "a" was typed, not the Add shortcut
    assert reviewer.typed_panel.match is not None and reviewer.typed_panel.match.verdict is Verdict.EXACT
    assert reviewer.answer_bar.suggested is Rating.GOOD
    assert "Paris" in reviewer.card_view.toPlainText()  # the answer is shown
    assert QApplication.focusWidget() is reviewer
    press(qtbot, Qt.Key.Key_Return)  # accepts the suggestion
    assert log(app) == [(Rating.GOOD, ReviewMode.TYPE)]

    assert question(window) == "Capital of Italy?"
    type_answer(qtbot, window, "Rom")
    assert reviewer.answer_bar.suggested is Rating.HARD
    assert "Almost: Hard suggested" in reviewer.typed_panel.verdict_label.text()
    assert reviewer.typed_panel.diff_label.text().count("<span") == 2  # the word "Rome", its "e" missing inside it
    press(qtbot, Qt.Key.Key_4)  # overrules it
    assert log(app) == [(Rating.GOOD, ReviewMode.TYPE), (Rating.EASY, ReviewMode.TYPE)]

    type_answer(qtbot, window, "Berlin")
    assert reviewer.answer_bar.suggested is Rating.AGAIN
    press(qtbot, Qt.Key.Key_Space)  # Space accepts too
    assert log(app) == [(Rating.AGAIN, ReviewMode.TYPE), (Rating.GOOD, ReviewMode.TYPE), (Rating.EASY, ReviewMode.TYPE)]


def test_ctrl_z_in_the_empty_line_takes_back_a_typed_answer(
    capitals_id: int, window: MainWindow, app: App, qtbot
) -> None:
    study(window, qtbot, capitals_id, ReviewMode.TYPE)
    type_answer(qtbot, window, "Paris")
    press(qtbot, Qt.Key.Key_3)
    assert question(window) == "Capital of Italy?"
    qtbot.keyClicks(window.reviewer.typed_panel.input, "R")
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undoes the typing first
    assert window.reviewer.typed_panel.input.text() == "" and len(log(app)) == 1
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # then the answer
    assert log(app) == []
    assert question(window) == "Capital of France?"
    assert QApplication.focusWidget() is window.reviewer.typed_panel.input
    type_answer(qtbot, window, "Pari")
    press(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert log(app) == [(Rating.HARD, ReviewMode.TYPE)]


def test_the_check_answer_button_and_escape(capitals_id: int, window: MainWindow, app: App, qtbot) -> None:
    study(window, qtbot, capitals_id, ReviewMode.TYPE)
    qtbot.keyClicks(window.reviewer.typed_panel.input, "paris")
    bar = window.reviewer.answer_bar
    assert bar.show_answer_button.title_label.text() == "Check answer"
    qtbot.mouseClick(bar.show_answer_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.rating_buttons[Rating.GOOD], Qt.MouseButton.LeftButton)
    assert log(app) == [(Rating.GOOD, ReviewMode.TYPE)]
    press(qtbot, Qt.Key.Key_Escape)  # from the line: back to the decks
    assert window.stack.currentWidget() is window.deck_list


# -- multiple choice ---------------------------------------------------------------------------------


def test_a_choice_is_saved_at_once_and_the_right_option_shown(
    capitals_id: int, window: MainWindow, app: App, qtbot
) -> None:
    study(window, qtbot, capitals_id, ReviewMode.CHOICE)
    panel = window.reviewer.choice_panel
    assert panel.isVisible() and not window.reviewer.typed_panel.isVisible()
    assert question(window) == "Capital of France?"
    options = panel.options
    assert options is not None and options.right == "Paris"
    assert [button.text_label.text() for button in panel.buttons] == list(options.options)
    assert set(options.options) <= set(CAPITALS.values())

    wrong = (options.right_index + 1) % 4
    press(qtbot, KEYS[wrong])
    assert log(app) == [(Rating.AGAIN, ReviewMode.CHOICE)]  # saved before going on
    assert panel.buttons[wrong].state == "wrong" and panel.buttons[options.right_index].state == "right"
    # The answer is the green option: the card does not say it a second time below the question.
    assert window.reviewer.card_view.toPlainText().strip() == "Capital of France?"
    assert window.reviewer.answer_bar.continue_button.detail_label.text() == "Wrong: Again · Enter"
    press(qtbot, KEYS[options.right_index])  # any of 1-4 goes on; it answers nothing
    assert len(log(app)) == 1

    assert question(window) == "Capital of Italy?"
    right = panel.options.right_index
    click(qtbot, panel.buttons[right])
    assert log(app) == [(Rating.AGAIN, ReviewMode.CHOICE), (Rating.GOOD, ReviewMode.CHOICE)]
    assert panel.buttons[right].state == "right"
    click(qtbot, panel.buttons[(right + 1) % 4])  # once answered, clicks do nothing
    assert len(log(app)) == 2
    press(qtbot, Qt.Key.Key_Space)
    assert question(window) == "Capital of Spain?"


def test_undo_after_a_choice_asks_the_card_again_with_the_same_options(
    capitals_id: int, window: MainWindow, app: App, qtbot
) -> None:
    study(window, qtbot, capitals_id, ReviewMode.CHOICE)
    first = window.reviewer.choice_panel.options
    press(qtbot, Qt.Key.Key_1)
    assert len(log(app)) == 1
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert log(app) == []
    assert question(window) == "Capital of France?"
    assert window.reviewer.choice_panel.options == first and not window.reviewer.choice_panel.answered
    press(qtbot, KEYS[first.right_index])
    assert log(app) == [(Rating.GOOD, ReviewMode.CHOICE)]


def test_leaving_right_after_a_choice_keeps_it(capitals_id: int, window: MainWindow, app: App, qtbot) -> None:
    study(window, qtbot, capitals_id, ReviewMode.CHOICE)
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    assert len(log(app)) == 1 and log(app)[0][1] is ReviewMode.CHOICE


def test_a_deck_with_three_answers_falls_back_to_flip_with_a_message(
    tiny_id: int, window: MainWindow, app: App, qtbot
) -> None:
    study(window, qtbot, tiny_id, ReviewMode.CHOICE)
    reviewer = window.reviewer
    assert reviewer.notice_label.isVisible()
    assert reviewer.notice_label.text() == (
        "Tiny has only 2 different answers; multiple choice needs at least 4. Studying with Flip instead."
    )
    assert not reviewer.choice_panel.isVisible() and reviewer.answer_bar.show_answer_button.isVisible()
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    assert log(app) == [(Rating.GOOD, ReviewMode.FLIP)]
    press(qtbot, Qt.Key.Key_Escape)
    window.deck_list.select_deck(tiny_id)
    assert window.deck_list.mode_chooser.mode is ReviewMode.CHOICE  # still the deck's choice


# -- the mode chooser --------------------------------------------------------------------------------


def test_the_mode_is_remembered_per_deck_and_across_reopening(
    capitals_id: int, window: MainWindow, app: App, qtbot, collection_path: Path, clock: FixedClock
) -> None:
    chooser = window.deck_list.mode_chooser
    calcinosis = app.find_deck("Calcinosis")
    assert calcinosis is not None
    window.deck_list.select_deck(capitals_id)
    assert chooser.mode is ReviewMode.FLIP
    qtbot.mouseClick(chooser.buttons[ReviewMode.TYPE], Qt.MouseButton.LeftButton)
    window.deck_list.select_deck(calcinosis.id)
    assert chooser.mode is ReviewMode.FLIP
    press(qtbot, Qt.Key.Key_M)  # M moves the chosen deck on to its next mode
    press(qtbot, Qt.Key.Key_M)
    assert chooser.mode is ReviewMode.CHOICE
    window.deck_list.select_deck(capitals_id)
    assert chooser.mode is ReviewMode.TYPE

    press(qtbot, Qt.Key.Key_Return)  # studies in the remembered mode
    assert window.reviewer.session is not None and window.reviewer.session.mode is ReviewMode.TYPE
    type_answer(qtbot, window, "Paris")
    press(qtbot, Qt.Key.Key_Return)
    window.close()
    app.close()

    reopened = App.open(collection_path, clock=clock)
    try:
        second = open_window(reopened, qtbot)
        second.deck_list.select_deck(capitals_id)
        assert second.deck_list.mode_chooser.mode is ReviewMode.TYPE
        second.deck_list.select_deck(calcinosis.id)
        assert second.deck_list.mode_chooser.mode is ReviewMode.CHOICE
        assert [(e.rating, e.mode) for e in reopened.collection.reviews.log()] == [(Rating.GOOD, ReviewMode.TYPE)]
        second.close()
    finally:
        reopened.close()
