"""The browser's preview and card info: the selected card in the reviewer's card view (question, then answer;
maths drawn, sounds as buttons), and the card info window, which follows the selection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.core.model import Rating
from studyapp.core.text.maths import SCHEME as MATH_SCHEME
from studyapp.core.text.sound_tags import SCHEME as SOUND_SCHEME
from studyapp.services.app import App
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.ui.browser.browser_window import BrowserWindow

from ..gui import support

CTRL = Qt.KeyboardModifier.ControlModifier
# Offscreen, Qt says it cannot pass on a window's size hints, nor raise the card info window.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


@pytest.fixture
def browser(app: App, calcinosis_id: int, qtbot) -> Iterator[BrowserWindow]:  # noqa: ANN001 - qtbot
    add_note(app.collection, app.rng, app.clock, calcinosis_id,
             NoteText(r"Area of a circle? \(\pi r^2\)", "pi r squared [sound:circle.mp3]", html=True))  # fmt: skip
    window = support.open_window(app, qtbot)
    support.press(qtbot, Qt.Key.Key_B, CTRL)
    shown = window.browser
    assert shown is not None
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    yield shown
    shown.close()
    window.close()


def click_row(qtbot, browser: BrowserWindow, row: int) -> int:  # noqa: ANN001
    browser.table.scrollTo(browser.model.index(row, 0))
    rect = browser.table.visualRect(browser.model.index(row, 1))
    qtbot.mouseClick(browser.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert browser.selected_card_ids() == [browser.model.card_id(row)]
    return browser.model.card_id(row)


def test_the_preview_shows_the_selected_card_question_then_answer(browser: BrowserWindow, qtbot) -> None:  # noqa: ANN001
    preview = browser.preview
    assert preview.isVisible() and not preview.view.isVisible() and preview.empty.isVisible()
    browser.search_box.setText("circle")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    click_row(qtbot, browser, 0)
    assert preview.view.isVisible() and preview.answer_button.isChecked()
    html = preview.view.shown_html
    assert "Area of a circle?" in html and f'src="{MATH_SCHEME}:' in html and "pi r squared" in html
    assert r"\pi" not in preview.view.toPlainText()  # drawn, not shown as TeX
    assert f'href="{SOUND_SCHEME}:' in html  # the sound as its button
    qtbot.mouseClick(preview.question_button, Qt.MouseButton.LeftButton)
    assert "pi r squared" not in preview.view.shown_html and "Area of a circle?" in preview.view.shown_html
    browser.search_box.setText("")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    card_id = click_row(qtbot, browser, 0)
    assert preview.card_id == card_id and "Area of a circle?" not in preview.view.shown_html
    browser.table.clearSelection()
    assert not preview.view.isVisible() and preview.empty.isVisible()


def test_card_info_opens_on_the_selected_card_and_follows_the_selection(
    browser: BrowserWindow,
    app: App,
    calcinosis_id: int,
    qtbot,  # noqa: ANN001
) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    session.answer(Rating.GOOD, 1000)
    browser.search_box.setText("")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    row = browser.model.row_of(card.id)
    assert row is not None
    click_row(qtbot, browser, row)
    browser.table.setFocus()
    support.press(qtbot, Qt.Key.Key_I, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = browser.preview.info_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.values["Answers"].text() == "1" and dialog.history.rowCount() == 1
    other = click_row(qtbot, browser, 0 if row else 1)
    assert dialog.info is not None and dialog.info.card_id == other
    assert dialog.values["Answers"].text() == "0" and dialog.values["Due"].text() == "new card"
    dialog.close()
