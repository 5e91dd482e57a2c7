"""Spreading the cards a reschedule makes due at once over the next days (issue 17: no avalanche after Optimize).

When new parameters, a new desired retention or Check's repair give many cards due dates that have already
passed, they would all be due today: five times a normal day after a first Optimize. Instead, the cards that a
reschedule makes due (today or earlier, and that were not due before) are given the next days, so that no day
holds more than ``RATIO`` times an ordinary day, the cards the student is least likely to recall today first
(today), those most likely to be recalled last.

The ordinary day is the larger of two means over the next ``ORDINARY_DAYS`` days (tomorrow on): the cards due
each day before the reschedule (the day the student is used to) and after it, without the cards to spread (the
day the new schedule asks for from now on). The larger, because a reschedule that pulls many cards forward
empties the coming days of the new schedule, and one that asks more of every day (a higher retention) makes the
old days too small; either would stretch the spread for no reason. A day may always hold ``MIN_DAY`` reviews.

Pure planning: given the cards' recall and each day's load, the day of each card. No clock, no SQL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RATIO = 1.5
ORDINARY_DAYS = 14
MIN_DAY = 10  # a day may always hold this many reviews (a deck of a few dozen cards needs no spreading)
MAX_DAYS = 28  # the spread never reaches further: past it, the days take more than RATIO times an ordinary one


@dataclass(frozen=True)
class SpreadPlan:
    days: dict[int, int]  # card id -> day from today (0: today) for every card given to it
    cap: int  # the most reviews a day was to hold
    ordinary: float  # the ordinary day it was worked out from

    @property
    def moved(self) -> int:
        """Cards given a later day than today."""
        return sum(1 for day in self.days.values() if day > 0)

    @property
    def span(self) -> int:
        """Days the cards were spread over, today included (0: none moved)."""
        return max(self.days.values()) + 1 if self.moved else 0


def ordinary_day(before: Sequence[int], after: Sequence[int]) -> float:
    """The ordinary day (see the module): ``before`` and ``after`` hold the cards due on each day from today,
    before the reschedule and after it (without the cards to spread); days 1 to ``ORDINARY_DAYS`` count."""
    return max(sum(before[1 : ORDINARY_DAYS + 1]), sum(after[1 : ORDINARY_DAYS + 1])) / ORDINARY_DAYS


def plan_spread(
    cards: Sequence[tuple[int, float]], loads: Sequence[int], ordinary: float, max_days: int = MAX_DAYS
) -> SpreadPlan:
    """The day of each card (``(card id, predicted recall today)``): cards in order of recall, lowest first (then
    by id), fill today and then each next day up to the cap (``RATIO`` times ``ordinary``, ``MIN_DAY`` at least),
    less the reviews ``loads`` already holds that day (index 0: today, overdue cards included). If ``max_days``
    days cannot hold them, the cap is raised just enough (the least level that does) and the cards spread evenly
    over those days."""
    cap = max(MIN_DAY, math.floor(RATIO * ordinary))
    max_days = max(1, max_days)
    load = [loads[day] if day < len(loads) else 0 for day in range(max_days)]
    room = sum(max(0, cap - day) for day in load)
    if room < len(cards):
        cap = _level(load, len(cards))
    ordered = sorted(cards, key=lambda card: (card[1], card[0]))
    days: dict[int, int] = {}
    day = 0
    free = max(0, cap - load[0])
    for card_id, _recall in ordered:
        while free <= 0 and day < max_days - 1:
            day += 1
            free = max(0, cap - load[day])
        days[card_id] = day
        free -= 1
    return SpreadPlan(days, cap, ordinary)


def _level(load: Sequence[int], count: int) -> int:
    """The least cap at which the days of ``load`` have room for ``count`` more reviews."""
    low, high = 0, max(load, default=0) + count
    while low < high:
        middle = (low + high) // 2
        if sum(max(0, middle - day) for day in load) >= count:
            high = middle
        else:
            low = middle + 1
    return low
