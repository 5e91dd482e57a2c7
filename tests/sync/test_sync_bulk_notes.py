"""A deck received whole goes in by the import's bulk path (the search index filled by one statement at the end, the
secondary indexes of notes and cards made again after): every received note is found by a search, the search index
is consistent, and the collection's indexes, triggers and FTS settings are exactly as before the sync."""

from __future__ import annotations

from studyapp.storage.collection import Collection
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here

NOTES = 600  # over the bulk path's threshold (500 notes)


def _schema(collection: Collection) -> list[tuple]:
    return collection.db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
    ).fetchall()


def _found(collection: Collection, word: str) -> set[str]:
    return {
        row[0]
        for row in collection.db.execute(
            "SELECT n.front FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid WHERE notes_fts MATCH ?", [word]
        )
    }


def test_a_whole_deck_received_is_searchable_and_the_schema_is_as_it_was(here: Here, device: EngineDevice) -> None:
    for number in range(NOTES):
        device.add_note(f"phone question {number} marker{number}", f"answer {number} shared")
    assert device.sync() in ("full_sync", "full_upload")
    device.full_upload()
    here.add("here before", "kept here")
    collection = here.collection
    schema = _schema(collection)
    fts_config = collection.db.execute("SELECT k, v FROM notes_fts_config ORDER BY k").fetchall()

    summary = here.sync()

    assert summary.notes_down == NOTES
    assert _schema(collection) == schema  # the FTS trigger and the notes' and cards' indexes are back
    assert collection.db.execute("SELECT k, v FROM notes_fts_config ORDER BY k").fetchall() == fts_config
    collection.db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')")
    assert _found(collection, "marker7") == {"phone question 7 marker7"}
    assert _found(collection, "marker599") == {"phone question 599 marker599"}
    assert len(_found(collection, "shared")) == NOTES
    assert _found(collection, "kept") == {"here before"}  # the note that was here stays indexed once
    assert collection.integrity_check() == "ok"
    # a note edited after the sync is indexed by its trigger as before
    note_id = collection.db.execute("SELECT id FROM notes WHERE front = 'phone question 3 marker3'").fetchone()[0]
    with collection.transaction():
        collection.db.execute("UPDATE notes SET front = 'changed text' WHERE id = ?", [note_id])
    assert _found(collection, "marker3") == set() and _found(collection, "changed") == {"changed text"}
    collection.db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')")
