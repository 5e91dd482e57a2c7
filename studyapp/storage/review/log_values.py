"""The review log's columns and a row's values in their order: one definition for every writer of the log (the
study loop's answer, a sync's replay, an import's history), so they cannot drift apart."""

from __future__ import annotations

from typing import Any

from studyapp.core.model import ReviewEntry, Schedule
from studyapp.storage.codec import SCHEDULE_FIELDS, to_ms

LOG_COLUMNS = (
    "id", "card_id", "reviewed_at", "rating", "duration_ms", "mode",
    *(f"{name}_before" for name in SCHEDULE_FIELDS), *(f"{name}_after" for name in SCHEDULE_FIELDS),
)  # fmt: skip
INSERT_LOG = f"INSERT INTO review_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' for _ in LOG_COLUMNS)})"


class StaleCardError(Exception):
    """The card changed since it was read (another window, or an undo): the answer was not saved."""


def schedule_values(schedule: Schedule) -> tuple[Any, ...]:
    """A schedule as the values of the card's columns, in ``SCHEDULE_FIELDS`` order."""
    return (int(schedule.state), schedule.step, schedule.stability, schedule.difficulty, to_ms(schedule.due),
            to_ms(schedule.last_review), schedule.reps, schedule.lapses)  # fmt: skip


def log_values(entry: ReviewEntry, before: tuple[Any, ...], after: tuple[Any, ...]) -> tuple[Any, ...]:
    """An answer as the values of ``LOG_COLUMNS``, with its before and after as ``schedule_values`` gives them."""
    return (entry.id, entry.card_id, to_ms(entry.reviewed_at), int(entry.rating), entry.duration_ms,
            entry.mode.value, *before, *after)  # fmt: skip


def entry_values(entry: ReviewEntry) -> tuple[Any, ...]:
    """An answer as the values of ``LOG_COLUMNS``."""
    return log_values(entry, schedule_values(entry.before), schedule_values(entry.after))
