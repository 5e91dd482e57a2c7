"""The bulk path of a big import: the same guids, ids, rows and search index as row by row, in any collection."""

from __future__ import annotations

import gc
import io
import random
import sqlite3
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft
from studyapp.core.ids import content_guid, new_id
from studyapp.core.model import NoteKind
from studyapp.importers.delimited import read_delimited
from studyapp.importers.delimited_rows import _lines, _RowGuids
from studyapp.importers.plaintext_qa import FileGuids
from studyapp.services.app import App
from studyapp.services.importing import draft_writes
from studyapp.services.importing.draft_writes import sorted_ids
from studyapp.services.importing.import_job import ImportCancelled
from studyapp.services.importing.importing import store_draft
from studyapp.storage import Collection

from ..conftest import T0, collection_fingerprint


def _schema(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")]


def _csv(tmp_path: Path, count: int, name: str = "bulk.csv", offset: int = 0) -> Path:
    path = tmp_path / name
    rows = "".join(f'"Question {i}: what is item {i}?","Answer {i}, with a comma",tag_{i % 7}\n' for i in range(count))
    path.write_text("front,back,tags\n" + rows, encoding="utf-8")
    return path


def _check_search_index(db: sqlite3.Connection, notes: int) -> None:
    db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")  # raises if out of step
    assert db.execute("SELECT count(*) FROM notes_fts").fetchone()[0] == notes
    assert db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH '\"item 777\"'").fetchone()[0] == 1


@pytest.mark.parametrize(
    "deck, front",
    [("Deck", "Hello  World"), ("Déck", "Ça va ?"), ("Deck", "hello world"), ("ß", "STRASSE"), ("x", "e\u0301"),
     ("Deck", "  "), ("Ünïcode", "plain ascii"), ("plain", "Ünïcode\u00a0space")],
)  # fmt: skip
def test_row_guids_are_the_file_guids_of_plain_files(deck: str, front: str) -> None:
    ours, theirs = _RowGuids(), FileGuids()
    for _ in range(3):  # the same front again gives #2, #3 in both
        assert ours.next(deck, front) == theirs.next(deck, front)
    assert ours.next(deck + "!", front) == content_guid(deck + "!", front)


def test_lines_are_what_a_string_stream_gives() -> None:
    for text in ["a,b\n", "a,b", 'a,"b\nc"\nd,e', "\n\nx\n", "a\u2028b,c\r\n", ""]:
        for start in range(len(text) + 1):
            stream = io.StringIO(text)
            stream.seek(start)
            assert list(_lines(text, start)) == list(stream)


def test_sorted_ids_are_new_ids_from_the_same_draws() -> None:
    ours, theirs = random.Random(5), random.Random(5)
    assert sorted_ids(ours, 1000) == sorted(new_id(theirs) for _ in range(1000))
    assert ours.getrandbits(64) == theirs.getrandbits(64)  # the stream is left where it would be


def test_a_note_draft_is_still_a_frozen_dataclass() -> None:
    import dataclasses

    draft = NoteDraft("g", "front", "back", ("t",), 3, NoteKind.REVERSED, True, "D")
    assert draft == NoteDraft(guid="g", front="front", back="back", tags=("t",), line=3, kind=NoteKind.REVERSED,
                              html=True, deck="D")  # fmt: skip
    assert dataclasses.replace(draft, front="x").front == "x" and draft.history == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.front = "changed"  # type: ignore[misc]


def test_a_big_import_into_an_empty_collection_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draft_writes, "_CHUNK", 300)  # several chunks
    path = _csv(tmp_path, 1000)
    with Collection.open(tmp_path / "empty.db") as collection:
        schema = _schema(collection.db.conn)
        draft = read_delimited(path, ImportOptions())
        summary = store_draft(collection, draft, random.Random(1), T0)
        assert (summary.new, summary.updated, summary.unchanged) == (1000, 0, 0)
        db = collection.db.conn
        assert _schema(db) == schema  # the trigger and the indexes are back, as they were
        assert db.execute("SELECT v FROM notes_fts_config WHERE k = 'hashsize'").fetchone() is None  # as before
        _check_search_index(db, 1000)
        assert collection.integrity_check() == "ok"
        guids = [row[0] for row in db.execute("SELECT guid FROM notes ORDER BY id")]
        assert guids == [note.guid for note in draft.notes]  # ids ascend in file order
        assert guids[1] == content_guid(draft.name, "Question 1: what is item 1?")
        positions = [row[0] for row in db.execute("SELECT position FROM cards ORDER BY id")]
        assert positions == list(range(1000))
        tags = db.execute("SELECT tags FROM notes WHERE guid = ?", [guids[8]]).fetchone()[0]
        assert tags == "tag_1"
        again = store_draft(collection, read_delimited(path, ImportOptions()), random.Random(2), T0)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 1000)


@pytest.mark.parametrize("count", [600, 5], ids=["bigger than the collection", "small"])
def test_a_big_import_into_a_collection_with_notes(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(draft_writes, "_CHUNK", 250)
    db = app.collection.db.conn
    app.import_file(_csv(tmp_path, 1000, "first.csv"), deck_name="First")
    schema = _schema(db)
    notes = db.execute("SELECT count(*) FROM notes").fetchone()[0]
    summary = app.import_file(_csv(tmp_path, count, "second.csv"), deck_name="Second")
    assert summary.new == count
    assert _schema(db) == schema
    db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
    assert db.execute("SELECT count(*) FROM notes_fts").fetchone()[0] == notes + count
    hits = db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH '\"item 3\"'").fetchone()[0]
    assert hits == 2  # one note in each deck
    assert app.collection.integrity_check() == "ok"


def test_a_cancel_after_chunks_were_written_changes_nothing(
    app: App, collection_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draft_writes, "_CHUNK", 200)
    schema = _schema(app.collection.db.conn)
    before = collection_fingerprint(collection_path)

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage == "Saving" and done >= 3000:
            job.cancel()

    job = app.import_job(_csv(tmp_path, 5000), on_progress=on_progress)
    with pytest.raises(ImportCancelled):
        job.run()
    assert collection_fingerprint(collection_path) == before
    assert _schema(app.collection.db.conn) == schema
    assert gc.isenabled()


def test_the_cycle_collector_runs_again_after_an_import(app: App, tmp_path: Path) -> None:
    app.import_file(_csv(tmp_path, 10))
    assert gc.isenabled()
    gc.disable()
    try:
        app.import_file(_csv(tmp_path, 10, "other.csv"))
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_an_update_between_chunks_keeps_the_search_index(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draft_writes, "_CHUNK", 100)
    path = _csv(tmp_path, 800)
    app.import_file(path, deck_name="Mixed")
    draft = read_delimited(path, ImportOptions(deck_name="Mixed"))
    changed = [
        NoteDraft(n.guid, n.front, n.back + " zebrafish" if i % 2 else n.back, n.tags)
        for i, n in enumerate(draft.notes)
    ]
    extra = [NoteDraft(f"new{i}", f"Extra {i}", "okapi") for i in range(700)]
    mixed = ImportDraft(name="Mixed", notes=tuple(changed[:400] + extra + changed[400:]))
    summary = store_draft(app.collection, mixed, app.rng, app.clock.now())
    assert (summary.new, summary.updated, summary.unchanged) == (700, 400, 400)
    db = app.collection.db.conn
    db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
    assert db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'zebrafish'").fetchone()[0] == 400
    assert db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'okapi'").fetchone()[0] == 700
