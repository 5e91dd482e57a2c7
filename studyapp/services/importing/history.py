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
from studyapp.core.scheduling.fast_replay import FastReplay, ReplayedRow, replayed_log_rows
from studyapp.core.scheduling.scheduling import CardFuzz, Scheduler, counts_kept_by_reset, fuzz_seed
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
    kept = counts_kept_by_reset(counts, walked[2]) if counts is not None and resets else None
    if kept is not None:
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
    # An answer another answer follows keeps its logged day (no later answer reads a due); the last one, or one a
    # change follows, keeps it where our fuzz could have drawn it (``Scheduler.answer``), as the sync's replay does.
    answers = [review.change is None and review.rating is not None and review.affects_schedule for review in reviews]
    following = [False] * len(reviews)  # whether the next entry that counts is an answer
    upcoming = False
    for index in range(len(reviews) - 1, -1, -1):
        following[index] = upcoming
        if answers[index] or reviews[index].change is not None:
            upcoming = answers[index]
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
        logged = at + timedelta(days=review.interval_days) if review.interval_days else None
        after = scheduler.answer(
            schedule, review.rating, at, CardFuzz(card_id, schedule.reps), logged_due=logged,
            final=not following[index],
        )  # fmt: skip
        entries.append(
            ReviewEntry(
                time_ordered_id(to_ms(at), rng), card_id, at, review.rating,
                min(max(0, review.duration_ms), MAX_REVIEW_MS), ReviewMode.FLIP, schedule, after,
            )
        )  # fmt: skip
        schedule = after
    return entries, changes, schedule


_DAY_MS = 86_400_000


def fast_history(
    fast: FastReplay, card_id: int, reviews: Sequence[ReviewDraft], rng: random.Random
) -> tuple[list[tuple[object, ...]], ReplayedRow] | None:
    """``history_events`` of a card whose log is answers alone, at strictly increasing milliseconds, through
    :class:`FastReplay` (the same arithmetic, bit for bit; a few microseconds an answer instead of ~30): the log rows
    as the values of the log's columns, and the card's end schedule as its columns. None for any other log (the
    caller then takes ``history_events``)."""
    times: list[int] = []
    ratings: list[int] = []
    logged: list[int | None] = []
    kept: list[ReviewDraft] = []
    previous = -1
    for review in reviews:
        if review.change is not None or review.rating is None:
            return None
        if not review.affects_schedule:  # a preview: logged, no schedule (the caller counts it)
            continue
        at = to_ms(review.reviewed_at)
        if at is None or at <= previous:
            return None
        previous = at
        times.append(at)
        ratings.append(int(review.rating))
        logged.append(at + review.interval_days * _DAY_MS if review.interval_days else None)
        kept.append(review)
    trail: list[ReplayedRow] = []
    end = fast.replay(card_id, times, ratings, None, trail, logged)
    if end is None or not kept:
        return None
    durations = [min(max(0, review.duration_ms), MAX_REVIEW_MS) for review in kept]
    return replayed_log_rows(card_id, times, ratings, durations, trail, rng), end
