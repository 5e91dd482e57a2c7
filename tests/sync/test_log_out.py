"""The answers a sync sends (``storage.sync.log_out``): read in Anki's form and mirrored by SQLite. Each answer
goes once, under its card's Anki id (the mirror's; a deleted card's grave id; ours for a card that never reached
the server), answers to a card the server has not had yet wait, an Anki id moved off a taken millisecond is the
one mirrored, and a whole collection's log is mirrored with the mirror's index made again after."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.storage.collection import Collection
from studyapp.storage.sync.log_out import UnsentLog
from studyapp.storage.sync.mirror_store import BULK_LOG_ROWS
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_card
from tests.sync.test_sync_crash import _answer

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def collection(tmp_path: Path) -> Collection:
    collection = Collection.open(tmp_path / "c.db")
    yield collection
    collection.close()


def _cards(collection: Collection, count: int) -> list[int]:
    rng, clock = random.Random(3), FixedClock(T0)
    deck = collection.decks.create(rng.getrandbits(63), "Bio", "", clock.now())
    notes = [add_note(collection, rng, clock, deck.id, NoteText(f"q{n}", "a")).note_id for n in range(count)]
    return [collection.db.execute("SELECT id FROM cards WHERE note_id = ?", [n]).fetchone()[0] for n in notes]


def _mirror_card(collection: Collection, anki_id: int, ours: int) -> None:
    collection.db.execute(
        "INSERT INTO sync_cards (anki_id, our_id, digest, mod, entry) VALUES (?, ?, '', 0, '[]')", [anki_id, ours]
    )


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def test_each_card_kind_and_a_moved_id(collection: Collection) -> None:
    mirrored, waiting, deleted, never = _cards(collection, 4)
    rng = random.Random(1)
    for card, rating in ((mirrored, Rating.GOOD), (waiting, Rating.AGAIN), (deleted, Rating.HARD), (never, 4)):
        _answer(collection, rng, card, Rating(rating), T0)
    _mirror_card(collection, 111, mirrored)  # on the server as 111; ``waiting`` is here only, not sent yet
    collection.db.execute("DELETE FROM cards WHERE id IN (?, ?)", [deleted, never])  # ``deleted`` was 222 there
    with collection.transaction():
        unsent = UnsentLog(collection.db, 17, {deleted: 222})
        assert unsent.count == 3  # the waiting card's answer is not among them
        entries = [entry for chunk in unsent.chunks(2) for entry in chunk]
        assert all(at == _ms(T0) for _place, at, _rest in entries)
        with unsent.mirroring():  # (moved: one ms for three; two chunks, the second before the first)
            unsent.mirror(entries[2][0], entries[-1][0], {entries[2][0]: _ms(T0) + 2})
            unsent.mirror(entries[0][0], entries[1][0], {entries[1][0]: _ms(T0) + 1})
        unsent.close()
    rows = [[at + n, *json.loads(rest)] for n, (_place, at, rest) in enumerate(entries)]  # as they went
    assert [row[0] for row in rows] == [_ms(T0), _ms(T0) + 1, _ms(T0) + 2]
    assert {row[1] for row in rows} == {111, 222, never} and {row[2] for row in rows} == {17}
    assert {row[3] for row in rows} == {int(Rating.GOOD), int(Rating.HARD), int(Rating.EASY)}
    mirror = collection.db.execute(
        "SELECT anki_id, card, usn, ease, ivl, last_ivl, factor, time, type FROM sync_revlog"
    )
    assert sorted(mirror.fetchall()) == sorted(map(tuple, rows))  # the mirror holds what went
    sent = collection.db.execute("SELECT id FROM review_log WHERE card_id != ?", [waiting]).fetchall()
    assert {row[0] for row in collection.db.execute("SELECT our_id FROM sync_revlog")} == {row[0] for row in sent}
    # nothing is left to send, and the temporary tables are empty again
    again = UnsentLog(collection.db, 18, {})
    assert again.count == 0
    again.close()
    for table in ("sync_out", "sync_gone"):
        assert collection.db.execute(f"SELECT count(*) FROM temp.{table}").fetchone()[0] == 0


def test_a_whole_log_is_mirrored_with_its_index_made_again(collection: Collection) -> None:
    (card,) = _cards(collection, 1)
    _answer(collection, random.Random(2), card, Rating.GOOD, T0)
    _mirror_card(collection, 5, card)
    count = BULK_LOG_ROWS + 5
    collection.db.execute(  # the one answer copied, a millisecond apart each, as one card's long history
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO review_log SELECT r.id + n.i, r.card_id, r.reviewed_at + n.i, "
        + ", ".join(f"r.{name}" for name in _log_columns(collection)[3:])
        + " FROM review_log r, n",
        [count - 1],
    )
    with collection.transaction():
        unsent = UnsentLog(collection.db, 3, {})
        with unsent.mirroring():
            sent = []
            for chunk in unsent.chunks(250):
                sent += chunk
                unsent.mirror(chunk[0][0], chunk[-1][0], {})
            assert not collection.db.execute(  # set aside while the chunks go
                "SELECT 1 FROM sqlite_master WHERE name = 'sync_revlog_ours'"
            ).fetchone()
        unsent.close()
    assert len(sent) == count
    assert collection.db.execute("SELECT count(*) FROM sync_revlog").fetchone()[0] == count
    plan = collection.db.execute("EXPLAIN QUERY PLAN SELECT 1 FROM sync_revlog WHERE our_id = ?", [1])
    assert "sync_revlog_ours" in " ".join(str(step) for step in plan.fetchall())


def _log_columns(collection: Collection) -> list[str]:
    return [row[1] for row in collection.db.execute("PRAGMA table_info(review_log)")]


def test_answers_at_one_millisecond_reach_the_server_under_distinct_ids(here: Here, device: EngineDevice) -> None:
    for front in ("one", "two", "three"):
        here.add(front, "back")
    here.sync()
    assert device.sync() in ("full_sync", "full_download")
    device.full_download()
    at = (datetime.now(timezone.utc) - timedelta(minutes=5)).replace(microsecond=0)
    device.answer(engine_card(device, "one")[0], 3, at=at)  # the server's row takes the millisecond
    device.sync()
    here.answer_first("two", Rating.GOOD, at)
    here.answer_first("three", Rating.AGAIN, at)  # the same millisecond again

    summary = here.sync()

    assert (summary.reviews_down, summary.reviews_up) == (1, 2)
    assert here.sync().kind == "no_changes"  # both mirrored under the ids they went with: nothing waits
    device.sync()
    ids = [row[0] for row in device.revlog()]
    assert ids == [_ms(at), _ms(at) + 1, _ms(at) + 2]
    assert len({row[1] for row in device.revlog()}) == 3  # three cards
