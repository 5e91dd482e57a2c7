"""The SQL behind the browser's bulk actions: read and write many cards or notes at once, and put rows back.

Undo works on plain rows: before an action changes anything, the service reads the columns it is about
to change (:meth:`BulkStore.snapshot`), and an undo writes those values back (:meth:`BulkStore.restore`).
A deletion keeps whole rows and inserts them again. Ids go to SQLite in chunks, so a selection of
100,000 cards stays under its limit on bound parameters. Call the writers inside a transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from studyapp.storage.collection import Collection

_CHUNK = 5000
_TABLES = ("cards", "notes")


@dataclass(frozen=True)
class Snapshot:
    """Some columns of some rows of one table, as they were: ``rows`` are ``(id, *values)``."""

    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


class BulkStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    @classmethod
    def of(cls, collection: Collection) -> BulkStore:
        return cls(collection.db)

    def _check(self, table: str, columns: Iterable[str]) -> None:
        """Table and column names are put into the SQL text, so only real ones are let through."""
        if table not in _TABLES:
            raise ValueError(f"not a bulk table: {table}")
        known = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
        unknown = set(columns) - known
        if unknown:
            raise ValueError(f"{table} has no column {sorted(unknown)}")

    # -- reading -----------------------------------------------------------------------------------

    def columns(self, table: str) -> tuple[str, ...]:
        self._check(table, ())
        return tuple(row[1] for row in self._db.execute(f"PRAGMA table_info({table})"))

    def snapshot(self, table: str, columns: Sequence[str], ids: Sequence[int]) -> Snapshot:
        """The current ``columns`` of the rows ``ids`` (the ones that exist), by id."""
        self._check(table, columns)
        names = ", ".join(("id", *columns))
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(chunk))
            rows.extend(
                tuple(row) for row in self._db.execute(f"SELECT {names} FROM {table} WHERE id IN ({marks})", chunk)
            )
        rows.sort(key=lambda row: row[0])
        return Snapshot(table, tuple(columns), tuple(rows))

    def whole_rows(self, table: str, ids: Sequence[int]) -> Snapshot:
        """Every column of the rows ``ids``: what a deletion keeps to put them back."""
        return self.snapshot(table, [name for name in self.columns(table) if name != "id"], ids)

    def note_ids_of_cards(self, card_ids: Sequence[int]) -> list[int]:
        found: set[int] = set()
        for chunk in _chunks(card_ids):
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self._db.execute(f"SELECT note_id FROM cards WHERE id IN ({marks})", chunk))
        return sorted(found)

    def card_ids_of_notes(self, note_ids: Sequence[int]) -> list[int]:
        found: list[int] = []
        for chunk in _chunks(note_ids):
            marks = ",".join("?" * len(chunk))
            found.extend(row[0] for row in self._db.execute(f"SELECT id FROM cards WHERE note_id IN ({marks})", chunk))
        return sorted(found)

    def deck_and_position(self, card_ids: Sequence[int]) -> list[tuple[int, int, int]]:
        """(card id, deck id, position) of the cards, in their decks' current new order."""
        found: list[tuple[int, int, int]] = []
        for chunk in _chunks(card_ids):
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id, deck_id, position FROM cards WHERE id IN ({marks})"
            found.extend((row[0], row[1], row[2]) for row in self._db.execute(query, chunk))
        return sorted(found, key=lambda row: (row[1], row[2], row[0]))

    # -- writing -----------------------------------------------------------------------------------

    def set_values(self, table: str, ids: Sequence[int], values: dict[str, Any]) -> None:
        """Give every row ``ids`` the same ``values``."""
        self._check(table, values)
        assignments = ", ".join(f"{name} = ?" for name in values)
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"UPDATE {table} SET {assignments} WHERE id IN ({marks})", [*values.values(), *chunk])

    def set_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Give each row its own values: ``rows`` are ``(id, *values)`` in the order of ``columns``."""
        self._check(table, columns)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        self._db.conn.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = ?", ((*row[1:], row[0]) for row in rows)
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Write a snapshot's values back over the rows it was taken from."""
        self.set_rows(snapshot.table, snapshot.columns, snapshot.rows)

    def insert(self, snapshot: Snapshot) -> None:
        """Insert the rows of a whole-row snapshot again (the undo of a deletion)."""
        self._check(snapshot.table, snapshot.columns)
        names = ", ".join(("id", *snapshot.columns))
        marks = ", ".join("?" * (len(snapshot.columns) + 1))
        self._db.conn.executemany(f"INSERT INTO {snapshot.table} ({names}) VALUES ({marks})", snapshot.rows)

    def delete_notes(self, note_ids: Sequence[int]) -> None:
        """Delete notes and (by the foreign key) their cards. The review log keeps its rows."""
        for chunk in _chunks(note_ids):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"DELETE FROM cards WHERE note_id IN ({marks})", chunk)
            self._db.execute(f"DELETE FROM notes WHERE id IN ({marks})", chunk)

    def delete_empty_deck(self, deck_id: int) -> None:
        """Remove a deck made by an action being undone, if nothing is in it any more."""
        self._db.execute(
            """DELETE FROM decks WHERE id = ?
               AND NOT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?)
               AND NOT EXISTS (SELECT 1 FROM notes WHERE deck_id = ?)""",
            [deck_id, deck_id, deck_id],
        )
