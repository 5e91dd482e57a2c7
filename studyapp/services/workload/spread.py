"""No avalanche after a reschedule: the cards it makes due at once are spread over the next days (issue 17).

A reschedule (Optimize's new parameters, a new desired retention or other options, Check's repair) gives each
card the schedule its history gives with the new rules; after a first Optimize that puts hundreds of cards on
today, five times a normal day. :func:`spread_changes` takes the planned changes before they are written: the
cards in review that they make due today or earlier, and that were not due today before (nor suspended), are
given days from today on by :func:`studyapp.core.scheduling.spreading.plan_spread`, per preset (the days' loads
are the preset's decks'), lowest predicted recall first. A moved card's change has the spread due date in its
``after``, so its stored schedule is still exactly the replay of its history (Check stays clean), and the next
reschedule works from its answers again. A card is never moved past its last review plus its deck's maximum
interval (Check would call that far ahead).

A day's load counts the studied, unsuspended cards due in it; days are counted from the start of today's study
day in whole days of 24 hours (a card due within an hour of the rollover on a day the clocks change may be
counted on the next day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studyapp.core.clock import Clock
from studyapp.core.model import CardState, ScheduleChange
from studyapp.core.scheduling.days import DAY_MS, day_bounds
from studyapp.core.scheduling.deck_options import Deck
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.core.scheduling.spreading import MAX_DAYS, RATIO, ordinary_day, plan_spread
from studyapp.core.wording import plural
from studyapp.services.decks.decks import rollover_hour
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms


@dataclass(frozen=True)
class Spread:
    """What :func:`spread_changes` did."""

    cards: int = 0  # cards given a later day than today
    days: int = 0  # the days they were spread over, today included
    cap: int = 0  # the most reviews a day was to hold (the largest, over the presets)

    def __str__(self) -> str:
        return (
            f"{plural(self.cards, 'card')} made due at once spread over {plural(self.days, 'day')} "
            f"(at most {self.cap:,} reviews a day, {RATIO:g} times an ordinary one)"
        )


def spread_changes(
    collection: Collection,
    clock: Clock,
    changes: Sequence[ScheduleChange],
    decks: Sequence[Deck] | None = None,
) -> tuple[list[ScheduleChange], Spread]:
    """The changes, those of the cards they make due at once given later days (see the module), and what was done.
    ``decks``: every deck of the collection (read if not given)."""
    now = clock.now()
    zone, hour = clock.local_zone(), rollover_hour(collection)
    day_start, day_end = day_bounds(now, zone, hour)
    due_at_once = {
        change.card_id
        for change in changes
        if change.after.state is CardState.REVIEW
        and change.after.due is not None
        and change.after.due < day_end
        and change.before.state is not CardState.NEW
        and change.before.due is not None
        and change.before.due >= day_end
    }
    if not due_at_once:
        return list(changes), Spread()
    all_decks = list(decks) if decks is not None else collection.decks.all()
    by_id = {deck.id: deck for deck in all_decks}
    preset_of = {deck.id: deck.preset_id if deck.preset_id is not None else -deck.id for deck in all_decks}
    dues = collection.schedule_changes.studied_dues(list(by_id))
    due_at_once &= set(dues)  # suspended cards are left where the reschedule put them
    presets = {preset_of[dues[card_id][0]] for card_id in due_at_once}
    dues_of: dict[int, list[tuple[int, int, int]]] = {preset: [] for preset in presets}  # (card, deck, due ms)
    for card_id, (deck_id, due_ms) in dues.items():
        if (preset := preset_of.get(deck_id)) in dues_of:
            dues_of[preset].append((card_id, deck_id, due_ms))
    after_of = {change.card_id: change.after for change in changes}
    start_ms = to_ms(day_start)
    assert start_ms is not None
    window = MAX_DAYS + 1

    def day_of(due_ms: int) -> int:
        return max(0, (due_ms - start_ms) // DAY_MS)

    moved: dict[int, datetime] = {}
    days_used, cap = 0, 0
    schedulers: dict[int, Scheduler] = {}
    for preset in presets:
        before, after = [0] * window, [0] * window
        recalls: list[tuple[int, float]] = []
        for card_id, deck_id, due_ms in dues_of[preset]:
            if (day := day_of(due_ms)) < window:
                before[day] += 1
            if card_id in due_at_once:
                if deck_id not in schedulers:
                    schedulers[deck_id] = Scheduler(by_id[deck_id].options.scheduler_config())
                recalls.append((card_id, schedulers[deck_id].retrievability(after_of[card_id], now) or 0.0))
                continue
            new = after_of.get(card_id)
            new_ms = due_ms if new is None else to_ms(new.due) if new.state is not CardState.NEW else None
            if new_ms is not None and (day := day_of(new_ms)) < window:
                after[day] += 1
        plan = plan_spread(recalls, after, ordinary_day(before, after), MAX_DAYS)
        for card_id, day in plan.days.items():
            schedule = after_of[card_id]
            due = day_bounds(day_start + timedelta(days=day, hours=12), zone, hour)[0]
            if schedule.last_review is not None:  # never further than its maximum interval allows
                maximum = by_id[dues[card_id][0]].options.maximum_interval_days
                due = min(due, schedule.last_review + timedelta(days=maximum))
            if day > 0 and due >= day_end:
                moved[card_id] = due
                days_used = max(days_used, day + 1)
        cap = max(cap, plan.cap)
    if not moved:
        return list(changes), Spread()
    result = [
        replace(change, after=replace(change.after, due=moved[change.card_id])) if change.card_id in moved else change
        for change in changes
    ]
    return result, Spread(len(moved), days_used, cap)
