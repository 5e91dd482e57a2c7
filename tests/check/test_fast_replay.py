"""The fast replay of Check Collection gives exactly the schedule the reference replay (:class:`Scheduler`) gives."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp.core.model import Rating, Schedule
from studyapp.core.scheduling.fast_replay import DAY_MS, FastReplay
from studyapp.core.scheduling.scheduling import Scheduler, SchedulerConfig, fuzz_seed
from studyapp.storage.codec import from_ms, schedule_to_row

T0_MS = int(datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc).timestamp() * 1000)
MINUTE = 60_000


def random_parameters(rng: random.Random) -> tuple[float, ...]:
    """FSRS-6 parameters drawn within the package's bounds (half the time near the defaults)."""
    if rng.random() < 0.5:
        return tuple(DEFAULT_PARAMETERS)
    return tuple(
        round(rng.uniform(low, high), 4)
        for low, high in zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def random_config(rng: random.Random) -> SchedulerConfig:
    steps = [timedelta(minutes=m) for m in (1, 10, 30, 60 * 24, 2)]
    return SchedulerConfig(
        desired_retention=rng.choice([0.70, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99]),
        learning_steps=tuple(rng.sample(steps, rng.randint(0, 3))),
        relearning_steps=tuple(rng.sample(steps, rng.randint(0, 2))),
        maximum_interval_days=rng.choice([1, 2, 3, 7, 30, 365, 36500]),
        parameters=random_parameters(rng),
        fuzz=rng.random() < 0.9,
    )


def random_history(rng: random.Random, count: int) -> tuple[list[int], list[int]]:
    """Strictly increasing answer times with gaps from a second to a year, and their ratings."""
    times, ratings, moment = [], [], T0_MS
    for _ in range(count):
        moment += rng.choice(
            [1000, MINUTE, 10 * MINUTE, 6 * 3_600_000, DAY_MS - 1, DAY_MS, 3 * DAY_MS + 7, 40 * DAY_MS]
        )
        moment += rng.randint(0, DAY_MS) if rng.random() < 0.5 else 0
        if rng.random() < 0.02:
            moment += 365 * DAY_MS
        times.append(moment)
        ratings.append(rng.choices([1, 2, 3, 4], [0.2, 0.1, 0.55, 0.15])[0])
    return times, ratings


COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


def as_row(schedule: Schedule) -> tuple:
    row = schedule_to_row(schedule)
    return tuple(row[name] for name in COLUMNS)


def reference(scheduler: Scheduler, card_id: int, times: list[int], ratings: list[int], start: Schedule) -> Schedule:
    schedule = start
    for moment, rating in zip(times, ratings, strict=True):
        rng = random.Random(fuzz_seed(card_id, schedule.reps))
        schedule = scheduler.answer(schedule, Rating(rating), from_ms(moment), rng)  # type: ignore[arg-type]
    return schedule


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_replay_is_the_reference_replay_bit_for_bit(seed: int) -> None:
    rng = random.Random(seed)
    config = random_config(rng)
    scheduler, fast = Scheduler(config), FastReplay(config)
    assert fast.supported
    for _card in range(60):
        card_id = rng.getrandbits(63)
        times, ratings = random_history(rng, rng.randint(0, 40))
        start, start_row = Schedule(), None
        kind = rng.random()
        if kind < 0.1:  # a new card with counts (a reset card)
            start = Schedule(reps=rng.randint(1, 9), lapses=rng.randint(0, 4))
            start_row = as_row(start)
        elif kind < 0.3 and times:  # a rescheduled card: its state as another preset replayed it
            cut = rng.randint(1, len(times))
            other = Scheduler(random_config(rng))
            start = reference(other, card_id, times[:cut], ratings[:cut], Schedule())
            start_row = as_row(start)
            times, ratings = times[cut:], ratings[cut:]
        expected = as_row(reference(scheduler, card_id, times, ratings, start))
        assert fast.replay(card_id, times, ratings, start_row) == expected, (config, start, times, ratings)


def test_what_the_fast_replay_declines() -> None:
    fast = FastReplay(SchedulerConfig())
    assert fast.replay(1, [T0_MS, T0_MS], [3, 3]) is None  # two answers in one millisecond
    assert fast.replay(1, [T0_MS + 5, T0_MS], [3, 3]) is None  # out of order
    assert fast.replay(1, [T0_MS], [5]) is None  # not a rating
    review = (2, None, 3.0, 5.0, T0_MS, T0_MS, 3, 0)
    assert fast.replay(1, [], [], review) == review  # no answers: the start as it is
    assert fast.replay(1, [T0_MS + DAY_MS], [3], (2, None, None, 5.0, T0_MS, T0_MS, 3, 0)) is None  # no stability
    assert fast.replay(1, [T0_MS + DAY_MS], [3], (1, None, 3.0, 5.0, T0_MS, T0_MS, 3, 0)) is None  # in steps, no step
    assert fast.replay(1, [T0_MS + DAY_MS], [3], (2, None, 3.0, 5.0, T0_MS, None, 3, 0)) is None  # never reviewed
    assert fast.replay(1, [(1 << 32) * 1000], [3]) is None  # after 2106
    odd = FastReplay(SchedulerConfig(learning_steps=(timedelta(microseconds=1500),)))
    assert not odd.supported and odd.replay(1, [T0_MS], [3]) is None


def test_the_trail_holds_the_schedule_after_each_answer_as_replaying_each_prefix_gives() -> None:
    fast = FastReplay(SchedulerConfig())
    times = [1_700_000_000_000 + n * 3_600_000 * (n + 1) for n in range(12)]
    ratings = [3, 1, 3, 3, 2, 4, 1, 1, 3, 3, 4, 2]
    trail: list = []
    last = fast.replay(77, times, ratings, None, trail)
    assert last == trail[-1] and len(trail) == len(times)
    assert trail == [fast.replay(77, times[: n + 1], ratings[: n + 1]) for n in range(len(times))]


@pytest.mark.parametrize("seed", range(12))
def test_logged_days_and_loads_replay_bit_for_bit_as_the_scheduler(seed: int) -> None:
    """With a logged due for each answer (a whole number of days near the interval, or not) and with days' loads,
    the fast replay still gives what the Scheduler gives; ``with_logged_due`` is the same as logging the last."""
    rng = random.Random(1000 + seed)
    config = random_config(rng)
    scheduler, fast = Scheduler(config), FastReplay(config)
    load = {day: rng.choice([0, 0, 1, 3, 12, 40]) for day in range(0, 500)}
    loads = load.get
    for _card in range(40):
        card_id = rng.getrandbits(63)
        times, ratings = random_history(rng, rng.randint(1, 25))
        plain_trail: list = []
        fast.replay(card_id, times, ratings, None, plain_trail)
        # near each answer's plain due: within its range or just outside; now and then not whole days
        logged = [row[4] + rng.choice([-3, -1, 0, 1, 2, 6]) * DAY_MS + (0 if rng.random() < 0.9 else 1)
                  for row in plain_trail]  # fmt: skip
        schedule = Schedule()
        for moment, rating, noted in zip(times, ratings, logged, strict=True):
            rng_card = random.Random(fuzz_seed(card_id, schedule.reps))
            schedule = scheduler.answer(schedule, Rating(rating), from_ms(moment), rng_card, logged_due=from_ms(noted))
        assert fast.replay(card_id, times, ratings, None, logged=logged) == as_row(schedule)
        plain = fast.replay(card_id, times, ratings)
        assert plain is not None and fast.with_logged_due(plain, logged[-1]) == as_row(schedule)
        trail: list = []
        fast.replay(card_id, times, ratings, None, trail, logged=logged)
        assert trail[-1] == as_row(schedule)
        # every answer of the trail: one that another follows is not ``final`` (it keeps its logged day)
        schedule, expected = Schedule(), []
        for index, (moment, rating, noted) in enumerate(zip(times, ratings, logged, strict=True)):
            rng_card = random.Random(fuzz_seed(card_id, schedule.reps))
            schedule = scheduler.answer(schedule, Rating(rating), from_ms(moment), rng_card, logged_due=from_ms(noted),
                                        final=index == len(times) - 1)  # fmt: skip
            expected.append(as_row(schedule))
        assert trail == expected
        # an answer given now, with the days' loads (the study loop's fast answer against the reference)
        last = from_ms(times[-1])
        balanced = scheduler.answer(
            schedule,
            Rating(ratings[-1]),
            last + timedelta(days=3),
            random.Random(fuzz_seed(card_id, schedule.reps)),
            loads=lambda day: loads(day, 0),
        )
        row = fast.replay(card_id, [times[-1] + 3 * DAY_MS], [ratings[-1]], as_row(schedule),
                          loads=lambda day: loads(day, 0))  # fmt: skip
        assert row == as_row(balanced)


def test_in_the_trail_an_answer_another_follows_keeps_its_logged_day_up_to_the_maximum_interval() -> None:
    """Logged days far outside the fuzz range (a phone on SM-2): taken for the answers before the last, not for the
    last (whose due is the card's), and never beyond the options' maximum interval."""
    config = SchedulerConfig()
    fast = FastReplay(config)
    start = 1_700_000_000_000
    times = [start, start + 40 * DAY_MS, start + 240 * DAY_MS]
    ratings = [4, 3, 3]
    logged = [times[0] + 40 * DAY_MS, times[1] + 200 * DAY_MS, times[2] + 900 * DAY_MS]
    plain: list = []
    fast.replay(7, times, ratings, None, plain)
    assert all(row[4] != noted for row, noted in zip(plain, logged, strict=True))  # all outside the range
    trail: list = []
    fast.replay(7, times, ratings, None, trail, logged=logged)
    assert [row[4] for row in trail[:2]] == logged[:2]
    assert trail[2] == plain[2]  # the last answer draws its day, as with no log: the card ends the same
    beyond = [times[0] + (config.maximum_interval_days + 1) * DAY_MS, *logged[1:]]
    trail = []
    fast.replay(7, times, ratings, None, trail, logged=beyond)
    assert trail[0] == plain[0]
