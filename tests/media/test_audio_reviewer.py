"""Audio in the real window: what the reviewer asks to play on each side, R, play buttons, the deck option,
and the quiet status line for what cannot play (a fake player records the requests; nothing is heard)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.decks.deck_options_dialog import DeckOptionsDialog
from tests.gui.support import offscreen_dialog_warning, open_window, press
from tests.media.audio_files import wav_bytes


class FakePlayer:
    """Stands in for ``services.audio.SoundPlayer``: records what it is asked."""

    def __init__(self) -> None:
        self.played: list[list[str]] = []
        self.stops = 0
        self.closed = False

    def play(self, paths: Sequence[Path]) -> None:
        self.played.append([path.name for path in paths])

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def audio_deck(app: App, tmp_path: Path) -> int:
    source = tmp_path / "audio.txt"
    source.write_text(
        "#separator:tab\n#html:true\n"
        "Hund [sound:hund.mp3]\tdog [sound:dog.ogg] [sound:bark.wav]\n"
        "Katze [sound:gone.mp3]\tcat\n",
        encoding="utf-8",
    )
    app.import_file(source, deck_name="Audio")
    app.media_dir.mkdir(parents=True, exist_ok=True)
    for name in ("hund.mp3", "dog.ogg", "bark.wav"):
        (app.media_dir / name).write_bytes(wav_bytes())  # the player is fake: any bytes do
    deck = app.find_deck("Audio")
    assert deck is not None
    return deck.id


@pytest.fixture
def window(app: App, qtbot) -> MainWindow:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()


def study(window: MainWindow, deck_id: int) -> FakePlayer:
    player = FakePlayer()
    window.reviewer.sounds.player = player
    window.study(deck_id)
    return player


def test_question_sounds_play_then_the_answers_own_then_r_replays_the_side(
    window: MainWindow,
    audio_deck: int,
    qtbot,  # noqa: ANN001
) -> None:
    player = study(window, audio_deck)
    reviewer = window.reviewer
    assert "Hund" in reviewer.card_view.toPlainText()
    assert player.played == [["hund.mp3"]]
    press(qtbot, Qt.Key.Key_R)
    assert player.played[-1] == ["hund.mp3"]
    press(qtbot, Qt.Key.Key_Space)
    assert player.played[-1] == ["dog.ogg", "bark.wav"]  # not the question's again
    press(qtbot, Qt.Key.Key_R)
    assert player.played[-1] == ["hund.mp3", "dog.ogg", "bark.wav"]  # the whole answer side, as Anki
    assert len(player.played) == 4
    stops = player.stops
    press(qtbot, Qt.Key.Key_3)  # the next card stops what plays
    assert player.stops > stops


def test_a_play_button_plays_its_sound(window: MainWindow, audio_deck: int, qtbot) -> None:  # noqa: ANN001
    player = study(window, audio_deck)
    press(qtbot, Qt.Key.Key_Space)
    view = window.reviewer.card_view
    assert 'href="sound:1"' in view.shown_html
    view.anchorClicked.emit(QUrl("sound:1"))
    assert player.played[-1] == ["dog.ogg"]
    view.anchorClicked.emit(QUrl("sound:99"))  # no such button: nothing
    view.anchorClicked.emit(QUrl("sound:../../etc/passwd"))
    assert player.played[-1] == ["dog.ogg"] and len(player.played) == 3


def test_a_missing_file_is_one_quiet_line_and_the_card_studies_on(
    window: MainWindow,
    app: App,
    audio_deck: int,
    qtbot,  # noqa: ANN001
) -> None:
    player = study(window, audio_deck)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    reviewer = window.reviewer
    assert "Katze" in reviewer.card_view.toPlainText()
    assert reviewer.sound_status.isVisible()
    assert reviewer.sound_status.text() == "cannot play gone.mp3: it is not in the media folder"
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    assert len(app.collection.reviews.log()) == 2  # studying was never held up
    assert ["gone.mp3"] not in player.played


def test_a_problem_from_the_audio_thread_shows_in_the_status_line(
    window: MainWindow,
    audio_deck: int,
    qtbot,  # noqa: ANN001
) -> None:
    study(window, audio_deck)
    reviewer = window.reviewer
    line = "cannot play x.m4a: format not supported"
    thread = threading.Thread(target=reviewer.sounds._problem_from_thread.emit, args=(line,))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reviewer.sound_status.isVisible())
    assert reviewer.sound_status.text() == "cannot play x.m4a: format not supported"


@offscreen_dialog_warning
def test_the_deck_option_stops_autoplay_but_r_still_plays(
    window: MainWindow,
    app: App,
    audio_deck: int,
    qtbot,  # noqa: ANN001
) -> None:
    dialog = DeckOptionsDialog(app, audio_deck, window)
    qtbot.addWidget(dialog)
    dialog.show()
    hint = dialog.sizeHint()
    assert hint.width() <= 1024 and hint.height() <= 640
    assert not dialog.no_autoplay.isChecked()
    dialog.no_autoplay.setChecked(True)
    assert dialog.save()
    deck = app.collection.decks.get(audio_deck)
    assert deck is not None and deck.options.autoplay_audio is False
    player = study(window, audio_deck)
    assert player.played == []
    press(qtbot, Qt.Key.Key_Space)
    assert player.played == []
    press(qtbot, Qt.Key.Key_R)
    assert player.played == [["hund.mp3", "dog.ogg", "bark.wav"]]


def test_leaving_the_reviewer_stops_the_sound(window: MainWindow, audio_deck: int, qtbot) -> None:  # noqa: ANN001
    player = study(window, audio_deck)
    stops = player.stops
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is not window.reviewer
    assert player.stops > stops
