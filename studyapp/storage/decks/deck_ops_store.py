"""Deck changes that touch many rows: renaming a deck with its subdecks, deleting decks and restoring them.

A deletion is undone by putting back the very rows it removed, so the snapshot holds every column of
every deleted deck, note and card, as stored. The review log is history and is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

Row = dict[str, Any]


@dataclass(frozen=True)
class DeckRows:
    """Every stored row of some decks, their notes and their cards: enough to restore them exactly."""

    decks: tuple[Row, ...]
    notes: tuple[Row, ...]
    cards: tuple[Row, ...]


def subtree_clause(column: str = "name") -> str:
    """SQL matching a deck name and its subdecks (``:name`` and ``:name::*``), case-sensitively."""
    return f"({column} = :name OR substr({column}, 1, length(:name) + 2) = :name || '::')"


class DeckOpsStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def names(self) -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in self._db.execute("SELECT id, name FROM decks")]

    def subtree_ids(self, name: str) -> list[int]:
        """The deck called ``name`` (if it exists) and every deck below it."""
        query = f"SELECT id FROM decks WHERE {subtree_clause()}"
        return [row[0] for row in self._db.execute(query, {"name": name})]

    def rename_subtree(self, old: str, new: str) -> int:
        """``old`` -> ``new`` and ``old::X`` -> ``new::X``; the number of decks renamed."""
        cursor = self._db.execute(
            f"UPDATE decks SET name = :new || substr(name, length(:name) + 1) WHERE {subtree_clause()}",
            {"name": old, "new": new},
        )
        return int(cursor.rowcount)

    def snapshot(self, deck_ids: list[int]) -> DeckRows:
        marks = ",".join("?" * len(deck_ids))

        def rows(table: str) -> tuple[Row, ...]:
            column = "id" if table == "decks" else "deck_id"
            query = f"SELECT * FROM {table} WHERE {column} IN ({marks}) ORDER BY id"
            return tuple(dict(row) for row in self._db.query(query, deck_ids))

        return DeckRows(rows("decks"), rows("notes"), rows("cards"))

    def delete(self, rows: DeckRows) -> None:
        """Remove the snapshot's cards, notes and decks (the search index follows by trigger)."""
        for table, found in (("cards", rows.cards), ("notes", rows.notes), ("decks", rows.decks)):
            ids = [row["id"] for row in found]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                self._db.execute(f"DELETE FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)

    def restore(self, rows: DeckRows) -> None:
        """Put the rows back as they were (decks first, for the foreign keys)."""
        for table, found in (("decks", rows.decks), ("notes", rows.notes), ("cards", rows.cards)):
            if found:
                self._db[table].insert_all([dict(row) for row in found])
