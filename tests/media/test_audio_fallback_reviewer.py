"""Phone recordings in the real window: the reviewer's own SoundPlayer decodes Opus, m4a and .3gp with no
"not supported" line (the sink decodes every frame but plays to nowhere); random bytes named .m4a give the
one quiet line and the card studies on."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.services.audio.player import SoundPlayer, open_pcm
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from tests.gui.support import open_window, press
from tests.media.audio_files import AMR_3GP, write_tone

pytest.importorskip("av")


class DecodingSink:
    """Decodes each file whole, as the device would pull it, and records its frames (nothing is heard)."""

    def __init__(self) -> None:
        self.decoded: dict[str, int] = {}

    def play(self, path: Path, stop: threading.Event) -> None:
        stream = open_pcm(path)  # SoundProblem for what cannot be decoded, as the device sink
        frames = 0
        try:
            while not stop.is_set():
                frames += len(stream.send(1024)) // 4
        except StopIteration:
            pass
        self.decoded[path.name] = frames

    def close(self) -> None:
        pass


@pytest.fixture
def phone_deck(app: App, tmp_path: Path) -> int:
    source = tmp_path / "phone.txt"
    source.write_text(
        "#separator:tab\n#html:true\n"
        "Hund [sound:hund.opus]\tdog [sound:dog.m4a] [sound:bark.3gp] [sound:old.3gp]\n"
        "Katze [sound:broken.m4a]\tcat\n",
        encoding="utf-8",
    )
    app.import_file(source, deck_name="Phone")
    app.media_dir.mkdir(parents=True, exist_ok=True)
    for name in ("hund.opus", "dog.m4a", "bark.3gp"):
        write_tone(app.media_dir / name, 0.3)
    write_tone(app.media_dir / "old.3gp", 0.3, AMR_3GP)
    (app.media_dir / "broken.m4a").write_bytes(os.urandom(2048))
    deck = app.find_deck("Phone")
    assert deck is not None
    return deck.id


def test_phone_recordings_play_in_the_reviewer_and_a_broken_one_is_one_line(
    app: App,
    phone_deck: int,
    qtbot,  # noqa: ANN001
) -> None:
    install_theme(QApplication.instance(), LIGHT)
    window: MainWindow = open_window(app, qtbot)
    try:
        reviewer = window.reviewer
        sink = DecodingSink()
        reviewer.sounds.player = SoundPlayer(reviewer.sounds._problem_from_thread.emit, lambda: sink)
        problems: list[str] = []
        reviewer.sounds.problem.connect(problems.append)
        window.study(phone_deck)
        qtbot.waitUntil(lambda: "hund.opus" in sink.decoded)
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: len(sink.decoded) == 4)
        for name, frames in sink.decoded.items():
            assert 0.3 * 44_100 <= frames <= 0.4 * 44_100, name  # every frame, at the device's rate
        QApplication.processEvents()
        assert problems == [] and not reviewer.sound_status.isVisible()
        press(qtbot, Qt.Key.Key_3)
        assert "Katze" in reviewer.card_view.toPlainText()
        qtbot.waitUntil(lambda: reviewer.sound_status.isVisible())
        assert reviewer.sound_status.text() == "cannot play broken.m4a: format not supported"
        assert problems == ["cannot play broken.m4a: format not supported"]
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_3)
        assert len(app.collection.reviews.log()) == 2  # studying went on
    finally:
        reviewer.sounds.player.close()
        window.close()
