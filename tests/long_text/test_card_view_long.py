"""The card view with a long unbroken string: a bounded document, wrapping anywhere, Show all bounded too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from studyapp.core.model import Card
from studyapp.core.quiz.answer_match import COMPARED_CHARS, match_answer
from studyapp.core.text.face_budget import FIRST_VIEW, SHOW_ALL
from studyapp.ui.review.card_view import CardView
from studyapp.ui.review.quiz.choice_panel import SHOWN_CHARACTERS, TOOLTIP_CHARACTERS, OptionButton
from studyapp.ui.review.quiz.typed_answer import SHOWN_DIFF_CHARS, TypedAnswerPanel
from tests.gui.support import offscreen_dialog_warning

from .hostile import BASE64, DATA_IMAGE, DNA, TOKEN, URL

ZWSP = "\u200b"
# Laid out beyond the budget's text: the divider, the cut mark, the zero-width spaces (one every 10 characters).
SLACK = 1.2


def view(qtbot) -> CardView:  # noqa: ANN001
    shown = CardView()
    qtbot.addWidget(shown)
    shown.resize(1024, 640)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


CASES = [
    ("2.5 MB token", TOKEN, False),
    ("2.5 MB token as HTML", TOKEN, True),
    ("2.5 MB base64", BASE64, False),
    ("200 KB DNA", DNA, False),
    ("100 KB address", URL, False),
    ("100 KB address in a link", f'<a href="{URL}">{URL}</a>', True),
]


@pytest.mark.parametrize(("long", "html"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("side", ["question", "answer"])
def test_a_long_run_is_laid_out_within_the_budget_and_show_all_lays_out_more(
    qtbot,  # noqa: ANN001
    long: str,
    html: bool,
    side: str,
) -> None:
    shown = view(qtbot)
    card = Card(1, 1, 1, long, "Back?", html=html) if side == "question" else Card(1, 1, 1, "Q?", long, html=html)
    shown.show_card(card, revealed=False)
    shown.show_card(card, revealed=True)
    first = shown.document().characterCount()
    assert first < FIRST_VIEW.text_chars * SLACK * 2  # (the question is shown twice: above and below the line)
    assert shown.cut_bar.isVisible() and shown.cut_bar.show_all_button.isVisible()
    text = shown.toPlainText()
    if long.startswith(("x", "A", "C", "G", "T")) or not html:  # text, not only an attribute
        assert ZWSP in text  # the run can wrap anywhere
        assert max(map(len, text.replace(ZWSP, " ").split())) <= 20
    qtbot.mouseClick(shown.cut_bar.show_all_button, Qt.MouseButton.LeftButton)
    more = shown.document().characterCount()
    assert first < more < SHOW_ALL.text_chars * SLACK * 2
    assert card.all_fields == ((long, "Back?") if side == "question" else ("Q?", long))  # the stored text as it was


def test_a_data_image_of_megabytes_is_neither_laid_out_nor_loaded(qtbot) -> None:  # noqa: ANN001
    shown = view(qtbot)
    card = Card(1, 1, 1, "Picture?", DATA_IMAGE, html=True)
    shown.show_card(card, revealed=True)
    assert shown.document().characterCount() < 100
    assert "data:" not in shown.shown_html  # cut (over the raw budget) or refused, never decoded


@offscreen_dialog_warning
def test_a_typed_reply_against_a_huge_answer_is_compared_on_its_start_and_shown_in_a_few_lines(qtbot) -> None:  # noqa: ANN001
    panel = TypedAnswerPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 400)
    panel.show()
    panel.ask()
    qtbot.keyClicks(panel.input, "xxxxxxxx")  # typing still works
    match = match_answer(TOKEN, panel.input.text())
    assert len(match.expected) == COMPARED_CHARS  # compared on its start: milliseconds, not seconds
    panel.show_result(match)
    shown = QTextDocumentFragment.fromHtml(panel.diff_label.text()).toPlainText()
    assert shown.startswith("xxxxxxxx") and shown.endswith("…")
    assert len(shown.replace(ZWSP, "")) < SHOWN_DIFF_CHARS + 20
    assert max(map(len, shown.replace(ZWSP, " ").split())) <= 80  # no run wider than the panel
    assert panel.diff_label.heightForWidth(650) < 400


@offscreen_dialog_warning
def test_a_choice_of_megabytes_shows_a_line_and_a_bounded_tooltip(qtbot) -> None:  # noqa: ANN001
    button = OptionButton(1)
    qtbot.addWidget(button)
    button.setFixedWidth(700)
    button.set_option(BASE64)
    button.show()
    qtbot.waitExposed(button)
    label = button.text_label.text()
    assert len(label.replace(ZWSP, "")) <= SHOWN_CHARACTERS + 2
    assert max(map(len, label.replace(ZWSP, " ").split())) <= 10  # wraps inside the button
    assert button.text_label.width() <= 700 and button.text_label.heightForWidth(600) < 400
    assert len(button.toolTip()) < TOOLTIP_CHARACTERS * 1.2 and "more characters" in button.toolTip()
    assert button.full_text == BASE64
