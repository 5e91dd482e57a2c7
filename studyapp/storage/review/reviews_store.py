"""Study queues, answers and the append-only review log."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

import sqlite_utils

from studyapp.core.model import Card, CardState, Rating, ReviewEntry, ReviewMode, Schedule
from studyapp.core.scheduling.days import DAY_MS, DayPiece
from studyapp.storage.codec import SCHEDULE_FIELDS, from_ms, schedule_from_row, schedule_to_row, to_ms
from studyapp.storage.review.card_rows import _CARD_BY_ID, _CARD_SELECT, NotetypeLookup, _card_of_values, _no_notetypes
from studyapp.storage.review.imported_history import ImportedHistory
from studyapp.storage.review.log_times import extreme_time
from studyapp.storage.review.log_values import INSERT_LOG, StaleCardError, log_values, schedule_values

_LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))


_DAY_BIAS = 1_000_000  # days added before SQLite's integer division (which truncates) and taken off after


def _shift_case(pieces: list[DayPiece]) -> str:
    """SQL giving the shift of ``reviewed_at``'s piece: a balanced tree of CASEs, a few comparisons per row."""
    if not pieces:
        return "0"
    if len(pieces) == 1:
        return str(int(pieces[0].shift_ms))
    middle = len(pieces) // 2
    return (
        f"(CASE WHEN reviewed_at < {int(pieces[middle].start_ms)} THEN {_shift_case(pieces[:middle])} "
        f"ELSE {_shift_case(pieces[middle:])} END)"
    )


def _ids(deck_ids: Sequence[int]) -> str:
    """Deck ids inlined as integers (never text), so a deck and its subdecks are one IN list."""
    return ",".join(str(int(deck_id)) for deck_id in deck_ids) or "NULL"


_STUDYABLE = "c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :now)"


Arm = tuple[int, int]  # a deck id and a card state: one walk of the (deck, state, ...) index


@functools.lru_cache(maxsize=64)
def _arms(deck_ids: tuple[int, ...], states: tuple[int, ...]) -> tuple[Arm, ...]:
    return tuple((int(deck_id), int(state)) for deck_id in dict.fromkeys(deck_ids) for state in states)


def _term(value: int | str) -> str:
    """An arm's deck or state in SQL: an integer inlined as such, or a parameter's name (``:d0``)."""
    if isinstance(value, str):
        assert value[:1] == ":" and value[1:].isalnum(), value
        return value
    return str(int(value))


@functools.lru_cache(maxsize=64)
def _first_per_deck_sql(arms: tuple[tuple[int | str, int | str], ...], where: str, order: str, limit: int) -> str:
    """See ``ReviewStore._first_per_deck``; made once per deck list and query (the study loop asks each answer).

    Each arm walks its index in key order and stops at its limit, so its ORDER BY names the keys alone: naming the
    id too makes SQLite sort the arm's whole range first (three times slower at 100,000 cards). Cards with equal
    keys then come in the index's order, which is the id's for cards never buried (the id ends every index); the
    outer ORDER BY puts the arms' picks in (keys, id) order."""
    columns = order.split(", ")
    keys = ", ".join(f"c.{column} AS k{i}" for i, column in enumerate(columns))
    arms = " UNION ALL ".join(
        f"SELECT * FROM (SELECT c.id AS id, {keys} FROM cards c WHERE c.deck_id = {_term(deck_id)} "
        f"AND c.state = {_term(state)} AND {where} "
        f"ORDER BY {', '.join(f'c.{column}' for column in columns)} LIMIT {int(limit)})"
        for deck_id, state in arms
    )
    ordering = ", ".join(f"k{i}" for i in range(len(columns)))
    return f"SELECT id FROM ({arms}) ORDER BY {ordering}, id LIMIT {int(limit)}"


def _entry(row: Any) -> ReviewEntry:
    return ReviewEntry(
        id=row["id"],
        card_id=row["card_id"],
        reviewed_at=from_ms(row["reviewed_at"]),  # type: ignore[arg-type]
        rating=Rating(row["rating"]),
        duration_ms=row["duration_ms"],
        mode=ReviewMode(row["mode"]),
        before=schedule_from_row(row, "_before"),
        after=schedule_from_row(row, "_after"),
    )


def _log_row(entry: ReviewEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "card_id": entry.card_id,
        "reviewed_at": to_ms(entry.reviewed_at),
        "rating": int(entry.rating),
        "duration_ms": entry.duration_ms,
        "mode": entry.mode.value,
        **schedule_to_row(entry.before, "_before"),
        **schedule_to_row(entry.after, "_after"),
    }


def _no_guard() -> AbstractContextManager[None]:
    return nullcontext()


# An answer's two statements, prepared once (the study loop's hot path): the card's new schedule, if the card is
# still as the answer found it, and the log row; their values in this order (``_answer_values``).
_SET_SCHEDULE = (
    f"UPDATE cards SET {', '.join(f'{name} = ?' for name in SCHEDULE_FIELDS)} WHERE id = ? AND reps = ? AND state = ?"
)
# The same when the answer leaves the card in its state: an index with the state (the new cards' order) is then
# left alone, one page fewer to write and sync per answer (SQLite rewrites the entries of every index whose
# columns are set, whether or not their values change).
_SET_SCHEDULE_SAME_STATE = _SET_SCHEDULE.replace("state = ?, ", "", 1)
assert SCHEDULE_FIELDS[0] == "state" and _SET_SCHEDULE_SAME_STATE.startswith("UPDATE cards SET step = ?")


def _answer_values(entry: ReviewEntry) -> tuple[str, tuple[Any, ...], tuple[Any, ...]]:
    """The card's statement (``_SET_SCHEDULE`` or ``_SET_SCHEDULE_SAME_STATE``) and its values, and the values of
    ``INSERT_LOG``, for an answer."""
    before, after = schedule_values(entry.before), schedule_values(entry.after)
    same = entry.before.state == entry.after.state
    update = (*(after[1:] if same else after), entry.card_id, entry.before.reps, int(entry.before.state))
    return (_SET_SCHEDULE_SAME_STATE if same else _SET_SCHEDULE), update, log_values(entry, before, after)


def _write_answer(conn: sqlite3.Connection, entry: ReviewEntry) -> None:
    set_schedule, update, log = _answer_values(entry)
    if conn.execute(set_schedule, update).rowcount != 1:
        raise StaleCardError(f"card {entry.card_id} changed since it was shown; the answer was not saved")
    conn.execute(INSERT_LOG, log)


_ROWS_AT_ONCE = 50  # a queue's batch of cards in a few statements (200 rows: 0.83 ms; with 8 a statement, 1.1)
_CARDS_BY_IDS = f"{_CARD_SELECT} WHERE c.id IN ({', '.join('?' * _ROWS_AT_ONCE)})"


class ReviewStore:
    def __init__(
        self,
        db: sqlite_utils.Database,
        guard: Callable[[], AbstractContextManager[None]] = _no_guard,
        notetypes: NotetypeLookup | None = None,
    ) -> None:
        self._db = db
        self._guard = guard  # turns disk faults into a StorageError naming the file (see Collection.write_guard)
        self._notetypes = notetypes or _no_notetypes  # a card's note type, by id (the collection's NotetypeStore)

    def _card_row(self, sql: str, params: dict[str, Any]) -> Card | None:
        """The card of the first row of ``sql`` (``_CARD_SELECT ...``), read with a plain cursor: the study
        loop reads one per answer, and sqlite-utils' ``query`` wraps each read in a savepoint."""
        row = self._db.conn.execute(sql, params).fetchone()
        return None if row is None else _card_of_values(row, self._notetypes)

    def card_rows(self, card_ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """The rows of the cards with these ids, by id (a queue's next few: one query instead of one each); made
        into cards by ``card_of_row`` when they are shown."""
        if not card_ids:
            return {}
        ids = [int(card_id) for card_id in card_ids]
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), _ROWS_AT_ONCE):  # one prepared statement: always as many marks (padded)
            chunk = ids[start : start + _ROWS_AT_ONCE]
            chunk += [chunk[-1]] * (_ROWS_AT_ONCE - len(chunk))
            rows += self._db.conn.execute(_CARDS_BY_IDS, chunk).fetchall()
        return {row[0]: row for row in rows}

    def card_of_row(self, row: tuple[Any, ...]) -> Card:
        return _card_of_values(row, self._notetypes)

    def card(self, card_id: int) -> Card | None:
        return self._card_row(_CARD_BY_ID, {"id": card_id})

    def _first_per_deck(
        self,
        deck_ids: Sequence[int],
        states: Sequence[int],
        where: str,
        order: str,
        params: dict[str, Any],
        limit: int = 1,
    ) -> list[int]:
        """The ids of the first ``limit`` cards by ``order`` (columns of the deck's index, then the id) among
        these decks' cards in ``states`` matching ``where``: one short walk of the (deck, state, ...) index per
        deck and state, then the best of those few. With ``IN`` lists the index cannot give the order across
        decks or states, and every due card is sorted (ten times slower for a deck with ten subdecks)."""
        if not deck_ids:
            return []
        sql = _first_per_deck_sql(_arms(tuple(deck_ids), tuple(states)), where, order, limit)
        return [row[0] for row in self._db.conn.execute(sql, params).fetchall()]

    def _first(self, arms: tuple[Arm, ...], where: str, order: str, params: dict[str, Any]) -> Card | None:
        """The card ``_first_per_deck`` would name first among these (deck, state) arms, read in the same
        statement."""
        if not arms:
            return None
        first = _first_per_deck_sql(arms, where, order, 1)
        return self._card_row(f"{_CARD_SELECT} WHERE c.id = ({first})", params)

    def review_queue(self, deck_ids: Sequence[int], due_before: datetime, now: datetime, limit: int) -> list[int]:
        """The ids of the ``limit`` most overdue review cards due before ``due_before``, in order."""
        where = f"c.due < :before AND {_STUDYABLE}"
        params = {"before": to_ms(due_before), "now": to_ms(now)}
        return self._first_per_deck(deck_ids, [int(CardState.REVIEW)], where, "due", params, limit)

    def new_queue(self, deck_ids: Sequence[int], now: datetime, random_order: bool, limit: int) -> list[int]:
        """The ids of the next ``limit`` new cards, in deck order (or the random order)."""
        if not random_order:
            return self._first_per_deck(
                deck_ids, [int(CardState.NEW)], _STUDYABLE, "position", {"now": to_ms(now)}, limit
            )
        where = f"c.state = {int(CardState.NEW)} AND {_STUDYABLE}"
        rows = self._db.execute(
            # Random order: an import hands out its random ids in file order, so order by the id's
            # remainder by a prime instead, which is as random as the id and fixed for the card.
            f"SELECT c.id FROM cards c WHERE c.deck_id IN ({_ids(deck_ids)}) AND {where} "
            f"ORDER BY c.id % 1000003, c.id LIMIT {int(limit)}",
            {"now": to_ms(now)},
        )
        return [row[0] for row in rows.fetchall()]

    def learning_cards(self, deck_ids: Sequence[int], limit: int) -> list[tuple[int, datetime, datetime]]:
        """The (unsuspended) learning and relearning cards of these decks, as (id, due, the first moment it can be
        studied: its due time, or its burial's end if later), by that moment then id; at most ``limit + 1`` of
        them, so that the caller knows whether there are more (``LearningQueue``)."""
        rows = self._db.conn.execute(
            "SELECT id, due, start FROM (SELECT c.id AS id, c.due AS due, max(c.due, coalesce(c.buried_until, c.due))"
            f" AS start FROM cards c INDEXED BY cards_deck_counts WHERE c.deck_id IN ({_ids(deck_ids)}) AND c.state"
            f" IN {_LEARNING_STATES} AND c.suspended = 0 AND c.due IS NOT NULL) ORDER BY start, id LIMIT ?",
            (int(limit) + 1,),
        ).fetchall()
        return [(card_id, from_ms(due), from_ms(start)) for card_id, due, start in rows]  # type: ignore[misc]

    def next_review(self, deck_ids: Sequence[int], due_before: datetime, now: datetime) -> Card | None:
        """The most overdue review card among those due before ``due_before`` (the end of the day)."""
        params = {"before": to_ms(due_before), "now": to_ms(now)}
        arms = _arms(tuple(deck_ids), (int(CardState.REVIEW),))
        return self._first(arms, f"c.due < :before AND {_STUDYABLE}", "due", params)

    def next_new(self, deck_ids: Sequence[int], now: datetime, random_order: bool = False) -> Card | None:
        """The next new card in deck order."""
        ids = self.new_queue(deck_ids, now, random_order, 1)
        return self.card(ids[0]) if ids else None

    def next_due_after(self, deck_ids: Sequence[int], moment: datetime) -> datetime | None:
        """When the first studied card of the deck falls due after ``moment``."""
        row = self._db.execute(
            f"SELECT min(due) FROM cards WHERE deck_id IN ({_ids(deck_ids)}) AND state != {int(CardState.NEW)} "
            "AND due > ? AND suspended = 0",
            [to_ms(moment)],
        ).fetchone()
        return from_ms(row[0])

    def review_loads(self, origin: datetime) -> list[tuple[int, int, int]]:
        """(deck id, day, count) of the unsuspended review cards due from ``origin`` on, a card's day being
        ``(due - origin) // 24 h``: what the load balancer weighs. One grouped query, over every deck."""
        origin_ms = to_ms(origin)
        rows = self._db.conn.execute(
            f"SELECT deck_id, (due - ?) / {DAY_MS}, count(*) FROM cards WHERE state = {int(CardState.REVIEW)} "
            "AND suspended = 0 AND due >= ? GROUP BY 1, 2",
            (origin_ms, origin_ms),
        )
        return [(int(deck), int(day), int(count)) for deck, day, count in rows.fetchall()]

    def _replace_schedule(self, card_id: int, expected: Schedule, new: Schedule) -> bool:
        """Set a card's schedule to ``new`` if it still is ``expected`` (by its state and review count)."""
        values = schedule_to_row(new)
        cursor = self._db.execute(
            f"""UPDATE cards SET {", ".join(f"{name} = :{name}" for name in values)}
                WHERE id = :id AND reps = :expected_reps AND state = :expected_state""",
            {**values, "id": card_id, "expected_reps": expected.reps, "expected_state": int(expected.state)},
        )
        return cursor.rowcount == 1

    def record(self, entry: ReviewEntry) -> None:
        """Save an answer: the card's new schedule and its log row, in one transaction.

        The card is only updated if it is still as ``entry.before`` says; otherwise nothing is written.
        A full or read-only disk, or a vanished file, raises a ``StorageError`` and writes nothing.
        """
        conn = self._db.conn
        with self._guard():
            if conn.in_transaction:  # inside a caller's transaction: a savepoint of it
                with self._db.atomic():
                    _write_answer(conn, entry)
                return
            # sqlite-utils' ``atomic``, written out for the study loop's hot path
            conn.execute("BEGIN")
            try:
                _write_answer(conn, entry)
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()
                raise

    def undo(self, log_id: int) -> ReviewEntry:
        """Take back an answer: the card returns to its state before it, and the log row goes."""
        with self._guard(), self._db.atomic():
            rows = list(self._db.query("SELECT * FROM review_log WHERE id = ?", [log_id]))
            if not rows:
                raise StaleCardError(f"review {log_id} is not in the log")
            entry = _entry(rows[0])
            if self._db.execute("SELECT 1 FROM sync_revlog WHERE our_id = ?", [log_id]).fetchone():
                # the sync server, and through it the other devices, have this answer: the log is the union of
                # both sides, so taking it back here would not take it back there, and the next sync's replay
                # would disagree with this device
                raise StaleCardError("that answer has already been synced to the other devices; it cannot be undone")
            card = self.card(entry.card_id)
            if card is not None and card.schedule != entry.after:  # rescheduled or reset since, say
                raise StaleCardError(f"card {entry.card_id} changed since that answer; it cannot be undone")
            if not self._replace_schedule(entry.card_id, entry.after, entry.before):
                raise StaleCardError(f"card {entry.card_id} changed since that answer; it cannot be undone")
            try:
                self._db.execute("DELETE FROM review_log WHERE id = ?", [log_id])
            except sqlite3.IntegrityError:  # a later reschedule or reset (see the schema's triggers)
                raise StaleCardError(
                    f"card {entry.card_id} was rescheduled since that answer; it cannot be undone"
                ) from None
        return entry

    def add_history(self, card_id: int, entries: Sequence[ReviewEntry], final: Schedule | None = None) -> None:
        """Store a card's imported past reviews and set the card to the state they end in (``final``, when
        schedule changes follow them: the caller logs those). For a card that has no log yet (a note being
        imported); call inside the import's transaction. Many cards: ``ImportedHistory``, which this uses."""
        written = ImportedHistory(self._db)
        written.card_entries(card_id, entries, final)
        written.finish()

    def log(self, card_id: int | None = None) -> list[ReviewEntry]:
        where, params = ("WHERE card_id = ?", [card_id]) if card_id is not None else ("", [])
        return [
            _entry(row) for row in self._db.query(f"SELECT * FROM review_log {where} ORDER BY reviewed_at, id", params)
        ]

    def answer_span(self) -> tuple[int, int] | None:
        """The first and last answer's time (ms), or None for an empty log."""
        first = self._db.execute(extreme_time("min")).fetchone()[0]
        last = self._db.execute(extreme_time("max")).fetchone()[0]
        return None if first is None else (int(first), int(last))

    def card_answers(self, pieces: Sequence[DayPiece]) -> Iterator[tuple[int, str]]:
        """Each card's answers in the log, as (card id, ``day * 8 + rating`` of each answer in time order, joined
        by spaces); the study day counts days from 1970 (``pieces``: see ``study_day_pieces``). The log of a
        deleted card stays in the table: the caller keeps the cards it wants (``card_ids``).

        The FSRS fit reads a million answers: one walk of the (card, time, rating) index, the day computed by
        SQLite, one row and one string per card (half the time of a row per answer). SQLite 3.44 and later are
        told the order within a card; older ones concatenate in the order of the index walk, (card, time)
        (tests/fsrs_fit/test_fit_data.py checks it on a log written out of order)."""
        day = f"(reviewed_at + {_shift_case(list(pieces))} + {_DAY_BIAS * DAY_MS}) / {DAY_MS} - {_DAY_BIAS}"
        in_order = " ORDER BY reviewed_at" if sqlite3.sqlite_version_info >= (3, 44) else ""
        return self._db.execute(  # type: ignore[no-any-return]
            f"""SELECT card_id, group_concat(({day}) * 8 + rating, ' '{in_order}) FROM review_log
                INDEXED BY review_log_card_time GROUP BY card_id ORDER BY card_id"""
        )

    def card_ids(self, deck_ids: Sequence[int] | None = None) -> set[int]:
        """The cards of these decks (``None``: every deck)."""
        where = f" WHERE deck_id IN ({_ids(deck_ids)})" if deck_ids is not None else ""
        return {row[0] for row in self._db.execute(f"SELECT id FROM cards{where}")}

    def change_stamp(self) -> tuple[int, int]:
        """Changes so far through this connection, and SQLite's data version (which moves when another
        connection commits): equal stamps mean nothing was written to the collection in between."""
        version = self._db.conn.execute("PRAGMA data_version").fetchone()[0]
        return int(self._db.conn.total_changes), int(version)

    def stamp_after_own_write(self, stamp: tuple[int, int]) -> tuple[int, int]:
        """The change stamp once this connection has written since ``stamp`` was taken: SQLite's data version
        moves only for other connections' commits, so only the count of changes is read again."""
        return int(self._db.conn.total_changes), stamp[1]

    def log_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM review_log").fetchone()[0])
