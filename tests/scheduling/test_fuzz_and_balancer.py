"""Golden tests of the fuzz (uniform over low..high, never outside) and of the load balancer's choice."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from studyapp.core.model import CardState, Rating, Schedule
from studyapp.core.scheduling.fast_replay import DAY_MS, FastReplay
from studyapp.core.scheduling.load_balancer import balanced_day, day_weight, plain_day
from studyapp.core.scheduling.scheduling import CardFuzz, Scheduler, SchedulerConfig

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


def fuzzed(scheduler: Scheduler, days: int, rng: random.Random | CardFuzz, **kwargs: object) -> int:
    return scheduler._fuzzed(timedelta(days=days), rng, **kwargs).days  # type: ignore[arg-type]


def test_the_fuzz_ranges_of_3_20_and_365_days() -> None:
    scheduler = Scheduler()
    assert [scheduler.fuzz_range(days) for days in (3, 20, 365)] == [(2, 4), (17, 23), (345, 385)]
    assert Scheduler(SchedulerConfig(maximum_interval_days=21)).fuzz_range(20) == (17, 21)


@pytest.mark.parametrize(
    ("seed", "expected"),
    [(1, [2, 17, 350]), (2, [4, 23, 384]), (3, [2, 18, 354]), (5, [3, 21, 370])],
)
def test_fixed_draws_give_these_exact_intervals(seed: int, expected: list[int]) -> None:
    # random.Random(1).random() is 0.134...: 17 + int(0.134 * 7) = 17 (the old rounding gave round(17.94) = 18)
    scheduler = Scheduler()
    assert [fuzzed(scheduler, days, random.Random(seed)) for days in (3, 20, 365)] == expected


def test_a_draw_just_below_one_stays_within_the_range() -> None:
    # The old rule, round(draw * (high - low + 1) + low), gave high + 1 for a draw above (n - 0.5) / n.
    assert plain_day(17, 23, 0.9999999999999999) == 23
    assert plain_day(345, 385, 0.999) == 385
    assert plain_day(17, 23, 0.0) == 17
    assert plain_day(5, 5, 0.7) == 5


@pytest.mark.parametrize("days", [3, 20, 365])
def test_over_many_cards_every_day_of_the_range_comes_equally_often_and_none_outside(days: int) -> None:
    scheduler = Scheduler()
    low, high = scheduler.fuzz_range(days)
    draws = 40_000
    seen = Counter(fuzzed(scheduler, days, CardFuzz(card_id, 3)) for card_id in range(1, draws + 1))
    assert set(seen) == set(range(low, high + 1))  # every day, none outside
    mean = sum(day * count for day, count in seen.items()) / draws
    spread = (high - low + 1) / (12**0.5) / draws**0.5  # the standard error of the mean of a uniform draw
    assert abs(mean - (low + high) / 2) < 4 * spread, (mean, (low + high) / 2)
    expected = draws / (high - low + 1)
    assert all(abs(count - expected) < 6 * expected**0.5 for count in seen.values())


def test_day_weights_follow_anki_one_over_the_count_squared() -> None:
    assert [day_weight(count) for count in (0, 1, 2, 10)] == [1.0, 1.0, 0.25, 0.01]


def test_the_balancer_on_a_known_load() -> None:
    loads = {5: 10, 6: 0, 7: 10}.get
    # weights 0.01, 1, 0.01 (total 1.02): day 5 below 0.01 / 1.02, day 7 from 1.01 / 1.02
    picks = {
        draw: balanced_day(5, 7, lambda day: loads(day, 0), draw)
        for draw in (0.0, 0.0097, 0.0099, 0.5, 0.9901, 0.9903, 0.999)
    }
    assert picks == {0.0: 5, 0.0097: 5, 0.0099: 6, 0.5: 6, 0.9901: 6, 0.9903: 7, 0.999: 7}


def test_an_empty_day_wins_most_draws() -> None:
    loads = {3: 12, 4: 9, 5: 0, 6: 15}
    seen = Counter(balanced_day(3, 6, lambda day: loads[day], CardFuzz(card_id, 0).random()) for card_id in range(5000))
    assert seen.most_common(1)[0][0] == 5 and seen[5] > 0.95 * 5000


def test_equal_loads_give_exactly_the_plain_fuzz() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        low = rng.randint(2, 400)
        high = low + rng.randint(0, 40)
        draw, load = rng.random(), rng.choice([0, 1, 7, 30])
        assert balanced_day(low, high, lambda _day, load=load: load, draw) == plain_day(low, high, draw)


def test_the_scheduler_balances_only_with_loads_and_the_option_on() -> None:
    review = Schedule(CardState.REVIEW, None, 20.0, 5.0, T0, T0 - timedelta(days=20), 5, 0)
    now = T0 + timedelta(hours=1)
    busy = {day: 50 for day in range(0, 100)}
    base = Scheduler(SchedulerConfig(load_balance=False)).answer(review, Rating.GOOD, now, CardFuzz(99, 5))
    days = (base.due - now).days  # type: ignore[operator]
    # (at the desired retention 0.90 the unfuzzed interval is the stability, rounded)
    low, high = Scheduler().fuzz_range(round(Scheduler().answer(review, Rating.GOOD, now, random.Random(0)).stability))
    quiet = next(day for day in range(low, high + 1) if day != days)
    busy[quiet] = 0
    balanced = Scheduler().answer(review, Rating.GOOD, now, CardFuzz(99, 5), loads=lambda day: busy.get(day, 0))
    off = Scheduler(SchedulerConfig(load_balance=False)).answer(
        review, Rating.GOOD, now, CardFuzz(99, 5), loads=lambda day: busy.get(day, 0)
    )
    assert off == base
    assert balanced.due == now + timedelta(days=quiet)
    # the slow path (a plain generator with the same seed) picks the same day
    slow = Scheduler().answer(review, Rating.GOOD, now, _seeded(99, 5), loads=lambda day: busy.get(day, 0))
    assert slow == balanced


def _seeded(card_id: int, reps: int) -> random.Random:
    from studyapp.core.scheduling.scheduling import fuzz_seed

    return random.Random(fuzz_seed(card_id, reps))


def test_a_replay_takes_the_logged_day_within_the_range_and_the_seeded_fuzz_outside_it() -> None:
    scheduler, fast = Scheduler(), FastReplay(SchedulerConfig())
    review = Schedule(CardState.REVIEW, None, 20.0, 5.0, T0, T0 - timedelta(days=20), 5, 0)
    now = T0 + timedelta(hours=1)
    plain = scheduler.answer(review, Rating.GOOD, now, _seeded(42, 5))
    plain_days = (plain.due - now).days  # type: ignore[operator]
    low, high = scheduler.fuzz_range(round(plain.stability))  # (the unfuzzed interval rounds from the stability)
    start = (2, None, 20.0, 5.0, int(T0.timestamp() * 1000), int((T0 - timedelta(days=20)).timestamp() * 1000), 5, 0)
    now_ms = int(now.timestamp() * 1000)
    for logged_days, taken in [(low, low), (high, high), (high + 1, plain_days), (low - 1, plain_days)]:
        logged = now + timedelta(days=logged_days)
        again = scheduler.answer(review, Rating.GOOD, now, _seeded(42, 5), logged_due=logged)
        assert (again.due - now).days == taken  # type: ignore[operator]
        row = fast.replay(42, [now_ms], [3], start, logged=[now_ms + logged_days * DAY_MS])  # type: ignore[arg-type]
        assert row is not None and row[4] == now_ms + taken * DAY_MS
    # a logged due that is not whole days (an answer made by another rule): the seeded fuzz
    odd = scheduler.answer(review, Rating.GOOD, now, _seeded(42, 5), logged_due=now + timedelta(days=low, hours=1))
    assert odd == plain


def test_the_option_is_on_by_default_kept_in_json_and_read_as_on_from_older_json() -> None:
    from studyapp.core.scheduling.deck_options import DeckOptions

    assert DeckOptions().load_balance is True
    assert DeckOptions.from_json('{"new_per_day": 5}').load_balance is True  # written by an older version
    off = DeckOptions(load_balance=False)
    assert DeckOptions.from_json(off.to_json()) == off and off.scheduler_config().load_balance is False
    # the option changes no replay: configs that differ only in it are equal (saving it reschedules nothing)
    assert off.scheduler_config() == DeckOptions().scheduler_config()


def _reference_day(low: int, high: int, loads: dict[int, int], draw: float) -> int:
    """The balancer's rule written out plainly: weights 1/count² (1 up to one card), the running total passed."""
    weights = [1.0 if loads.get(day, 0) <= 1 else 1.0 / loads.get(day, 0) ** 2 for day in range(low, high + 1)]
    if len(set(weights)) == 1:
        return min(low + int(draw * (high - low + 1)), high)
    target, reached = draw * sum(weights), 0.0
    for offset, weight in enumerate(weights):
        reached += weight
        if target < reached:
            return low + offset
    return high


def test_the_sessions_window_of_loads_picks_as_the_plain_rule_does() -> None:
    """The review session hands the balancer a whole range's loads at once (a list slice, for speed): every pick
    equals the plain rule's on random loads, ranges that run past the known days, and draws near 0 and 1."""
    from studyapp.services.review.day_loads import _add, _Window

    rng = random.Random(5)
    for _ in range(2000):
        days: list[int] = []
        loads: dict[int, int] = {}
        for day in rng.sample(range(0, 60), rng.randrange(0, 40)):
            count = rng.choice((0, 1, 2, 3, 5, 8, 40))
            _add(days, day, count)
            loads[day] = count
        today = rng.randrange(0, 20)
        low = rng.randrange(2, 45)
        high = low + rng.randrange(0, 25)
        draw = rng.choice((0.0, 1 - 1e-12, rng.random()))
        window = _Window(days, today)
        shifted = {day - today: count for day, count in loads.items()}
        assert balanced_day(low, high, window, draw) == _reference_day(low, high, shifted, draw)
        assert window.window(low, high) == [shifted.get(day, 0) for day in range(low, high + 1)]
