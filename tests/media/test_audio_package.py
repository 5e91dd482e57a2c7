"""An Anki package with real mp3 and Ogg Vorbis audio (made by the engine at test time): imported with its
sound files, played from the media folder, exported and read back by the engine with the same files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from studyapp.core.text.render import card_faces
from studyapp.services.app import App
from studyapp.services.notes.search import search_card_ids
from tests.media.audio_files import write_tone

pytest.importorskip("anki")
miniaudio = pytest.importorskip("miniaudio")


def engine_package(folder: Path) -> Path:
    """Anki's Basic type with [sound:] on both sides, the files added to the engine's media folder."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    col = Collection(str(folder / "source.anki2"))
    try:
        for name in ("hund.mp3", "dog.ogg"):
            write_tone(folder / name, seconds=0.2)
            assert col.media.add_file(str(folder / name)) == name
        deck = col.decks.id("Listening")
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "Hund [sound:hund.mp3]", "dog [sound:dog.ogg]"
        col.add_note(note, deck)
        target = folder / "listening.apkg"
        options = ExportAnkiPackageOptions(with_scheduling=False, with_media=True, legacy=True)
        col.export_anki_package(out_path=str(target), options=options, limit=None)
        return target
    finally:
        col.close()


def engine_view(package: Path, folder: Path) -> dict[str, Any]:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir()
    col = Collection(str(folder / "back.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions()))
        notes = [col.get_note(note_id) for note_id in col.find_notes("")]
        card = notes[0].cards()[0]
        return {
            "fields": [dict(note.items()) for note in notes],
            "question_sounds": [tag.filename for tag in card.question_av_tags()],
            "answer_sounds": [tag.filename for tag in card.answer_av_tags()],
            "media": {p.name: p.read_bytes() for p in Path(col.media.dir()).iterdir() if p.is_file()},
        }
    finally:
        col.close()


def test_audio_comes_in_plays_and_goes_out_whole(app: App, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    package = engine_package(source)
    app.import_file(package)
    deck = app.find_deck("Listening")
    assert deck is not None
    for name in ("hund.mp3", "dog.ogg"):
        assert (app.media_dir / name).read_bytes() == (source / name).read_bytes()
        # The files the reviewer would play decode from the media folder (mp3 and Ogg Vorbis).
        info = miniaudio.get_file_info(str(app.media_dir / name))
        assert 0.15 < info.duration < 0.3
    [card_id] = search_card_ids(app.collection, app.clock, "deck:Listening")
    card = app.collection.reviews.card(card_id)
    assert card is not None
    faces = card_faces(card)
    assert (faces.question_sounds, faces.answer_sounds) == (("hund.mp3",), ("dog.ogg",))

    result = app.export(tmp_path / "out.apkg", "Listening")
    assert (result.notes, result.media, result.missing_media) == (1, 2, ())
    view = engine_view(tmp_path / "out.apkg", tmp_path / "back")
    assert view["fields"] == [{"Front": "Hund [sound:hund.mp3]", "Back": "dog [sound:dog.ogg]"}]
    assert view["question_sounds"] == ["hund.mp3"]
    assert "dog.ogg" in view["answer_sounds"]
    assert view["media"] == {name: (source / name).read_bytes() for name in ("hund.mp3", "dog.ogg")}
