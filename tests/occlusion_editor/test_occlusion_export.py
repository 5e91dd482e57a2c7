"""Notes made in the occlusion editor go out as Anki's own image occlusion notes: the engine reads them back."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from studyapp.core.occlusion import ellipse, rect
from studyapp.services.app import App
from studyapp.services.occlusion.editing import OcclusionDraft, add_occlusion_note
from tests.occlusion.engine import engine_shapes

from .support import png_bytes
from .test_occlusion_service import new_deck

GROUPED = (rect(1, 0.1, 0.2, 0.3, 0.25), ellipse(2, 0.5, 0.1, 0.2, 0.3), rect(2, 0.6, 0.6, 0.3, 0.3))


def test_the_engine_reads_them_as_image_occlusion_notes_with_the_same_cards(app: App, tmp_path: Path) -> None:
    deck_id = new_deck(app, "Made here")
    picture = png_bytes(120, 80)
    for hide_all in (True, False):
        add_occlusion_note(app.collection, app.rng, app.clock, app.media_dir, deck_id, picture,
                           OcclusionDraft(GROUPED, hide_all, f"Header {hide_all}", "Extra", ("io",)))  # fmt: skip
    package = tmp_path / "made.apkg"
    app.export(package, "Made here")

    (tmp_path / "engine").mkdir()
    col = Collection(str(tmp_path / "engine" / "read.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        seen = []
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            notetype = note.note_type()
            assert notetype is not None and notetype.get("originalStockKind") == 6 and notetype["type"] == 1
            assert [field["name"] for field in notetype["flds"]][:4] == ["Occlusion", "Image", "Header", "Back Extra"]
            ords = sorted(col.get_card(card_id).ord for card_id in col.card_ids_of_note(note_id))
            response = col.get_image_occlusion_note(note_id)
            assert response.note.image_data == picture  # the picture went along, found by the engine
            oi = {"oi": "1"} if note["Header"] == "Header True" else {}
            assert engine_shapes(col, note_id) == [
                (1, "rect", {"left": ".1", "top": ".2", "width": ".3", "height": ".25", **oi}),
                (2, "ellipse", {"left": ".5", "top": ".1", "rx": ".1", "ry": ".15", **oi}),
                (2, "rect", {"left": ".6", "top": ".6", "width": ".3", "height": ".3", **oi}),
            ]
            assert response.note.occlude_inactive == bool(oi)
            seen.append((note["Header"], note["Back Extra"], note.tags, ords))
        assert sorted(seen) == [("Header False", "Extra", ["io"], [0, 1]), ("Header True", "Extra", ["io"], [0, 1])]
    finally:
        col.close()
