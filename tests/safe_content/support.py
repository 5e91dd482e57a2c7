"""Files holding the gallery, written the way strangers' files are, and what the collection stored."""

from __future__ import annotations

import csv
import sqlite3
import warnings
from contextlib import closing
from pathlib import Path

from .gallery import GALLERY

PNG_NAME = "cat.png"


def tiny_png() -> bytes:
    """A real 2x2 PNG, made with the standard library (zlib), so that Qt can load it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def gallery_csv(path: Path, html: bool = True) -> Path:
    """A tab-separated file with ``#html:true``: one note per case, the hostile HTML on both sides."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(f"#separator:tab\n#html:{str(html).lower()}\n#columns:Front\tBack\tTags\n")
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        for case in GALLERY:
            writer.writerow([f"Q {case.name} {case.html}", f"A {case.name} {case.html}", "hostile"])
    return path


def gallery_apkg(folder: Path) -> Path:
    """A package written by genanki, as shared decks are: one note per case, and a real image."""
    import genanki

    deck = genanki.Deck(2_059_400_210, "Hostile")
    for case in GALLERY:
        deck.add_note(
            genanki.Note(
                model=genanki.BASIC_MODEL,
                fields=[f"Q {case.name} {case.html}", f"A {case.name} {case.html}"],
                guid=genanki.guid_for(case.name),
            )
        )
    image = folder / PNG_NAME
    image.write_bytes(tiny_png())
    path = folder / "hostile.apkg"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="genanki", message="^Field contained the following invalid HTML")
        genanki.Package(deck, media_files=[str(image)]).write_to_file(str(path))
    return path


def stored_notes(collection: Path, html: bool = True) -> list[tuple[str, str]]:
    """The front and back of every HTML (or plain text) note in the collection file, as stored."""
    with closing(sqlite3.connect(collection)) as connection:
        return list(connection.execute("SELECT front, back FROM notes WHERE html = ? ORDER BY front", (int(html),)))
