"""The append-only log of schedule changes that are not answers (reschedules, resets), and the card reads they need.

A change and the card's new schedule are written together: :meth:`ScheduleChangeStore.apply` sets each
card to its change's ``after`` only if the card still is as its ``before`` says, and logs the change, all
with ``executemany``. Call the writers inside a transaction (``with collection.transaction():``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import sqlite_utils

from studyapp.core.model import ReviewEntry, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.storage.codec import SCHEDULE_FIELDS, from_ms, schedule_from_row, schedule_to_row, to_ms
from studyapp.storage.review.reviews_store import _entry

_CHUNK = 5000
_COLUMNS = (
    "id",
    "card_id",
    "changed_at",
    "kind",
    *(f"{name}_before" for name in SCHEDULE_FIELDS),
    *(f"{name}_after" for name in SCHEDULE_FIELDS),
)


class StaleScheduleError(Exception):
    """A card changed since its schedule was read (an answer meanwhile): nothing was written."""


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _row(change: ScheduleChange) -> tuple[Any, ...]:
    values = {
        "id": change.id,
        "card_id": change.card_id,
        "changed_at": to_ms(change.changed_at),
        "kind": change.kind.value,
        **schedule_to_row(change.before, "_before"),
        **schedule_to_row(change.after, "_after"),
    }
    return tuple(values[name] for name in _COLUMNS)


def _change(row: Any) -> ScheduleChange:
    return ScheduleChange(
        id=row["id"],
        card_id=row["card_id"],
        changed_at=from_ms(row["changed_at"]),  # type: ignore[arg-type]
        kind=ScheduleChangeKind(row["kind"]),
        before=schedule_from_row(row, "_before"),
        after=schedule_from_row(row, "_after"),
    )


class ScheduleChangeStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    # -- the log -----------------------------------------------------------------------------------

    def record(self, changes: Sequence[ScheduleChange]) -> None:
        """Append changes to the log (the cards are written by the caller)."""
        marks = ", ".join("?" * len(_COLUMNS))
        self._db.conn.executemany(
            f"INSERT INTO schedule_changes ({', '.join(_COLUMNS)}) VALUES ({marks})", (_row(c) for c in changes)
        )

    def apply(self, changes: Sequence[ScheduleChange]) -> None:
        """Set each card to its change's ``after`` and log the change; if any card is no longer at its
        ``before`` (by state and review count), raise :class:`StaleScheduleError` (the caller's transaction
        then writes nothing)."""
        if not changes:
            return
        assignments = ", ".join(f"{name} = ?" for name in SCHEDULE_FIELDS)
        rows = []
        for change in changes:
            after = schedule_to_row(change.after)
            rows.append(
                (
                    *(after[name] for name in SCHEDULE_FIELDS),
                    change.card_id,
                    change.before.reps,
                    int(change.before.state),
                )
            )
        cursor = self._db.conn.executemany(
            f"UPDATE cards SET {assignments} WHERE id = ? AND reps = ? AND state = ?", rows
        )
        if cursor.rowcount != len(changes):
            raise StaleScheduleError("some cards were answered meanwhile; nothing was rescheduled")
        self.record(changes)

    def delete(self, change_ids: Sequence[int]) -> None:
        """Remove changes (the undo of the action that made them), only while each card still has the schedule
        its change gave it; otherwise (the card was studied or changed since) raise :class:`StaleScheduleError`.
        The caller restores the cards, in the same transaction."""
        columns = ", ".join(f"c.{name}" for name in SCHEDULE_FIELDS)
        try:
            for chunk in _chunks(change_ids):
                marks = ",".join("?" * len(chunk))
                query = (
                    f"SELECT s.*, {columns} FROM schedule_changes s JOIN cards c ON c.id = s.card_id "
                    f"WHERE s.id IN ({marks})"
                )
                if any(_change(row).after != schedule_from_row(row) for row in self._db.query(query, chunk)):
                    raise StaleScheduleError("the cards were studied or changed since")
                self._db.execute(f"DELETE FROM schedule_changes WHERE id IN ({marks})", chunk)
        except sqlite3.IntegrityError as error:  # a later answer or change of the card (see the schema's triggers)
            raise StaleScheduleError(f"the cards changed since; {error}") from None

    def of_card(self, card_id: int) -> list[ScheduleChange]:
        """A card's changes in time order."""
        query = "SELECT * FROM schedule_changes WHERE card_id = ? ORDER BY changed_at, id"
        return [_change(row) for row in self._db.query(query, [card_id])]

    def of_cards(self, card_ids: Sequence[int]) -> dict[int, list[ScheduleChange]]:
        """The changes of many cards, each card's in time order (cards without any are left out)."""
        found: dict[int, list[ScheduleChange]] = {}
        for chunk in _chunks(sorted(set(card_ids))):
            query = (
                f"SELECT * FROM schedule_changes WHERE card_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY changed_at, id"
            )
            for row in self._db.query(query, chunk):
                change = _change(row)
                found.setdefault(change.card_id, []).append(change)
        return found

    def count(self, kind: ScheduleChangeKind | None = None) -> int:
        where, params = ("WHERE kind = ?", [kind.value]) if kind is not None else ("", [])
        return int(self._db.execute(f"SELECT count(*) FROM schedule_changes {where}", params).fetchone()[0])

    # -- the cards they change ---------------------------------------------------------------------

    def card_schedules(self, deck_ids: Sequence[int]) -> dict[int, tuple[int, Schedule]]:
        """``card id -> (deck id, stored schedule)`` for every card of the decks."""
        found: dict[int, tuple[int, Schedule]] = {}
        columns = ", ".join(("id", "deck_id", *SCHEDULE_FIELDS))
        for chunk in _chunks(list(deck_ids)):
            query = f"SELECT {columns} FROM cards WHERE deck_id IN ({','.join('?' * len(chunk))})"
            for row in self._db.query(query, chunk):
                found[row["id"]] = (row["deck_id"], schedule_from_row(row))
        return found

    def studied_dues(self, deck_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """``card id -> (deck id, due in ms)`` of the studied cards of the decks that have a due date and are not
        suspended: the reviews the coming days hold."""
        found: dict[int, tuple[int, int]] = {}
        for chunk in _chunks(list(deck_ids)):
            query = (
                f"SELECT id, deck_id, due FROM cards WHERE deck_id IN ({','.join('?' * len(chunk))}) "
                "AND state != 0 AND due IS NOT NULL AND suspended = 0"
            )
            for card_id, deck_id, due in self._db.execute(query, chunk).fetchall():
                found[card_id] = (deck_id, due)
        return found

    def answers_of_cards(self, card_ids: Sequence[int]) -> dict[int, list[ReviewEntry]]:
        """The review log of many cards, each card's in time order (cards never answered are left out)."""
        found: dict[int, list[ReviewEntry]] = {}
        for chunk in _chunks(sorted(set(card_ids))):
            query = f"SELECT * FROM review_log WHERE card_id IN ({','.join('?' * len(chunk))}) ORDER BY reviewed_at, id"
            for row in self._db.query(query, chunk):
                entry = _entry(row)
                found.setdefault(entry.card_id, []).append(entry)
        return found
