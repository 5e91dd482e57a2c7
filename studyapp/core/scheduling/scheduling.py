"""FSRS-6 scheduling rules, around the reference ``fsrs`` package.

``fsrs`` does the memory model (stability, difficulty, learning steps, intervals). Two things are ours:

* Fuzz. ``fsrs`` draws its fuzz from the global ``random`` module, which a test cannot control and a
  replay cannot repeat. We turn its fuzz off and apply the same fuzz ranges with an injected
  ``random.Random``. The review service seeds that generator from the card id and its review count
  (:func:`fuzz_seed`, as Anki does), so a card's log replays to exactly the state that was stored,
  and the interval shown on a button is exactly the one the card gets.
* The card's ``NEW`` state and its review and lapse counters, which ``fsrs`` does not track.
* The day within the fuzz range: uniform over ``low..high`` (the floor of the draw, as Anki's engine; ``fsrs``
  rounds it, which gives ``low..high + 1`` with half weight at each end and half a day too long on average), or,
  given the days' loads and the deck's ``load_balance`` on, the quietest days likelier
  (:mod:`studyapp.core.scheduling.load_balancer`). A replay takes the day the log recorded for an answer when it
  lies within that answer's range (the balancer's choice then), else the plain seeded fuzz.

A card's history is its answers (the review log) and the schedule changes that were not answers (a
reschedule, a reset), in time order: :meth:`Scheduler.replay_history` rebuilds the stored schedule from it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

from studyapp.core.clock import to_utc
from studyapp.core.model import (
    CardState,
    Rating,
    ReviewEntry,
    Schedule,
    ScheduleChange,
    ScheduleChangeKind,
    make_schedule,
)
from studyapp.core.scheduling.load_balancer import DayLoads, balanced_day, plain_day

if TYPE_CHECKING:
    from studyapp.core.scheduling.fast_replay import FastReplay

DEFAULT_DESIRED_RETENTION = 0.90
DEFAULT_LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
DEFAULT_RELEARNING_STEPS = (timedelta(minutes=10),)
DEFAULT_MAXIMUM_INTERVAL_DAYS = 36500

_TO_FSRS = {
    CardState.NEW: fsrs.State.Learning,
    CardState.LEARNING: fsrs.State.Learning,
    CardState.REVIEW: fsrs.State.Review,
    CardState.RELEARNING: fsrs.State.Relearning,
}
_STATE_OF = {int(state): state for state in CardState}  # looked up, not made through the enum machinery
_FROM_FSRS = {
    fsrs.State.Learning: CardState.LEARNING,
    fsrs.State.Review: CardState.REVIEW,
    fsrs.State.Relearning: CardState.RELEARNING,
}


@dataclass(frozen=True)
class SchedulerConfig:
    """A deck's scheduling options."""

    desired_retention: float = DEFAULT_DESIRED_RETENTION
    learning_steps: tuple[timedelta, ...] = DEFAULT_LEARNING_STEPS
    relearning_steps: tuple[timedelta, ...] = DEFAULT_RELEARNING_STEPS
    maximum_interval_days: int = DEFAULT_MAXIMUM_INTERVAL_DAYS
    parameters: tuple[float, ...] = field(default=tuple(DEFAULT_PARAMETERS))
    fuzz: bool = True
    # Within the fuzz range, quieter days likelier (given the days' loads). Not compared: a replay takes the days the
    # log recorded whatever it is, so turning it on or off reschedules nothing.
    load_balance: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        if not 0.70 <= self.desired_retention <= 0.99:
            raise ValueError(f"desired retention must be between 0.70 and 0.99, not {self.desired_retention}")
        if self.maximum_interval_days < 1:
            raise ValueError("maximum interval must be at least one day")


def counts_kept_by_reset(card_counts: tuple[int, int], replayed: Schedule) -> tuple[int, int] | None:
    """The (reviews, lapses) a card's last reset kept. Anki's Forget keeps a card's counts unless asked not to, and
    its log row does not say which: they are the card's counts (``card_counts``, as its app stores them) less what
    the answers after the reset added (``replayed``: the end of a replay whose last reset kept nothing). None when
    it kept nothing, or when the card counts fewer than the replay (a log cut short)."""
    kept = (card_counts[0] - replayed.reps, card_counts[1] - replayed.lapses)
    return kept if kept != (0, 0) and min(kept) >= 0 else None


def fuzz_seed(card_id: int, reps: int) -> int:
    """The seed of the fuzz for a card's next answer: fixed by the card and how often it was answered."""
    return (card_id * 1_000_003 + reps) & ((1 << 64) - 1)


class CardFuzz:
    """The fuzz of a card's next answer: ``random()`` is the first draw of ``random.Random(fuzz_seed(card_id,
    reps))``, which is all an answer draws. Seeding the generator is most of the cost, so it is done only when an
    answer is fuzzed (a learning step is not), or ahead of the answer with ``draw`` (the study loop does it while
    the disk syncs the previous answer)."""

    __slots__ = ("card_id", "reps", "_value")

    def __init__(self, card_id: int, reps: int) -> None:
        self.card_id, self.reps = card_id, reps
        self._value: float | None = None

    def draw(self) -> None:
        if self._value is None:
            self._value = random.Random(fuzz_seed(self.card_id, self.reps)).random()

    def random(self) -> float:
        self.draw()
        assert self._value is not None
        return self._value


class Scheduler:
    """Computes the next schedule of a card from its current one, a rating and the time."""

    def __init__(self, config: SchedulerConfig | None = None) -> None:
        self.config = config or SchedulerConfig()
        self._fsrs = fsrs.Scheduler(
            parameters=self.config.parameters,
            desired_retention=self.config.desired_retention,
            learning_steps=self.config.learning_steps,
            relearning_steps=self.config.relearning_steps,
            maximum_interval=self.config.maximum_interval_days,
            enable_fuzzing=False,
        )
        self._fast: FastReplay | None | bool = False  # made at the first answer that can use it (False: not yet)

    def answer(
        self,
        schedule: Schedule,
        rating: Rating,
        now: datetime,
        rng: random.Random | CardFuzz,
        loads: DayLoads | None = None,
        logged_due: datetime | None = None,
        final: bool = True,
    ) -> Schedule:
        """The card's schedule after answering ``rating`` at ``now``; ``rng`` draws the fuzz (once).

        ``loads`` (the review cards due on the day ``n`` days ahead, in the card's preset) lets the load balancer
        pick the day, if the options have it on. ``logged_due`` is the due the review log recorded for this answer
        (a replay): a whole number of days within the fuzz range, it is the day taken. Not ``final`` (a replay's
        answer that another answer follows), the logged day is taken wherever the fuzz would draw one, within the
        range or not (up to the maximum interval): no later answer reads a due (they read the time of the last
        review), so the card ends the same, and its log keeps the day the answering device gave (not one drawn
        here that no device used)."""
        if isinstance(rng, CardFuzz) and logged_due is None:  # the study loop's answer: a card's, with its own seed
            fast = self._fast_answer(schedule, rating, now, rng, loads)
            if fast is not None:
                return fast
        now = to_utc(now)
        before = _to_fsrs_card(schedule, now)
        after, _ = self._fsrs.review_card(before, fsrs.Rating(int(rating)), review_datetime=now)
        due = after.due
        state = _FROM_FSRS[after.state]
        if self.config.fuzz and state is CardState.REVIEW:
            logged = None
            if logged_due is not None:
                gap = to_utc(logged_due) - now
                logged = gap.days if gap == timedelta(days=gap.days) else None
            due = now + self._fuzzed(due - now, rng, loads, logged, final)
        lapse = schedule.state is CardState.REVIEW and rating is Rating.AGAIN
        return Schedule(
            state=state,
            step=after.step,
            stability=after.stability,
            difficulty=after.difficulty,
            due=due,
            last_review=now,
            reps=schedule.reps + 1,
            lapses=schedule.lapses + (1 if lapse else 0),
        )

    def _fast_answer(
        self, schedule: Schedule, rating: Rating, now: datetime, fuzz: CardFuzz, loads: DayLoads | None
    ) -> Schedule | None:
        """``answer`` through :class:`FastReplay` (the same arithmetic written out, bit for bit: half the time of a
        ``fsrs`` call), for a card's answer at a whole millisecond; ``None`` where it declines."""
        if self._fast is False:
            self._fast = _fast_replay(self.config)
        fast = self._fast
        last = schedule.last_review
        if (
            fast is None
            or fuzz.reps != schedule.reps
            or now.tzinfo is None
            or now.microsecond % 1000
            or (last is not None and last.microsecond % 1000)
        ):
            return None
        assert not isinstance(fast, bool)
        now_ms = _ms(now)
        start = (int(schedule.state), schedule.step, schedule.stability, schedule.difficulty, None,
                 None if last is None else _ms(last), schedule.reps, schedule.lapses)  # fmt: skip
        row = fast.replay(fuzz.card_id, [now_ms], [int(rating)], start, loads=loads)  # type: ignore[arg-type]
        if row is None:
            return None
        state, step, stability, difficulty, due, _last, reps, lapses = row
        now = to_utc(now)
        return make_schedule(_STATE_OF[state], step, stability, difficulty,
                             now + timedelta(milliseconds=due - now_ms), now, reps, lapses)  # fmt: skip

    def preview(
        self,
        schedule: Schedule,
        now: datetime,
        make_rng: Callable[[], random.Random | CardFuzz],
        loads: DayLoads | None = None,
    ) -> dict[Rating, timedelta]:
        """The interval each rating would give, for the labels on the answer buttons.

        ``make_rng`` returns a fresh generator for each rating, seeded as the real answer will be, and ``loads``
        are the ones the answer will see, so the label tells the truth even with fuzz and the load balancer.
        """
        result = {}
        for rating in Rating:
            after = self.answer(schedule, rating, now, make_rng(), loads)
            assert after.due is not None
            result[rating] = after.due - to_utc(now)
        return result

    def retrievability(self, schedule: Schedule, now: datetime) -> float | None:
        """The predicted chance of recalling the card at ``now``; ``None`` for a card never studied."""
        if schedule.state is CardState.NEW or schedule.stability is None:
            return None
        return self._fsrs.get_card_retrievability(_to_fsrs_card(schedule, now), to_utc(now))

    def replay(self, card_id: int, answers: Iterable[tuple[Rating, datetime]]) -> Schedule:
        """Rebuild a card's schedule from its review log alone, as the review service computed it."""
        schedule = Schedule()
        for rating, reviewed_at in answers:
            rng = random.Random(fuzz_seed(card_id, schedule.reps))
            schedule = self.answer(schedule, rating, reviewed_at, rng)
        return schedule

    def replay_history(self, card_id: int, events: Sequence[HistoryEvent], start: Schedule | None = None) -> Schedule:
        """A card's schedule from its merged history (:func:`merged_history`): an answer applies the
        scheduler (with the card's seeded fuzz), a change sets the schedule to its ``after``.

        It starts from ``start``, or else from the first event's ``before`` (a new card, unless the card
        came with progress and no history)."""
        schedule = start if start is not None else (events[0].before if events else Schedule())
        for event in events:
            if isinstance(event, ScheduleChange):
                schedule = event.after
            else:
                rng = random.Random(fuzz_seed(card_id, schedule.reps))
                schedule = self.answer(schedule, event.rating, event.reviewed_at, rng, logged_due=event.after.due)
        return schedule

    def recompute(self, card_id: int, answers: Sequence[ReviewEntry], changes: Sequence[ScheduleChange]) -> Schedule:
        """The schedule the card should have with this scheduler's parameters and options.

        Its answers are replayed and its resets applied; earlier reschedules are left out, since they were
        themselves computed from the same answers (with other parameters)."""
        kept = [change for change in changes if change.kind is not ScheduleChangeKind.RESCHEDULE]
        return self.replay_history(card_id, merged_history(answers, kept))

    def fuzz_range(self, days: int) -> tuple[int, int]:
        """The days a review interval of ``days`` may become (``fsrs``'s ranges, within the maximum interval)."""
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
        maximum = self.config.maximum_interval_days
        high = min(round(days + delta), maximum)
        low = min(max(2, round(days - delta)), high)
        return low, high

    def _fuzzed(
        self, interval: timedelta, rng: random.Random | CardFuzz, loads: DayLoads | None = None,
        logged: int | None = None, final: bool = True,
    ) -> timedelta:  # fmt: skip
        """A day of the fuzz range of ``fsrs``: the logged one if within it (or at all, up to the maximum interval,
        if not ``final``), else the load balancer's pick (given loads and the option), else uniform over the range;
        drawn from ``rng``."""
        days = interval.days
        if days < 2.5:
            return interval
        low, high = self.fuzz_range(days)
        if logged is not None and (
            low <= logged <= high or (not final and 0 < logged <= self.config.maximum_interval_days)
        ):
            return timedelta(days=logged)
        if loads is not None and self.config.load_balance:
            return timedelta(days=balanced_day(low, high, loads, rng.random()))
        return timedelta(days=plain_day(low, high, rng.random()))


def _fast_replay(config: SchedulerConfig) -> FastReplay | None:
    from studyapp.core.scheduling.fast_replay import FastReplay  # (that module imports this one)

    replay = FastReplay(config)
    return replay if replay.supported else None


def _ms(moment: datetime) -> int:
    """A whole-millisecond instant in milliseconds since 1970 (as stored)."""
    return round(moment.timestamp() * 1000)


def _to_fsrs_card(schedule: Schedule, now: datetime) -> fsrs.Card:
    if schedule.state is CardState.NEW:
        # A fixed card_id and due: fsrs.Card() would otherwise read the clock and sleep 1 ms.
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=1,
        state=_TO_FSRS[schedule.state],
        step=schedule.step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=to_utc(schedule.due or now),
        last_review=to_utc(schedule.last_review) if schedule.last_review else None,
    )


HistoryEvent = ReviewEntry | ScheduleChange


def _moment(event: HistoryEvent) -> datetime:
    return event.changed_at if isinstance(event, ScheduleChange) else event.reviewed_at


def _follows(before: Schedule, previous: Schedule) -> bool:
    return before.state == previous.state and before.reps == previous.reps


def merged_history(answers: Iterable[ReviewEntry], changes: Iterable[ScheduleChange]) -> list[HistoryEvent]:
    """One card's answers and schedule changes in time order.

    Events at the same instant (a fixed clock, or a reset in the millisecond of an answer) are put in
    the order in which each one's ``before`` is the previous one's ``after``; answers first otherwise."""
    ordered = sorted([*answers, *changes], key=lambda event: (_moment(event), isinstance(event, ScheduleChange)))
    result: list[HistoryEvent] = []
    index = 0
    while index < len(ordered):
        end = index
        while end < len(ordered) and _moment(ordered[end]) == _moment(ordered[index]):
            end += 1
        group = ordered[index:end]
        while group:
            previous = result[-1].after if result else None
            pick = next((i for i, e in enumerate(group) if previous is None or _follows(e.before, previous)), 0)
            result.append(group.pop(pick))
        index = end
    return result
