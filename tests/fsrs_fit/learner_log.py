"""A review log written by a simulated learner whose memory follows FSRS-6 with known parameters.

The app schedules each card with the default parameters (as before any Optimize); the learner recalls it with the
probability that its own memory (``true`` parameters) gives at that moment. With ``true`` parameters other than
the defaults, the defaults are miscalibrated and a fit can do better on answers it never saw; with the defaults
as ``true``, nothing can, and a fit on a few answers only learns their noise.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

START = datetime(2025, 1, 1, 10, 0, tzinfo=timezone.utc)

# A learner who forgets much faster than the defaults assume: first stabilities a third, stability growing less.
FORGETFUL = tuple(
    value * (0.3 if index < 4 else 0.75 if index == 8 else 1.0) for index, value in enumerate(DEFAULT_PARAMETERS)
)


def learner_log(
    path: Path,
    true: Sequence[float],
    cards: int,
    days: int,
    seed: int,
    new_over: int | None = None,
    start: datetime = START,
) -> Path:
    """Write ``card_id,review_rating,review_time,review_duration`` rows: ``cards`` cards introduced evenly over
    ``new_over`` days (default: half of ``days``), each answered when the default scheduler says it is due (a few
    hours late at random), until ``days`` days after ``start``."""
    rng = random.Random(seed)
    app = fsrs.Scheduler(enable_fuzzing=False)
    memory = fsrs.Scheduler(parameters=tuple(true), enable_fuzzing=False)
    end = start + timedelta(days=days)
    spread = new_over or days // 2
    rows = ["card_id,review_rating,review_time,review_duration"]
    for card in range(cards):
        when = start + timedelta(days=card * spread // cards, minutes=rng.randrange(600))
        scheduled = fsrs.Card(card_id=card + 1, due=when)
        remembered = fsrs.Card(card_id=card + 1, due=when)
        while when < end:
            recall = 0.0 if remembered.last_review is None else memory.get_card_retrievability(remembered, when)
            if remembered.last_review is None:
                rating = fsrs.Rating.Good if rng.random() < 0.7 else fsrs.Rating.Again
            elif rng.random() < recall:
                rating = fsrs.Rating.Good if rng.random() < 0.85 else rng.choice((fsrs.Rating.Hard, fsrs.Rating.Easy))
            else:
                rating = fsrs.Rating.Again
            rows.append(f"{card + 1},{int(rating)},{when.isoformat()},8000")
            scheduled, _ = app.review_card(scheduled, rating, review_datetime=when)
            remembered, _ = memory.review_card(remembered, rating, review_datetime=when)
            when = max(scheduled.due, when + timedelta(minutes=1)) + timedelta(minutes=rng.randrange(240))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
