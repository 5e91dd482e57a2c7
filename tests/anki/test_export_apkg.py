"""Export to .apkg: Anki's own importer accepts it, our reader gets the draft back, writes are atomic."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, MediaFile, NoteDraft
from studyapp.core.model import NoteKind
from studyapp.core.text.plain_text import plain_if_simple
from studyapp.exporters.apkg import write_apkg
from studyapp.exporters.apkg_fields import field_checksum, strip_html_keeping_media
from studyapp.importers.anki_package import read_anki_package

from . import corpus
from .conftest import Sandbox, sample_draft
from .makers import IMAGE, AnkiPackages


def import_into_anki(package: Path, folder: Path) -> dict[str, dict]:
    """Import ``package`` into a fresh collection with Anki's importer; each note by guid, as plain data."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        notes = {}
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            notes[note.guid] = {
                "notetype": note.note_type()["name"],
                "fields": list(note.fields),
                "tags": list(note.tags),
                "cards": sorted((card.ord, col.decks.name(card.did)) for card in note.cards()),
            }
        media = {path.name: path.read_bytes() for path in Path(col.media.dir()).iterdir()}
        return {"notes": notes, "media": media}
    finally:
        col.close()


def test_anki_imports_our_package(sandbox: Sandbox) -> None:
    path = sandbox.root / "out.apkg"
    write_apkg(sample_draft(), path)
    imported = import_into_anki(path, sandbox.cwd)
    notes = imported["notes"]
    assert set(notes) == {"h:plain", "Xy7#kq", "h:cloze"}  # "anki:" is taken off Anki's own guids
    plain = notes["h:plain"]
    assert plain["notetype"].startswith("Basic") and "reversed" not in plain["notetype"]
    assert plain["fields"] == ["Is 2 &lt; 3 &amp; 4 &gt; 1?<br>Say why.", "yes &lt;really&gt;"]
    assert sorted(plain["tags"]) == ["a_b", "maths"]
    assert plain["cards"] == [(0, "Chemistry")]
    reversed_ = notes["Xy7#kq"]
    assert reversed_["notetype"].startswith("Basic (and reversed card)")
    assert reversed_["fields"] == ["H<sub>2</sub>O", "water"]
    assert reversed_["cards"] == [(0, "Chemistry::Basics"), (1, "Chemistry::Basics")]
    cloze = notes["h:cloze"]
    assert cloze["notetype"].startswith("Cloze")
    assert cloze["fields"] == ['{{c1::Sodium}} is {{c3::Na}} <img src="na.png">', "<b>alkali</b>"]
    assert cloze["cards"] == [(0, "Chemistry::Basics::Metals"), (2, "Chemistry::Basics::Metals")]
    assert imported["media"] == {"na.png": IMAGE}


def test_reading_our_package_gives_the_draft_back(sandbox: Sandbox) -> None:
    original = sample_draft()
    path = sandbox.root / "out.apkg"
    write_apkg(original, path)
    again = read_anki_package(path)
    details = {"format": "apkg", "anki_schema": "11", "collection": "collection.anki2", "media": "1"}
    assert {key: again.details[key] for key in details} == details
    assert again.media == original.media
    assert again.skipped == ()
    for before, after in zip(original.notes, again.notes, strict=True):
        # Our own guids ("h:" content hashes, "anki:" from an earlier import) survive the round trip, so
        # re-importing our export updates instead of duplicating; a bare guid is taken as Anki's.
        keeps = before.guid.startswith(("anki:", "h:"))
        assert after.guid == (before.guid if keeps else "anki:" + before.guid)
        assert (after.kind, after.tags, after.deck or "Chemistry") == (
            before.kind,
            tuple(t.replace(" ", "_") for t in before.tags),
            before.deck or "Chemistry",
        )
        # Anki's fields are HTML: plain text comes back as the HTML that shows it, HTML as the same HTML.
        assert after.html
        if before.html:
            assert (after.front, after.back) == (before.front, before.back)
        else:
            assert (plain_if_simple(after.front), plain_if_simple(after.back)) == (before.front, before.back)


def test_a_package_from_anki_survives_our_round_trip(sandbox: Sandbox, anki_packages: AnkiPackages) -> None:
    draft = read_anki_package(anki_packages.modern)
    path = sandbox.root / "again.apkg"
    write_apkg(draft, path)
    notes = import_into_anki(path, sandbox.cwd)["notes"]
    assert set(notes) == set(anki_packages.guids.values())  # Anki's guids are kept: re-import updates
    assert notes[anki_packages.guids["paris"]]["cards"] == [(0, "Languages::French"), (1, "Languages::French")]


def sort_fields_and_checksums(package: Path, member: str, folder: Path) -> list[tuple[str, str, int]]:
    (folder / "c.db").write_bytes(corpus.members_of(package)[member])
    db = sqlite3.connect(folder / "c.db")
    try:
        return [
            (flds.split("\x1f")[0], sfld, csum) for flds, sfld, csum in db.execute("select flds, sfld, csum from notes")
        ]
    finally:
        db.close()


def test_sort_field_and_checksum_are_computed_as_anki_does(sandbox: Sandbox, anki_packages: AnkiPackages) -> None:
    from_anki = sort_fields_and_checksums(anki_packages.legacy, "collection.anki21", sandbox.root)
    assert any("<img" in first for first, _, _ in from_anki)
    for first, sort_field, checksum in from_anki:  # Anki's own values for its own notes
        assert (strip_html_keeping_media(first), field_checksum(first)) == (sort_field, checksum)
    path = sandbox.root / "out.apkg"
    write_apkg(sample_draft(), path)
    for first, sort_field, checksum in sort_fields_and_checksums(path, "collection.anki2", sandbox.root):
        assert (strip_html_keeping_media(first), field_checksum(first)) == (sort_field, checksum)
    assert strip_html_keeping_media('a <b>b</b><!-- c --> <img src="x.png">&amp;&nbsp;') == "a b  x.png & "


def test_a_failed_export_leaves_the_old_file_alone(sandbox: Sandbox) -> None:
    path = sandbox.root / "deck.apkg"
    path.write_bytes(b"the previous export")

    def cancel(done: int, total: int) -> None:
        if done >= 2:  # after the notes, while the media are written into the zip
            raise KeyboardInterrupt

    many = ImportDraft(
        name="D",
        notes=(NoteDraft(guid="g", front="f", back="b"),),
        media=tuple(MediaFile(f"{index}.png", IMAGE) for index in range(3)),
    )
    with pytest.raises(KeyboardInterrupt):
        write_apkg(many, path, progress=cancel)
    assert path.read_bytes() == b"the previous export"
    assert sorted(p.name for p in sandbox.root.iterdir()) == ["deck.apkg", "systemp", "work"]

    write_apkg(many, path)
    with zipfile.ZipFile(path) as package:
        assert package.namelist() == ["collection.anki2", "media", "0", "1", "2"]
    assert sorted(p.name for p in sandbox.root.iterdir()) == ["deck.apkg", "systemp", "work"]


@pytest.mark.parametrize("name", ["../x.png", "a/b.png", "", "..", "a\\b.png"])
def test_media_names_must_be_plain_file_names(sandbox: Sandbox, name: str) -> None:
    draft = ImportDraft(name="D", notes=(), media=(MediaFile(name, b"x"),))
    with pytest.raises(ValueError, match="is not a plain file name"):
        write_apkg(draft, sandbox.root / "bad.apkg")
    assert not (sandbox.root / "bad.apkg").exists()


def test_cloze_cards_follow_the_numbers_used(sandbox: Sandbox) -> None:
    texts = ["{{c2::a}} {{c2::b}} {{c5::c}}", "no deletions", "{{c0::zero}} {{c1::one}}"]
    draft = ImportDraft(
        name="Cloze",
        notes=tuple(NoteDraft(guid=f"g{i}", front=t, back="", kind=NoteKind.CLOZE) for i, t in enumerate(texts)),
    )
    path = sandbox.root / "cloze.apkg"
    write_apkg(draft, path)
    notes = import_into_anki(path, sandbox.cwd)["notes"]
    assert [[o for o, _ in notes[f"g{i}"]["cards"]] for i in range(3)] == [[1, 4], [0], [0]]
