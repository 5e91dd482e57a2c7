"""The one-time upgrade of a collection scheduled by older rules: its due dates stay, its history says why.

A card's schedule is the replay of its history. Version 2 of the scheduling rules changed the fuzz: the day within a
review's fuzz range is now uniform over ``low..high`` (the floor of the draw), where the first rules rounded it and
could give ``high + 1``; a replay now takes the day the log recorded when it lies within the range. So a card whose
last review interval came out as ``high + 1`` no longer equals its replay, and Check would call it damaged.

On the first open of such a collection (its settings have no ``scheduler.rules``, or an older one), each review
card's stored due date is compared with what the first rules drew for its last answer (one read of the cards: its
stability gives the interval and range, its id and review count the draw): where that was ``high + 1``, the card's
history is replayed (:meth:`Scheduler.replay_history`), and if the replay differs from the stored schedule only in
that due date, the card gets a ``reschedule`` schedule change: before = the replay, after = the schedule as stored,
so the student's due dates do not move and the history explains them. All in one transaction, with the marker;
other differences are left for Check to report. New collections get the marker at once (no log to replay).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from studyapp.core.clock import Clock
from studyapp.core.ids import new_id
from studyapp.core.model import ReviewEntry, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.fast_replay import DAY_MS, FastReplay
from studyapp.core.scheduling.scheduling import Scheduler, SchedulerConfig, fuzz_seed, merged_history
from studyapp.core.wording import plural
from studyapp.storage import Collection
from studyapp.storage.maintenance.check_store import CheckStore

RULES_SETTING = "scheduler.rules"
RULES = 2  # 1 (or none): fsrs's rounded fuzz; 2: the floor, logged days within range kept (the load balancer)


def upgrade_schedule_rules(collection: Collection, clock: Clock, rng: random.Random) -> str | None:
    """Bring a collection of older rules to these (see the module); the line to tell the student, or None when
    there was nothing to do."""
    if _rules(collection) >= RULES:
        return None
    store = CheckStore(collection.db)
    configs = {deck.id: deck.options.scheduler_config() for deck in collection.decks.all()}
    replays: dict[SchedulerConfig, tuple[FastReplay, Scheduler]] = {}

    def rules_of(deck_id: int) -> tuple[FastReplay, Scheduler]:
        config = configs.get(deck_id, SchedulerConfig())
        if config not in replays:
            replays[config] = (FastReplay(config), Scheduler(config))
        return replays[config]

    suspects = {
        card_id: deck_id
        for card_id, deck_id, stability, due, last, reps in store.review_cards()
        if _drawn_past_range(rules_of(deck_id)[0], card_id, stability, due, last, reps)
    }
    now = clock.now()
    changes = []
    for card in store.histories_of(sorted(suspects)):
        events = merged_history(card.answers, card.changes)
        if not events or not isinstance(events[-1], ReviewEntry):
            continue  # its last event is a schedule change, which set the due date itself
        try:
            replayed = rules_of(card.deck_id)[1].replay_history(card.card_id, events)
        except (ValueError, TypeError, ArithmeticError, AssertionError, KeyError):
            continue  # a damaged history: Check's to report
        if replayed != card.stored and _without_due(replayed) == _without_due(card.stored):
            latest = events[-1].reviewed_at
            moment = now if now > latest else latest + _MS
            changes.append(ScheduleChange(new_id(rng), card.card_id, moment, ScheduleChangeKind.RESCHEDULE,
                                          replayed, card.stored))  # fmt: skip
    with collection.transaction():
        collection.schedule_changes.record(changes)
        collection.set_setting(RULES_SETTING, RULES)
    if not changes:
        return None
    return (
        f"Scheduling rules updated: {plural(len(changes), 'card')} kept {'its' if len(changes) == 1 else 'their'} "
        "due date (logged as a reschedule; the fuzz no longer gives a day past its range)"
    )


_MS = timedelta(milliseconds=1)


def _rules(collection: Collection) -> int:
    value = collection.setting(RULES_SETTING, 1)
    return value if isinstance(value, int) else 1


def _drawn_past_range(fast: FastReplay, card_id: int, stability: Any, due: Any, last: Any, reps: Any) -> bool:
    """Whether a review card's stored due is the ``high + 1`` the first rules' fuzz drew for its last answer."""
    if not isinstance(stability, float) or not isinstance(due, int) or not isinstance(last, int):
        return False
    if not isinstance(reps, int) or reps < 1 or stability <= 0 or (due - last) % DAY_MS:
        return False
    days, low, high = fast.review_interval(stability)
    if days < 3 or (due - last) // DAY_MS != high + 1 or high >= fast.maximum_days:
        return False
    draw = random.Random(fuzz_seed(card_id, reps - 1)).random()
    return round(draw * (high - low + 1) + low) == high + 1


def _without_due(schedule: Schedule) -> Schedule:
    return Schedule(schedule.state, schedule.step, schedule.stability, schedule.difficulty, None,
                    schedule.last_review, schedule.reps, schedule.lapses)  # fmt: skip
