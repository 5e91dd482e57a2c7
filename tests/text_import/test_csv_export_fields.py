"""CSV/TXT export keeps every field: as many columns as the widest note type, the note type by name, and
Anki's notes-in-plain-text headers, so that Anki files each note in its note type with every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.core.notetypes.model import BASIC_OPTIONAL_REVERSED, stock_type
from studyapp.exporters.csv_export import write_csv

OPTIONAL = stock_type(BASIC_OPTIONAL_REVERSED, 77)
DRAFT = ImportDraft(
    name="Mixed",
    notetypes=(OPTIONAL,),
    notes=(
        NoteDraft("o-1", "", "", ("t",), fields=("yes", "oui", "y"), notetype=OPTIONAL.name),
        NoteDraft("b-1", "two < three", "fields", deck="Mixed::Sub"),
        NoteDraft("o-2", "", "", fields=("no", "non", ""), notetype=OPTIONAL.name, html=True),
    ),
)


def test_every_field_has_a_column_and_tags_come_last(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    write_csv(DRAFT, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:7] == ["#separator:tab", "#html:true", "#deck:Mixed", "#guid column:1", "#notetype column:2",
                         "#deck column:3", "#tags column:7"]  # fmt: skip
    assert lines[7:] == [
        "o-1\tBasic (optional reversed card)\tMixed\tyes\toui\ty\tt",
        "b-1\tBasic\tMixed::Sub\ttwo &lt; three\tfields\t\t",
        "o-2\tBasic (optional reversed card)\tMixed\tno\tnon\t\t",
    ]


def test_anki_files_each_note_in_its_note_type_with_every_field(tmp_path: Path) -> None:
    collection_module = pytest.importorskip("anki.collection")
    path = tmp_path / "mixed.txt"
    write_csv(DRAFT, path)
    col = collection_module.Collection(str(tmp_path / "collection.anki2"))
    try:
        request = collection_module.ImportCsvRequest(path=str(path), metadata=col.get_csv_metadata(str(path), None))
        assert len(col.import_csv(request).log.new) == 3
        found = {}
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            found[note.guid] = (note.note_type()["name"], dict(note.items()), len(note.cards()))
        assert found == {
            "o-1": ("Basic (optional reversed card)", {"Front": "yes", "Back": "oui", "Add Reverse": "y"}, 2),
            "b-1": ("Basic", {"Front": "two &lt; three", "Back": "fields"}, 1),
            "o-2": ("Basic (optional reversed card)", {"Front": "no", "Back": "non", "Add Reverse": ""}, 1),
        }
    finally:
        col.close()
