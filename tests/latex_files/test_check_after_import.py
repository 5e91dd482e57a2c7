"""Check right after an import in the same window sees the note types the import added (the import writes on a
connection of its own): a picture only such a type's template names was "unused" and repair moved it away."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check


def test_check_after_an_import_keeps_a_file_only_the_new_note_types_template_names(app: App, tmp_path: Path) -> None:
    genanki = pytest.importorskip("genanki")
    model = genanki.Model(
        1_707_392_320, "Branded", fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": '<img src="logo.png">{{Front}}', "afmt": "{{FrontSide}}<hr>{{Back}}"}],
    )  # fmt: skip
    deck = genanki.Deck(2_059_400_215, "Branded")
    deck.add_note(genanki.Note(model=model, fields=["front", "back"]))
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    package = tmp_path / "branded.apkg"
    genanki.Package(deck, media_files=[str(tmp_path / "logo.png")]).write_to_file(str(package))
    assert {notetype.name for notetype in app.collection.notetypes.all()}  # read (and kept) before the import

    app.import_file(package)
    report = run_check(app.collection, app.clock, app.rng, app.media_dir, repair=True)

    assert (report.orphans, report.trashed, report.missing_in_notetypes) == ([], [], [])
    assert (app.media_dir / "logo.png").is_file()
