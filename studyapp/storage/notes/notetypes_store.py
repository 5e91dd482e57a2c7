"""The collection's note types: read once and kept (a study session renders one card per answer), written here.

Every write goes through this store, which then forgets what it kept; another connection's change (an import
running in a worker) is seen after ``refresh()`` or when an id it does not know is asked for.
"""

from __future__ import annotations

import random
from datetime import datetime

import sqlite_utils

from studyapp.core.notetypes.model import STOCK, NoteType, stock_type
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.notetypes_codec import COLUMNS, notetype_of, notetype_row


class NotetypeInUse(Exception):
    """A note type that notes still use cannot be removed."""


class NotetypeStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._by_id: dict[int, NoteType] | None = None

    def _all(self) -> dict[int, NoteType]:
        if self._by_id is None:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM notetypes ORDER BY name COLLATE NOCASE, id")
            self._by_id = {notetype.id: notetype for notetype in map(notetype_of, rows)}
        return self._by_id

    def refresh(self) -> None:
        self._by_id = None

    def all(self) -> list[NoteType]:
        return list(self._all().values())

    def get(self, notetype_id: int) -> NoteType | None:
        found = self._all().get(notetype_id)
        if found is None and self._by_id is not None:  # added by another connection since they were read?
            self._by_id = None
            found = self._all().get(notetype_id)
        return found

    def by_name(self, name: str) -> NoteType | None:
        for notetype in self._all().values():
            if notetype.name == name:
                return notetype
        folded = name.casefold()
        for notetype in self._all().values():
            if notetype.name.casefold() == folded:
                return notetype
        return None

    def add(self, notetype: NoteType, now: datetime) -> NoteType:
        self._db["notetypes"].insert(notetype_row(notetype, to_ms(now) or 0))
        self._by_id = None
        return notetype

    def update(self, notetype: NoteType, now: datetime) -> None:
        row = notetype_row(notetype, to_ms(now) or 0)
        del row["created_at"]
        self._db["notetypes"].update(notetype.id, row)
        self._by_id = None

    def remove(self, notetype_id: int) -> None:
        if self.note_count(notetype_id):
            raise NotetypeInUse(f"note type {notetype_id} still has notes")
        self._db.execute("DELETE FROM notetypes WHERE id = ?", [notetype_id])
        self._by_id = None

    def note_count(self, notetype_id: int) -> int:
        return int(self._db.execute("SELECT count(*) FROM notes WHERE notetype_id = ?", [notetype_id]).fetchone()[0])

    def note_counts(self) -> dict[int, int]:
        rows = self._db.execute("SELECT notetype_id, count(*) FROM notes GROUP BY notetype_id")
        return {int(notetype_id): int(count) for notetype_id, count in rows if notetype_id is not None}

    def stock(self, key: str, rng: random.Random, now: datetime) -> NoteType:
        """The collection's stock type ``key`` (the oldest one marked so), added if the collection has none."""
        for notetype in self._all().values():
            if notetype.stock == key and notetype.name == STOCK[key].name:
                return notetype
        for notetype in self._all().values():
            if notetype.stock == key:
                return notetype
        name = STOCK[key].name
        taken = {n.name for n in self._all().values()}
        number = 2
        while name in taken:
            name = f"{STOCK[key].name} ({number})"
            number += 1
        return self.add(stock_type(key, rng.getrandbits(63) or 1, name), now)

    def unique_name(self, name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)``... whichever no note type has yet."""
        taken = {n.name.casefold() for n in self._all().values()}
        candidate, number = name, 2
        while candidate.casefold() in taken:
            candidate = f"{name} ({number})"
            number += 1
        return candidate
