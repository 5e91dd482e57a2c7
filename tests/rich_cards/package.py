"""One Anki package with every kind of rich card, made by Anki's own engine (the ``anki`` package) at test time:
two native image occlusion notes (rectangles, an ellipse, a group, a text label; "hide all, guess one" and "hide
one, guess one": ``tests.occlusion.engine``), and two Basic notes with mp3 and Ogg Vorbis audio
(``tests.media.audio_files``) and MathJax ``\\(..\\)`` and ``[$]..[/$]`` on their front and back."""

from __future__ import annotations

from pathlib import Path

from tests.media.audio_files import write_tone
from tests.occlusion.engine import HEADERS, add_io_note, export_apkg, new_collection, occlusions

DECK = "Rich"
IMAGE = "io-picture.png"
SOUNDS = ("hund.mp3", "dog.ogg")
# front, back: the sounds each side plays, and TeX that must never show raw
BASIC_NOTES = (
    (r"Hund [sound:hund.mp3] and \(x^2 + 1\)?", r"dog [sound:dog.ogg] and [$]\sqrt{y}[/$]"),
    (r"[$]\alpha &lt; \beta[/$] read aloud [sound:dog.ogg]", r"\(\frac{1}{2}\) is half [sound:hund.mp3]"),
)


def make_rich_package(folder: Path) -> Path:
    col = new_collection(folder / "engine")
    try:
        deck_id = col.decks.id(DECK)
        col.decks.select(deck_id)
        for hide_all in (True, False):
            add_io_note(col, folder, occlusions(hide_all), image=IMAGE, header=HEADERS[hide_all],
                        back_extra=f"extra {hide_all}")  # fmt: skip
        for name in SOUNDS:
            write_tone(folder / name, seconds=0.2)
            assert col.media.add_file(str(folder / name)) == name
        for front, back in BASIC_NOTES:
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = front, back
            col.add_note(note, deck_id)
        return export_apkg(col, folder / "rich.apkg")
    finally:
        col.close()
