"""The deck list with today's counts."""

from __future__ import annotations

from datetime import datetime

from studyapp.core.clock import Clock
from studyapp.core.model import DeckCounts
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR, day_bounds
from studyapp.core.scheduling.deck_options import Deck
from studyapp.core.scheduling.limits import remaining
from studyapp.services.decks.limit_extensions import extended_figures
from studyapp.storage import Collection

ROLLOVER_SETTING = "rollover_hour"


def find_deck(collection: Collection, name: str) -> Deck | None:
    """A deck by its exact name, or else by a case-insensitive match."""
    deck = collection.decks.by_name(name)
    if deck is None:
        matches = [d for d in collection.decks.all() if d.name.casefold() == name.casefold()]
        deck = matches[0] if len(matches) == 1 else None
    return deck


def rollover_hour(collection: Collection) -> int:
    """The local hour at which the collection's study day starts."""
    return int(collection.setting(ROLLOVER_SETTING, DEFAULT_ROLLOVER_HOUR))


def study_day(collection: Collection, clock: Clock) -> tuple[datetime, datetime]:
    """The UTC start and end of today's study day, under the collection's rollover hour."""
    return day_bounds(clock.now(), clock.local_zone(), rollover_hour(collection))


def deck_counts(collection: Collection, clock: Clock) -> list[DeckCounts]:
    """Each deck's New, Learning and Due counts for today, under its daily limits (with today's extensions), and
    its total."""
    start, end = study_day(collection, clock)
    return [
        DeckCounts(
            deck_id=f.deck.id,
            name=f.deck.name,
            new=remaining(f.new_available, f.deck.new_per_day, f.new_studied_today),
            learning=f.learning_due_today,
            due=remaining(f.review_due_today, f.deck.reviews_per_day, f.reviews_studied_today),
            total=f.total,
        )
        for f in extended_figures(collection, start, collection.decks.figures(start, end))
    ]
