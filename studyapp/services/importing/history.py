"""An imported card's history: its answers and schedule changes from another app's log, replayed in time order.

Shared by the package import (``importing.store_draft``) and the review-log import (``fsrs.review_log_import``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from studyapp.core.drafts import MAX_REVIEW_MS, ReviewDraft
from studyapp.core.ids import time_ordered_id
from studyapp.core.model import ReviewEntry, ReviewMode, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed
from studyapp.storage.codec import to_ms

# History dated up to a day after the clock is a clock or time zone slip of the machine that wrote it;
# beyond that it is impossible, and replayed it would schedule the card for then: it would vanish from study.
FUTURE_SLACK = timedelta(days=1)


def split_future(reviews: Iterable[ReviewDraft], now: datetime) -> tuple[list[ReviewDraft], list[ReviewDraft]]:
    """A card's reviews in time order, split into those up to ``FUTURE_SLACK`` after ``now`` and the later ones.

    Everything from the first impossible one on is left out; in time order that is all of the later ones,
    so the card keeps its real past and is scheduled from its last real answer.
    """
    limit = now + FUTURE_SLACK
    ordered = sorted(reviews, key=lambda r: r.reviewed_at)
    cut = next((i for i, review in enumerate(ordered) if review.reviewed_at > limit), len(ordered))
    return ordered[:cut], ordered[cut:]


def future_reason(ahead: list[ReviewDraft], kept: int, now: datetime) -> str:
    """Why future-dated reviews were left out, in one line: how many, from when, and what was kept."""
    first, now = min(review.reviewed_at for review in ahead).astimezone(timezone.utc), now.astimezone(timezone.utc)
    count = "1 review" if len(ahead) == 1 else f"{len(ahead)} reviews"
    earlier = "no earlier review" if not kept else "its earlier review" if kept == 1 else f"its {kept} earlier reviews"
    return (
        f"{count} dated {first:%Y-%m-%d %H:%M} UTC or later, more than a day after now ({now:%Y-%m-%d %H:%M} UTC),"
        f" left out; {earlier} kept"
    )


def history_entries(
    scheduler: Scheduler, card_id: int, reviews: Iterable[ReviewDraft], rng: random.Random
) -> list[ReviewEntry]:
    """A new card's past reviews as log rows, replayed through our scheduler in time order.

    Each answer's fuzz is seeded as the review service seeds it, so the card ends exactly where
    ``Scheduler.replay`` of its log says. Shared by the package import and the review-log import.
    """
    entries: list[ReviewEntry] = []
    schedule = Schedule()
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        after = scheduler.answer(
            schedule, review.rating, review.reviewed_at, random.Random(fuzz_seed(card_id, schedule.reps))
        )
        entries.append(
            ReviewEntry(
                time_ordered_id(to_ms(review.reviewed_at), rng), card_id, review.reviewed_at, review.rating,
                min(max(0, review.duration_ms), MAX_REVIEW_MS), ReviewMode.FLIP, schedule, after,
            )
        )  # fmt: skip
        schedule = after
    return entries


def history_events(
    scheduler: Scheduler,
    card_id: int,
    reviews: Sequence[ReviewDraft],
    rng: random.Random,
    counts: tuple[int, int] | None = None,
) -> tuple[list[ReviewEntry], list[ScheduleChange], Schedule]:
    """A new card's past log (answers and schedule changes by hand) as log rows and schedule changes, replayed in
    time order, and the schedule they end in: an answer through our scheduler (seeded as the review service
    seeds it), a reset makes the card new again, a reschedule sets its due date (the one the file gives, else
    the interval after it). An answer that left the schedule alone (a preview) is not kept: the caller counts it.

    ``counts``: the (reviews, lapses) the file's card has. Anki's Forget keeps them unless asked not to, and its log
    row does not say which: when the log has a reset, the last one keeps what the card counts beyond the answers
    after it (never less than nothing), so the card's counts come back out as they came in.
    """
    resets = [index for index, review in enumerate(reviews) if review.change is ScheduleChangeKind.RESET]
    walked = _walk(scheduler, card_id, reviews, rng)
    if counts is not None and resets:
        final = walked[2]
        kept = (counts[0] - final.reps, counts[1] - final.lapses)
        if kept != (0, 0) and min(kept) >= 0:
            walked = _walk(scheduler, card_id, reviews, rng, resets[-1], kept)
    return walked


def _walk(
    scheduler: Scheduler,
    card_id: int,
    reviews: Sequence[ReviewDraft],
    rng: random.Random,
    last_reset: int = -1,
    kept: tuple[int, int] = (0, 0),
) -> tuple[list[ReviewEntry], list[ScheduleChange], Schedule]:
    entries: list[ReviewEntry] = []
    changes: list[ScheduleChange] = []
    schedule = Schedule()
    for index, review in enumerate(reviews):  # (in time order: ``split_future`` sorted them, stably)
        at = review.reviewed_at
        if review.change is not None:
            if review.change is ScheduleChangeKind.RESET:
                after = Schedule(reps=kept[0], lapses=kept[1]) if index == last_reset else Schedule()
            else:
                due = review.due or (at + timedelta(days=review.interval_days) if review.interval_days else None)
                after = replace(schedule, due=due) if due is not None else schedule
            changes.append(ScheduleChange(time_ordered_id(to_ms(at), rng), card_id, at, review.change, schedule, after))
            schedule = after
            continue
        if review.rating is None or not review.affects_schedule:
            continue
        after = scheduler.answer(schedule, review.rating, at, random.Random(fuzz_seed(card_id, schedule.reps)))
        entries.append(
            ReviewEntry(
                time_ordered_id(to_ms(at), rng), card_id, at, review.rating,
                min(max(0, review.duration_ms), MAX_REVIEW_MS), ReviewMode.FLIP, schedule, after,
            )
        )  # fmt: skip
        schedule = after
    return entries, changes, schedule
