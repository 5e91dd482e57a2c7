"""The reviewer follows the note type: the typed-answer box where the template puts ``{{type:}}``, the
comparison in its place, the template's styling (light and dark), multiple choice from the same field.

Driven with keys in the real window on a genanki package (``tests/quiz/notetype_decks``). Set
``STUDYAPP_SHOTS=folder`` to keep 1024x640 pictures of the reviewer to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from studyapp.core.model import Rating, ReviewMode
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import DARK, LIGHT, install_theme
from tests.quiz.notetype_decks import make_quiz_package

from .support import press


@pytest.fixture
def quiz(app: App, tmp_path: Path) -> App:
    (tmp_path / "package").mkdir()
    app.import_file(make_quiz_package(tmp_path / "package"))
    return app


def shot(window: MainWindow, name: str) -> None:
    folder = os.environ.get("STUDYAPP_SHOTS")
    if folder:
        window.grab().save(str(Path(folder) / f"{name}.png"))


def study(window: MainWindow, qtbot, deck: str, mode: ReviewMode) -> None:  # noqa: ANN001 - qtbot
    found = window.app.find_deck(deck)
    assert found is not None
    window.resize(1024, 640)
    window.app.review_session(found.id, mode)  # remembered for the deck
    window.study(found.id)
    qtbot.waitUntil(lambda: window.reviewer.shown_card is not None)


def type_text(qtbot, text: str) -> None:  # noqa: ANN001 - qtbot
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClicks(focused, text)


def until_word(window: MainWindow, qtbot, word: str, ord_: int = 0) -> None:  # noqa: ANN001 - qtbot
    """Answer (Easy) until the card on screen is ``word``'s card ``ord_``."""
    for _ in range(20):
        card = window.reviewer.shown_card
        assert card is not None
        if card.all_fields[0] == word and card.ord == ord_:
            return
        if window.reviewer.card_mode is ReviewMode.TYPE:
            type_text(qtbot, "x")
            press(qtbot, Qt.Key.Key_Return)
        else:
            press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_4)
    raise AssertionError(f"no card of {word}")


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_the_box_sits_where_the_template_asks_and_the_comparison_takes_its_place(
    app: App,
    quiz: App,
    qtbot,
    theme,
    tmp_path: Path,  # noqa: ANN001 - qtbot, theme
) -> None:
    install_theme(QApplication.instance(), theme)
    from .support import open_window

    window = open_window(app, qtbot)
    study(window, qtbot, "Quiz::Words", ReviewMode.FLIP)  # {{type:Back}} is typed even in a flip session
    until_word(window, qtbot, "Hund")
    reviewer, view = window.reviewer, window.reviewer.card_view
    assert reviewer.card_mode is ReviewMode.TYPE
    qtbot.waitUntil(lambda: view.type_input.isVisible())
    assert not reviewer.typed_panel.isVisible()  # the box is in the card, not below it
    assert QApplication.focusWidget() is view.type_input
    text = view.toPlainText()
    word_at = view.cursorRect(view.document().find("Hund")).top()
    hint_at = view.cursorRect(view.document().find("type the meaning")).top()
    box = view.type_input.geometry()
    assert word_at < box.top() and box.bottom() < hint_at  # between the word and the line after {{type:Back}}
    assert "dog" not in text
    shot(window, f"typed-question-{'dark' if theme.dark else 'light'}")
    type_text(qtbot, "dogg")
    press(qtbot, Qt.Key.Key_Return)
    assert not view.type_input.isVisible() and not reviewer.typed_panel.isVisible()
    shown = view.toPlainText()
    assert "Almost: Hard suggested" in shown  # the comparison in the card...
    assert shown.index("Almost") > shown.index("Hund") and shown.index("Der Hund bellt.") > shown.index("Almost")
    assert reviewer.answer_bar.suggested is Rating.HARD
    shot(window, f"typed-answer-{'dark' if theme.dark else 'light'}")
    # The note type's styling: left aligned, 26px; its colours only where they stay readable.
    block = view.document().find("Hund").block()
    assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignLeft
    assert view.document().find("Hund").charFormat().font().pixelSize() == 26
    ground = view.grab().toImage().pixelColor(view.width() - 5, view.height() // 2)
    if theme.dark:
        assert ground == QColor(DARK.surface)  # never the template's light ground in the dark
    else:
        assert ground == QColor("#fdf6e3")
    press(qtbot, Qt.Key.Key_Return)  # accepts Hard
    log = app.collection.reviews.log()
    assert [(entry.rating, entry.mode) for entry in log][-1] == (Rating.HARD, ReviewMode.TYPE)
    window.close()


def test_a_template_without_a_box_is_typed_below_the_card(window: MainWindow, quiz: App, qtbot) -> None:  # noqa: ANN001
    study(window, qtbot, "Quiz::Words", ReviewMode.TYPE)
    until_word(window, qtbot, "Hund", 1)  # "Produce": the Back asked, the Word answered, no {{type:}}
    reviewer = window.reviewer
    assert reviewer.typed_panel.isVisible() and not reviewer.card_view.type_input.isVisible()
    type_text(qtbot, "Hund")
    press(qtbot, Qt.Key.Key_Return)
    assert reviewer.typed_panel.result.isVisible()
    assert "Correct: Good" in reviewer.typed_panel.verdict_label.text()
    assert "Hund" in reviewer.card_view.toPlainText().split("dog", 1)[1]
    press(qtbot, Qt.Key.Key_Space)
    assert (Rating.GOOD, ReviewMode.TYPE) in [(e.rating, e.mode) for e in quiz.collection.reviews.log()]


def test_a_typed_cloze_compares_with_its_deletion_in_place(window: MainWindow, quiz: App, qtbot) -> None:  # noqa: ANN001
    study(window, qtbot, "Quiz::Clozes", ReviewMode.TYPE)
    for _ in range(12):
        card = window.reviewer.shown_card
        assert card is not None
        if "aorta" in card.all_fields[0] and card.ord == 1:
            break
        type_text(qtbot, "x")
        press(qtbot, Qt.Key.Key_Return)
        press(qtbot, Qt.Key.Key_4)
    view = window.reviewer.card_view
    assert view.type_input.isVisible() and "[...]" in view.toPlainText()
    type_text(qtbot, "aorta")
    press(qtbot, Qt.Key.Key_Return)
    assert "Correct: Good" in view.toPlainText()
    shot(window, "typed-cloze")


def test_choice_offers_the_same_field_of_other_notes(window: MainWindow, quiz: App, qtbot) -> None:  # noqa: ANN001
    study(window, qtbot, "Quiz::Words", ReviewMode.CHOICE)
    reviewer = window.reviewer
    assert reviewer.notice_label.isVisible()
    assert reviewer.notice_label.text().startswith("2 of 7 cards have fewer than 3 different wrong answers")
    until_word(window, qtbot, "Katze")
    panel = reviewer.choice_panel
    qtbot.waitUntil(panel.isVisible)
    texts = [button.full_text for button in panel.buttons]
    assert "cat" in texts and set(texts) <= {"dog", "cat", "horse", "bird", "fish"}
    shot(window, "choice")
    press(qtbot, [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4][texts.index("cat")])
    assert (Rating.GOOD, ReviewMode.CHOICE) in [(e.rating, e.mode) for e in quiz.collection.reviews.log()]
