"""The review log's rows as a sync writes them: the server's answers replayed here, each card's end schedule.

A whole collection arriving is 200,000 answers and more: they go in as plain tuples in batches, with the log's
indexes dropped first and made again after (when they outnumber the answers already here). Also read here: which
cards have a history, and the answers and changes of some cards by card and time (to match a server row to one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils

from studyapp.storage.review.log_values import INSERT_LOG, entry_values
from studyapp.storage.sync.mirror_store import BULK_LOG_ROWS, SCHEDULE_COLUMNS, id_chunks

__all__ = ["ReplayLog"]


class ReplayLog:
    """The review log and cards' schedules, written by a sync's replay (and read to match the server's rows)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def local_log_times(self, card_ids: Sequence[int]) -> dict[tuple[int, int], tuple[int, int, int]]:
        """Every answer and schedule change here of these cards by (card, time in ms): (row id, rating, duration
        in ms); a schedule change has rating and duration 0, as Anki logs one. A row of the server's log that is
        one of these (sent by an earlier sync, or by one whose ``finish`` reached the server but whose commit here
        never happened, or by an export) is matched, not added again."""
        found: dict[tuple[int, int], tuple[int, int, int]] = {}
        for part in id_chunks(sorted(set(card_ids))):
            marks = ", ".join("?" * len(part))
            for row_id, card, at, rating, duration in self._db.execute(
                f"SELECT id, card_id, reviewed_at, rating, duration_ms FROM review_log WHERE card_id IN ({marks})",
                list(part),
            ):
                found[(card, at)] = (row_id, rating, duration)
            for row_id, card, at in self._db.execute(
                f"SELECT id, card_id, changed_at FROM schedule_changes WHERE card_id IN ({marks})", list(part)
            ):
                found.setdefault((card, at), (row_id, 0, 0))
        return found

    def log_times_of_deleted_cards(self) -> dict[tuple[int, int], tuple[int, int, int]]:
        """``local_log_times`` of the answers here whose card has been deleted (the log keeps them)."""
        found: dict[tuple[int, int], tuple[int, int, int]] = {}
        for row_id, card, at, rating, duration in self._db.execute(
            "SELECT id, card_id, reviewed_at, rating, duration_ms FROM review_log WHERE card_id IN "
            "(SELECT DISTINCT card_id FROM review_log EXCEPT SELECT id FROM cards)"
        ):
            found[(card, at)] = (row_id, rating, duration)
        return found

    def insert_log(self, entries: Sequence[Any]) -> None:
        """Answers from the server, with the before and after of their replay here. One ``executemany`` of
        tuples: sqlite-utils' ``insert_all`` costs ~5 ms a call in its checks (7,000 calls in a sync of 10,000
        cards), and the dict of ``reviews_store._log_row`` another 25 µs a row."""
        if entries:
            self._db.conn.executemany(INSERT_LOG, [entry_values(entry) for entry in entries])

    def insert_log_values(self, rows: list[tuple[Any, ...]]) -> None:
        """Answers from the server as the values of the log's columns (``LOG_COLUMNS``), already replayed;
        written in id order (the table's own order: appended, not scattered)."""
        rows.sort(key=lambda row: row[0])
        self._db.conn.executemany(INSERT_LOG, rows)

    def drop_log_indexes(self, coming: int) -> list[str]:
        """Before many more answers than the log holds (a whole collection arriving): drop the log's indexes and
        return what makes them again (``make_indexes``, in the same transaction). 200,000 rows took 3.1 s with
        them kept, 1.9 s so."""
        conn = self._db.conn
        if coming < BULK_LOG_ROWS or coming <= conn.execute("SELECT count(*) FROM review_log").fetchone()[0]:
            return []
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in indexes]

    def make_indexes(self, statements: list[str]) -> None:
        for sql in statements:
            self._db.conn.execute(sql)

    def cards_with_history(self, card_ids: Sequence[int]) -> set[int]:
        """Which of these cards have an answer or a schedule change here."""
        found: set[int] = set()
        for part in id_chunks(list(card_ids)):
            marks = ", ".join("?" * len(part))
            for table in ("review_log", "schedule_changes"):
                found.update(
                    row[0]
                    for row in self._db.execute(
                        f"SELECT DISTINCT card_id FROM {table} WHERE card_id IN ({marks})", list(part)
                    )
                )
        return found

    def set_schedules(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """``(state, step, stability, difficulty, due, last_review, reps, lapses, card id)``: cards' schedules."""
        self._db.conn.executemany(
            f"UPDATE cards SET {', '.join(f'{name} = ?' for name in SCHEDULE_COLUMNS)} WHERE id = ?", rows
        )
