"""Image occlusion cards in the real window: the picture with its masks, the target in its own colour on the
question and revealed on the answer; the other cards' masks stay in "hide all" and are absent in "hide one".

The package is made by the anki engine (``engine.make_io_package``); keys drive the reviewer as a user would.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from studyapp.core.model import ReviewMode
from studyapp.core.occlusion import OTHER_FILL, TARGET_FILL, parse
from studyapp.core.occlusion.faces import read_url
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from tests.gui.support import open_window, press

from .engine import DECK, IMAGE_SIZE, png

_SRC = re.compile(r'src="(occlusion:[^"]+)"')
IMAGE = QTextDocument.ResourceType.ImageResource.value


def _close(pixel: QColor, expected: str, tolerance: int = 12) -> bool:
    want = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel.getRgb()[:3], want.getRgb()[:3], strict=True))


def _shown_picture(window: MainWindow, qtbot) -> tuple[str, QImage]:  # noqa: ANN001 - qtbot
    """The occlusion picture the card view laid out now (as the document holds it)."""
    view = window.reviewer.card_view
    urls = _SRC.findall(view.shown_html)
    assert len(urls) == 1, view.shown_html
    url = urls[-1].replace("&amp;", "&")
    qtbot.waitUntil(lambda: isinstance(view.document().resource(IMAGE, QUrl(url)), QImage))
    image = view.document().resource(IMAGE, QUrl(url))
    assert image.size() == QSize(*IMAGE_SIZE) * view.devicePixelRatioF()
    return url, image


def _centre(image: QImage, shape) -> QColor:  # noqa: ANN001 - Shape
    x = (shape.left + shape.width / 2) * image.width()
    y = (shape.top + shape.height / 2) * image.height()
    return image.pixelColor(int(x), int(y))


def test_occlusion_cards_are_drawn_with_their_masks_and_revealed(app: App, io_package: Path, qtbot) -> None:  # noqa: ANN001
    install_theme(QApplication.instance(), LIGHT)
    app.import_file(io_package)
    deck = app.find_deck(DECK)
    assert deck is not None
    window = open_window(app, qtbot)
    window.resize(1024, 640)
    app.review_session(deck.id, ReviewMode.FLIP)
    window.study(deck.id)
    qtbot.waitUntil(lambda: window.reviewer.shown_card is not None)
    original = QImage.fromData(png())
    seen: set[tuple[int, bool]] = set()
    for _ in range(8):
        card = window.reviewer.shown_card
        assert card is not None
        question_url, question = _shown_picture(window, qtbot)
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: window.reviewer.card_view.answer_shown)
        answer_url, answer = _shown_picture(window, qtbot)
        asked = read_url(question_url)
        assert asked is not None and asked.ordinal == card.ord + 1 and answer_url != question_url
        shapes = parse(asked.field).shapes
        hide_all = shapes[0].occlude_inactive
        seen.add((asked.ordinal, hide_all))
        for shape in shapes:
            if shape.ordinal == 0:
                continue
            target = shape.ordinal == asked.ordinal
            raw = _centre(original, shape)
            if target:  # the target (each shape of a group): red on the question, the picture on the answer
                assert _close(_centre(question, shape), TARGET_FILL), (asked.ordinal, shape)
                assert _close(_centre(answer, shape), raw.name()), (asked.ordinal, shape)
            elif hide_all:  # the others stay hidden on both sides
                assert _close(_centre(question, shape), OTHER_FILL) and _close(_centre(answer, shape), OTHER_FILL)
            else:  # hide one: the others are never hidden
                assert _close(_centre(question, shape), raw.name()) and _close(_centre(answer, shape), raw.name())
        press(qtbot, Qt.Key.Key_4)
    assert seen == {(number, mode) for number in (1, 2, 3, 4) for mode in (True, False)}
    window.close()
