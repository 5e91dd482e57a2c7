"""The schedule part of Check Collection: does every card follow from its history, and is any dated absurdly far ahead?

Every card's schedule is recomputed from its answers and schedule changes (in time order) with its deck's current
options, and compared with the stored one. A million answers are replayed in a few seconds: the log is read in
one scan of its (card, time, rating) index, one row of text per card (:meth:`CheckStore.answer_rows`), the cards
and their changes in one scan each, all in card id order, and each card is replayed by :class:`FastReplay` (one
per preset), which gives exactly what :meth:`Scheduler.replay_history` gives. The few cards it declines (answers
in the same millisecond, a history that starts from imported progress, ...) are replayed through
:class:`Scheduler` afterwards, as objects.

Far ahead: a card whose last answer or schedule change, or stored last review, is more than a day after the
clock, or whose due date is further ahead than its deck's maximum interval allows (from now, or from its last
review), plus a day. Its history says it was studied in the future (a clock that was wrong, or an imported
log); the review log is append-only, so no repair can take such answers back: they are reported, not repaired.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from studyapp.core.model import CardState, Schedule
from studyapp.core.scheduling.deck_options import Deck
from studyapp.core.scheduling.fast_replay import DAY_MS, FastReplay
from studyapp.core.scheduling.scheduling import Scheduler, SchedulerConfig, merged_history
from studyapp.services.gc_pause import cyclic_gc_paused
from studyapp.services.maintenance.logged_days import settle_logged_days
from studyapp.storage import Collection
from studyapp.storage.codec import from_ms, to_ms
from studyapp.storage.maintenance.check_store import CardHistory, CheckStore

Progress = Callable[[str, int, int], None]

STAGE = "Checking schedules"
_NEW_ROW = (int(CardState.NEW), None, None, None, None, None, 0, 0)
_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
_BATCH = 2000  # cards between progress reports (and chances to cancel)


class Mismatch:
    """A card whose stored schedule is not the replay of its history. The schedules may be given as columns (as
    stored: times in ms); they become :class:`Schedule` objects when first asked for (a report shows a hundred,
    a collection may have tens of thousands)."""

    __slots__ = ("_latest", "_replayed", "_stored", "card_id", "deck", "question")

    def __init__(self, card_id: int, deck: str, question: str, stored: Any, replayed: Any, latest: Any = None) -> None:
        self.card_id, self.deck, self.question = card_id, deck, question
        self._stored, self._replayed, self._latest = stored, replayed, latest

    @property
    def stored(self) -> Schedule:
        if not isinstance(self._stored, Schedule):
            self._stored = _schedule(self._stored)
        return self._stored

    @property
    def replayed(self) -> Schedule:
        if not isinstance(self._replayed, Schedule):
            self._replayed = _schedule(self._replayed)
        return self._replayed

    @property
    def latest(self) -> datetime | None:
        """The card's last answer or change: a repair is logged after it."""
        if isinstance(self._latest, int):
            self._latest = _moment(self._latest)
        return self._latest

    def __repr__(self) -> str:
        return f"Mismatch(card {self.card_id} in {self.deck!r}: {self.stored} vs {self.replayed})"


@dataclass(frozen=True)
class FarAhead:
    """A card dated absurdly far ahead: answered (or changed) in the future, or due beyond its maximum interval."""

    card_id: int
    deck: str
    question: str
    due: datetime | None
    latest: datetime | None  # its last answer or schedule change
    last_review: datetime | None
    in_future: bool  # its history (or last review) is after now; else only its due date is too far
    maximum_days: int


@dataclass(frozen=True)
class Unreplayable:
    """A card whose history cannot be read or replayed (a damaged row: a rating of 9, a state of 7, ...)."""

    card_id: int
    deck: str
    question: str
    reason: str


@dataclass
class ScheduleFindings:
    cards: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    far_ahead: list[FarAhead] = field(default_factory=list)
    unreplayable: list[Unreplayable] = field(default_factory=list)
    fast: int = 0  # cards replayed by FastReplay (the others through Scheduler)


@dataclass(frozen=True)
class _DeckRules:
    name: str
    fast: FastReplay
    scheduler: Scheduler
    ahead_ms: int  # the furthest a due date can be after its last review (or now), with a day to spare


def check_schedules(
    collection: Collection,
    store: CheckStore,
    now: datetime,
    step: Progress,
    unusual_starts: Callable[[Callable[[], None]], dict[int, str]] | None = None,
) -> ScheduleFindings:
    """Replay every card's history and compare (see the module). ``unusual_starts`` gives
    :meth:`CheckStore.unusual_starts` (read beside, on another connection: it is waited for, calling its argument
    meanwhile); by default they are read here."""
    rules = _deck_rules(collection.decks.all())
    fallback = _rules_for("?", SchedulerConfig(), {})
    now_ms = to_ms(now)
    assert now_ms is not None
    checker = _Checker(rules, fallback, now_ms)
    total = store.card_count()
    step(STAGE, 0, total)
    answers, changes = _Aligned(store.answer_rows()), _Aligned(store.change_rows())
    with cyclic_gc_paused():  # many small acyclic objects, kept until the end: full collections would walk them
        for done, row in enumerate(store.card_rows(), 1):
            checker.card(row, answers.get(row[0]), changes.get(row[0]))
            if done % _BATCH == 0:
                step(STAGE, done, total)
        # The cards replayed from a new card whose first answer was not given to one go through Scheduler instead.
        starts = unusual_starts(lambda: step(STAGE, total, total)) if unusual_starts else store.unusual_starts()
        checker.redo([card_id for card_id in starts if card_id in checker.fresh])
        for start in range(0, len(checker.declined), _BATCH):
            for history in _histories(store, checker, checker.declined[start : start + _BATCH]):
                checker.card_history(history)
        settle_logged_days(checker.found, rules, fallback, store)  # the load balancer's logged days
    step(STAGE, total, total)
    checker.found.sort(key=lambda item: item[0])
    checker.ahead.sort(key=lambda item: item[0])
    checker.unreadable.sort()
    wanted = [item[0] for items in (checker.found, checker.ahead, checker.unreadable) for item in items[:100]]
    questions = store.card_questions(wanted)
    findings = ScheduleFindings(total, fast=checker.fast)
    for card_id, deck_id, stored, replayed, latest in checker.found:
        deck = rules.get(deck_id, fallback).name
        findings.mismatches.append(Mismatch(card_id, deck, questions.get(card_id, ""), stored, replayed, latest))
    for card_id, deck_id, due, latest, last_review, in_future in checker.ahead:
        deck_rules = rules.get(deck_id, fallback)
        findings.far_ahead.append(
            FarAhead(card_id, deck_rules.name, questions.get(card_id, ""), _moment(due), _moment(latest),
                     _moment(last_review), in_future, deck_rules.fast.maximum_days)
        )  # fmt: skip
    for card_id, reason in checker.unreadable:
        deck = rules.get(checker.decks.get(card_id, 0), fallback).name
        findings.unreplayable.append(Unreplayable(card_id, deck, questions.get(card_id, ""), reason))
    return findings


# What a damaged row raises as it is read (an unknown rating, state or mode; a time no datetime holds) or replayed
# (fsrs asserts that a card in review has a stability, ...).
_DAMAGE = (ValueError, TypeError, ArithmeticError, AssertionError, KeyError)


def _histories(store: CheckStore, checker: _Checker, card_ids: list[int]) -> list[CardHistory]:
    """The histories of these cards as objects; a card whose rows cannot be read is set aside as unreplayable."""
    try:
        return store.histories_of(card_ids)
    except _DAMAGE:
        found: list[CardHistory] = []
        for card_id in card_ids:
            try:
                found += store.histories_of([card_id])
            except _DAMAGE as error:
                checker.unreadable.append((card_id, f"its history cannot be read ({error})"))
        return found


def _deck_rules(decks: list[Deck]) -> dict[int, _DeckRules]:
    """Each deck's replay and scheduler, made once per distinct set of options (decks share presets)."""
    made: dict[SchedulerConfig, tuple[FastReplay, Scheduler]] = {}
    return {deck.id: _rules_for(deck.name, deck.options.scheduler_config(), made) for deck in decks}


def _rules_for(
    name: str, config: SchedulerConfig, made: dict[SchedulerConfig, tuple[FastReplay, Scheduler]]
) -> _DeckRules:
    if config not in made:
        made[config] = (FastReplay(config), Scheduler(config))
    fast, scheduler = made[config]
    longest_step = max((step for step in (*config.learning_steps, *config.relearning_steps)), default=timedelta(0))
    ahead = max(config.maximum_interval_days * DAY_MS, int(longest_step / timedelta(milliseconds=1)) * 2) + DAY_MS
    return _DeckRules(name, fast, scheduler, ahead)


class _Aligned:
    """Rows in card id order, taken as the cards (also in id order) come by."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def get(self, card_id: int) -> Any:
        while self._next is not None and self._next[0] < card_id:
            self._next = next(self._rows, None)
        if self._next is not None and self._next[0] == card_id:
            found, self._next = self._next, next(self._rows, None)
            return found
        return None


class _Checker:
    def __init__(self, rules: dict[int, _DeckRules], fallback: _DeckRules, now_ms: int) -> None:
        self.rules, self.fallback, self.now_ms = rules, fallback, now_ms
        # (card id, deck id, stored, replayed, time of its last event): schedules as columns, or as objects for the
        # cards replayed through Scheduler
        self.found: list[tuple[int, int, Any, Any, int | None]] = []
        self.ahead: list[tuple[int, int, Any, int | None, Any, bool]] = []
        self.declined: list[int] = []
        self.fresh: dict[int, int] = {}  # card id -> deck id of those replayed from a new card (most): see redo()
        self.decks: dict[int, int] = {}  # of the declined cards
        self.unreadable: list[tuple[int, str]] = []  # (card id, why)
        self.fast = 0

    def card(self, row: tuple[Any, ...], answers: Any, changes: Any) -> None:
        """One card from :meth:`CheckStore.card_rows`, with its row of answers and of changes (or None)."""
        card_id, deck_id, stored = row[0], row[1], tuple(row[2:10])
        rules = self.rules.get(deck_id, self.fallback)
        if answers is None and changes is None:
            self._far_ahead(card_id, deck_id, rules, stored, None)
            if stored[0] == CardState.NEW and stored != _NEW_ROW:
                self.found.append((card_id, deck_id, stored, _NEW_ROW, None))
            return  # never studied (or imported with progress and no history: its stored schedule is where it starts)
        replay = _fast_replay(rules.fast, card_id, answers, changes)
        if replay is not None and changes is None:
            self.fresh[card_id] = deck_id
        if replay is None:
            self.declined.append(card_id)
            self.decks[card_id] = deck_id
            return
        self.fast += 1
        replayed, latest = replay
        self._far_ahead(card_id, deck_id, rules, stored, latest)
        if replayed != stored:
            self.found.append((card_id, deck_id, stored, replayed, latest))

    def redo(self, card_ids: list[int]) -> None:
        """These cards were replayed from a new card, but their first answer was given to a card with reviews or
        lapses already (imported progress): what was found for them goes, and they go through Scheduler."""
        if not card_ids:
            return
        again = set(card_ids)
        self.found = [item for item in self.found if item[0] not in again]
        self.ahead = [item for item in self.ahead if item[0] not in again]
        self.declined += card_ids
        self.decks.update((card_id, self.fresh[card_id]) for card_id in card_ids)
        self.fast -= len(again)

    def card_history(self, card: CardHistory) -> None:
        """A card the fast replay declined, replayed through :class:`Scheduler` (as objects)."""
        rules = self.rules.get(card.deck_id, self.fallback)
        events = merged_history(card.answers, card.changes)
        moments = [*(a.reviewed_at for a in card.answers), *(c.changed_at for c in card.changes)]
        latest = to_ms(max(moments)) if moments else None
        self._far_ahead(card.card_id, card.deck_id, rules, _row(card.stored), latest)
        if events:
            try:
                replayed = rules.scheduler.replay_history(card.card_id, events)
            except _DAMAGE as error:
                self.unreadable.append((card.card_id, f"its history cannot be replayed ({error})"))
                return
        elif card.stored.state is CardState.NEW:
            replayed = Schedule()
        else:
            return
        if replayed != card.stored:
            self.found.append((card.card_id, card.deck_id, card.stored, replayed, latest))

    def _far_ahead(
        self, card_id: int, deck_id: int, rules: _DeckRules, stored: tuple[Any, ...], latest: int | None
    ) -> None:
        due, last_review = stored[4], stored[5]
        limit = self.now_ms + DAY_MS
        in_future = (latest is not None and latest > limit) or (isinstance(last_review, int) and last_review > limit)
        too_far = isinstance(due, int) and (
            due > self.now_ms + rules.ahead_ms or (isinstance(last_review, int) and due > last_review + rules.ahead_ms)
        )
        if in_future or too_far:
            self.ahead.append((card_id, deck_id, due, latest, last_review, in_future))


def _fast_replay(
    fast: FastReplay, card_id: int, answers: Any, changes: Any
) -> tuple[tuple[Any, ...], int | None] | None:
    """(the replayed schedule columns, the time of the last event) by :class:`FastReplay`, or None if declined."""
    times: list[int] = []
    ratings: list[int] = []
    if answers is not None:
        _card, joined_times, joined_ratings, count = answers
        try:
            times = list(map(int, joined_times.split(",")))
            ratings = list(map(int, joined_ratings))  # one digit each (the schema allows 1 to 4)
        except (AttributeError, TypeError, ValueError):  # a NULL, a REAL, text
            return None
        if len(times) != count or len(ratings) != count:
            return None
    start: tuple[Any, ...] | None
    if changes is not None:
        _card, change_times, start = changes
        if len(set(change_times)) != len(change_times) or not set(change_times).isdisjoint(times):
            return None  # events at one instant: their order depends on the states logged with them
        if any(later < earlier for earlier, later in zip(times, times[1:])):  # noqa: B905 (one shorter)
            return None
        cut = bisect.bisect_right(times, change_times[-1])
        times, ratings = times[cut:], ratings[cut:]
        latest = max(change_times[-1], times[-1]) if times else change_times[-1]
    else:  # from a new card (a start with progress is found afterwards: _Checker.redo)
        start = None
        latest = times[-1] if times else None
    replayed = fast.replay(card_id, times, ratings, start)  # type: ignore[arg-type]
    return None if replayed is None else (replayed, latest)


def _row(schedule: Schedule) -> tuple[Any, ...]:
    return (int(schedule.state), schedule.step, schedule.stability, schedule.difficulty, to_ms(schedule.due),
            to_ms(schedule.last_review), schedule.reps, schedule.lapses)  # fmt: skip


def _schedule(row: Any) -> Schedule:
    """A schedule from its columns (times that no datetime can hold, in a damaged row, become the last one)."""
    if isinstance(row, Schedule):
        return row
    values = dict(zip(_FIELDS, row, strict=True))
    for name in ("due", "last_review"):
        values[name] = _moment(values[name])
    return Schedule(CardState(values["state"]), values["step"], values["stability"], values["difficulty"],
                    values["due"], values["last_review"], values["reps"], values["lapses"])  # fmt: skip


def _moment(ms: Any) -> datetime | None:
    """A stored time in ms as a datetime; one beyond what a datetime holds as the first or last one."""
    if ms is None:
        return None
    try:
        return from_ms(ms)
    except (OverflowError, ValueError, OSError):
        return (datetime.max if ms > 0 else datetime.min).replace(tzinfo=timezone.utc)
