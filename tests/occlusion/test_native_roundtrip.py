"""Anki's native image occlusion notes: imported with a card per occlusion, shown as one composed picture,
and exported back as native image occlusion notes the anki engine reads with the same notes and cards."""

from __future__ import annotations

import re
from pathlib import Path

from studyapp.core.notetypes.model import NotetypeKind
from studyapp.core.occlusion.faces import read_url
from studyapp.core.text.render import card_faces, card_text_faces
from studyapp.services.app import App

from .engine import DECK, HEADERS, read_back

_SRC = re.compile(r'src="(occlusion:[^"]+)"')


def _cards(app: App) -> list:
    deck = app.find_deck(DECK)
    assert deck is not None
    cards = [app.collection.reviews.card(card_id) for card_id in app.collection.reviews.card_ids([deck.id])]
    return sorted((card for card in cards if card is not None), key=lambda card: (card.note_id, card.ord))


def test_every_occlusion_is_its_card_and_the_import_says_nothing_is_lost(app: App, io_package: Path) -> None:
    summary = app.import_file(io_package)
    assert not [line for line in summary.warnings if "occlusion" in line], summary.warnings
    engine = read_back(io_package, io_package.parent / "engine-read")
    cards = _cards(app)
    assert len(cards) == 8
    ours = sorted(
        sorted(card.ord for card in cards if card.note_id == note_id) for note_id in {c.note_id for c in cards}
    )
    assert ours == sorted(note[3] for note in engine.values()) == [[0, 1, 2, 3], [0, 1, 2, 3]]
    assert all(card.notetype is not None and card.notetype.kind is NotetypeKind.IMAGE_OCCLUSION for card in cards)


def test_faces_are_the_header_the_composed_picture_and_the_back_extra(app: App, io_package: Path) -> None:
    app.import_file(io_package)
    for card in _cards(app):
        faces = card_faces(card)
        (question_url,) = _SRC.findall(faces.question)
        (answer_url,) = _SRC.findall(faces.revealed_question)
        asked, shown = read_url(question_url.replace("&amp;", "&")), read_url(answer_url.replace("&amp;", "&"))
        assert asked is not None and shown is not None
        assert (asked.ordinal, asked.question, shown.ordinal, shown.question) == (
            card.ord + 1,
            True,
            card.ord + 1,
            False,
        )
        assert asked.image == "io-picture.png" and "image-occlusion:rect" in asked.field
        header = next(text for text in HEADERS.values() if text in faces.question)
        assert header in faces.revealed_question and "image-occlusion" not in faces.question.replace(question_url, "")
        assert faces.answer.startswith("extra ")
        question, answer = card_text_faces(card)  # the terminal and the browser's columns
        assert f"[image occlusion {card.ord + 1}: io-picture.png]" in question and "occlusion:" not in question


def test_exported_notes_are_native_image_occlusion_notes_with_the_same_cards(
    app: App, io_package: Path, tmp_path: Path
) -> None:
    app.import_file(io_package)
    out = tmp_path / "out.apkg"
    result = app.export(out, DECK)
    assert result is not None
    before = read_back(io_package, tmp_path / "before")
    after = read_back(out, tmp_path / "after")
    assert after == before
    assert all(note[1] == 6 and note[4] for note in after.values())  # the engine reads their occlusions
