"""A card's flag and hiding (suspended, buried until), read and written one card at a time for the reviewer.

A flag is a colour from 1 to 7 (Anki's numbering, see :data:`studyapp.core.flags.FLAG_NAMES`), 0 for none. These
columns are not part of a card's schedule: its answers and schedule changes decide its schedule, and these only
whether and how it is shown. Call the writers inside a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from studyapp.storage.codec import from_ms
from studyapp.storage.collection import Collection

_CHUNK = 5000


@dataclass(frozen=True)
class CardMarks:
    flag: int
    suspended: bool
    buried_until: int | None  # ms


class CardMarksStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    @classmethod
    def of(cls, collection: Collection) -> CardMarksStore:
        return cls(collection.db)

    def flag(self, card_id: int) -> int:
        """The card's flag (0: none, or no such card)."""
        row = self._db.execute("SELECT flag FROM cards WHERE id = ?", [card_id]).fetchone()
        return int(row[0]) if row is not None else 0

    def marks(self, card_id: int) -> CardMarks | None:
        row = self._db.execute("SELECT flag, suspended, buried_until FROM cards WHERE id = ?", [card_id]).fetchone()
        return None if row is None else CardMarks(int(row[0]), bool(row[1]), row[2])

    def added(self, card_id: int) -> datetime | None:
        """When the card's note was added."""
        row = self._db.execute(
            "SELECT n.created_at FROM cards c JOIN notes n ON n.id = c.note_id WHERE c.id = ?", [card_id]
        ).fetchone()
        return None if row is None else from_ms(row[0])

    def flags(self, card_ids: Sequence[int]) -> dict[int, int]:
        """``card id -> flag`` of the flagged ones among these cards."""
        found: dict[int, int] = {}
        ids = sorted(set(card_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = f"SELECT id, flag FROM cards WHERE flag != 0 AND id IN ({','.join('?' * len(chunk))})"
            found.update((row[0], int(row[1])) for row in self._db.execute(query, chunk))
        return found

    def set_flags(self, flags: dict[int, int]) -> None:
        """Set each card's flag (``card id -> flag``, 0 clears it)."""
        self._db.conn.executemany("UPDATE cards SET flag = ? WHERE id = ?", [(f, c) for c, f in flags.items()])
