"""Replaying a card's answers fast: the same schedule as :meth:`Scheduler.replay_history`, bit for bit.

Check Collection replays every answer of the collection (a million, for a student of some years). Through
:class:`Scheduler` each answer costs about 50 µs: an ``fsrs.Card`` and a ``fsrs.Scheduler`` call, timedeltas,
a ``Schedule`` dataclass, a fresh ``random.Random``. Here an answer is a few float operations on local
variables, and times are integer milliseconds (as stored).

The arithmetic is the ``fsrs`` package's (6.x), written out in the same order with the same operations
(``math.e ** x``, not ``math.exp``; the same ``round``), so every float comes out identical; the fuzz is
:meth:`Scheduler._fuzzed` with the generator seeded by :func:`fuzz_seed` (the logged day where it lies within the
range, the load balancer's pick given loads). ``tests/check/test_fast_replay.py``
holds the two side by side on many random histories and options. What this does not cover, it declines
(``None``), and the caller replays the card through :class:`Scheduler`:

* a history that does not start from a new card (imported progress), or with answers in the same millisecond
  (their order depends on the states logged with them), or with schedule changes;
* ratings other than 1 to 4, and times outside 1970-2106 (beyond it, a datetime made from milliseconds is no
  longer exact to the millisecond);
* learning steps that are not whole milliseconds.
"""

from __future__ import annotations

import _random
import math
import random
from collections.abc import Sequence
from datetime import timedelta

from fsrs.scheduler import FUZZ_RANGES, STABILITY_MIN

from studyapp.core.ids import time_ordered_id
from studyapp.core.model import ReviewMode
from studyapp.core.scheduling.load_balancer import DayLoads, balanced_day
from studyapp.core.scheduling.scheduling import SchedulerConfig

__all__ = ["DAY_MS", "FastReplay", "ReplayedRow", "replayed_log_rows"]

DAY_MS = 86_400_000
_LATEST_MS = (1 << 32) * 1000  # 2106: up to here a datetime made from milliseconds is exact
_NEW, _LEARNING, _REVIEW, _RELEARNING = 0, 1, 2, 3
_E = math.e
# random.Random(n) is random.Random() seeded with n: its C seed, without the Python wrapper (which only adds
# the handling of str and bytes seeds)
_SEED = _random.Random.seed
_MASK = (1 << 64) - 1

# (state, step, stability, difficulty, due ms, last review ms, reps, lapses): a card's stored columns, in order.
ReplayedRow = tuple[int, int | None, float, float, int, int, int, int]


def _ms(step: timedelta) -> int | None:
    """A step in whole milliseconds, or None if it is not whole."""
    microseconds = (step.days * 86_400 + step.seconds) * 1_000_000 + step.microseconds
    return microseconds // 1000 if microseconds % 1000 == 0 else None


def _step_intervals(steps: Sequence[timedelta]) -> tuple[list[int | None], int | None]:
    """Each step's length and the interval of Hard at the first step, in ms (computed with timedeltas exactly as
    ``fsrs`` does)."""
    lengths = [_ms(step) for step in steps]
    if len(steps) == 1:
        first_hard = _ms(steps[0] * 1.5)
    elif len(steps) >= 2:
        first_hard = _ms((steps[0] + steps[1]) / 2.0)
    else:
        first_hard = None
    return lengths, first_hard


class FastReplay:
    """The replay of answers with one deck's options (one per preset: build it once, use it for every card)."""

    def __init__(self, config: SchedulerConfig) -> None:
        p = tuple(config.parameters)
        self._p = p
        decay = -p[20]
        self._decay = decay
        self._factor = 0.9 ** (1 / decay) - 1
        self._interval_scale = (config.desired_retention ** (1 / decay)) - 1
        self._maximum = self.maximum_days = config.maximum_interval_days
        self._fuzz = config.fuzz
        self._balance = config.load_balance
        self._learning, self._learning_first_hard = _step_intervals(config.learning_steps)
        self._relearning, self._relearning_first_hard = _step_intervals(config.relearning_steps)
        steps = [*self._learning, *self._relearning]
        if len(config.learning_steps) >= 1:
            steps.append(self._learning_first_hard)
        if len(config.relearning_steps) >= 1:
            steps.append(self._relearning_first_hard)
        self.supported = len(p) == 21 and all(step is not None for step in steps)
        # Constants of the fsrs formulas, computed by the same expressions.
        self._initial_stability = {r: max(p[r - 1], STABILITY_MIN) for r in (1, 2, 3, 4)}
        self._initial_difficulty = {r: min(max(p[4] - (_E ** (p[5] * (r - 1))) + 1, 1.0), 10.0) for r in (1, 2, 3, 4)}
        self._short_term = {r: _E ** (p[17] * (r - 3 + p[18])) for r in (1, 2, 3, 4)}
        self._delta_difficulty = {r: -(p[6] * (r - 3)) for r in (1, 2, 3, 4)}
        self._easy_difficulty = p[7] * (p[4] - (_E ** (p[5] * (4 - 1))) + 1)
        self._forget_short = _E ** (p[17] * p[18])
        self._recall_scale = _E ** p[8]
        self._fuzz_ranges: dict[int, tuple[int, int]] = {}
        self._rng = random.Random()

    # -- the formulas of fsrs, in its order of operations (the others are written out in the loop) -------

    def _fuzz_range(self, days: int) -> tuple[int, int]:
        known = self._fuzz_ranges.get(days)
        if known is not None:
            return known
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
        high = min(round(days + delta), self._maximum)
        low = min(max(2, round(days - delta)), high)
        self._fuzz_ranges[days] = (low, high)
        return low, high

    # -- a card -----------------------------------------------------------------------------------------

    def replay(
        self,
        card_id: int,
        times: Sequence[int],
        ratings: Sequence[int],
        start: ReplayedRow | None = None,
        trail: list[ReplayedRow] | None = None,
        logged: Sequence[int | None] | None = None,
        loads: DayLoads | None = None,
    ) -> ReplayedRow | None:
        """The schedule after these answers (times in ms, strictly increasing; ratings 1-4), from ``start``
        (a card's columns as stored; ``None``: a new card); ``None`` when it is not for this replay. With
        ``trail``, the schedule after each answer is appended to it (the sync logs each answer's before and after).

        ``logged``, one per answer, is the due (ms) the log recorded for it, or None: a review interval takes it
        when it is a whole number of days within the fuzz range (:meth:`Scheduler.answer`); in the ``trail``, an
        answer before the last takes its logged day wherever the fuzz would draw one (``final=False`` there).
        ``loads`` are the days' loads for the load balancer (an answer being given now)."""
        if not self.supported or len(times) != len(ratings) or (logged is not None and len(logged) != len(times)):
            return None
        if start is None:
            start = (_NEW, None, None, None, None, None, 0, 0)  # type: ignore[assignment]
        if not self._plausible(start) or (times and (times[0] < 0 or times[-1] >= _LATEST_MS)):
            return None
        assert start is not None
        state, step, stability, difficulty, due, last, reps, lapses = start
        if not times:
            return start
        # Everything the loop uses, in local variables (an answer is then a few microseconds).
        p = self._p
        p9, p10, p11, p12, p13, p14, p15, p16, p19 = -p[9], p[10], p[11], -p[12], p[13], p[14], p[15], p[16], -p[19]
        factor, decay = self._factor, self._decay
        short_term, delta_difficulty, forget_short = self._short_term, self._delta_difficulty, self._forget_short
        easy_difficulty, keep_difficulty, recall_scale = self._easy_difficulty, 1 - p[7], self._recall_scale
        initial_stability, initial_difficulty = self._initial_stability, self._initial_difficulty
        learning, relearning = self._learning, self._relearning
        learning_hard, relearning_hard = self._learning_first_hard, self._relearning_first_hard
        new, in_learning, in_review, in_relearning, minimum = _NEW, _LEARNING, _REVIEW, _RELEARNING, STABILITY_MIN
        previous = -1
        # Only the last answer's interval is computed: an interval moves only the due date, which no later answer
        # looks at (they use the time of the last review). ``interval_ms`` is a step's; None: a review interval.
        interval_ms: int | None = None
        base = len(trail) if trail is not None else 0
        final_index = len(times) - 1
        for now, rating in zip(times, ratings, strict=True):
            if now <= previous or not 1 <= rating <= 4:
                return None
            previous = now
            if state == in_review and rating == 1:
                lapses += 1
            if state == new:
                state, step = in_learning, 0
                stability = initial_stability[rating]
                difficulty = initial_difficulty[rating]
            else:
                # fsrs: the stability (short-term within a day, else from the retrievability), then the difficulty
                days_since = (now - last) // DAY_MS  # whole days, as timedelta.days
                if days_since < 1:
                    increase = short_term[rating] * (stability**p19)
                    if rating != 1 and increase < 1.0:
                        increase = 1.0
                    stability = stability * increase
                else:
                    retrievability = (1 + factor * days_since / stability) ** decay
                    if rating == 1:
                        long_term = (
                            p11
                            * (difficulty**p12)
                            * (((stability + 1) ** (p13)) - 1)
                            * (_E ** ((1 - retrievability) * p14))
                        )
                        short = stability / forget_short
                        stability = short if short < long_term else long_term
                    else:
                        stability = stability * (
                            1
                            + recall_scale
                            * (11 - difficulty)
                            * (stability**p9)
                            * ((_E ** ((1 - retrievability) * p10)) - 1)
                            * (p15 if rating == 2 else 1)
                            * (p16 if rating == 4 else 1)
                        )
                if minimum > stability:
                    stability = minimum
                difficulty = easy_difficulty + keep_difficulty * (
                    difficulty + (10.0 - difficulty) * delta_difficulty[rating] / 9.0
                )
                if difficulty < 1.0:
                    difficulty = 1.0
                if difficulty > 10.0:
                    difficulty = 10.0
            # fsrs: the state and step after the answer (a review card keeps its step unless it lapses)
            if state == in_review:
                if rating == 1 and relearning:
                    state, step, interval_ms = in_relearning, 0, relearning[0]
                else:
                    interval_ms = None
            else:
                steps, first_hard = (learning, learning_hard) if state == in_learning else (relearning, relearning_hard)
                count = len(steps)
                if count == 0 or (step >= count and rating != 1) or rating == 4 or (rating == 3 and step + 1 == count):
                    state, step, interval_ms = in_review, None, None
                elif rating == 1:
                    step, interval_ms = 0, steps[0]
                elif rating == 2:
                    interval_ms = first_hard if step == 0 else steps[step]
                else:
                    step += 1
                    interval_ms = steps[step]
            last = now
            reps += 1
            if trail is not None:
                index = len(trail) - base
                noted = logged[index] if logged is not None else None
                trail.append(
                    self._row(
                        card_id, state, step, stability, difficulty, last, reps, lapses, interval_ms, noted, loads,
                        index == final_index,
                    )
                )  # fmt: skip
        if trail is not None:
            return trail[-1]
        noted = logged[-1] if logged is not None else None
        return self._row(card_id, state, step, stability, difficulty, last, reps, lapses, interval_ms, noted, loads)

    def _row(
        self, card_id: int, state: int, step: int | None, stability: float, difficulty: float, last: int, reps: int,
        lapses: int, interval_ms: int | None, logged: int | None = None, loads: DayLoads | None = None,
        final: bool = True,
    ) -> ReplayedRow:  # fmt: skip
        """The schedule after an answer: its due is the step's interval, or a review interval of whole days,
        fuzzed as ``Scheduler._fuzzed`` does (the logged day if within the range, or up to the maximum interval if
        not ``final``; the balancer's pick, or uniform over the range)."""
        if interval_ms is None:
            days = round((stability / self._factor) * self._interval_scale)
            days = min(max(days, 1), self._maximum)
            if self._fuzz and days >= 3:
                low, high = self._fuzz_range(days)
                noted = (logged - last) // DAY_MS if logged is not None and (logged - last) % DAY_MS == 0 else None
                if noted is not None and (low <= noted <= high or (not final and 0 < noted <= self._maximum)):
                    days = noted
                else:
                    _SEED(self._rng, (card_id * 1_000_003 + reps - 1) & _MASK)  # fuzz_seed(card_id, reps before it)
                    if loads is not None and self._balance:
                        days = balanced_day(low, high, loads, self._rng.random())
                    else:
                        days = min(low + int(self._rng.random() * (high - low + 1)), high)
            interval_ms = days * DAY_MS
        return state, step, stability, difficulty, last + interval_ms, last, reps, lapses

    def review_interval(self, stability: float) -> tuple[int, int, int]:
        """The review interval in days for ``stability`` before the fuzz, and its fuzz range (low, high)."""
        days = min(max(round((stability / self._factor) * self._interval_scale), 1), self._maximum)
        low, high = self._fuzz_range(days) if self._fuzz and days >= 3 else (days, days)
        return days, low, high

    def with_logged_due(self, row: ReplayedRow, logged: int | None) -> ReplayedRow:
        """A replay's ``row``, ended by an answer, as it is with ``logged`` given for that answer (the due the log
        recorded for it): the same row with that due if it is a whole number of days within the answer's fuzz range
        (the load balancer chose it), else the row as it is. What ``replay`` gives with ``logged`` for the last
        answer, without replaying again."""
        state, _step, stability, _difficulty, _due, last, _reps, _lapses = row
        if logged is None or state != _REVIEW or not self._fuzz or (logged - last) % DAY_MS:
            return row
        days, low, high = self.review_interval(stability)
        noted = (logged - last) // DAY_MS
        if days < 3 or not low <= noted <= high:
            return row
        return (*row[:4], last + noted * DAY_MS, *row[5:])  # type: ignore[return-value]

    @staticmethod
    def _plausible(start: ReplayedRow) -> bool:
        """Whether a start is one this replay follows as fsrs would: a new card (only its counts matter), or a
        studied one with its memory state, last review and (while in steps) step."""
        state, step, stability, difficulty, _due, last, reps, lapses = start
        if not isinstance(reps, int) or not isinstance(lapses, int):
            return False
        if state == _NEW:
            return True
        if state not in (_LEARNING, _REVIEW, _RELEARNING):
            return False
        if not isinstance(stability, float) or not isinstance(difficulty, float) or stability <= 0:
            return False
        if not isinstance(last, int) or not 0 <= last < _LATEST_MS:
            return False
        return state == _REVIEW or (isinstance(step, int) and step >= 0)


_NEW_ROW = (_NEW, None, None, None, None, None, 0, 0)  # a new card's columns, as stored


def replayed_log_rows(
    card_id: int,
    times: Sequence[int],
    ratings: Sequence[int],
    durations: Sequence[int],
    trail: Sequence[ReplayedRow],
    rng: random.Random,
) -> list[tuple[object, ...]]:
    """A new card's answers, replayed by :meth:`FastReplay.replay` with a ``trail``, as review-log rows: (id, card,
    time, rating, duration, mode, the schedule before as its columns, the schedule after). Each id is the answer's
    time then random bits (``time_ordered_id``), so the log stays in time order; the mode is flip."""
    flip, rows = ReviewMode.FLIP.value, []
    before: Sequence[object] = _NEW_ROW
    for at, rating, duration, after in zip(times, ratings, durations, trail, strict=True):
        rows.append((time_ordered_id(at, rng), card_id, at, rating, duration, flip, *before, *after))
        before = after
    return rows
