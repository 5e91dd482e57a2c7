"""Card info (I in the reviewer): when the card was added, first and last studied, its answers and lapses, its
memory state (stability, difficulty, retrievability now), its due date, and its review log, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from studyapp.core.clock import Clock
from studyapp.core.flags import flag_name
from studyapp.core.model import CardState, ReviewEntry, Schedule, ScheduleChange
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.storage import Collection
from studyapp.storage.review.card_marks_store import CardMarksStore


@dataclass(frozen=True)
class CardInfo:
    card_id: int
    note_id: int
    deck: str
    added: datetime
    schedule: Schedule
    retrievability: float | None
    flag: int
    suspended: bool
    answers: tuple[ReviewEntry, ...]  # in time order
    changes: tuple[ScheduleChange, ...]  # in time order

    @property
    def first_review(self) -> datetime | None:
        return self.answers[0].reviewed_at if self.answers else None

    @property
    def last_review(self) -> datetime | None:
        return self.answers[-1].reviewed_at if self.answers else None

    @property
    def state_name(self) -> str:
        return {CardState.NEW: "New", CardState.LEARNING: "Learning", CardState.REVIEW: "Review",
                CardState.RELEARNING: "Relearning"}[self.schedule.state]  # fmt: skip

    @property
    def flag_name(self) -> str:
        return flag_name(self.flag)


def card_info(collection: Collection, card_id: int, clock: Clock) -> CardInfo | None:
    """What is known of one card; None if there is no such card."""
    card = collection.reviews.card(card_id)
    note = collection.notes.of_card(card_id)
    store = CardMarksStore.of(collection)
    marks, added = store.marks(card_id), store.added(card_id)
    if card is None or note is None or marks is None or added is None:
        return None
    deck = collection.decks.get(card.deck_id)
    scheduler = Scheduler(deck.options.scheduler_config()) if deck is not None else Scheduler()
    return CardInfo(
        card_id=card.id,
        note_id=note.id,
        deck=deck.name if deck is not None else "?",
        added=added,
        schedule=card.schedule,
        retrievability=scheduler.retrievability(card.schedule, clock.now()),
        flag=marks.flag,
        suspended=marks.suspended,
        answers=tuple(collection.reviews.log(card_id)),
        changes=tuple(collection.schedule_changes.of_card(card_id)),
    )
