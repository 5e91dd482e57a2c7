"""The reads and writes of Check Collection: SQLite's own checks, the cards in batches, the search index.

The cards are read in id order, a batch at a time (with their answers and schedule changes), so a
collection of 100,000 cards never has its whole log in memory at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

from studyapp.core.model import ReviewEntry, Schedule, ScheduleChange
from studyapp.storage.codec import SCHEDULE_FIELDS, schedule_from_row
from studyapp.storage.schedule_changes_store import ScheduleChangeStore

_FTS_TABLE = "notes_fts"


@dataclass(frozen=True)
class CardHistory:
    """One card as stored, with everything its schedule should follow from."""

    card_id: int
    deck_id: int
    stored: Schedule
    answers: list[ReviewEntry]
    changes: list[ScheduleChange]


class CheckStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._changes = ScheduleChangeStore(db)

    # -- SQLite's own checks -----------------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check``: ``["ok"]``, or the problems it found."""
        return [str(row[0]) for row in self._db.execute("PRAGMA integrity_check").fetchall()]

    def foreign_key_check(self) -> list[str]:
        """Rows whose reference points nowhere (``PRAGMA foreign_key_check``), one line each."""
        return [
            f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _index in self._db.execute("PRAGMA foreign_key_check").fetchall()
        ]

    # -- cards -------------------------------------------------------------------------------------

    def card_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM cards").fetchone()[0])

    def card_histories(self, batch: int = 2000) -> Iterator[list[CardHistory]]:
        """Every card with its answers and schedule changes, ``batch`` cards at a time, in id order."""
        columns = ", ".join(("id", "deck_id", *SCHEDULE_FIELDS))
        last = None
        while True:
            where, params = ("WHERE id > ?", [last]) if last is not None else ("", [])
            rows = list(self._db.query(f"SELECT {columns} FROM cards {where} ORDER BY id LIMIT {int(batch)}", params))
            if not rows:
                return
            ids = [row["id"] for row in rows]
            answers = self._changes.answers_of_cards(ids)
            changes = self._changes.of_cards(ids)
            yield [
                CardHistory(
                    row["id"],
                    row["deck_id"],
                    schedule_from_row(row),
                    answers.get(row["id"], []),
                    changes.get(row["id"], []),
                )
                for row in rows
            ]
            last = ids[-1]

    def card_questions(self, card_ids: list[int]) -> dict[int, str]:
        """The front of each card's note (to name the card in a report)."""
        if not card_ids:
            return {}
        marks = ",".join("?" * len(card_ids))
        query = f"SELECT c.id, n.front FROM cards c JOIN notes n ON n.id = c.note_id WHERE c.id IN ({marks})"
        return {row[0]: str(row[1]) for row in self._db.execute(query, card_ids)}

    # -- media -------------------------------------------------------------------------------------

    def notes_with_images(self) -> Iterator[tuple[int, str, str]]:
        """(note id, front, back) of the notes whose text holds an ``<img``: the only ones that can refer to media."""
        query = "SELECT id, front, back FROM notes WHERE instr(front, '<img') OR instr(back, '<img') ORDER BY id"
        for row in self._db.execute(query):
            yield int(row[0]), str(row[1]), str(row[2])

    # -- the search index --------------------------------------------------------------------------

    def note_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM notes").fetchone()[0])

    def indexed_count(self) -> int:
        """Notes in the search index (its document sizes: one row per indexed note)."""
        return int(self._db.execute(f"SELECT count(*) FROM {_FTS_TABLE}_docsize").fetchone()[0])

    def index_consistent(self) -> bool:
        """FTS5's own check of the index against the notes."""
        try:
            self._db.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
        return True

    def rebuild_index(self) -> None:
        """Rebuild the search index from the notes (FTS5 'rebuild'), in one transaction."""
        with self._db.atomic():
            self._db.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}) VALUES ('rebuild')")
