"""The statistics of a deck (with its subdecks) or of the whole collection, as frozen figures.

Every figure comes from one aggregate query of ``storage.stats_store``; this module only chooses the
time windows (study days under the collection's rollover hour and the clock's zone) and names things.

* today: answers since the study day began and the distinct cards they went to, their time, the share
  answered Again, and the streak of consecutive study days with an answer, ending today (or yesterday, if
  today has none yet);
* the answers of each study day over the past year (the heatmap);
* the cards due on each of the next 30 days, overdue ones counted today (the forecast);
* true retention: of the answers to cards in review state, the share passed (above Again), young
  (interval < 21 days when answered) and mature (21 days or more), over all time and per week for the
  last 12 weeks;
* cards by state, and histograms of stability, difficulty and current retrievability (FSRS-6, with
  each deck's own decay parameter).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.clock import Clock
from studyapp.core.scheduling.deck_options import Deck
from studyapp.services.app import App
from studyapp.services.decks.decks import study_day
from studyapp.storage.codec import to_ms
from studyapp.storage.stats_store import RetentionCounts, StatsStore

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
RETENTION_WEEKS = 12
STABILITY_EDGES = (0.0, 1.0, 2.0, 4.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0)
STABILITY_LABELS = ("<1d", "1-2d", "2-4d", "4-7d", "1-2w", "2w-1m", "1-2m", "2-3m", "3-6m", "6m-1y", "1-2y", "2y+")
ALL_DECKS = "All decks"


@dataclass(frozen=True)
class Share:
    """``part`` of ``total``; ``value`` is ``None`` when there is nothing to divide."""

    part: int
    total: int

    @property
    def value(self) -> float | None:
        return self.part / self.total if self.total else None


@dataclass(frozen=True)
class Today:
    answers: int  # answers given today (a card in learning is answered more than once a day)
    cards: int  # the distinct cards they went to
    seconds: float
    again: Share
    streak_days: int


@dataclass(frozen=True)
class DayCount:
    day: date
    reviews: int


@dataclass(frozen=True)
class WeekRetention:
    start: date  # the first study day of the week
    young: Share
    mature: Share


@dataclass(frozen=True)
class StateCounts:
    new: int
    learning: int  # learning and relearning
    review: int
    suspended: int


@dataclass(frozen=True)
class Bin:
    label: str
    count: int


@dataclass(frozen=True)
class Stats:
    scope: str  # the deck's name, or "All decks"
    today_date: date  # today's study day
    desired_retention: float
    today: Today
    ever_answered: bool  # whether any card of the scope was ever answered (else every figure is an empty state)
    days: tuple[DayCount, ...]  # the past HEATMAP_DAYS study days, oldest first, today last
    forecast: tuple[int, ...]  # cards due today (and overdue), tomorrow, ...
    young: Share  # true retention over all time
    mature: Share
    weeks: tuple[WeekRetention, ...]  # the last RETENTION_WEEKS weeks, oldest first
    states: StateCounts
    stability: tuple[Bin, ...]
    difficulty: tuple[Bin, ...]
    retrievability: tuple[Bin, ...]

    def to_json(self) -> dict[str, Any]:
        def share(s: Share) -> dict[str, Any]:
            return {"passed": s.part, "total": s.total, "share": s.value}

        return {
            "scope": self.scope,
            "today_date": self.today_date.isoformat(),
            "desired_retention": self.desired_retention,
            "ever_answered": self.ever_answered,
            "today": {
                "answers": self.today.answers,
                "cards": self.today.cards,
                "seconds": self.today.seconds,
                "again": self.today.again.part,
                "again_share": self.today.again.value,
                "streak_days": self.today.streak_days,
            },
            "reviews_per_day": {d.day.isoformat(): d.reviews for d in self.days if d.reviews},
            "forecast": list(self.forecast),
            "true_retention": {
                "young": share(self.young),
                "mature": share(self.mature),
                "weeks": [
                    {"start": w.start.isoformat(), "young": share(w.young), "mature": share(w.mature)}
                    for w in self.weeks
                ],
            },
            "states": asdict(self.states),
            "stability_days": {b.label: b.count for b in self.stability},
            "difficulty": {b.label: b.count for b in self.difficulty},
            "retrievability": {b.label: b.count for b in self.retrievability},
        }


@dataclass(frozen=True)
class Scope:
    """Which decks, and the study days the figures are counted in."""

    name: str
    decks: tuple[Deck, ...]
    deck_ids: tuple[int, ...] | None  # None: the whole collection
    today: date
    zone: tzinfo
    rollover_hour: int
    now: datetime

    def day_start(self, day: date) -> datetime:
        """The UTC instant the study day ``day`` begins (its rollover hour, local time)."""
        return datetime.combine(day, time(self.rollover_hour), tzinfo=self.zone).astimezone(timezone.utc)

    def day_starts_ms(self, first: date, days: int) -> list[int]:
        """The ``days + 1`` boundaries of the study days from ``first``, in ms."""
        return [_ms(self.day_start(first + timedelta(days=i))) for i in range(days + 1)]


def _ms(moment: datetime) -> int:
    value = to_ms(moment)
    assert value is not None
    return value


def subtree(decks: list[Deck], name: str) -> list[Deck]:
    return [d for d in decks if d.name == name or d.name.startswith(f"{name}::")]


def deck_names(app: App) -> list[str]:
    """Every deck, and every parent named only by its subdecks (``A`` of ``A::B``), sorted as the deck list."""
    names = set()
    for deck in app.decks():
        parts = deck.name.split("::")
        names.update("::".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(names, key=lambda name: [part.casefold() for part in name.split("::")])


def scope_for(app: App, deck_name: str | None = None, clock: Clock | None = None) -> Scope:
    """The scope of a deck with its subdecks (by exact name), or of all decks; ``KeyError`` if no such deck."""
    clock = clock or app.clock
    decks = app.decks()
    chosen = decks if deck_name is None else subtree(decks, deck_name)
    if deck_name is not None and not chosen:
        raise KeyError(deck_name)
    start, _ = study_day(app.collection, clock)
    zone = clock.local_zone()
    local_start = start.astimezone(zone)
    return Scope(
        name=deck_name or ALL_DECKS,
        decks=tuple(chosen),
        deck_ids=None if deck_name is None else tuple(d.id for d in chosen),
        today=local_start.date(),
        zone=zone,
        rollover_hour=local_start.hour,
        now=clock.now(),
    )


def desired_retention(scope: Scope) -> float:
    """The deck's desired retention; for several decks, the value most of them use."""
    if not scope.decks:
        return 0.9
    values = [d.options.desired_retention for d in scope.decks]
    return max(sorted(set(values), reverse=True), key=values.count)


def _days(store: StatsStore, scope: Scope, first: date, days: int) -> list[int]:
    """Answers per study day for ``days`` days from ``first``."""
    return store.answers_per_day(scope.day_starts_ms(first, days), scope.deck_ids)


def reviews_per_day(store: StatsStore, scope: Scope) -> tuple[DayCount, ...]:
    first = scope.today - timedelta(days=HEATMAP_DAYS - 1)
    counts = _days(store, scope, first, HEATMAP_DAYS)
    return tuple(DayCount(first + timedelta(days=i), n) for i, n in enumerate(counts))


def streak(store: StatsStore, scope: Scope, days: tuple[DayCount, ...]) -> int:
    """Consecutive study days with an answer, ending today, or yesterday if today has none yet."""
    counts = [d.reviews for d in days]
    if counts and counts[-1] == 0:
        counts.pop()
    run = 0
    first = days[0].day if days else scope.today
    while True:
        for count in reversed(counts):
            if not count:
                return run
            run += 1
        if not counts:
            return run
        first -= timedelta(days=HEATMAP_DAYS)  # the streak goes back further than the window
        counts = _days(store, scope, first, HEATMAP_DAYS)


def today_figures(store: StatsStore, scope: Scope, days: tuple[DayCount, ...]) -> Today:
    bounds = scope.day_starts_ms(scope.today, 1)
    totals = store.answers_between(bounds[0], bounds[1], scope.deck_ids)
    return Today(
        answers=totals.answers,
        cards=totals.cards,
        seconds=totals.duration_ms / 1000,
        again=Share(totals.again, totals.answers),
        streak_days=streak(store, scope, days),
    )


def forecast(store: StatsStore, scope: Scope) -> tuple[int, ...]:
    bounds = scope.day_starts_ms(scope.today, FORECAST_DAYS)
    return tuple(store.due_per_day(bounds, scope.deck_ids))


def true_retention(store: StatsStore, scope: Scope) -> tuple[Share, Share, tuple[WeekRetention, ...]]:
    """(young, mature) over all time, and per week for the last RETENTION_WEEKS weeks (today's week last)."""
    first = scope.today - timedelta(days=7 * RETENTION_WEEKS - 1)
    starts = [first + timedelta(days=7 * k) for k in range(RETENTION_WEEKS)]
    bounds = [_ms(scope.day_start(day)) for day in starts] + [_ms(scope.day_start(scope.today + timedelta(days=1)))]
    periods = store.retention(bounds, scope.deck_ids)
    total = store.retention_total(scope.deck_ids)
    weeks = tuple(
        WeekRetention(
            start=day,
            young=Share(periods.get(k, RetentionCounts()).young_passed, periods.get(k, RetentionCounts()).young_total),
            mature=Share(
                periods.get(k, RetentionCounts()).mature_passed, periods.get(k, RetentionCounts()).mature_total
            ),
        )
        for k, day in enumerate(starts)
    )
    return Share(total.young_passed, total.young_total), Share(total.mature_passed, total.mature_total), weeks


def state_counts(store: StatsStore, scope: Scope) -> StateCounts:
    return StateCounts(*store.state_counts(scope.deck_ids))


def _decay(deck: Deck) -> float:
    parameters = deck.options.parameters
    return float(parameters[20]) if parameters is not None and len(parameters) > 20 else DEFAULT_DECAY


DEFAULT_DECAY = float(DEFAULT_PARAMETERS[20])


def stability_bins(store: StatsStore, scope: Scope) -> tuple[Bin, ...]:
    counts = store.stability_histogram(STABILITY_EDGES, scope.deck_ids)
    return tuple(Bin(label, n) for label, n in zip(STABILITY_LABELS, counts, strict=True))


def difficulty_bins(store: StatsStore, scope: Scope) -> tuple[Bin, ...]:
    return tuple(Bin(str(i + 1), n) for i, n in enumerate(store.difficulty_histogram(scope.deck_ids)))


def retrievability_bins(store: StatsStore, scope: Scope) -> tuple[Bin, ...]:
    decays = {d.id: _decay(d) for d in scope.decks}
    counts = store.retrievability_histogram(_ms(scope.now), decays, DEFAULT_DECAY, scope.deck_ids)
    return tuple(Bin(f"{10 * i}-{10 * i + 10}%", n) for i, n in enumerate(counts))


def compute_stats(app: App, deck_name: str | None = None, clock: Clock | None = None) -> Stats:
    """Every figure for the deck ``deck_name`` with its subdecks, or for all decks (``None``)."""
    scope = scope_for(app, deck_name, clock)
    store = StatsStore(app.collection.db)
    days = reviews_per_day(store, scope)
    young, mature, weeks = true_retention(store, scope)
    return Stats(
        scope=scope.name,
        today_date=scope.today,
        desired_retention=desired_retention(scope),
        today=today_figures(store, scope, days),
        ever_answered=store.any_answers(scope.deck_ids),
        days=days,
        forecast=forecast(store, scope),
        young=young,
        mature=mature,
        weeks=weeks,
        states=state_counts(store, scope),
        stability=stability_bins(store, scope),
        difficulty=difficulty_bins(store, scope),
        retrievability=retrievability_bins(store, scope),
    )
