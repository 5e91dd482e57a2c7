"""Media sync state, as an Anki client keeps it: the table ``sync_media`` (schema 9) and the last media usn.

One row per file name the media sync knows: its SHA-1 (hex) and mtime (Unix seconds) when last seen here,
and ``dirty`` = 1 when it changed here since the last media sync (to be sent). A file deleted here keeps its
row with ``sha1`` NULL and ``dirty`` 1 until the deletion has been sent; then the row goes.

A row with ``mtime`` = ``REFUSED`` is a file the server holds under a name studyapp will not write into its
folder (``.hidden``, ``a\\b``...): it is never a file here, never dirty, and it is counted, so the media sanity
check's counts agree without the file being deleted on the server for every other device.

Call the writers inside a transaction (``with collection.transaction():``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

USN_KEY = "sync.media_usn"
REFUSED = -1  # the mtime of a name held on the server that studyapp refused to write here


@dataclass(frozen=True)
class MediaEntry:
    name: str
    sha1: str | None  # None: deleted here
    mtime: int
    dirty: bool

    @property
    def refused(self) -> bool:
        return self.mtime == REFUSED


class MediaSyncStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # --- reads -------------------------------------------------------------------------------------------

    def entries(self) -> dict[str, MediaEntry]:
        rows = self.db.execute("SELECT name, sha1, mtime, dirty FROM sync_media").fetchall()
        return {row[0]: MediaEntry(row[0], row[1], row[2], bool(row[3])) for row in rows}

    def get(self, name: str) -> MediaEntry | None:
        row = self.db.execute("SELECT name, sha1, mtime, dirty FROM sync_media WHERE name = ?", [name]).fetchone()
        return None if row is None else MediaEntry(row[0], row[1], row[2], bool(row[3]))

    def pending(self, limit: int) -> list[MediaEntry]:
        """Up to ``limit`` changes made here and not yet sent, in name order."""
        rows = self.db.execute(
            "SELECT name, sha1, mtime, dirty FROM sync_media WHERE dirty = 1 ORDER BY name LIMIT ?", [limit]
        ).fetchall()
        return [MediaEntry(row[0], row[1], row[2], True) for row in rows]

    def pending_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sync_media WHERE dirty = 1").fetchone()[0])

    def file_count(self) -> int:
        """The files this side holds as far as the server should know (what ``mediaSanity`` compares)."""
        return int(self.db.execute("SELECT count(*) FROM sync_media WHERE sha1 IS NOT NULL").fetchone()[0])

    def last_usn(self) -> int:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [USN_KEY]).fetchone()
        return 0 if row is None else int(json.loads(row[0]))

    # --- writes ------------------------------------------------------------------------------------------

    def set_last_usn(self, usn: int) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [USN_KEY, json.dumps(int(usn))],
        )

    def put(self, entries: Iterable[MediaEntry]) -> None:
        """Insert or replace these rows as given."""
        self.db.conn.executemany(
            "INSERT INTO sync_media (name, sha1, mtime, dirty) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET sha1 = excluded.sha1, mtime = excluded.mtime, dirty = excluded.dirty",
            [(entry.name, entry.sha1, entry.mtime, int(entry.dirty)) for entry in entries],
        )

    def mark_clean(self, names: Iterable[str]) -> None:
        """These changes have been sent (or the server already has them): sent deletions lose their row."""
        names = list(names)
        self.db.conn.executemany("DELETE FROM sync_media WHERE name = ? AND sha1 IS NULL", [(name,) for name in names])
        self.db.conn.executemany("UPDATE sync_media SET dirty = 0 WHERE name = ?", [(name,) for name in names])

    def remove(self, names: Iterable[str]) -> None:
        self.db.conn.executemany("DELETE FROM sync_media WHERE name = ?", [(name,) for name in names])

    def reset(self) -> None:
        """Forget everything (as Anki does after a failed sanity check): the next sync compares every file."""
        self.db.execute("DELETE FROM sync_media")
        self.set_last_usn(0)
