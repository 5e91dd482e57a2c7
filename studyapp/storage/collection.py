"""The collection: one SQLite file holding decks, notes, cards, the review log and settings.

This package is the only place that speaks SQL. Every write that belongs together runs in one
transaction (``with collection.transaction():``), so a failure leaves the file as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from studyapp.storage.connection import open_database, schema_version
from studyapp.storage.decks_store import DeckStore, PresetStore
from studyapp.storage.notes_store import NoteStore
from studyapp.storage.reviews_store import ReviewStore
from studyapp.storage.schedule_changes_store import ScheduleChangeStore


class Collection:
    def __init__(self, db: sqlite_utils.Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self.decks = DeckStore(db)
        self.presets = PresetStore(db)
        self.notes = NoteStore(db)
        self.reviews = ReviewStore(db)
        self.schedule_changes = ScheduleChangeStore(db)

    @classmethod
    def open(cls, path: Path | str) -> Collection:
        path = Path(path)
        return cls(open_database(path), path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all. Nested blocks become savepoints."""
        with self.db.atomic():
            yield

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
