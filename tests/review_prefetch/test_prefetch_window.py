"""In the real window: once a card is painted, the pictures of the cards the session expects next (and of its
own answer side) are decoded off the UI thread, so the next card shows without decoding anything."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from pytestqt.qtbot import QtBot

from studyapp.core.model import Card
from studyapp.core.text.face_pictures import picture_sources
from studyapp.core.text.render import card_faces
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.review.pictures.occlusion_images import OcclusionImages
from studyapp.ui.review.pictures.picture_cache import MediaPictures
from studyapp.ui.review.pictures.picture_prefetch import PictureJob, ViewGeometry
from studyapp.ui.review.reviewer import UPCOMING_PICTURES
from tests.gui.support import press

from .pictures import write_picture

IMAGE = QTextDocument.ResourceType.ImageResource.value
_NAME = re.compile(r'src="(p\d\.png)"')


def _study(window: MainWindow, qtbot: QtBot, deck_id: int) -> None:
    window.study(deck_id)
    qtbot.waitUntil(lambda: window.reviewer.shown_card is not None)


def _picture_of(card: Card) -> str:
    found = _NAME.findall(card.front)
    assert len(found) == 1, card.front
    return found[0]


def _ready(window: MainWindow, pictures: MediaPictures, app: App, card: Card) -> bool:
    view = window.reviewer.card_view
    found = pictures.key(app.media_dir / _picture_of(card), view.column_width(), view.devicePixelRatioF())
    return found is not None and pictures.cached(found[0]) is not None


def _next_card(window: MainWindow, qtbot: QtBot) -> Card:
    shown = window.reviewer.shown_card
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.reviewer.revealed)
    press(qtbot, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: window.reviewer.shown_card is not shown)
    card = window.reviewer.shown_card
    assert card is not None
    return card


def test_the_next_cards_pictures_are_ready_and_it_shows_without_a_decode(
    app: App, window: MainWindow, qtbot: QtBot, picture_deck: int, pictures: MediaPictures
) -> None:
    _study(window, qtbot, picture_deck)
    reviewer = window.reviewer
    assert pictures.decoded == 1  # the first card's own, on the UI thread: nothing was ready yet
    upcoming = reviewer.session.upcoming(UPCOMING_PICTURES)
    assert len(upcoming) == UPCOMING_PICTURES
    qtbot.waitUntil(lambda: all(_ready(window, pictures, app, card) for card in upcoming))
    assert reviewer.pictures.done == UPCOMING_PICTURES and pictures.decoded == 1 + UPCOMING_PICTURES
    for expected in upcoming[:2]:
        decoded = pictures.decoded
        card = _next_card(window, qtbot)
        assert card.id == expected.id
        assert pictures.decoded == decoded  # the card view took it from the cache
        view = reviewer.card_view
        image = view.document().resource(IMAGE, QUrl(_picture_of(card)))
        assert isinstance(image, QImage) and image.size() == QSize(
            view.column_width(), round(view.column_width() * 2 / 3)
        )
        qtbot.waitUntil(lambda: reviewer.pictures.idle())


def test_occlusion_pictures_are_painted_ahead_answer_side_and_next_card(
    window: MainWindow, qtbot: QtBot, occlusion_deck: int, occlusions: OcclusionImages
) -> None:
    _study(window, qtbot, occlusion_deck)
    reviewer = window.reviewer
    view = reviewer.card_view
    first = reviewer.shown_card
    upcoming = reviewer.session.upcoming(UPCOMING_PICTURES)
    wanted = [first, *upcoming]
    urls = [url for card in wanted for url in picture_sources(*_faces(card)) if url.startswith("occlusion:")]
    assert len(urls) == 2 * len(wanted)  # each card's question and answer picture
    ratio = view.devicePixelRatioF()
    qtbot.waitUntil(lambda: all(occlusions._cached((url, round(ratio, 2), 720)) is not None for url in urls))
    painted = occlusions.painted
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: reviewer.revealed)
    card = _next_card_after_reveal(window, qtbot)
    assert card.id == upcoming[0].id
    assert occlusions.painted == painted  # the answer side and the next card came from the cache


def _faces(card: Card) -> tuple[str, ...]:
    faces = card_faces(card)
    return faces.question, faces.answer, faces.revealed_question


def _next_card_after_reveal(window: MainWindow, qtbot: QtBot) -> Card:
    shown = window.reviewer.shown_card
    press(qtbot, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: window.reviewer.shown_card is not shown)
    card = window.reviewer.shown_card
    assert card is not None
    return card


def test_a_stale_prefetch_is_dropped(
    app: App, window: MainWindow, qtbot: QtBot, picture_deck: int, pictures: MediaPictures
) -> None:
    """The session moved on while a prefetch ran: what it had not started is not decoded."""
    _study(window, qtbot, picture_deck)
    prefetcher = window.reviewer.pictures
    view = window.reviewer.card_view
    qtbot.waitUntil(lambda: view._after_paint is None and prefetcher.idle())  # the reviewer's own is done
    entered, gate = threading.Event(), threading.Event()
    real = pictures.prepare

    def slow_prepare(path: Path, width: int, ratio: float) -> bool:
        entered.set()
        gate.wait(5)
        return real(path, width, ratio)

    pictures.prepare = slow_prepare  # type: ignore[method-assign]
    paths = [write_picture(app.media_dir, f"extra{number}.png", number) for number in range(3)]

    geometry = ViewGeometry(view.column_width(), 720, view.devicePixelRatioF(), view.media_file)
    stale = prefetcher.prepare([PictureJob(path=path) for path in paths[:2]], geometry)
    assert entered.wait(5)  # the worker is decoding the first picture
    fresh = prefetcher.prepare([PictureJob(path=paths[2])], geometry)
    assert fresh > stale
    with qtbot.waitSignal(prefetcher.finished, check_params_cb=lambda generation: generation == fresh):
        gate.set()
    ready = [pictures.key(path, view.column_width(), view.devicePixelRatioF()) for path in paths]
    assert [key is not None and pictures.cached(key[0]) is not None for key in ready] == [True, False, True]
    assert prefetcher.dropped == 1


def test_the_reviewer_closes_cleanly_while_a_prefetch_runs(
    app: App, window: MainWindow, qtbot: QtBot, picture_deck: int, pictures: MediaPictures
) -> None:
    entered, gate = threading.Event(), threading.Event()
    real = pictures.prepare
    finished: list[Path] = []

    def slow_prepare(path: Path, width: int, ratio: float) -> bool:
        entered.set()
        gate.wait(5)
        finished.append(path)
        return real(path, width, ratio)

    pictures.prepare = slow_prepare  # type: ignore[method-assign]
    _study(window, qtbot, picture_deck)
    prefetcher = window.reviewer.pictures
    qtbot.waitUntil(entered.is_set)  # the first upcoming picture is being decoded
    threading.Timer(0.2, gate.set).start()  # a slow decode: it ends while the window closes
    window.close()
    assert prefetcher.idle() and len(finished) == 1  # waited for the one running; the others were dropped
    assert prefetcher.dropped == UPCOMING_PICTURES - 1
