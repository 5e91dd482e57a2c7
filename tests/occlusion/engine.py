"""Image occlusion notes made by Anki's own engine (the ``anki`` package), at test time."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.import_export_pb2 import ExportLimit

IMAGE_SIZE = (200, 100)
# Rectangles c1 and c3, an ellipse c2, a group c4 (a rectangle and an ellipse), a text label (c0).
SHAPES = (
    "{{c1::image-occlusion:rect:left=.05:top=.1:width=.2:height=.3%(oi)s}}<br>"
    "{{c2::image-occlusion:ellipse:left=.4:top=.1:rx=.1:ry=.2%(oi)s}}<br>"
    "{{c3::image-occlusion:rect:left=.7:top=.1:width=.25:height=.3%(oi)s}}<br>"
    "{{c4::image-occlusion:rect:left=.05:top=.6:width=.2:height=.3%(oi)s}}<br>"
    "{{c4::image-occlusion:ellipse:left=.7:top=.6:rx=.1:ry=.15%(oi)s}}<br>"
    "{{c0::image-occlusion:text:left=.4:top=.7:text=label\\: A:scale=1.:fs=.1%(oi)s}}<br>"
)


def occlusions(hide_all: bool) -> str:
    return SHAPES % {"oi": ":oi=1" if hide_all else ""}


def png(width: int = IMAGE_SIZE[0], height: int = IMAGE_SIZE[1]) -> bytes:
    """A PNG with a blue-green gradient, so that any mask drawn on it changes the pixels under it."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((30, 255 * x // width, 255 * y // height)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def new_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    col.add_image_occlusion_notetype()
    return col


def add_io_note(col: Collection, folder: Path, text: str, *, image: str = "io-picture.png", header: str = "",
                back_extra: str = "") -> int:  # fmt: skip
    """Adds an image occlusion note through the engine's own call; returns its id."""
    source = folder / image
    source.write_bytes(png())
    notetype = col.models.by_name("Image Occlusion")
    before = set(col.find_notes(""))
    col.add_image_occlusion_note(notetype["id"], str(source), text, header, back_extra, [])
    (note_id,) = set(col.find_notes("")) - before
    return note_id


def engine_shapes(col: Collection, note_id: int) -> list[tuple[int, str, dict[str, str]]]:
    """The engine's own reading of the occlusion field: (ordinal, shape, properties) for every shape."""
    response = col.get_image_occlusion_note(note_id)
    out = []
    for occlusion in response.note.occlusions:
        for shape in occlusion.shapes:
            out.append((occlusion.ordinal, shape.shape, {p.name: p.value for p in shape.properties}))
    return sorted(out, key=lambda item: (item[0], item[1], sorted(item[2].items())))


_DIV = re.compile(r'<div class="(cloze|cloze-inactive|cloze-highlight)" data-ordinal="([\d,]+)" ([^>]*)></div>')
_ATTR = re.compile(r'data-([\w-]+)="([^"]*)"')


def engine_masks(col: Collection, note_id: int) -> dict[int, dict[str, list[tuple[str, str, dict[str, str]]]]]:
    """For each card (by cloze number) and side: the engine's rendered occlusion divs (class, ordinals, data)."""
    out: dict[int, dict[str, list[tuple[str, str, dict[str, str]]]]] = {}
    for card_id in col.card_ids_of_note(note_id):
        card = col.get_card(card_id)
        sides = {}
        for side, text in (("question", card.question()), ("answer", card.answer())):
            sides[side] = [(m.group(1), m.group(2), dict(_ATTR.findall(m.group(3)))) for m in _DIV.finditer(text)]
        out[card.ord + 1] = sides
    return out


def export_apkg(col: Collection, path: Path, *, with_scheduling: bool = False) -> Path:
    options = ExportAnkiPackageOptions(with_scheduling=with_scheduling, with_deck_configs=False, with_media=True,
                                       legacy=False)  # fmt: skip
    col.export_anki_package(out_path=str(path), options=options, limit=ExportLimit())
    return path


DECK = "Occlusion"
HEADERS = {True: "Hide all: heart", False: "Hide one: lungs"}


def make_io_package(folder: Path) -> Path:
    """An .apkg made by the engine: two native image occlusion notes (rectangles, ellipses, a group of two
    shapes with one number, a text label) in deck "Occlusion", one "hide all, guess one" and one "hide one,
    guess one", with a header and a back extra each."""
    col = new_collection(folder / "engine")
    try:
        deck_id = col.decks.id(DECK)
        col.decks.select(deck_id)
        for hide_all in (True, False):
            add_io_note(col, folder, occlusions(hide_all), header=HEADERS[hide_all], back_extra=f"extra {hide_all}")
        return export_apkg(col, folder / "occlusion.apkg")
    finally:
        col.close()


def read_back(package: Path, folder: Path) -> dict[str, object]:
    """What the engine makes of a package: its notes (guid -> note type, stock kind, fields, card ords) and,
    for image occlusion notes, the engine's own reading of their occlusions."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "read.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        notes: dict[str, object] = {}
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            notetype = note.note_type()
            assert notetype is not None
            ords = sorted(col.get_card(card_id).ord for card_id in col.card_ids_of_note(note_id))
            shapes = engine_shapes(col, note_id) if notetype.get("originalStockKind") == 6 else None
            notes[note.guid] = (notetype["name"], notetype.get("originalStockKind"), tuple(note.fields), ords, shapes)
        return notes
    finally:
        col.close()
