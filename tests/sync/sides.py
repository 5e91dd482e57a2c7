"""The two sides of the collection-sync tests: studyapp's collection (``Here``) and helpers reading the other
device, an ``anki`` Collection syncing through the same real server (``EngineDevice``)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ReviewEntry, ReviewMode
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.sync.service import SyncAccount, log_in, sync
from studyapp.storage.collection import Collection
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice


def now() -> datetime:
    return datetime.now(timezone.utc)


class Here:
    """studyapp's side: a collection with a deck "Bio"."""

    def __init__(self, path: Path, server: SyncServer) -> None:
        self.collection = Collection.open(path)
        self.rng = random.Random(7)
        self.clock = FixedClock(now())
        self.deck = self.collection.decks.create(self.rng.getrandbits(63), "Bio", "", self.clock.now())
        self.account: SyncAccount = log_in(server.endpoint, server.user, server.password)

    def add(self, front: str, back: str, tags: tuple[str, ...] = ()) -> int:
        return add_note(self.collection, self.rng, self.clock, self.deck.id, NoteText(front, back, tags=tags)).note_id

    def sync(self, **kwargs: object):  # noqa: ANN201
        return sync(self.collection, None, self.account, now=now, **kwargs)  # type: ignore[arg-type]

    def answer_first(self, front: str, rating: Rating, at: datetime | None = None) -> None:
        """Answer the card of the note whose first field is ``front``, as the study session records an answer."""
        self.answer_card(self.card_of(front), rating, at)

    def answer_card(self, card_id: int, rating: Rating, at: datetime | None = None) -> None:
        """Answer a card, as the study session records an answer."""
        when = at or now()
        card = self.collection.reviews.card(card_id)
        assert card is not None
        after = Scheduler().answer(card.schedule, rating, when, random.Random(fuzz_seed(card.id, card.schedule.reps)))
        self.collection.reviews.record(
            ReviewEntry(self.rng.getrandbits(63), card.id, when, rating, 4000, ReviewMode.FLIP, card.schedule, after)
        )

    def card_of(self, front: str) -> int:
        row = self.collection.db.execute(
            "SELECT c.id FROM cards c JOIN notes n ON n.id = c.note_id WHERE n.front = ?", [front]
        ).fetchone()
        assert row is not None, front
        return row[0]

    def card(self, front: str) -> tuple:
        return self.collection.db.execute(
            "SELECT state, due, reps, lapses, stability FROM cards WHERE id = ?", [self.card_of(front)]
        ).fetchone()

    def fronts(self) -> set[str]:
        return {row[0] for row in self.collection.db.execute("SELECT front FROM notes")}

    def reviews(self, front: str) -> list[tuple[int, int]]:
        return self.collection.db.execute(
            "SELECT reviewed_at, rating FROM review_log WHERE card_id = ? ORDER BY reviewed_at", [self.card_of(front)]
        ).fetchall()

    def dump(self) -> tuple:
        one = self.collection.db.execute
        return tuple(
            one(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("notes", "cards", "review_log", "schedule_changes", "decks", "notetypes", "sync_notes")
        )


def engine_fronts(device: EngineDevice) -> set[str]:
    return {fields.split("\x1f")[0] for *_, fields in device.notes()}


def engine_card(device: EngineDevice, front: str) -> tuple:
    row = device.col.db.first(
        "SELECT c.id, c.type, c.queue, c.due, c.ivl, c.reps, c.lapses FROM cards c JOIN notes n ON n.id = c.nid "
        "WHERE n.flds LIKE ?",
        front + "\x1f%",
    )
    assert row is not None, front
    return tuple(row)


def engine_add_and_answer(device: EngineDevice, front: str, ratings: list[int], at: datetime) -> int:
    note = device.add_note(front, f"{front} back", deck="Bio")
    card = device.card_ids(note)[0]
    for index, rating in enumerate(ratings):
        device.answer(card, rating, at=at + timedelta(seconds=index))
    return card


def both_synced(here: Here, device: EngineDevice) -> None:
    here.sync()
    if device.sync() in ("full_sync", "full_download"):
        device.full_download()
