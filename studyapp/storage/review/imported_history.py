"""An import's history written into the review log: each card's schedule as its log ends, the rows in batches.

Cards are replayed one after another, but a log row's id is its time (``core.ids.time_ordered_id``), so one card's
rows belong all over the log's B-tree: written card by card, each row was a page read and written somewhere else.
Here they are kept until ``_BATCH`` of them wait, then written sorted by id (a million answers: 28.6 s -> 25.5 s).
The log's indexes stay (dropping them and making them again saved 0.5 s more, for 40 MB more memory: the import
of a whole collection must stay under 300 MB).

Ids drawn alike (two rows at one millisecond drawing the same 21 bits: once in about two million pairs, or a log
that gives days, not times) must not cost a row: the rows go in with ``INSERT OR IGNORE``, and a row that did not go
in takes the next free id (still unique, still in time order).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils

from studyapp.core.model import CardState, ReviewEntry, Schedule
from studyapp.storage.codec import SCHEDULE_FIELDS
from studyapp.storage.review.log_values import LOG_COLUMNS, StaleCardError, entry_values, schedule_values
from studyapp.storage.sync.mirror_store import id_chunks

_BATCH = 25_000  # rows held before they are written (~12 MB)
_INSERT_NEW = (
    f"INSERT OR IGNORE INTO review_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})"
)
# A card given the schedule its imported history ends in, if it is still as the history starts (a new card)
_SET_CARD = (
    f"UPDATE cards SET {', '.join(f'{name} = ?' for name in SCHEDULE_FIELDS)} WHERE id = ? AND reps = ? AND state = ?"
)
_NEW = (0, int(CardState.NEW))


class ImportedHistory:
    """Use inside the import's transaction: ``card_rows`` or ``card_entries`` for each card, then ``finish``."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._rows: list[tuple[Any, ...]] = []

    def card_rows(self, card_id: int, rows: list[tuple[Any, ...]], end: Sequence[Any]) -> None:
        """A new card's log as the values of the log's columns (``LOG_COLUMNS``), and the schedule it ends in as the
        card's columns (``SCHEDULE_FIELDS``), as a fast replay makes them."""
        self._set_schedule(card_id, tuple(end), _NEW)
        self._keep(rows)

    def card_entries(self, card_id: int, entries: Sequence[ReviewEntry], final: Schedule | None = None) -> None:
        """A new card's log as entries, and the schedule it ends in (``final``, when schedule changes follow the
        last answer: the caller logs those)."""
        if not entries and final is None:
            return
        start = entries[0].before if entries and final is None else None  # (a log may start from progress)
        expected = _NEW if start is None else (start.reps, int(start.state))
        self._set_schedule(card_id, schedule_values(final if final is not None else entries[-1].after), expected)
        self._keep([entry_values(entry) for entry in entries])

    def finish(self) -> None:
        """Write what is still held."""
        self._write()

    def _set_schedule(self, card_id: int, end: tuple[Any, ...], expected: tuple[int, int]) -> None:
        if self._db.conn.execute(_SET_CARD, (*end, card_id, *expected)).rowcount != 1:
            raise StaleCardError(f"card {card_id} is not new; its history cannot be imported")

    def _keep(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows.extend(rows)
        if len(self._rows) >= _BATCH:
            self._write()

    def _write(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        rows.sort(key=lambda row: row[0])
        conn = self._db.conn
        before = conn.total_changes
        conn.executemany(_INSERT_NEW, rows)
        if conn.total_changes - before != len(rows):
            self._write_clashing(rows)

    def _write_clashing(self, rows: list[tuple[Any, ...]]) -> None:
        """Give each row that did not go in (its id taken) the next free id."""
        conn = self._db.conn
        columns = ", ".join(LOG_COLUMNS)
        stored: dict[int, tuple[Any, ...]] = {}
        for part in id_chunks(sorted({row[0] for row in rows})):
            marks = ", ".join("?" * len(part))
            for row in conn.execute(f"SELECT {columns} FROM review_log WHERE id IN ({marks})", list(part)):
                stored[row[0]] = tuple(row)
        taken = set(stored)
        rest = []
        for row in rows:
            if stored.get(row[0]) == tuple(row):
                stored.pop(row[0])  # (this one went in: a later row with its id did not)
                continue
            row_id = row[0]
            while row_id in taken or conn.execute("SELECT 1 FROM review_log WHERE id = ?", [row_id]).fetchone():
                row_id += 1
            taken.add(row_id)
            rest.append((row_id, *row[1:]))
        conn.executemany(_INSERT_NEW.replace("INSERT OR IGNORE", "INSERT"), rest)
