"""The reviewer against Anki's (issue 15, point 6): letters stay with it, the question does not jump at the reveal,
the quiz mode is shown and switched in it, and multiple choice shows the card whole with the options below.

Each test drives the real main window with keys and clicks, and reads what is shown and what was stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from studyapp.core.model import Rating, ReviewMode
from studyapp.services.app import App
from studyapp.services.review.quiz import remembered_mode
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.study_keys import is_bare_key

from .support import offscreen_dialog_warning, press
from .test_quiz_modes import CAPITALS, import_csv, log, study

LETTERS = [getattr(Qt.Key, f"Key_{chr(code)}") for code in range(ord("A"), ord("Z") + 1)]
# The reviewer's own letters: E edits the card, R plays its sounds again, I shows the card's info.
REVIEWER_LETTERS = {Qt.Key.Key_E, Qt.Key.Key_R, Qt.Key.Key_I}
SIGNS = [Qt.Key.Key_Slash, Qt.Key.Key_Period, Qt.Key.Key_Comma, Qt.Key.Key_Plus, Qt.Key.Key_Question]


@pytest.fixture
def capitals_id(app: App, tmp_path: Path) -> int:
    return import_csv(app, tmp_path, "Capitals", {f"Capital of {c}?": city for c, city in CAPITALS.items()})


def other_windows(window: MainWindow) -> list[str]:
    return [
        w.objectName() or type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window
    ]


def question_y(window: MainWindow) -> int:
    """The top of the card's first line, in the reviewer's coordinates."""
    view = window.reviewer.card_view
    block = view.document().documentLayout().blockBoundingRect(view.document().begin())
    y = round(block.top()) - view.verticalScrollBar().value()
    return view.viewport().mapTo(window.reviewer, QPoint(0, y)).y()


# -- letters -----------------------------------------------------------------------------------------


def test_no_letter_opens_a_window_while_studying(window: MainWindow, app: App, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Return)  # study Calcinosis
    reviewer = window.reviewer
    card = reviewer.session.current
    for key in [k for k in LETTERS if k not in REVIEWER_LETTERS] + SIGNS:
        press(qtbot, key)
        assert window.stack.currentWidget() is reviewer, key
        assert window.add_dialog is None and window.stats_window is None, key  # A and S are the deck list's
        assert other_windows(window) == [], key
        assert reviewer.session.current is card and not reviewer.revealed, key
        assert QApplication.focusWidget() is reviewer, key
    assert app.collection.reviews.log() == []
    press(qtbot, Qt.Key.Key_Space)  # and the reviewer's keys still work
    press(qtbot, Qt.Key.Key_3)
    assert [entry.rating for entry in app.collection.reviews.log()] == [Rating.GOOD]


@offscreen_dialog_warning
def test_the_letter_shortcuts_come_back_on_the_deck_list(window: MainWindow, qtbot) -> None:
    assert window.add_action.shortcut().toString() == "A"
    press(qtbot, Qt.Key.Key_Return)
    assert window.add_action.shortcut().isEmpty() and window.stats_action.shortcut().isEmpty()
    assert window.import_action.shortcut().toString() == "Ctrl+I"  # shortcuts with a modifier stay
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    press(qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.stats_window is not None and window.stats_window.isVisible())
    window.stats_window.close()


def test_only_keys_that_type_something_are_bare() -> None:
    from PySide6.QtGui import QKeySequence

    assert is_bare_key(QKeySequence("A")) and is_bare_key(QKeySequence("/"))
    assert not any(is_bare_key(QKeySequence(text)) for text in ("Ctrl+B", "F1", "Ctrl+Shift+N", "Alt+A", ""))


# -- no jump at the reveal ---------------------------------------------------------------------------


def test_the_question_stays_put_when_the_answer_is_revealed(window: MainWindow, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Return)
    before = question_y(window)
    assert before > 150  # a short question sits a little above the middle
    press(qtbot, Qt.Key.Key_Space)
    assert window.reviewer.revealed and "trauma" in window.reviewer.card_view.toPlainText()
    assert question_y(window) == before
    press(qtbot, Qt.Key.Key_3)  # the next question is placed on its own again
    assert question_y(window) == before


def test_a_typed_card_keeps_its_question_in_place_through_the_check(
    capitals_id: int, window: MainWindow, qtbot
) -> None:
    study(window, qtbot, capitals_id, ReviewMode.TYPE)
    before = question_y(window)
    qtbot.keyClicks(window.reviewer.typed_panel.input, "Pari")
    press(qtbot, Qt.Key.Key_Return)  # the verdict below the card is taller than the line was
    assert window.reviewer.typed_match is not None
    assert question_y(window) == before


def test_an_answer_too_long_to_fit_moves_the_question_up_only_as_far_as_it_needs(
    app: App, tmp_path: Path, window: MainWindow, qtbot
) -> None:
    long_answer = " ".join(["A long answer line that wraps."] * 60)
    deck_id = import_csv(app, tmp_path, "Long", {"Short question?": long_answer})
    window.show_decks()
    study(window, qtbot, deck_id, ReviewMode.FLIP)
    before = question_y(window)
    press(qtbot, Qt.Key.Key_Space)
    after = question_y(window)
    view = window.reviewer.card_view
    assert after < before  # up, to show as much of the answer as can be shown
    assert view.document().rootFrame().frameFormat().topMargin() == 28  # and no further than the top margin


# -- the quiz mode in the reviewer -------------------------------------------------------------------


def test_the_mode_is_shown_in_the_reviewer_and_switched_there(
    capitals_id: int, window: MainWindow, app: App, qtbot
) -> None:
    study(window, qtbot, capitals_id, ReviewMode.FLIP)
    reviewer = window.reviewer
    control = reviewer.mode_control
    assert control.isVisible() and control.mode is ReviewMode.FLIP
    header = reviewer.deck_label.parentWidget()
    assert abs(reviewer.deck_label.geometry().center().x() - header.width() / 2) <= 4  # the deck name stays centred
    assert reviewer.answer_bar.show_answer_button.isVisible()

    qtbot.mouseClick(control.buttons[ReviewMode.TYPE], Qt.MouseButton.LeftButton)
    assert control.mode is ReviewMode.TYPE and reviewer.card_mode is ReviewMode.TYPE
    assert QApplication.focusWidget() is reviewer.typed_panel.input  # the same card, now typed
    assert reviewer.card_view.toPlainText().strip() == "Capital of France?"
    qtbot.keyClicks(reviewer.typed_panel.input, "Paris")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)
    assert log(app) == [(Rating.GOOD, ReviewMode.TYPE)]
    assert remembered_mode(app.collection, capitals_id) is ReviewMode.TYPE  # as if chosen beside Study

    qtbot.mouseClick(control.buttons[ReviewMode.CHOICE], Qt.MouseButton.LeftButton)
    assert reviewer.card_mode is ReviewMode.CHOICE and reviewer.choice_panel.isVisible()
    assert QApplication.focusWidget() is reviewer  # the buttons never take the keys
    press(qtbot, [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4][reviewer.choice_panel.options.right_index])
    assert log(app) == [(Rating.GOOD, ReviewMode.CHOICE), (Rating.GOOD, ReviewMode.TYPE)]
    press(qtbot, Qt.Key.Key_Escape)
    window.deck_list.select_deck(capitals_id)
    assert window.deck_list.mode_chooser.mode is ReviewMode.CHOICE


def test_switching_to_choice_on_a_deck_without_enough_answers_says_why(
    app: App, tmp_path: Path, window: MainWindow, qtbot
) -> None:
    deck_id = import_csv(app, tmp_path, "Tiny", {"One?": "yes", "Two?": "no"})
    window.show_decks()
    study(window, qtbot, deck_id, ReviewMode.FLIP)
    reviewer = window.reviewer
    assert not reviewer.notice_label.isVisible()
    qtbot.mouseClick(reviewer.mode_control.buttons[ReviewMode.CHOICE], Qt.MouseButton.LeftButton)
    assert reviewer.notice_label.isVisible() and "Studying with Flip instead" in reviewer.notice_label.text()
    assert reviewer.card_mode is ReviewMode.FLIP and reviewer.mode_control.mode is ReviewMode.CHOICE
    assert "this card: flip" in reviewer.mode_control.toolTip()
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    assert log(app) == [(Rating.GOOD, ReviewMode.FLIP)]


# -- multiple choice ---------------------------------------------------------------------------------


def test_choice_shows_the_card_whole_with_the_options_right_below(capitals_id: int, window: MainWindow, qtbot) -> None:
    study(window, qtbot, capitals_id, ReviewMode.CHOICE)
    reviewer = window.reviewer
    view, panel = reviewer.card_view, reviewer.choice_panel

    def gap() -> int:  # from the card's bottom to the first option
        return panel.mapTo(reviewer, QPoint(0, 0)).y() - view.mapTo(reviewer, QPoint(0, view.height())).y()

    qtbot.waitUntil(lambda: view.height() == reviewer.card_height.natural_height() and gap() == 0)
    assert view.verticalScrollBar().maximum() == 0  # no scroll box: the whole card is shown
    assert view.height() < 200 and panel.mapTo(reviewer, QPoint(0, 0)).y() < 300  # the options right below it
    assert all(button.isVisible() for button in panel.buttons)

    press(qtbot, Qt.Key.Key_1)
    assert view.toPlainText().strip() == "Capital of France?"  # the answer is the green option, not said again
    press(qtbot, Qt.Key.Key_Escape)
    study(window, qtbot, capitals_id, ReviewMode.FLIP)  # back in flip, the card takes the whole height again
    assert view.maximumHeight() > 10_000
    qtbot.waitUntil(lambda: view.height() > 300)


# -- type the answer ---------------------------------------------------------------------------------


def test_a_typed_answer_is_marked_word_by_word(app: App, tmp_path: Path, window: MainWindow, qtbot) -> None:
    from PySide6.QtGui import QTextDocument

    deck_id = import_csv(app, tmp_path, "Heart", {"Which chamber pumps to the aorta?": "the left ventricle"})
    window.show_decks()
    study(window, qtbot, deck_id, ReviewMode.TYPE)
    panel = window.reviewer.typed_panel
    qtbot.keyClicks(panel.input, "lfet ventricle, strong")
    press(qtbot, Qt.Key.Key_Return)
    shown = panel.diff_label.text()
    document = QTextDocument()
    document.setHtml(shown)
    # "the" missing, "left" misspelt (its slips marked inside it), "ventricle" right, "strong" extra.
    assert document.toPlainText() == "the lefet ventricle strong"
    assert 'text-decoration:underline;">the</span>' in shown
    assert 'text-decoration:line-through;">strong</span>' in shown
    assert "misspelt" in panel.legend.text()
    press(qtbot, Qt.Key.Key_2)
    assert log(app) == [(Rating.HARD, ReviewMode.TYPE)]
