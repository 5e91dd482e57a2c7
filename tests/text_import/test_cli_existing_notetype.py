"""`studyapp import --notetype NAME` with a type the collection has: the notes go into that type (no copy of it),
with or without --map."""

from __future__ import annotations

from pathlib import Path

from studyapp.storage import Collection
from tests.cli_support import studyapp_ok as _run


def test_a_named_existing_type_takes_the_notes_with_and_without_a_map(tmp_path: Path) -> None:
    first = tmp_path / "vocab.tsv"
    first.write_text("Word\tMeaning\tExample\nchat\tcat\tLe chat dort\n", encoding="utf-8")
    collection = tmp_path / "c.db"
    _run(collection, "import", str(first))
    with Collection.open(collection) as opened:
        [made] = [t for t in opened.notetypes.all() if t.field_names == ("Word", "Meaning", "Example")]
    second = tmp_path / "more.tsv"
    second.write_text("chien\tdog\tLe chien court\n", encoding="utf-8")
    _run(collection, "import", str(second), "--notetype", made.name)
    third = tmp_path / "swapped.tsv"
    third.write_text("Le cheval galope\tcheval\thorse\n", encoding="utf-8")
    _run(collection, "import", str(third), "--notetype", made.name, "--map", "1=Example,2=Word,3=Meaning")
    with Collection.open(collection) as opened:
        assert [t.name for t in opened.notetypes.all() if "Word" in t.field_names] == [made.name]
        notes = {row[0]: row[1:] for row in opened.db.execute(
            "SELECT front, back, rest FROM notes WHERE notetype_id = ?", [made.id])}  # fmt: skip
    assert notes == {
        "chat": ("cat", "Le chat dort"),
        "chien": ("dog", "Le chien court"),
        "cheval": ("horse", "Le cheval galope"),
    }
