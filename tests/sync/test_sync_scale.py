"""10,000 notes and 200,000 review-log rows through the real `anki.syncserver`, up and down, nothing lost.

studyapp's first sync sends the whole generated collection (``benchmarks/generate.py``) to an empty account; the
`anki` engine (a phone) takes it with a full download and holds the same notes, cards and review-log rows; a new
studyapp collection then receives all of it by the normal exchange. Each sync passes the server's sanity check (a
sync whose counts disagree raises), and a sync after that finds nothing to do. Also: ``benchmarks/sync_speed.py``
runs end to end at a tiny size, so the benchmark cannot rot (no time is asserted).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from studyapp.services.sync.service import log_in, sync
from studyapp.storage.collection import Collection
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402
import sync_speed  # noqa: E402

NOTES, REVIEWS = 10_000, 200_000


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _counts(collection: Collection) -> tuple[int, int, int]:
    one = collection.db.execute
    log = (
        one("SELECT count(*) FROM review_log").fetchone()[0]
        + one("SELECT count(*) FROM schedule_changes").fetchone()[0]
    )
    return one("SELECT count(*) FROM notes").fetchone()[0], one("SELECT count(*) FROM cards").fetchone()[0], log


def _unused_share(collection: Collection, table: str) -> float:
    """The share of a table's pages that holds nothing (SQLite's ``dbstat``)."""
    unused, size = collection.db.execute(
        "SELECT sum(unused), sum(pgsize) FROM dbstat WHERE name = ?", [table]
    ).fetchone()
    return float(unused) / float(size)


@pytest.mark.slow
def test_ten_thousand_notes_and_their_200k_reviews_go_up_and_come_down_whole(
    tmp_path: Path, sync_server: SyncServer
) -> None:
    generate.generate(tmp_path / "ours.db", NOTES, REVIEWS, decks=10)
    account = log_in(sync_server.endpoint, sync_server.user, sync_server.password)
    ours = Collection.open(tmp_path / "ours.db")
    try:
        expected = _counts(ours)
        assert expected == (NOTES, NOTES, REVIEWS)
        up = sync(ours, None, account, now=_now)
        assert (up.kind, up.notes_up, up.cards_up, up.reviews_up) == ("first", NOTES, NOTES, REVIEWS)
        assert sync(ours, None, account, now=_now).kind == "no_changes"
        assert _counts(ours) == expected
    finally:
        ours.close()

    phone = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        assert phone.sync() in ("full_sync", "full_download")
        phone.full_download()
        db = phone.col.db
        assert (db.scalar("SELECT count(*) FROM notes"), db.scalar("SELECT count(*) FROM cards"),
                db.scalar("SELECT count(*) FROM revlog")) == expected  # fmt: skip
        assert db.scalar("SELECT count(DISTINCT guid) FROM notes") == NOTES
    finally:
        phone.close()

    other = Collection.open(tmp_path / "other.db")
    try:
        down = sync(other, None, account, now=_now)
        assert (down.kind, down.notes_down, down.cards_down, down.reviews_down) == ("first", NOTES, NOTES, REVIEWS)
        assert down.notes == ()  # nothing skipped
        assert _counts(other) == expected
        twice = other.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM review_log GROUP BY card_id, reviewed_at HAVING count(*) > 1)"
        ).fetchone()[0]
        assert twice == 0
        # written in id order, each table's B-tree appended to: its pages full, not half empty from splits
        for table in ("notes", "cards", "review_log", "sync_notes", "sync_cards", "sync_revlog"):
            assert _unused_share(other, table) < 0.2, table
        assert sync(other, None, account, now=_now).kind == "no_changes"
    finally:
        other.close()


def test_the_sync_benchmark_at_a_tiny_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        sync_speed,
        "_ensure",
        lambda cards, reviews: generate.ensure(cards, reviews, seed=5, decks=3, out=tmp_path / "d"),
    )
    up, down, wire, memory = sync_speed.measure(60, 600, 1, tmp_path / "work", log=lambda line: None)
    assert (up.operation, down.operation, wire.operation, memory.operation) == (
        sync_speed.UP, sync_speed.DOWN, sync_speed.WIRE, sync_speed.MEMORY,
    )  # fmt: skip
    for result in (up, down):
        assert len(result.studyapp) == len(result.anki or []) == 1 and result.met in (True, False)
        assert "ours 60/60/600, engine 60/60/600" in result.note, result.note
    # the floor: every row the server holds (60 notes, 60 cards, 600 answers) read, for the record only
    assert wire.anki is None and wire.met is None and "(720 rows)" in wire.note, wire.note
    assert 0 < wire.studyapp[0] < down.studyapp[0]
    assert memory.studyapp[0] > 0


def test_the_mirror_writes_replayed_answers_exactly_as_the_review_log_reads_them(tmp_path: Path) -> None:
    """``ReplayLog.insert_log`` (tuples in one executemany, for speed) stores what ``reviews.log`` gives back."""
    import random
    from datetime import timedelta

    from studyapp.core.clock import FixedClock
    from studyapp.core.model import Rating, ReviewEntry, ReviewMode, Schedule
    from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed
    from studyapp.services.notes.notes import NoteText, add_note
    from studyapp.storage.sync.replay_log import ReplayLog

    collection = Collection.open(tmp_path / "c.db")
    try:
        rng, at = random.Random(3), datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
        deck = collection.decks.create(rng.getrandbits(63), "Bio", "", at)
        add_note(collection, rng, FixedClock(at), deck.id, NoteText("q", "a"))
        card_id = collection.db.execute("SELECT id FROM cards").fetchone()[0]
        schedule, entries = Schedule(), []
        for number, rating in enumerate([Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.EASY]):
            when = at + timedelta(days=number * 3, milliseconds=number * 7)
            after = Scheduler().answer(schedule, rating, when, random.Random(fuzz_seed(card_id, schedule.reps)))
            mode = ReviewMode.FLIP if number % 2 else ReviewMode.TYPE
            taken = 1234 * number
            entries.append(ReviewEntry(rng.getrandbits(63), card_id, when, rating, taken, mode, schedule, after))
            schedule = after
        with collection.transaction():
            ReplayLog(collection.db).insert_log(entries)
        assert collection.reviews.log(card_id) == entries
    finally:
        collection.close()
