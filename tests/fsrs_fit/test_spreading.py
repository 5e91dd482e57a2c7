"""Golden values of the spread plan (``core/scheduling/spreading.py``): which day each card made due at once gets."""

from __future__ import annotations

from studyapp.core.scheduling.spreading import MIN_DAY, ordinary_day, plan_spread


def test_the_lowest_recall_stays_today_and_each_day_is_filled_up_to_one_and_a_half_ordinary_days() -> None:
    cards = [(100 + i, recall) for i, recall in enumerate([0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.95])]
    # ordinary 4 -> 1.5 x 4 = 6, but a day may always hold MIN_DAY (10); today holds 8, tomorrow 11, then 7, 9
    plan = plan_spread(cards, [8, 11, 7, 9, 0], ordinary=4.0, max_days=5)
    assert plan.cap == MIN_DAY == 10
    by_day: dict[int, list[float]] = {}
    for card_id, day in plan.days.items():
        by_day.setdefault(day, []).append(dict(cards)[card_id])
    assert {day: sorted(recalls) for day, recalls in by_day.items()} == {
        0: [0.1, 0.2],  # 2 free today
        2: [0.3, 0.4, 0.5],  # tomorrow is full already; 3 free the day after
        3: [0.6],  # 1 free
        4: [0.7, 0.8, 0.9, 0.95],  # the highest recall last
    }
    assert (plan.moved, plan.span) == (8, 5)


def test_an_avalanche_of_600_on_ordinary_days_of_60_is_spread_at_90_a_day() -> None:
    cards = [(i, i / 600) for i in range(600)]
    loads = [60] * 29
    plan = plan_spread(cards, loads, ordinary=60.0)
    assert plan.cap == 90
    counts = [sum(1 for day in plan.days.values() if day == d) for d in range(plan.span)]
    assert counts == [30] * 20  # 30 free on each day: today and the next 19
    assert plan.span == 20 and plan.moved == 570
    days = [plan.days[i] for i in range(600)]
    assert days == sorted(days)  # in order of recall: the least likely to be recalled first


def test_more_than_the_window_holds_raises_the_cap_just_enough_and_spreads_evenly() -> None:
    plan = plan_spread([(i, 0.5) for i in range(40)], [0, 0, 0], ordinary=0.0, max_days=3)
    assert plan.cap == 14  # 10 a day would leave 10 cards over: 14 is the least level that holds 40 in 3 days
    assert sorted(plan.days.values()).count(0) == 14 and sorted(plan.days.values()).count(2) == 12
    assert [card for card, day in sorted(plan.days.items(), key=lambda item: item[1])][:3] == [0, 1, 2]  # ties: id


def test_no_cards_no_plan() -> None:
    plan = plan_spread([], [5, 5], ordinary=5.0)
    assert (plan.days, plan.moved, plan.span) == ({}, 0, 0)


def test_the_ordinary_day_is_the_larger_mean_of_the_next_fourteen_days_before_and_after() -> None:
    before = [500] + [60] * 14 + [1000]  # today's avalanche and day 15 do not count
    after = [0] + [30] * 7 + [0] * 7  # the reschedule pulled the coming days' cards forward
    assert ordinary_day(before, after) == 60.0
    assert ordinary_day([0] * 15, [0] + [70] * 14) == 70.0  # a higher retention: more every day from now on
    assert ordinary_day([0, 28], []) == 2.0  # missing days hold nothing
