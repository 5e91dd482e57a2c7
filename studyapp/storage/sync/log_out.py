"""The answers here the sync server has not had yet, read in Anki's review-log form and then mirrored, by SQLite.

A whole collection's first sync sends every answer (200,000 rows and more). Each row is read once, already as
Anki's tuple, into a temporary table; each row's JSON is written from it by SQLite (the caller prepends the Anki
id), and each chunk's mirror rows copied from it by an ``INSERT ... SELECT`` once the chunk has gone (no value
bound per row; nothing left for the end, where the server would already be waiting for ``finish``). The card's Anki
id is joined in: the mirror's, else, for a card deleted here since the last sync, the one its grave went under
(``temp.sync_gone``), else ours (a card that never reached the server). Answers to a card here that the server
has not had yet wait for it. An Anki id is the answer's time in ms, unless the caller moved it (a clash with
another answer at the same millisecond).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import sqlite_utils

from studyapp.storage.sync.mirror_store import revlog_index_set_aside

_DAY_MS = 86_400_000
_INT32 = 2**31 - 1


def _anki_interval(state: str, due: str, last: str, at: str) -> str:
    """SQL for Anki's review-log interval of a schedule (column names given): days for a review card, minus
    seconds for a learning step, 0 for a new card. A span of days is rounded half to even, exactly as Python's
    ``round(span / day)`` (whose float quotient of two integers below 2**53 is exact at a half)."""
    span = f"({due} - COALESCE({last}, {at}))"
    whole, rest = f"({span} / {_DAY_MS})", f"({span} % {_DAY_MS})"
    days = (f"CASE WHEN {span} <= 0 THEN 0 ELSE {whole} + CASE WHEN 2 * {rest} > {_DAY_MS} THEN 1 "
            f"WHEN 2 * {rest} = {_DAY_MS} THEN {whole} % 2 ELSE 0 END END")  # fmt: skip
    return (f"CASE WHEN {state} = 0 OR {due} IS NULL THEN 0 WHEN {state} = 2 THEN MAX(1, MIN({_INT32}, {days})) "
            f"ELSE -MAX(1, MIN({_INT32}, {span} / 1000)) END")  # fmt: skip


# Anki's columns after the id, from a review-log row ``r`` and the card's mirrored row ``c`` (and ``g``): card's
# Anki id, usn (a parameter), ease, interval, last interval, factor (2500 for a card then in review or relearning),
# duration (clamped to Anki's 32-bit column), type (learn 0, review 1, relearn 2, from the state before).
_ANKI_COLUMNS = (
    "COALESCE(c.anki_id, g.anki_id, r.card_id), :usn, r.rating, "
    f"{_anki_interval('r.state_after', 'r.due_after', 'r.last_review_after', 'r.reviewed_at')}, "
    f"{_anki_interval('r.state_before', 'r.due_before', 'r.last_review_before', 'r.reviewed_at')}, "
    "CASE WHEN r.state_after IN (2, 3) THEN 2500 ELSE 0 END, MAX(0, MIN(r.duration_ms, 2147483647)), "
    "CASE r.state_before WHEN 2 THEN 1 WHEN 3 THEN 2 ELSE 0 END"
)
_UNSENT = (
    "FROM review_log r LEFT JOIN sync_cards c ON c.our_id = r.card_id "
    "LEFT JOIN temp.sync_gone g ON g.our_id = r.card_id "
    "WHERE NOT EXISTS (SELECT 1 FROM sync_revlog s WHERE s.our_id = r.id) "
    "AND (c.anki_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM cards k WHERE k.id = r.card_id))"
)
_TEMP_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS sync_gone (our_id INTEGER PRIMARY KEY, anki_id INTEGER NOT NULL)",
    # the answers to send, in Anki's form (``at``: the Anki id, its time unless moved), in the order they go (``n``)
    """CREATE TEMP TABLE IF NOT EXISTS sync_out (n INTEGER PRIMARY KEY, our_id INTEGER NOT NULL, at INTEGER NOT NULL,
        cid INTEGER NOT NULL, usn INTEGER NOT NULL, ease INTEGER NOT NULL, ivl INTEGER NOT NULL,
        last_ivl INTEGER NOT NULL, factor INTEGER NOT NULL, time INTEGER NOT NULL, type INTEGER NOT NULL)""",
)
_REST = "cid, usn, ease, ivl, last_ivl, factor, time, type"  # Anki's tuple after the id


class UnsentLog:
    """One sync's answers to send, found once (into ``temp.sync_out``), read by ``chunks`` as they go, each chunk
    mirrored (``mirror``, inside ``mirroring``) once it has gone."""

    def __init__(self, db: sqlite_utils.Database, usn: int, gone: Mapping[int, int]) -> None:
        """``gone``: the cards deleted here since the last sync, our id -> the Anki id their grave went under."""
        conn = self._conn = db.conn
        for statement in _TEMP_TABLES:
            conn.execute(statement)
        self.close()
        conn.executemany("INSERT INTO temp.sync_gone (our_id, anki_id) VALUES (?, ?)", gone.items())
        self.count: int = conn.execute(
            f"INSERT INTO temp.sync_out (our_id, at, {_REST}) SELECT r.id, r.reviewed_at, {_ANKI_COLUMNS} {_UNSENT} "
            "ORDER BY r.id",
            {"usn": usn},
        ).rowcount

    def chunks(self, size: int) -> Iterator[list[tuple[int, int, str]]]:
        """The answers, ``size`` at a time in order, as ``(place, time ms, the rest of Anki's tuple as a JSON array
        written by SQLite)``: the Anki id is the caller's to prepend (each chunk's ``mirror`` is given the ones that
        are not the answer's time). Each chunk is read by a statement of its own, done before the caller writes."""
        last = 0
        while batch := self._conn.execute(
            f"SELECT n, at, json_array({_REST}) FROM temp.sync_out WHERE n > ? ORDER BY n LIMIT ?", (last, size)
        ).fetchall():
            yield batch
            last = batch[-1][0]

    @contextmanager
    def mirroring(self) -> Iterator[None]:
        """Around the chunks' ``mirror``: a whole log's mirror index is set aside, and made again after."""
        with revlog_index_set_aside(self._conn, self.count):
            yield

    def mirror(self, first: int, last: int, moved: Mapping[int, int]) -> None:
        """Mirror the answers at places ``first``..``last`` (a chunk, once read), each under its time as its Anki id,
        or the id it went under instead (``moved``: an answer's place -> its Anki id). A chunk at a time, as it goes:
        a whole collection's answers are never held here at once, nor left for the end."""
        conn = self._conn
        if moved:
            conn.executemany("UPDATE temp.sync_out SET at = ? WHERE n = ?", [(at, n) for n, at in moved.items()])
        conn.execute(
            "INSERT INTO sync_revlog (anki_id, our_id, card, usn, ease, ivl, last_ivl, factor, time, type) "
            f"SELECT at, our_id, {_REST} FROM temp.sync_out WHERE n BETWEEN ? AND ? ORDER BY n",
            (first, last),
        )

    def close(self) -> None:
        """Empty the temporary tables (they live as long as the connection)."""
        for table in ("sync_gone", "sync_out"):
            self._conn.execute(f"DELETE FROM temp.{table}")
