"""An answer given to a card that is deleted before the next sync still reaches the server (Anki keeps the review
log of deleted cards too), and the sync after that has nothing left to send: no row waits forever, so the status
does not say "changed" for ever and every sync does not run a whole exchange for nothing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.sync.service import log_in, sync, sync_status
from studyapp.storage.collection import Collection
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice
from tests.sync.test_sync_crash import _answer


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _delete_note(collection: Collection, note_id: int) -> None:
    collection.db.execute("DELETE FROM cards WHERE note_id = ?", [note_id])
    collection.db.execute("DELETE FROM notes WHERE id = ?", [note_id])


def test_answers_of_deleted_cards_are_sent_once_and_then_nothing_is_pending(
    tmp_path: Path, sync_server: SyncServer
) -> None:
    collection = Collection.open(tmp_path / "here.db")
    try:
        rng, clock = random.Random(5), FixedClock(_now())
        deck = collection.decks.create(rng.getrandbits(63), "Bio", "", clock.now())
        synced, kept = (add_note(collection, rng, clock, deck.id, NoteText(f"q{n}", "a")).note_id for n in range(2))
        account = log_in(sync_server.endpoint, sync_server.user, sync_server.password)
        sync(collection, None, account, now=_now)
        never_synced = add_note(collection, rng, clock, deck.id, NoteText("new", "a")).note_id
        for note_id in (synced, never_synced, kept):
            card = collection.db.execute("SELECT id FROM cards WHERE note_id = ?", [note_id]).fetchone()[0]
            _answer(collection, rng, card, Rating.GOOD, _now() - timedelta(minutes=1))
        _delete_note(collection, synced)  # synced, then answered and deleted here
        _delete_note(collection, never_synced)  # answered and deleted before it ever reached the server
        summary = sync(collection, None, account, now=_now)
        assert summary.reviews_up == 3
        assert not sync_status(collection).changed_since
        assert sync(collection, None, account, now=_now).kind == "no_changes"
        # a full sync (a merge from the server's first usn) matches those rows: none goes twice
        assert sync(collection, None, account, now=_now, mode="full_download").reviews_up == 0
        assert not sync_status(collection).changed_since
    finally:
        collection.close()
    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        assert phone.sync() in ("full_sync", "full_download")
        phone.full_download()
        assert len(phone.revlog()) == 3
        assert len(phone.notes()) == 1
    finally:
        phone.close()


def test_answers_at_one_instant_to_cards_deleted_after_they_synced_are_matched_not_sent_again(
    tmp_path: Path, sync_server: SyncServer
) -> None:
    """Cards that went up, then were answered at the same millisecond and deleted here: their answers went up
    under the cards' Anki ids (gone with the cards), one moved to the next free millisecond. A merge from the
    server's first usn still finds each answer here, by time, button and duration: none goes up twice."""
    collection = Collection.open(tmp_path / "here.db")
    try:
        rng, clock = random.Random(8), FixedClock(_now())
        deck = collection.decks.create(rng.getrandbits(63), "Bio", "", clock.now())
        notes = [add_note(collection, rng, clock, deck.id, NoteText(f"q{n}", "a")).note_id for n in range(3)]
        account = log_in(sync_server.endpoint, sync_server.user, sync_server.password)
        sync(collection, None, account, now=_now)
        at = _now() - timedelta(minutes=1)
        for note_id in notes:
            card = collection.db.execute("SELECT id FROM cards WHERE note_id = ?", [note_id]).fetchone()[0]
            _answer(collection, rng, card, Rating.GOOD, at)  # one instant, three cards
        for note_id in notes[:2]:
            _delete_note(collection, note_id)
        assert sync(collection, None, account, now=_now).reviews_up == 3
        assert sync(collection, None, account, now=_now, mode="full_download").reviews_up == 0
        assert not sync_status(collection).changed_since
    finally:
        collection.close()
