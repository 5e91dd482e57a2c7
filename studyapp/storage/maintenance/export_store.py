"""What an export reads that no other feature does: every card of some notes, with its deck, position,
suspension and stored schedule (the review log and schedule changes come from ``ScheduleChangeStore``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from studyapp.core.model import Schedule
from studyapp.storage.codec import SCHEDULE_FIELDS, schedule_from_row

_CHUNK = 5000


@dataclass(frozen=True)
class StoredCard:
    id: int
    note_id: int
    deck_id: int
    ord: int
    position: int
    suspended: bool
    schedule: Schedule
    flag: int = 0


def cards_of_notes(db: sqlite_utils.Database, note_ids: Sequence[int]) -> dict[int, list[StoredCard]]:
    """``note id -> its cards`` by ord (notes without cards are left out)."""
    found: dict[int, list[StoredCard]] = {}
    columns = ", ".join(("id", "note_id", "deck_id", "ord", "position", "suspended", "flag", *SCHEDULE_FIELDS))
    ids = list(note_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = f"SELECT {columns} FROM cards WHERE note_id IN ({','.join('?' * len(chunk))}) ORDER BY note_id, ord"
        for row in db.query(query, chunk):
            card = StoredCard(row["id"], row["note_id"], row["deck_id"], row["ord"], row["position"],
                              bool(row["suspended"]), schedule_from_row(row), int(row["flag"]))  # fmt: skip
            found.setdefault(card.note_id, []).append(card)
    return found
