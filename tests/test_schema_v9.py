"""Schema v9: the sync tables. A version 8 collection opens with its rows as they were, nothing mirrored (its
first sync is a merge), and every table studyapp had before unchanged in shape."""

from __future__ import annotations

from pathlib import Path

from studyapp.storage import Collection
from studyapp.storage.schema import LATEST_VERSION
from tests.schema_support import collection_at_version

_SYNC_TABLES = {"sync_notes", "sync_cards", "sync_revlog", "sync_objects", "sync_tags", "sync_conflicts", "sync_media"}


def _v8_collection(path: Path) -> dict[str, str]:
    db = collection_at_version(path, 8)
    db.execute("INSERT INTO settings VALUES ('kept', '\"yes\"')")
    db.conn.commit()
    shapes = {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    db.conn.close()
    return shapes


def test_a_version_8_collection_gains_the_sync_tables_and_keeps_everything_else(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    before = _v8_collection(path)
    collection = Collection.open(path)
    try:
        assert collection.schema_version == LATEST_VERSION >= 9
        after = dict(collection.db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall())
        # version 10 makes the first two one index; version 12 gives decks and presets a modification time
        replaced = {"review_log_time", "review_log_review_answers", "decks", "presets"}
        assert {name: after[name] for name in before if name not in replaced} == {
            name: sql for name, sql in before.items() if name not in replaced
        }
        assert set(after) >= _SYNC_TABLES
        for table in _SYNC_TABLES:
            assert collection.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        assert collection.setting("kept") == "yes" and collection.setting("sync.scm") is None
    finally:
        collection.close()
