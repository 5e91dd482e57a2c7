"""What the quiz modes read: every card of some decks with its note's text (for their expected answers)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from studyapp.core.model import Card, NoteKind
from studyapp.storage.review.card_rows import NotetypeLookup, _note_fields


class QuizStore:
    def __init__(self, db: sqlite_utils.Database, notetypes: NotetypeLookup | None = None) -> None:
        self._db = db
        self._notetypes = notetypes or (lambda notetype_id: None)

    def cards_text(self, deck_ids: Sequence[int]) -> list[Card]:
        """The cards of these decks with their notes' text (schedules left at their defaults), in a fixed order."""
        if not deck_ids:
            return []
        marks = ",".join("?" * len(deck_ids))
        query = (
            "SELECT c.id, c.note_id, c.deck_id, c.ord, n.front, n.back, n.kind, n.html, n.rest, n.notetype_id "
            f"FROM cards c JOIN notes n ON n.id = c.note_id WHERE c.deck_id IN ({marks}) ORDER BY c.id"
        )
        cards = []
        for row in self._db.execute(query, [int(deck_id) for deck_id in deck_ids]):
            notetype = self._notetypes(row[9]) if row[9] is not None else None
            cards.append(
                Card(
                    id=row[0],
                    note_id=row[1],
                    deck_id=row[2],
                    ord=row[3],
                    front=row[4],
                    back=row[5],
                    kind=NoteKind(row[6]),
                    html=bool(row[7]),
                    fields=_note_fields(notetype, row[4], row[5], row[8]),
                    notetype=notetype,
                )
            )
        return cards
