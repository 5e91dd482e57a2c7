"""Decks and the figures of the deck list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from studyapp.core.model import CardState, Deck
from studyapp.storage.codec import to_ms

_LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))


@dataclass(frozen=True)
class DeckFigures:
    """Raw per-deck counts, before the daily limits are applied."""

    deck: Deck
    new_available: int
    learning_due_today: int
    review_due_today: int
    total: int
    new_studied_today: int
    reviews_studied_today: int


def _deck(row: Any) -> Deck:
    return Deck(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        new_per_day=row["new_per_day"],
        reviews_per_day=row["reviews_per_day"],
    )


class DeckStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def all(self) -> list[Deck]:
        return [_deck(row) for row in self._db.query("SELECT * FROM decks ORDER BY name COLLATE NOCASE")]

    def get(self, deck_id: int) -> Deck | None:
        rows = list(self._db.query("SELECT * FROM decks WHERE id = ?", [deck_id]))
        return _deck(rows[0]) if rows else None

    def by_name(self, name: str) -> Deck | None:
        rows = list(self._db.query("SELECT * FROM decks WHERE name = ?", [name]))
        return _deck(rows[0]) if rows else None

    def create(self, deck_id: int, name: str, description: str, now: datetime) -> Deck:
        self._db["decks"].insert({"id": deck_id, "name": name, "description": description, "created_at": to_ms(now)})
        deck = self.get(deck_id)
        assert deck is not None
        return deck

    def set_description(self, deck_id: int, description: str) -> None:
        self._db["decks"].update(deck_id, {"description": description})

    def figures(self, day_start: datetime, day_end: datetime, deck_id: int | None = None) -> list[DeckFigures]:
        """Each deck's counts for the study day ``[day_start, day_end)``, in two aggregate queries.

        With ``deck_id``, only that deck's (the reviewer asks after every answer).
        """
        end = to_ms(day_end)
        cards_where = "WHERE deck_id = :deck" if deck_id is not None else ""
        log_where = "AND c.deck_id = :deck" if deck_id is not None else ""
        card_counts = {
            row[0]: row[1:]
            for row in self._db.execute(
                f"""SELECT deck_id,
                          sum(state = {int(CardState.NEW)}),
                          sum(state IN {_LEARNING_STATES} AND due < :end),
                          sum(state = {int(CardState.REVIEW)} AND due < :end),
                          count(*)
                   FROM cards {cards_where} GROUP BY deck_id""",
                {"end": end, "deck": deck_id},
            )
        }
        studied = {
            row[0]: row[1:]
            for row in self._db.execute(
                f"""SELECT c.deck_id,
                          sum(r.state_before = {int(CardState.NEW)}),
                          sum(r.state_before = {int(CardState.REVIEW)})
                   FROM review_log r JOIN cards c ON c.id = r.card_id
                   WHERE r.reviewed_at >= :start {log_where}
                   GROUP BY c.deck_id""",
                {"start": to_ms(day_start), "deck": deck_id},
            )
        }
        decks = self.all() if deck_id is None else [d for d in [self.get(deck_id)] if d is not None]
        result = []
        for deck in decks:
            new, learning, review, total = card_counts.get(deck.id, (0, 0, 0, 0))
            new_done, reviews_done = studied.get(deck.id, (0, 0))
            result.append(DeckFigures(deck, new, learning, review, total, new_done, reviews_done))
        return result
