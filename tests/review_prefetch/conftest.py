"""Fixtures: fresh picture caches for each test (the card view and the reviewer's worker share them), and a
deck of picture cards in the real main window."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from studyapp.core.clock import FixedClock
from studyapp.core.occlusion import ellipse, rect
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.occlusion.editing import OcclusionDraft, add_occlusion_note
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.review.pictures import occlusion_images, picture_cache
from studyapp.ui.review.pictures.occlusion_images import OcclusionImages
from studyapp.ui.review.pictures.picture_cache import MediaPictures
from tests.gui.support import open_window

from .pictures import picture_bytes, write_picture

PICTURES = "Pictures"
OCCLUSIONS = "Occlusions"


@pytest.fixture
def pictures(monkeypatch: pytest.MonkeyPatch) -> MediaPictures:
    fresh = MediaPictures()
    monkeypatch.setattr(picture_cache, "_SHARED", fresh)
    return fresh


@pytest.fixture
def occlusions(monkeypatch: pytest.MonkeyPatch) -> OcclusionImages:
    fresh = OcclusionImages()
    monkeypatch.setattr(occlusion_images, "_SHARED", fresh)
    return fresh


@pytest.fixture
def picture_deck(app: App, rng: random.Random, clock: FixedClock) -> int:
    """Five Basic notes, each with its own 1200x800 picture (``p0.png``...) in its front."""
    deck_id = create_deck(app.collection, rng, clock, PICTURES).id
    for number in range(5):
        write_picture(app.media_dir, f"p{number}.png", number)
        add_note(app.collection, rng, clock, deck_id, NoteText(f'Picture {number}<br><img src="p{number}.png">',
                                                                f"Answer {number}", html=True))  # fmt: skip
    return deck_id


@pytest.fixture
def occlusion_deck(app: App, rng: random.Random, clock: FixedClock) -> int:
    """Three image occlusion notes ("hide all, guess one"), each its own picture, three masks each."""
    deck_id = create_deck(app.collection, rng, clock, OCCLUSIONS).id
    for number in range(3):
        shapes = (rect(1, 0.1, 0.1, 0.2, 0.1), rect(2, 0.5, 0.1, 0.2, 0.1), ellipse(3, 0.3, 0.6, 0.2, 0.2))
        draft = OcclusionDraft(shapes, hide_all=True, header=f"Picture {number}")
        add_occlusion_note(app.collection, rng, clock, app.media_dir, deck_id, picture_bytes(number), draft)
    return deck_id


@pytest.fixture
def window(app: App, qtbot: QtBot, pictures: MediaPictures, occlusions: OcclusionImages) -> Iterator[MainWindow]:
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    shown.resize(1024, 640)
    yield shown
    shown.close()
