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

from studyapp.storage.connection import close_database, open_database, open_read_only, schema_version
from studyapp.storage.decks.decks_store import DeckStore, PresetStore
from studyapp.storage.errors import UNAMBIGUOUS, WriteGuard, file_identity
from studyapp.storage.notes.notes_store import NoteStore
from studyapp.storage.notes.notetypes_store import NotetypeStore
from studyapp.storage.review.reviews_store import ReviewStore
from studyapp.storage.review.schedule_changes_store import ScheduleChangeStore
from studyapp.storage.wal_room import make_wal_room


class Collection:
    def __init__(self, db: sqlite_utils.Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._identity = file_identity(path) if path is not None else None
        self.decks = DeckStore(db)
        self.presets = PresetStore(db)
        self.notes = NoteStore(db)
        self.notetypes = NotetypeStore(db)
        self.reviews = ReviewStore(db, self.write_guard, self.notetypes.get)
        self.schedule_changes = ScheduleChangeStore(db)

    @classmethod
    def open(cls, path: Path | str, read_only: bool = False) -> Collection:
        """Open (creating and migrating) the collection; ``read_only``: read it as it is, writing nothing."""
        path = Path(path)
        return cls(open_read_only(path) if read_only else open_database(path), path)

    def close(self) -> None:
        """Checkpoint (the ``.db`` file alone then holds every commit) and close; see ``close_database``."""
        close_database(self.db)

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def make_room_for_answers(self) -> bool:
        """Before a run of small commits (a study session): room in the WAL, so their syncs stay cheap; see
        ``storage/wal_room.py``. Whether it was made (it is only an optimisation)."""
        return make_wal_room(self.db)

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    def write_guard(self, errnos: frozenset[int] | None = None) -> WriteGuard:
        """Around a write: refuse it if the file is no longer where it was opened, and turn a full or
        read-only disk (or a vanished file) into a ``StorageError`` naming the file."""
        return WriteGuard(self.path, self._identity, errnos)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all. Nested blocks become savepoints.

        A disk fault rolls the whole transaction back and is raised as a ``StorageError``. Only the
        ``OSError`` codes that say the disk refused (full, read-only) are translated: the block may be
        about other files too, whose own missing or forbidden files are not the collection's fault.
        """
        try:
            with self.write_guard(UNAMBIGUOUS), self.db.atomic():
                yield
        except BaseException:
            self.notetypes.refresh()  # what it kept may hold a note type the rollback took away
            raise

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        with self.write_guard():
            self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
