"""Packages through the command line, end to end: ``studyapp import`` then ``studyapp export``, read back by
the real Anki engine. Every note type, field, card, media file and review-log entry makes the trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import studyapp_ok as studyapp

from .notetype_makers import (
    CUSTOM_FIELDS,
    FONT,
    NOTES,
    SOUND,
    ForgetPackages,
    NotetypePackage,
)


def read_with_anki(package: Path, folder: Path) -> dict[str, object]:
    """``package`` imported by Anki's engine with its scheduling: notes by guid, media, the review log."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=True)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
        notes = {}
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            notetype = note.note_type()
            assert notetype is not None
            notes[note.guid] = {
                "notetype": notetype["name"],
                "field_names": [field["name"] for field in notetype["flds"]],
                "templates": [(t["name"], t["qfmt"], t["afmt"]) for t in notetype["tmpls"]],
                "css": notetype["css"],
                "fields": list(note.fields),
                "cards": sorted((card.ord, col.decks.name(card.did), card.type, card.ivl) for card in note.cards()),
            }
        media = {path.name: path.read_bytes() for path in Path(col.media.dir()).iterdir()}
        revlog = col.db.list("select type from revlog order by id")
        return {"notes": notes, "media": media, "revlog": revlog}
    finally:
        col.close()


def test_every_note_type_field_card_and_media_file_makes_the_round_trip(
    notetype_package: NotetypePackage, tmp_path: Path
) -> None:
    collection = tmp_path / "c.db"
    out = studyapp(collection, "import", str(notetype_package.path), "--deck", "Mine")
    assert out.splitlines()[:2] == [
        f"Mine: {len(NOTES)} new, 0 updated, 0 unchanged, 1 skipped",
        "  cards: Mine::Notetypes::All (12 cards)",  # where they really went: under the chosen deck
    ]
    exported = tmp_path / "out.apkg"
    studyapp(collection, "export", str(exported), "--deck", "Mine")
    anki = read_with_anki(exported, tmp_path / "anki")
    notes = anki["notes"]
    assert isinstance(notes, dict)
    ords = {"reversed": [0, 1], "optional_with": [0, 1], "cloze": [0, 2], "custom_full": [0, 1]}  # others: [0]
    for key, guid in notetype_package.guids.items():
        note = notes[guid]
        assert note["fields"] == NOTES[key][1], key
        assert [ord_ for ord_, *_ in note["cards"]] == ords.get(key, [0]), key
        assert {deck for _, deck, *_ in note["cards"]} == {"Mine::Notetypes::All"}
    custom = notes[notetype_package.guids["custom_full"]]
    assert custom["notetype"].startswith("Vocabulary (5 fields)") and custom["field_names"] == list(CUSTOM_FIELDS)
    assert "{{#Hint}}" in custom["templates"][0][1] and "_mine.woff" in custom["css"]
    media = anki["media"]
    assert isinstance(media, dict)
    assert media["mer.mp3"] == SOUND and media["_mine.woff"] == FONT


@pytest.mark.parametrize("variant", ["modern", "legacy"])
def test_forget_and_set_due_date_make_the_round_trip(
    forget_packages: ForgetPackages, variant: str, tmp_path: Path
) -> None:
    collection = tmp_path / "c.db"
    out = studyapp(collection, "import", str(getattr(forget_packages, variant)), "--with-history")
    assert "  history in the file: 5 answers, 1 reset to new, 1 due date set by hand on 1 card" in out.splitlines()
    (card,) = json.loads(studyapp(collection, "search", "vergessen", "--json"))
    # Forgotten, learned again (3 answers since), then given a due date 10 days on ("10!"): in review. The due is the
    # start of the study day 10 days on; the browser's interval is the span from the last answer rounded to whole
    # days: 10 when the package was made in the first half of a study day, 9 in the second (the engine's clock).
    # Back in Anki (below) it is 10 at any hour. Anki's Forget kept the card's count (its default): 2 reviews before
    # it and 3 after, as Anki's card says.
    assert (card["state"], card["reviews"], card["lapses"]) == ("review", 5, 0)
    assert card["interval_days"] in (9, 10)
    exported = tmp_path / "out.apkg"
    studyapp(collection, "export", str(exported), "--deck", "German")
    anki = read_with_anki(exported, tmp_path / "anki")
    notes = anki["notes"]
    assert isinstance(notes, dict)
    (ord_, deck, card_type, interval), *_ = notes[forget_packages.guid]["cards"]
    assert (ord_, deck, card_type, interval) == (0, "German", 2, 10)
    revlog = anki["revlog"]
    assert isinstance(revlog, list) and len(revlog) == 7  # 5 answers, the Forget and the due date: every entry
    assert revlog.count(4) == 2  # both manual entries
