"""No avalanche after a reschedule (issue 17, point 1): the cards it makes due at once are spread over the next days.

2,500 cards studied for 120 days by a simulated learner, about 50 reviews due on an ordinary day; raising the desired
retention from 0.90 to 0.93 makes about 640 of them due at once.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState
from studyapp.core.scheduling.days import day_bounds
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.core.scheduling.spreading import MAX_DAYS, RATIO
from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.services.fsrs import options_save
from studyapp.services.maintenance.check import run_check

from ..conftest import T0
from .learner_log import learner_log


def _import(app: App, tmp_path: Path) -> None:
    from studyapp.services.fsrs.review_log_import import import_review_log

    start = T0 - timedelta(days=120)
    log = learner_log(tmp_path / "log.csv", DEFAULT_PARAMETERS, cards=2500, days=120, seed=1, new_over=110, start=start)
    import_review_log(app, log, "Learner")


def _days(app: App, day_start: datetime) -> dict[int, int]:
    """card id -> its due day from today (0: today or overdue), for the studied cards."""
    rows = app.collection.db.execute("SELECT id, due FROM cards WHERE state != 0 AND due IS NOT NULL").fetchall()
    start = day_start.timestamp() * 1000
    return {card_id: max(0, math.floor((due - start) / 86_400_000)) for card_id, due in rows}


def _check_spread(app: App, before: dict[int, int], day_start: datetime, spread_cards: int, cap: int) -> None:
    after = _days(app, day_start)
    deck = app.find_deck("Learner")
    assert deck is not None
    scheduler = Scheduler(deck.options.scheduler_config())
    # The cards the reschedule made due at once: due after today before it, due today or earlier by the replay of
    # their answers with the new options (worked out here on its own, not read from what the spread did).
    answers = app.collection.schedule_changes.answers_of_cards(list(after))
    at_once = set()
    for card_id, entries in answers.items():
        replayed = scheduler.recompute(card_id, entries, [])
        if before.get(card_id, 0) > 0 and replayed.state is CardState.REVIEW and _day(replayed.due, day_start) == 0:
            at_once.add(card_id)
    moved = {card_id for card_id in at_once if after[card_id] > 0}
    assert len(moved) == spread_cards
    # The ordinary day: the larger mean of the next 14 days' reviews, before and after (without the spread cards).
    counts_before = Counter(before.values())
    counts_after = Counter(day for card_id, day in after.items() if card_id not in at_once)
    ordinary = max(sum(counts_before[d] for d in range(1, 15)), sum(counts_after[d] for d in range(1, 15))) / 14
    assert 40 < ordinary < 65 and cap == math.floor(RATIO * ordinary)
    counts = Counter(after.values())
    span = max(after[card_id] for card_id in moved) + 1
    assert span <= MAX_DAYS + 1
    for day in range(span):  # no day holds more than 1.5 ordinary days, unless it did without the spread cards
        assert counts[day] <= max(cap, counts_after[day]), day
    # The least likely to be recalled today stay today; the most likely come last.
    recall = {card_id: scheduler.retrievability(app.collection.reviews.card(card_id).schedule, app.clock.now())
              for card_id in at_once}  # fmt: skip
    by_day: dict[int, list[float]] = {}
    for card_id in at_once:
        by_day.setdefault(after[card_id], []).append(recall[card_id])  # type: ignore[arg-type]
    days = sorted(by_day)
    for earlier, later in zip(days, days[1:]):  # noqa: B905
        assert max(by_day[earlier]) <= min(by_day[later])


def _day(due: datetime | None, day_start: datetime) -> int:
    assert due is not None
    return max(0, math.floor((due - day_start) / timedelta(days=1)))


@pytest.fixture
def learner(app: App, tmp_path: Path) -> App:
    _import(app, tmp_path)
    return app


def test_a_higher_retention_spreads_the_cards_it_makes_due_at_once_and_check_stays_clean(
    learner: App, clock: FixedClock
) -> None:
    app = learner
    day_start, _ = day_bounds(clock.now(), clock.local_zone(), 4)
    before = _days(app, day_start)
    deck = app.find_deck("Learner")
    assert deck is not None and deck.preset_id is not None
    result = options_save.save_options_and_reschedule(
        app.collection, app.rng, clock, deck.id, deck.preset_id, replace(deck.options, desired_retention=0.93)
    )
    assert result is not None
    spread = result.spread
    assert 550 < spread.cards < 700 and 15 <= spread.days <= MAX_DAYS
    assert str(result).endswith(
        f"; {spread.cards} cards made due at once spread over {spread.days} days "
        f"(at most {spread.cap} reviews a day, 1.5 times an ordinary one)"
    )
    _check_spread(app, before, day_start, spread.cards, spread.cap)
    report = run_check(app.collection, clock, random.Random(3), app.media_dir)
    assert report.mismatches == [] and report.far_ahead == []


def test_checks_repair_spreads_them_too(learner: App, clock: FixedClock) -> None:
    app = learner
    day_start, _ = day_bounds(clock.now(), clock.local_zone(), 4)
    before = _days(app, day_start)
    deck = app.find_deck("Learner")
    assert deck is not None and deck.preset_id is not None
    # Only the options saved (no reschedule): every studied card is a mismatch, which the repair reschedules.
    deck_ops.save_deck_options(app.collection, deck.id, deck.preset_id, replace(deck.options, desired_retention=0.93))
    report = run_check(app.collection, clock, random.Random(3), app.media_dir, repair=True)
    assert report.rescheduled > 2000 and 550 < report.spread.cards < 700
    assert f"{report.spread.cards} cards made due at once spread over {report.spread.days} days" in report.text()
    _check_spread(app, before, day_start, report.spread.cards, report.spread.cap)
    again = run_check(app.collection, clock, random.Random(4), app.media_dir)
    assert again.mismatches == [] and again.far_ahead == []
