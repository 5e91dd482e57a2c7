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
_LEARNING = f"({int(CardState.LEARNING)}, {int(CardState.RELEARNING)})"


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

    def next_learning(self, deck_ids: Sequence[int], due_by: datetime) -> Card | None:
        """The learning card due soonest, if it is due by ``due_by``."""
        return self._first_card(
            f"c.deck_id IN ({_ids(deck_ids)}) AND c.state IN {_LEARNING} AND c.due <= :by AND {_STUDYABLE}",
            "c.due, c.id",
            {"by": to_ms(due_by), "now": to_ms(due_by)},
        )

    def next_review(self, deck_ids: Sequence[int], due_before: datetime, now: datetime) -> Card | None:
        """The most overdue review card among those due before ``due_before`` (the end of the day)."""
        return self._first_card(
            f"c.deck_id IN ({_ids(deck_ids)}) AND c.state = {int(CardState.REVIEW)} "
            f"AND c.due < :before AND {_STUDYABLE}",
            "c.due, c.id",
            {"before": to_ms(due_before), "now": to_ms(now)},
        )

    def next_new(self, deck_ids: Sequence[int], now: datetime, random_order: bool = False) -> Card | None:
        """The next new card in deck order."""
        return self._first_card(
            f"c.deck_id IN ({_ids(deck_ids)}) AND c.state = {int(CardState.NEW)} AND {_STUDYABLE}",
            # Random order: an import hands out its random ids in file order, so order by the id's
            # remainder by a prime instead, which is as random as the id and fixed for the card.
            "c.id % 1000003, c.id" if random_order else "c.position, c.id",
            {"now": to_ms(now)},
        )

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
            self._db["review_log"].insert(_log_row(entry))

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

    def log_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM review_log").fetchone()[0])
