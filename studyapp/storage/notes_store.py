"""Notes and their cards: adding and updating them from imported drafts."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from studyapp.core.drafts import NoteDraft
from studyapp.core.ids import new_id
from studyapp.storage.codec import to_ms

_CHUNK = 500  # stay well below SQLite's limit on bound parameters


@dataclass(frozen=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


class NoteStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM notes").fetchone()[0])

    def _existing(self, guids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(guids), _CHUNK):
            chunk = list(guids[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            for row in self._db.query(f"SELECT id, guid, front, back, tags FROM notes WHERE guid IN ({marks})", chunk):
                found[row["guid"]] = row
        return found

    def upsert(self, deck_id: int, drafts: Sequence[NoteDraft], rng: random.Random, now: datetime) -> UpsertCounts:
        """Add new notes (one card each, at the end of the deck's order) and update changed ones.

        A note is matched by its guid. An updated note keeps its cards, so their progress is kept.
        Call inside a transaction.
        """
        existing = self._existing([draft.guid for draft in drafts])
        stamp = to_ms(now)
        position = self._next_position(deck_id)
        new_notes: list[dict[str, Any]] = []
        new_cards: list[dict[str, Any]] = []
        updated = unchanged = 0
        for draft in drafts:
            tags = " ".join(draft.tags)
            row = existing.get(draft.guid)
            if row is None:
                note_id = new_id(rng)
                new_notes.append(
                    {
                        "id": note_id,
                        "guid": draft.guid,
                        "deck_id": deck_id,
                        "front": draft.front,
                        "back": draft.back,
                        "tags": tags,
                        "created_at": stamp,
                        "modified_at": stamp,
                    }
                )
                new_cards.append(
                    {
                        "id": new_id(rng),
                        "note_id": note_id,
                        "deck_id": deck_id,
                        "ord": 0,
                        "position": position,
                    }
                )
                position += 1
            elif (row["front"], row["back"], row["tags"]) != (draft.front, draft.back, tags):
                self._db["notes"].update(
                    row["id"], {"front": draft.front, "back": draft.back, "tags": tags, "modified_at": stamp}
                )
                updated += 1
            else:
                unchanged += 1
        self._db["notes"].insert_all(new_notes, batch_size=_CHUNK)
        self._db["cards"].insert_all(new_cards, batch_size=_CHUNK)
        return UpsertCounts(new=len(new_notes), updated=updated, unchanged=unchanged)

    def _next_position(self, deck_id: int) -> int:
        row = self._db.execute("SELECT max(position) FROM cards WHERE deck_id = ?", [deck_id]).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1
