"""The screenshot gallery's collection has every kind of note, and its windows are photographed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.gallery.samples import make_collection
from studyapp.ui.gallery.shots import SHOTS, take

from .support import open_window

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


def test_the_gallery_photographs_its_windows(tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    app = make_collection(tmp_path / "collection.db")
    fronts = [row[0] for row in app.collection.db.execute("SELECT front FROM notes").fetchall()]
    for mark in ("{{c1::", "\\(", "[sound:", "image-occlusion:rect", "Capital of"):  # cloze, maths, audio, masks, typed
        assert any(mark in front for front in fronts), mark
    assert (app.media_dir / "tone-a440.wav").stat().st_size > 1000
    window: MainWindow = open_window(app, qtbot)
    qt_app = QApplication.instance()
    for name in ("main-decks", "review-choice-answered", "review-occlusion-answer", "statistics", "help-study"):
        assert take(name, SHOTS[name], window, app, qt_app, tmp_path) is None
        picture = QImage(str(tmp_path / f"{name}.png"))
        assert not picture.isNull() and picture.width() > 300 and picture.height() > 150, name
    assert (
        take("broken", lambda w, a: 1 / 0, window, app, qt_app, tmp_path)
        == "broken: ZeroDivisionError: division by zero"
    )
    window.close()
    app.close()
