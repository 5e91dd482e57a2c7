"""What a big import changes on its connection only while it runs; the order of mixed new and updated notes."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft
from studyapp.core.model import NoteKind
from studyapp.importers import delimited_rows
from studyapp.importers.delimited import read_delimited
from studyapp.services.importing import draft_writes
from studyapp.services.importing.importing import store_draft
from studyapp.storage import Collection

from ..conftest import T0


def _csv(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "bulk.csv"
    rows = "".join(f'"Question {i}","Answer {i}",tag_{i % 3} other\n' for i in range(count))
    path.write_text("front,back,tags\n" + rows, encoding="utf-8")
    return path


def test_foreign_keys_and_the_page_cache_are_back_after_a_big_import(tmp_path: Path) -> None:
    with Collection.open(tmp_path / "c.db") as collection:
        conn = collection.db.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        summary = store_draft(collection, read_delimited(_csv(tmp_path, 800), ImportOptions()), random.Random(1), T0)
        assert summary.new == 800
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == cache
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError):  # still enforced on this connection
            conn.execute("INSERT INTO cards (id, note_id, deck_id, ord, position) VALUES (1, 2, 3, 0, 0)")


def test_foreign_keys_and_the_page_cache_are_back_after_a_failed_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(store: draft_writes.DraftWrites) -> None:
        store.flush()  # the notes went in, in bulk, and the search index is still to be made
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(draft_writes.DraftWrites, "finish", fail)
    with Collection.open(tmp_path / "c.db") as collection:
        conn = collection.db.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        with pytest.raises(RuntimeError):
            store_draft(collection, read_delimited(_csv(tmp_path, 600), ImportOptions()), random.Random(1), T0)
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == cache  # the bulk insert's 128 MiB given back
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_inside_an_open_transaction_the_checks_stay_on(tmp_path: Path) -> None:
    with (
        Collection.open(tmp_path / "c.db") as collection,
        collection.transaction(),
        collection.notes.references_made_here(),
    ):
        assert collection.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_shared_tag_sets_give_the_same_tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path, 50)
    cached = read_delimited(path, ImportOptions())
    monkeypatch.setattr(delimited_rows, "_TAG_SETS", 1)  # remember one tag cell only
    uncached = read_delimited(path, ImportOptions())
    assert [note.tags for note in cached.notes] == [note.tags for note in uncached.notes]
    assert cached.notes[4].tags == ("tag_1", "other")


def test_new_cards_of_an_update_come_after_the_new_notes_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draft_writes, "_CHUNK", 1000)  # the new notes are still queued when the update comes
    with Collection.open(tmp_path / "c.db") as collection:
        store_draft(collection, ImportDraft("Deck", (NoteDraft("old", "Old", "one"),)), random.Random(1), T0)
        notes = [NoteDraft(f"new{i}", f"New {i}", "x") for i in range(3)]
        notes.append(NoteDraft("old", "Old", "two", kind=NoteKind.REVERSED))  # updated, and gets a second card
        notes += [NoteDraft(f"later{i}", f"Later {i}", "y") for i in range(2)]
        summary = store_draft(collection, ImportDraft("Deck", tuple(notes)), random.Random(2), T0)
        assert (summary.new, summary.updated) == (5, 1)
        rows = collection.db.execute(
            "SELECT n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.note_id ORDER BY c.position"
        ).fetchall()
        assert [tuple(row) for row in rows] == [
            ("old", 0), ("new0", 0), ("new1", 0), ("new2", 0), ("old", 1), ("later0", 0), ("later1", 0)
        ]  # fmt: skip
