"""Finding cards: the search behind the card browser and ``studyapp search``.

A search returns only the ordered ids of the matching cards (fast for 100,000 cards); the browser then
asks for the rows of the page it shows. The language is described in ``studyapp.core.search.search_query``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from studyapp.core.clock import Clock
from studyapp.core.model import Card, CardState
from studyapp.core.search.search_query import parse
from studyapp.core.search.search_tree import Query, SearchError, SortKey
from studyapp.core.text.plain_text import html_to_text
from studyapp.core.text.render import card_text_faces, notetype_of
from studyapp.services.decks.decks import study_day
from studyapp.storage import Collection
from studyapp.storage.search import search_sql
from studyapp.storage.search.search_sql import FoundCard, SearchTime

__all__ = ["CardRow", "Query", "SearchError", "SortKey", "card_rows", "parse", "search_card_ids"]

TEXT_LIMIT = 200  # characters of the question, answer and sort field in a row
ROW_RAW_CHARS = 4_000  # of each field, read to make a row's question and answer (a 10 MB field costs no more)


@dataclass(frozen=True)
class CardRow:
    """One line of the browser: a card, its note's text as plain one-line text, and its schedule."""

    card_id: int
    note_id: int
    question: str  # the card's question side, rendered from its template, as plain text
    answer: str  # its answer side (without the question it repeats)
    sort_field: str  # the note type's sort field, as plain text
    notetype: str  # the note type's name
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
    fields: tuple[tuple[str, str], ...] = ()  # (name, text as stored) of every field, if asked for
    new_position: int | None = None  # a new card's place in its deck's new-card order, from 1 (Anki's "New #")


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


def _plain(text: str, is_html: bool) -> str:
    return html_to_text(text[:ROW_RAW_CHARS]) if is_html else text[:ROW_RAW_CHARS]


def _head(card: Card) -> Card:
    """The card with each field cut to ``ROW_RAW_CHARS``: what its row is rendered from."""
    if all(len(text) <= ROW_RAW_CHARS for text in (card.front, card.back, *card.fields)):
        return card
    return replace(
        card,
        front=card.front[:ROW_RAW_CHARS],
        back=card.back[:ROW_RAW_CHARS],
        fields=tuple(text[:ROW_RAW_CHARS] for text in card.fields),
    )


def _row(found: FoundCard, with_fields: bool) -> CardRow:
    card = found.card
    question, answer = card_text_faces(_head(card))
    notetype = notetype_of(card)
    values = card.all_fields
    sort_index = notetype.sort_field if 0 <= notetype.sort_field < len(values) else 0
    fields = ()
    if with_fields:
        names = notetype.field_names
        fields = tuple(
            (names[i] if i < len(names) else f"Field {i + 1}", values[i] if i < len(values) else "")
            for i in range(max(len(names), len(values)))
        )
    schedule = card.schedule
    return CardRow(
        card_id=card.id,
        note_id=card.note_id,
        question=_one_line(question),
        answer=_one_line(answer),
        sort_field=_one_line(_plain(values[sort_index], card.html)) if values else "",
        notetype=notetype.name,
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
        fields=fields,
        new_position=found.position + 1 if schedule.state is CardState.NEW else None,
    )


def card_rows(
    collection: Collection, clock: Clock, card_ids: Sequence[int], with_fields: bool = False
) -> list[CardRow]:
    """The rows of these cards (one page: a few hundred), in the given order; ids no longer there are left out.
    ``with_fields``: each row also holds every field of its note, in full, by name."""
    found = search_sql.found_cards(collection.db, card_ids, clock.now(), collection.notetypes.get)
    return [_row(card, with_fields) for card in found]
