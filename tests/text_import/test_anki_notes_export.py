"""Anki's own "Notes in Plain Text" export, made at test time by the real engine, read with every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, ImportOptions
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import NoteKind
from studyapp.importers.detect import read_text_file
from studyapp.services.app import App

HINTS = ("Front", "Hint", "Back")
FIVE = ("Question", "Choices", "Answer", "Source", "Extra")
NOTES = (
    # note type, fields, deck, tags
    ("Basic", ["la mer", "the sea"], "French", ["fr"]),
    ("Basic (and reversed card)", ["le chat", "the cat"], "French::Animals", []),
    ("Cloze", ["{{c1::Rome}} is in {{c2::Italy}}", "capital"], "Geo", ["geo"]),
    ("Basic (optional reversed card)", ["le chien", "the dog", "y"], "French", []),
    ("Basic (with hints)", ["int j = 10;<br>legal?", "lvalue ref", "<code>No</code>"], "C++", ["c++"]),
    ("Basic (with hints)", ["what is a race?", "", "two threads, one write"], "C++", []),
    ("Multiple choice", ["2+2?", "3<br>4<br>5", "4", "maths book", ""], "Maths", ["maths", "easy"]),
)


@pytest.fixture(scope="module")
def notes_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from anki.collection import Collection, ExportAnkiPackageOptions  # first: anki.cards alone is circular

    folder = tmp_path_factory.mktemp("anki_notes")
    col = Collection(str(folder / "collection.anki2"))
    try:
        for name, fields in (("Basic (with hints)", HINTS), ("Multiple choice", FIVE)):
            model = col.models.new(name)
            for field in fields:
                col.models.add_field(model, col.models.new_field(field))
            template = col.models.new_template("Card 1")
            template["qfmt"] = "{{" + fields[0] + "}}"
            template["afmt"] = "{{FrontSide}}<hr id=answer>{{" + fields[2] + "}}"
            col.models.add_template(model, template)
            col.models.add(model)
        for name, fields, deck, tags in NOTES:
            note = col.new_note(col.models.by_name(name))
            for index, text in enumerate(fields):
                note.fields[index] = text
            note.tags = tags
            col.add_note(note, col.decks.id(deck))
        out = folder / "All Decks.txt"
        count = col.export_note_csv(
            out_path=str(out),
            limit=None,
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
        assert count == len(NOTES)
        guids = [col.get_note(nid).guid for nid in col.find_notes("")]
        options = ExportAnkiPackageOptions(with_scheduling=False, with_media=False, legacy=False)
        col.export_anki_package(out_path=str(folder / "All Decks.apkg"), options=options, limit=None)
    finally:
        col.close()
    (folder / "guids").write_text("\n".join(guids))
    return out


def read(path: Path) -> ImportDraft:
    return read_text_file(path, ImportOptions())


def test_every_field_of_every_note_type_is_kept(notes_export: Path) -> None:
    draft = read(notes_export)
    assert draft.details["format"] == "csv" and draft.details["html_from"] == "header"
    assert draft.skipped == () and draft.warnings == ()
    by_front = {note.front: note for note in draft.notes}
    assert len(by_front) == len(NOTES)
    for name, fields, deck, tags in NOTES:
        note = by_front[fields[0]]
        assert sorted(note.tags) == sorted(tags)
        assert note.deck == deck
        if name in ("Basic", "Basic (and reversed card)", "Cloze"):
            # The collection's stock types: a two-field note of that kind, as before.
            kind = {"Basic": NoteKind.BASIC, "Cloze": NoteKind.CLOZE}.get(name, NoteKind.REVERSED)
            assert (note.kind, note.notetype, note.front, note.back) == (kind, None, fields[0], fields[1])
            assert not any(note.fields[2:])
        else:
            assert note.notetype == name
            assert note.fields[: len(fields)] == tuple(fields)
            assert not any(note.fields[len(fields) :])


def test_the_note_types_it_names_are_defined_with_a_field_per_data_column(notes_export: Path) -> None:
    draft = read(notes_export)
    by_name = {notetype.name: notetype for notetype in draft.notetypes}
    assert set(by_name) == {"Basic (optional reversed card)", "Basic (with hints)", "Multiple choice"}
    assert by_name["Basic (optional reversed card)"].stock == "basic_optional_reversed"
    assert by_name["Basic (optional reversed card)"].field_names == ("Front", "Back", "Add Reverse")
    # Anki's export names no fields: one per data column (the widest note type's five), numbered.
    assert by_name["Multiple choice"].field_names == tuple(f"Field {i}" for i in range(1, 6))
    # The hint stays the hint and the answer the answer (the hint was once taken for the answer).
    hinted = next(n for n in draft.notes if n.notetype == "Basic (with hints)" and n.fields[1] == "")
    assert hinted.fields[:3] == ("what is a race?", "", "two threads, one write")


def test_the_guids_are_ankis(notes_export: Path) -> None:
    guids = set((notes_export.parent / "guids").read_text().split("\n"))
    # kept as a package's notes keep theirs (Anki's guid, marked as Anki's), so the same note read either way is one
    assert {note.guid for note in read(notes_export).notes} == {from_anki_guid(guid) for guid in guids}


def test_the_package_and_the_text_export_of_one_collection_are_one_set_of_notes(
    notes_export: Path, app: App, tmp_path: Path
) -> None:
    """A student who brings a deck as a package and later as Anki's text export (or the other way) has each note
    once; and studyapp's own text export of those notes goes back into that Anki collection without a new note
    (Anki's guids out, as they came in). Before, the text file's guids were kept bare and the package's marked:
    every note twice."""
    from anki.collection import Collection, ImportCsvRequest

    package = notes_export.parent / "All Decks.apkg"
    assert app.import_file(package).new == len(NOTES)
    again = app.import_file(notes_export)
    assert (again.new, app.collection.notes.count()) == (0, len(NOTES) + 29)  # (29: the calcinosis deck)
    ours = tmp_path / "ours.txt"
    app.export(ours)
    col = Collection(str(notes_export.parent / "collection.anki2"))
    try:
        request = ImportCsvRequest(path=str(ours), metadata=col.get_csv_metadata(str(ours), None))
        log = col.import_csv(request).log
        assert len(log.new) == 29 and len(col.find_notes("")) == len(NOTES) + 29  # only the calcinosis notes
    finally:
        col.close()
