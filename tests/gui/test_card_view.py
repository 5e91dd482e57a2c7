"""Card text is shown safely: markup is escaped, web addresses are links opened only when clicked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl

from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.review.card_view import CardView

from .support import anchor_point, press

CUSHING_URL = "https://dermvettacoma.com/cushings-disease/"


class Opener:
    """Stands in for the system browser."""

    def __init__(self) -> None:
        self.opened: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


@pytest.fixture
def cushing(window: MainWindow, qtbot) -> CardView:
    """The reviewer showing the answer of the Cushing's card, reached with the keyboard (Easy until then)."""
    opener = Opener()
    view = window.reviewer.card_view
    view.link_opener = opener
    press(qtbot, Qt.Key.Key_Return)
    while "Cushing" not in view.toPlainText():
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_4)
    press(qtbot, Qt.Key.Key_Space)
    return view


def test_the_cushing_answer_shows_its_address_as_a_link(cushing: CardView) -> None:
    assert f'href="{CUSHING_URL}"' in cushing.toHtml()
    assert f"({CUSHING_URL})." in cushing.toPlainText()
    assert cushing.link_opener.opened == []  # shown, not opened


def test_the_link_opens_in_the_browser_once_when_clicked(cushing: CardView, qtbot) -> None:
    with qtbot.waitSignal(cushing.anchorClicked):
        qtbot.mouseClick(cushing.viewport(), Qt.MouseButton.LeftButton, pos=anchor_point(cushing))
    assert cushing.link_opener.opened == [QUrl(CUSHING_URL)]
    assert "Cushing" in cushing.toPlainText()  # the view did not navigate away


def test_activating_the_anchor_opens_it(qtbot) -> None:
    view = CardView()
    qtbot.addWidget(view)
    view.link_opener = Opener()
    view.show_answer("Where?", f"See {CUSHING_URL} for more.")
    assert view.link_opener.opened == []
    view.anchorClicked.emit(QUrl(CUSHING_URL))
    assert view.link_opener.opened == [QUrl(CUSHING_URL)]


@pytest.mark.parametrize("address", ["file:///etc/passwd", "javascript:alert(1)", "mailto:someone@example.com"])
def test_only_web_addresses_are_opened(qtbot, address: str) -> None:
    view = CardView()
    qtbot.addWidget(view)
    view.link_opener = Opener()
    view.anchorClicked.emit(QUrl(address))
    assert view.link_opener.opened == []


def test_markup_in_a_card_is_shown_as_text(qtbot) -> None:
    view = CardView()
    qtbot.addWidget(view)
    view.show_answer("What is <b>this</b>?", '<a href="file:///x">click</a> & <img src="y.png">')
    text = view.toPlainText()
    assert "What is <b>this</b>?" in text
    assert '<a href="file:///x">click</a> & <img src="y.png">' in text
    assert 'href="file:///x"' not in view.toHtml()
