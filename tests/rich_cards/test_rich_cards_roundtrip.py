"""Issue 14 end to end: an Anki package made by the engine with image occlusion (both modes), mp3 and Ogg audio
and maths on both sides is imported by the real import service, studied in the real window with the keys a user
presses (the deck chosen, Enter, Space, 4), and exported to an .apkg the engine reads back as the same notes,
cards and media, its occlusion notes still Anki's own image occlusion type."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from studyapp.core.model import Rating
from studyapp.core.occlusion import TARGET_FILL, parse
from studyapp.core.occlusion.faces import read_url
from studyapp.services.app import App
from studyapp.services.notes.search import search_card_ids
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from tests.gui.support import open_window, press
from tests.maths.test_maths_view import images_in
from tests.media.test_audio_reviewer import FakePlayer
from tests.occlusion.engine import read_back
from tests.occlusion.test_review_window import _centre, _close, _shown_picture

from .package import BASIC_NOTES, DECK, IMAGE, SOUNDS

RAW_TEX = re.compile(r"\\\(|\\\)|\[\$\]|\[/\$\]|\\frac|\\sqrt|\\alpha")


def _sounds(text: str) -> list[str]:
    return re.findall(r"\[sound:([^\]]+)\]", text)


def _check_maths_and_sounds(window: MainWindow, side: str, player: FakePlayer) -> None:
    view = window.reviewer.card_view
    shown = view.shown_html
    assert "math:" in shown and not RAW_TEX.search(shown), shown
    assert not RAW_TEX.search(view.toPlainText()) and "[sound:" not in view.toPlainText()
    assert any(name.startswith("math:") for name in images_in(view))
    assert 'href="sound:' in shown  # a play button stands where each tag was
    assert player.played[-1] == _sounds(side), (player.played, side)


def _study(window: MainWindow, app: App, deck_id: int, qtbot) -> tuple[FakePlayer, dict[str, int]]:  # noqa: ANN001
    """Every card of the deck: question, Space, answer, 4 (Easy). What each kind of card showed, counted."""
    player = FakePlayer()
    window.reviewer.sounds.player = player
    window.deck_list.select_deck(deck_id)
    window.deck_list.table.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # study the chosen deck
    qtbot.waitUntil(lambda: window.reviewer.shown_card is not None)
    fronts = {front: back for front, back in BASIC_NOTES}
    seen = {"occlusion": 0, "basic": 0}
    while (card := window.reviewer.shown_card) is not None and window.stack.currentWidget() is window.reviewer:
        if card.notetype is not None and card.notetype.name == "Image Occlusion":
            question_url, question = _shown_picture(window, qtbot)
            plays = len(player.played)
            press(qtbot, Qt.Key.Key_Space)
            qtbot.waitUntil(lambda: window.reviewer.card_view.answer_shown)
            answer_url, answer = _shown_picture(window, qtbot)
            asked = read_url(question_url)
            assert asked is not None and asked.ordinal == card.ord + 1 and answer_url != question_url
            targets = [shape for shape in parse(asked.field).shapes if shape.ordinal == asked.ordinal]
            assert targets
            for shape in targets:  # the target: its colour on the question, the picture itself on the answer
                assert _close(_centre(question, shape), TARGET_FILL), (asked.ordinal, shape)
                assert _centre(question, shape) != _centre(answer, shape)
                original = QImage.fromData((app.media_dir / IMAGE).read_bytes())
                assert _close(_centre(answer, shape), _centre(original, shape).name())
            assert len(player.played) == plays  # a picture plays nothing
            seen["occlusion"] += 1
        else:
            front = card.front if card.front in fronts else card.all_fields[0]
            _check_maths_and_sounds(window, front, player)
            press(qtbot, Qt.Key.Key_Space)
            qtbot.waitUntil(lambda: window.reviewer.card_view.answer_shown)
            _check_maths_and_sounds(window, fronts[front], player)
            seen["basic"] += 1
        press(qtbot, Qt.Key.Key_4)
    return player, seen


def _engine_media(package: Path) -> dict[str, bytes]:
    """The media files of a package, by name, as the engine reads them (its import's media folder)."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder = package.parent / f"{package.stem}-media"
    folder.mkdir()
    col = Collection(str(folder / "media.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions()))
        return {p.name: p.read_bytes() for p in Path(col.media.dir()).iterdir() if p.is_file()}
    finally:
        col.close()


def test_rich_cards_come_in_are_studied_in_the_window_and_go_out_whole(
    app: App, rich_package: Path, tmp_path: Path, qtbot  # noqa: ANN001 - qtbot
) -> None:  # fmt: skip
    summary = app.import_file(rich_package)
    assert summary.new == 4 and not summary.skipped and not summary.warnings, summary
    deck = app.find_deck(DECK)
    assert deck is not None
    card_ids = set(search_card_ids(app.collection, app.clock, f"deck:{DECK}"))
    assert len(card_ids) == 4 + 4 + 2  # four occlusions a note (a group is one card, a label none), two Basic
    for name in (*SOUNDS, IMAGE):
        assert (app.media_dir / name).is_file()

    install_theme(QApplication.instance(), LIGHT)
    window = open_window(app, qtbot)
    window.resize(1024, 640)
    player, seen = _study(window, app, deck.id, qtbot)
    assert seen == {"occlusion": 8, "basic": 2}, seen
    assert sorted(map(tuple, player.played)) == [("dog.ogg",), ("dog.ogg",), ("hund.mp3",), ("hund.mp3",)]
    log = app.collection.reviews.log()
    assert {entry.card_id for entry in log} == card_ids and len(log) == 10
    assert {entry.rating for entry in log} == {Rating.EASY}
    window.close()
    assert player.closed

    out = tmp_path / "out.apkg"
    result = app.export(out, DECK)
    assert (result.notes, result.media, result.missing_media) == (4, 3, ())
    before, after = read_back(rich_package, tmp_path / "before"), read_back(out, tmp_path / "after")
    assert after == before  # guid -> note type, stock kind (6: image occlusion), fields, card ords, shapes
    # (the engine's fresh collection has stock types of its own: a package's are added as "Basic+")
    kinds = sorted((name.rstrip("+"), kind) for name, kind, *_rest in after.values())  # type: ignore[misc]
    assert kinds == [("Basic", 1), ("Basic", 1), ("Image Occlusion", 6), ("Image Occlusion", 6)]
    media = _engine_media(out)
    assert set(media) == {*SOUNDS, IMAGE}
    assert media == _engine_media(rich_package)
