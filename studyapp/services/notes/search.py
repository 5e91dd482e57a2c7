"""Finding cards: the search behind the card browser and ``studyapp search``.

A search returns only the ordered ids of the matching cards (fast for 100,000 cards); the browser then
asks for the rows of the page it shows. The language is described in ``studyapp.core.search_query``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from studyapp.core.clock import Clock
from studyapp.core.model import CardState
from studyapp.core.render import card_text_faces
from studyapp.core.search_query import parse
from studyapp.core.search_tree import Query, SearchError, SortKey
from studyapp.services.decks.decks import study_day
from studyapp.storage import Collection, search_sql
from studyapp.storage.search_sql import FoundCard, SearchTime

__all__ = ["CardRow", "Query", "SearchError", "SortKey", "card_rows", "parse", "search_card_ids"]

TEXT_LIMIT = 200  # characters of the question and answer in a row


@dataclass(frozen=True)
class CardRow:
    """One line of the browser: a card, its note's text as plain one-line text, and its schedule."""

    card_id: int
    note_id: int
    question: str
    answer: str
    deck: str
    tags: str  # space-separated, as stored
    due: datetime | None
    interval_days: int | None  # review cards only
    stability: float | None
    difficulty: float | None
    retrievability: float | None  # now; None for a new card
    reviews: int
    lapses: int
    state: CardState
    suspended: bool
    buried: bool


def _search_time(collection: Collection, clock: Clock) -> SearchTime:
    start, end = study_day(collection, clock)
    local_start = start.astimezone(clock.local_zone())
    # The same local hour ``days`` days earlier (wall-clock arithmetic, so a daylight-saving change is kept).
    return SearchTime(clock.now(), end, lambda days: (local_start - timedelta(days=days)).astimezone(timezone.utc))


def search_card_ids(
    collection: Collection, clock: Clock, query: str, sort: SortKey = SortKey.ADDED, descending: bool = False
) -> list[int]:
    """Every card that ``query`` matches, in order. Raises :class:`SearchError` for a query it cannot read."""
    return search_sql.card_ids(collection.db, parse(query), _search_time(collection, clock), SortKey(sort), descending)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TEXT_LIMIT else line[: TEXT_LIMIT - 1] + "…"


def _row(found: FoundCard) -> CardRow:
    card = found.card
    question, answer = card_text_faces(card)
    schedule = card.schedule
    return CardRow(
        card_id=card.id,
        note_id=card.note_id,
        question=_one_line(question),
        answer=_one_line(answer),
        deck=found.deck,
        tags=found.tags,
        due=schedule.due,
        interval_days=found.interval_days,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        retrievability=found.retrievability,
        reviews=schedule.reps,
        lapses=schedule.lapses,
        state=schedule.state,
        suspended=found.suspended,
        buried=found.buried,
    )


def card_rows(collection: Collection, clock: Clock, card_ids: Sequence[int]) -> list[CardRow]:
    """The rows of these cards (one page: a few hundred), in the given order; ids no longer there are left out."""
    return [
        _row(found) for found in search_sql.found_cards(collection.db, card_ids, clock.now(), collection.notetypes.get)
    ]
