"""Recomputing cards' memory states and due dates from their history (Anki's "reschedule" after an optimize).

For every card of some decks that has a history, its answers are replayed with its deck's current
scheduler (parameters, desired retention, steps, maximum interval; the same seeded fuzz as the review
session), its resets applied. Where the result differs from the stored schedule, the card gets it, and
a ``reschedule`` change is logged with the schedule before and after, so the card's stored state still
follows from its history (answers and changes in time order). One transaction for all cards.
Cards that were never answered are left alone. The cards the new schedules make due at once (today or earlier,
not due before) are spread over the next days (:mod:`studyapp.services.workload.spread`), their spread due date in
the logged change.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studyapp.core.clock import Clock
from studyapp.core.ids import new_id
from studyapp.core.model import ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.core.wording import plural
from studyapp.services.gc_pause import cyclic_gc_paused
from studyapp.services.workload.spread import Spread, spread_changes
from studyapp.storage import Collection
from studyapp.storage.decks.deck_ops_store import DeckOpsStore
from studyapp.storage.review.schedule_changes_store import StaleScheduleError

__all__ = [
    "RescheduleError",
    "RescheduleResult",
    "StaleScheduleError",
    "reschedule_deck",
    "reschedule_decks",
    "reschedule_preset",
]


class RescheduleError(Exception):
    """The cards cannot be rescheduled; the message is one line for the user.

    (:class:`StaleScheduleError` too: a card was answered meanwhile, and nothing was written.)"""


@dataclass(frozen=True)
class RescheduleResult:
    decks: int  # decks whose cards were looked at
    cards: int  # cards with a history (answers or changes)
    changed: int  # cards whose stored schedule was replaced
    new_due: int  # of those, cards whose due date moved
    seconds: float
    spread: Spread = Spread()  # the cards made due at once that were given later days

    def __str__(self) -> str:
        due = f"{plural(self.new_due, 'card')} got a new due date"
        text = f"rescheduled {plural(self.cards, 'studied card')} in {plural(self.decks, 'deck')}: {due}"
        return f"{text}; {self.spread}" if self.spread.cards else text


def reschedule_decks(
    collection: Collection,
    rng: random.Random,
    clock: Clock,
    deck_ids: Sequence[int],
    check: Callable[[], None] | None = None,
) -> RescheduleResult:
    """Reschedule the cards of the decks ``deck_ids`` (each with its own deck's options), in one transaction.

    ``check`` is called every few hundred cards; an exception from it rolls everything back."""
    started = time.perf_counter()
    store = collection.schedule_changes
    now = clock.now()
    schedulers: dict[int, Scheduler] = {}
    decks = collection.decks.all()
    wanted = set(deck_ids)
    for deck in decks:
        if deck.id in wanted:
            schedulers[deck.id] = Scheduler(deck.options.scheduler_config())
    with cyclic_gc_paused(), collection.transaction():
        cards = store.card_schedules(list(schedulers))
        answers = store.answers_of_cards(list(cards))
        changes = store.of_cards(list(cards))
        planned: list[ScheduleChange] = []
        studied = 0
        for index, (card_id, (deck_id, stored)) in enumerate(cards.items()):
            if check is not None and index % 500 == 0:
                check()
            # Popped, not read: each card's log is freed as soon as it is replayed, a little at a time. Freed
            # all at once at the end (a million entries), it held the GIL, and a window, for most of a second.
            card_answers, card_changes = answers.pop(card_id, []), changes.pop(card_id, [])
            if not card_answers and not card_changes:
                continue
            studied += 1
            target = schedulers[deck_id].recompute(card_id, card_answers, card_changes)
            if target == stored:
                continue
            planned.append(ScheduleChange(new_id(rng), card_id, now, ScheduleChangeKind.RESCHEDULE, stored, target))
        planned, spread = spread_changes(collection, clock, planned, decks)
        new_due = sum(change.after.due != change.before.due for change in planned)
        store.apply(planned)
    return RescheduleResult(len(schedulers), studied, len(planned), new_due, time.perf_counter() - started, spread)


def reschedule_deck(collection: Collection, rng: random.Random, clock: Clock, deck_name: str) -> RescheduleResult:
    """Reschedule a deck and its subdecks."""
    deck_ids = DeckOpsStore(collection.db).subtree_ids(deck_name)
    if not deck_ids:
        raise RescheduleError(f"no deck named '{deck_name}'")
    return reschedule_decks(collection, rng, clock, deck_ids)


def decks_using_preset(collection: Collection, preset_id: int) -> list[int]:
    return [deck.id for deck in collection.decks.all() if deck.preset_id == preset_id]


def reschedule_preset(
    collection: Collection,
    rng: random.Random,
    clock: Clock,
    preset_id: int,
    check: Callable[[], None] | None = None,
) -> RescheduleResult:
    """Reschedule every deck that uses the preset (after its parameters or options changed)."""
    return reschedule_decks(collection, rng, clock, decks_using_preset(collection, preset_id), check)
