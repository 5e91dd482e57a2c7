"""The export takes every media file a field, template or styling uses (audio too), and names the ones the
media folder lacks instead of leaving them out silently."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from studyapp.services.app import App

from .makers import IMAGE

AUDIO = b"ID3\x03\x00" + bytes(range(120))
FONT = b"wOFF" + bytes(40)


def genanki_package(folder: Path) -> Path:
    genanki = pytest.importorskip("genanki")
    model = genanki.Model(
        1_607_392_319,
        "Listening",
        fields=[{"name": "Sound"}, {"name": "Picture"}, {"name": "Meaning"}],
        templates=[
            {"name": "Card 1", "qfmt": "{{Sound}}<br>{{Picture}}", "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}"}
        ],
        css='.card { font-family: ipa; } @font-face { font-family: ipa; src: url("_ipa.woff"); }',
    )  # fmt: skip
    deck = genanki.Deck(2_059_400_200, "Listening")
    deck.add_note(genanki.Note(model=model, fields=["[sound:bell.mp3]", '<img src="bell.png">', "a bell"]))
    deck.add_note(genanki.Note(model=model, fields=["[sound:gone.mp3]", "", "missing"]))
    files = []
    for name, data in (("bell.mp3", AUDIO), ("bell.png", IMAGE), ("_ipa.woff", FONT)):
        (folder / name).write_bytes(data)
        files.append(str(folder / name))
    target = folder / "listening.apkg"
    genanki.Package(deck, media_files=files).write_to_file(str(target))
    return target


def test_audio_images_and_template_files_go_out_and_missing_ones_are_named(app: App, tmp_path: Path) -> None:
    app.import_file(genanki_package(tmp_path))
    result = app.export(tmp_path / "out.apkg", "Listening")
    assert (result.notes, result.media, result.missing_media) == (2, 3, ("gone.mp3",))
    assert result.lines()[1].startswith("1 media file the notes refer to is not in the media folder")
    with zipfile.ZipFile(tmp_path / "out.apkg") as package:
        names = json.loads(package.read("media"))
        assert {name: package.read(member) for member, name in names.items()} == {
            "bell.mp3": AUDIO, "bell.png": IMAGE, "_ipa.woff": FONT,
        }  # fmt: skip
