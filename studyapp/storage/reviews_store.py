"""Study queues, answers and the append-only review log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

import sqlite_utils

from studyapp.core.model import Card, CardState, NoteKind, Rating, ReviewEntry, ReviewMode, Schedule
from studyapp.storage.codec import from_ms, schedule_from_row, schedule_to_row, to_ms

_CARD_SELECT = """SELECT c.*, n.front, n.back, n.kind, n.html FROM cards c JOIN notes n ON n.id = c.note_id"""
_LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))


def _ids(deck_ids: Sequence[int]) -> str:
    """Deck ids inlined as integers (never text), so a deck and its subdecks are one IN list."""
    return ",".join(str(int(deck_id)) for deck_id in deck_ids) or "NULL"


_STUDYABLE = "c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :now)"


class StaleCardError(Exception):
    """The card changed since it was read (another window, or an undo): the answer was not saved."""


def _card(row: Any) -> Card:
    return Card(
        id=row["id"],
        note_id=row["note_id"],
        deck_id=row["deck_id"],
        front=row["front"],
        back=row["back"],
        schedule=schedule_from_row(row),
        ord=row["ord"],
        kind=NoteKind(row["kind"]),
        html=bool(row["html"]),
    )


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


class ReviewStore:
    def __init__(
        self, db: sqlite_utils.Database, guard: Callable[[], AbstractContextManager[None]] = _no_guard
    ) -> None:
        self._db = db
        self._guard = guard  # turns disk faults into a StorageError naming the file (see Collection.write_guard)

    def _first_card(self, where: str, order: str, params: dict[str, Any]) -> Card | None:
        rows = list(self._db.query(f"{_CARD_SELECT} WHERE {where} ORDER BY {order} LIMIT 1", params))
        return _card(rows[0]) if rows else None

    def card(self, card_id: int) -> Card | None:
        return self._first_card("c.id = :id", "c.id", {"id": card_id})

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
        columns = order.split(", ")
        keys = ", ".join(f"c.{column} AS k{i}" for i, column in enumerate(columns))
        arms = " UNION ALL ".join(
            f"SELECT * FROM (SELECT c.id AS id, {keys} FROM cards c WHERE c.deck_id = {int(deck_id)} "
            f"AND c.state = {int(state)} AND {where} "
            f"ORDER BY {', '.join(f'c.{column}' for column in columns)}, c.id LIMIT {int(limit)})"
            for deck_id in dict.fromkeys(deck_ids)
            for state in states
        )
        ordering = ", ".join(f"k{i}" for i in range(len(columns)))
        rows = self._db.execute(f"SELECT id FROM ({arms}) ORDER BY {ordering}, id LIMIT {int(limit)}", params)
        return [row[0] for row in rows.fetchall()]

    def _first(self, ids: list[int]) -> Card | None:
        return self.card(ids[0]) if ids else None

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

    def next_learning(self, deck_ids: Sequence[int], due_by: datetime) -> Card | None:
        """The learning card due soonest, if it is due by ``due_by``."""
        where = f"c.due <= :by AND {_STUDYABLE}"
        params = {"by": to_ms(due_by), "now": to_ms(due_by)}
        return self._first(self._first_per_deck(deck_ids, _LEARNING_STATES, where, "due", params))

    def next_review(self, deck_ids: Sequence[int], due_before: datetime, now: datetime) -> Card | None:
        """The most overdue review card among those due before ``due_before`` (the end of the day)."""
        return self._first(self.review_queue(deck_ids, due_before, now, 1))

    def next_new(self, deck_ids: Sequence[int], now: datetime, random_order: bool = False) -> Card | None:
        """The next new card in deck order."""
        return self._first(self.new_queue(deck_ids, now, random_order, 1))

    def next_due_after(self, deck_ids: Sequence[int], moment: datetime) -> datetime | None:
        """When the first studied card of the deck falls due after ``moment``."""
        row = self._db.execute(
            f"SELECT min(due) FROM cards WHERE deck_id IN ({_ids(deck_ids)}) AND state != {int(CardState.NEW)} "
            "AND due > ? AND suspended = 0",
            [to_ms(moment)],
        ).fetchone()
        return from_ms(row[0])

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
        with self._guard(), self._db.atomic():
            if not self._replace_schedule(entry.card_id, entry.before, entry.after):
                raise StaleCardError(f"card {entry.card_id} changed since it was shown; the answer was not saved")
            row = _log_row(entry)  # one prepared statement (the study loop's hot path: no sqlite-utils insert)
            self._db.conn.execute(
                f"INSERT INTO review_log ({', '.join(row)}) VALUES ({', '.join(':' + name for name in row)})", row
            )

    def undo(self, log_id: int) -> ReviewEntry:
        """Take back an answer: the card returns to its state before it, and the log row goes."""
        with self._guard(), self._db.atomic():
            rows = list(self._db.query("SELECT * FROM review_log WHERE id = ?", [log_id]))
            if not rows:
                raise StaleCardError(f"review {log_id} is not in the log")
            entry = _entry(rows[0])
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

    def add_history(self, card_id: int, entries: Sequence[ReviewEntry]) -> None:
        """Store a card's imported past reviews and set the card to the state they end in.

        For a card that has no log yet (a note being imported); call inside the import's transaction.
        """
        if not entries:
            return
        if not self._replace_schedule(card_id, entries[0].before, entries[-1].after):
            raise StaleCardError(f"card {card_id} is not new; its history cannot be imported")
        self._db["review_log"].insert_all((_log_row(entry) for entry in entries), batch_size=500)

    def log(self, card_id: int | None = None) -> list[ReviewEntry]:
        where, params = ("WHERE card_id = ?", [card_id]) if card_id is not None else ("", [])
        return [
            _entry(row) for row in self._db.query(f"SELECT * FROM review_log {where} ORDER BY reviewed_at, id", params)
        ]

    def answer_history(self, deck_ids: Sequence[int] | None = None) -> list[list[tuple[int, int]]]:
        """The answers of each card of these decks (``None``: every deck) as (rating, reviewed_at ms), in time
        order; cards in the order of their first answer. The FSRS fit reads a million of them: one scan of the
        table, four columns, sorted by SQLite (the unary ``+`` keeps it off the (card, time) index, whose walk
        looks every row up at random: twice as slow), grouped here in one pass; no ``ReviewEntry`` is built."""
        where = f"WHERE deck_id IN ({_ids(deck_ids)})" if deck_ids is not None else ""
        cards = {row[0] for row in self._db.execute(f"SELECT id FROM cards {where}").fetchall()}
        histories: list[tuple[int, int, list[tuple[int, int]]]] = []
        current, answers, skip = None, [], True
        for card_id, rating, reviewed_at, log_id in self._db.execute(
            "SELECT card_id, rating, reviewed_at, id FROM review_log ORDER BY +card_id, reviewed_at, id"
        ):
            if card_id != current:
                current, skip = card_id, card_id not in cards  # the log of a deleted card stays: not its answers
                if not skip:
                    answers = []
                    histories.append((reviewed_at, log_id, answers))
            if not skip:
                answers.append((rating, reviewed_at))
        histories.sort(key=lambda history: (history[0], history[1]))
        return [answers for _, _, answers in histories]

    def change_stamp(self) -> tuple[int, int]:
        """Changes so far through this connection, and SQLite's data version (which moves when another
        connection commits): equal stamps mean nothing was written to the collection in between."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        return int(self._db.conn.total_changes), int(version)

    def log_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM review_log").fetchone()[0])
