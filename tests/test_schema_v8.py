"""Schema v8: cards get a flag, and schedule changes may be of kind 'set_due'; a version 7 collection keeps its
schedule changes and their guards (the append-only and undo-order triggers) through the upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from studyapp.storage import Collection
from studyapp.storage.schema import LATEST_VERSION
from tests.schema_support import collection_at_version

_STATE = "0, NULL, NULL, NULL, NULL, NULL, 0, 0"


def _v7_collection(path: Path) -> None:
    db = collection_at_version(path, 7)
    for change_id, at in ((11, 1000), (12, 2000)):
        db.execute(f"INSERT INTO schedule_changes VALUES ({change_id}, 5, {at}, 'reset', {_STATE}, {_STATE})")
    with pytest.raises(sqlite3.IntegrityError):  # version 7 knows no set_due
        db.execute(f"INSERT INTO schedule_changes VALUES (13, 5, 3000, 'set_due', {_STATE}, {_STATE})")
    db.conn.commit()
    db.conn.close()


def test_a_version_7_collection_keeps_its_changes_and_their_guards(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v7_collection(path)
    collection = Collection.open(path)
    try:
        assert collection.schema_version == LATEST_VERSION >= 8
        db = collection.db
        assert [row[0] for row in db.execute("SELECT id FROM schedule_changes ORDER BY id")] == [11, 12]
        db.execute(f"INSERT INTO schedule_changes VALUES (13, 6, 3000, 'set_due', {_STATE}, {_STATE})")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE schedule_changes SET changed_at = 5 WHERE id = 11")
        with pytest.raises(sqlite3.IntegrityError, match="only the latest"):
            db.execute("DELETE FROM schedule_changes WHERE id = 11")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(f"INSERT INTO schedule_changes VALUES (14, 6, 4000, 'other', {_STATE}, {_STATE})")
        triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"review_log_undo_before_changes", "schedule_changes_undo_before_answers"} <= triggers
        assert "flag" in {row[1] for row in db.execute("PRAGMA table_info(cards)")}
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        collection.close()
