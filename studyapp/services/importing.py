"""Importing a deck file into the collection: parse first, then write everything in one transaction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from studyapp.core.clock import Clock
from studyapp.core.drafts import ImportDraft
from studyapp.core.ids import new_id
from studyapp.core.model import Deck
from studyapp.importers.plaintext_qa import read_qa
from studyapp.storage import Collection


@dataclass(frozen=True)
class ImportSummary:
    deck: str
    new: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.deck}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged"


def store_draft(collection: Collection, draft: ImportDraft, rng: random.Random, clock: Clock) -> ImportSummary:
    """Write a parsed deck: create the deck if needed, add new notes, update changed ones."""
    now = clock.now()
    with collection.transaction():
        deck: Deck | None = collection.decks.by_name(draft.name)
        if deck is None:
            deck = collection.decks.create(new_id(rng), draft.name, draft.description, now)
        elif draft.description and draft.description != deck.description:
            collection.decks.set_description(deck.id, draft.description)
        counts = collection.notes.upsert(deck.id, draft.notes, rng, now)
    return ImportSummary(draft.name, counts.new, counts.updated, counts.unchanged)


def import_file(
    collection: Collection, path: Path, rng: random.Random, clock: Clock, deck_name: str | None = None
) -> ImportSummary:
    """Import a plain-text Q&A file. A bad file raises ``ImportFailure`` before anything is written."""
    draft = read_qa(Path(path), deck_name)
    return store_draft(collection, draft, rng, clock)
