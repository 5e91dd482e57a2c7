"""Schema v11: notes a sync or a text file's guid column stored with Anki's guid bare take the ``anki:`` prefix
that a package's notes have, so that the same note reached by a package and another way is one note. Nothing else
changes; a clash (the same note already brought both ways) is left as it was."""

from __future__ import annotations

from pathlib import Path

from studyapp.storage import Collection
from studyapp.storage.schema import LATEST_VERSION
from tests.schema_support import collection_at_version


def _v10_collection(path: Path) -> None:
    db = collection_at_version(path, 10)
    db.execute("INSERT INTO decks (id, name, created_at) VALUES (1, 'D', 0)")
    notes = [
        (1, "AbC/d:e!fG"),  # from the server, stored bare by the old sync: takes the prefix
        (2, "h:0123456789abcdef"),  # ours (a content hash), synced: kept
        (3, "anki:XyZ123+-_q"),  # from a package, synced: kept
        (4, "Twice1234x"),  # from the server, bare, and also here from a package (note 5): left as it is
        (5, "anki:Twice1234x"),
        (6, "H:notOurs99"),  # Anki's guid that only looks like ours in another case: takes the prefix
        (7, "plainCsvGuid"),  # from a text file's guid column, never synced: takes the prefix
    ]
    for note_id, guid in notes:
        db.execute(
            "INSERT INTO notes (id, guid, deck_id, front, back, created_at, modified_at) VALUES (?, ?, 1, ?, '', 0, 5)",
            [note_id, guid, f"front {note_id}"],
        )
    for note_id in (1, 2, 3, 4, 6):
        db.execute(
            "INSERT INTO sync_notes (anki_id, our_id, digest, mod, entry) VALUES (?, ?, 'x', 0, '[]')",
            [note_id + 100, note_id],
        )
    db.conn.commit()
    db.conn.close()


def test_a_version_10_collection_keeps_its_notes_with_anki_guids_as_a_package_does(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v10_collection(path)
    with Collection.open(path) as collection:
        assert collection.schema_version == LATEST_VERSION >= 11
        guids = dict(collection.db.execute("SELECT id, guid FROM notes").fetchall())
        modified = {row[0] for row in collection.db.execute("SELECT modified_at FROM notes")}
    assert guids == {
        1: "anki:AbC/d:e!fG", 2: "h:0123456789abcdef", 3: "anki:XyZ123+-_q", 4: "Twice1234x",
        5: "anki:Twice1234x", 6: "anki:H:notOurs99", 7: "anki:plainCsvGuid",
    }  # fmt: skip
    assert modified == {5}  # (not an edit)
