"""Even days: the day a review card comes back, picked within its fuzz range by how busy each day already is.

The fuzz spreads a card's next review over a few days around its interval (``low..high``) so that cards learnt
together do not stay together. The load balancer (as Anki's, 24.11 and later) makes that choice lean towards
quiet days: each day of the range is weighted by the review cards already due that day in the card's deck preset,
``1 / count²`` (an empty day, or a day with one card, weighs 1), and the card's own seeded draw (the same number
the plain fuzz uses, :class:`CardFuzz`) picks a day by those weights. The choice is fixed by the card, its history
and the load: the same answer on the same collection gives the same day, and the button label shows it.

Unlike Anki, the weights are not also divided by the interval: that would lean every choice towards the short
end of the range, the bias the plain fuzz no longer has. Where every day weighs the same (no load, or an even
load), the pick is exactly the plain fuzz: ``low + int(draw * (high - low + 1))``, uniform over ``low..high``.

A day's load is asked for by its interval in days from the answer (``loads(days)``): what a day is (the study
day, the rollover hour) is the review service's business.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

DayLoads = Callable[[int], int]  # days from the answer -> review cards already due that day (same preset)


def plain_day(low: int, high: int, draw: float) -> int:
    """The plain fuzz: uniform over ``low..high`` for a draw uniform over [0, 1) (never outside the range)."""
    return min(low + int(draw * (high - low + 1)), high)


def day_weight(count: int) -> float:
    """How likely a day is chosen, by the review cards already due on it: 1 for none or one, else 1/count²."""
    return 1.0 if count <= 1 else 1.0 / (count * count)


def balanced_day(low: int, high: int, loads: DayLoads, draw: float) -> int:
    """The day (in days from the answer) within ``low..high`` that ``draw`` (uniform over [0, 1)) picks, each
    day weighted by :func:`day_weight` of its load. A ``loads`` with a ``window(low, high)`` method (the review
    session's) gives the whole range's counts in one call: this runs at every answer and button label."""
    if high <= low:
        return low
    window = getattr(loads, "window", None)
    counts = window(low, high) if window is not None else [loads(day) for day in range(low, high + 1)]
    fewest, most = min(counts), max(counts)
    if most <= 1 or fewest == most:  # every day weighs the same (day_weight is 1 up to one card, then falls)
        return plain_day(low, high, draw)
    # the running total of the weights (day_weight, inlined), added left to right: the first day whose total passes
    # the draw's share of the whole is the one
    totals = list(accumulate([1.0 if count <= 1 else 1.0 / (count * count) for count in counts]))
    return min(low + bisect_right(totals, draw * totals[-1]), high)  # (high: a draw within a rounding error of 1)
