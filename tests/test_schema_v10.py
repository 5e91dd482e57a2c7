"""Schema v10: the log's two indexes by time become one, (state before, time, ...). A version 9 collection opens
with every row as it was, the same answers counted by time and by state, and one index entry written per answer."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.review.review import ReviewSession
from studyapp.storage import Collection
from studyapp.storage.schema import LATEST_VERSION, MIGRATIONS
from tests.conftest import T0


def _log(db: sqlite3.Connection) -> list[tuple]:
    return db.execute("SELECT * FROM review_log ORDER BY id").fetchall()


def test_a_version_9_collection_keeps_its_log_and_reads_it_along_one_index(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    clock = FixedClock(T0)
    app = App.open(path, clock=clock, rng=random.Random(4))
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    session = ReviewSession(app.collection, deck.id, clock, random.Random(4))
    for rating in (Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.HARD):
        assert session.next_card() is not None
        session.answer(rating)
        clock.advance(timedelta(minutes=1))
    app.close()
    # Back to version 9: its two indexes by time instead of version 10's one.
    raw = sqlite3.connect(path)
    raw.execute("DROP INDEX review_log_state_time")
    raw.execute("CREATE INDEX review_log_time ON review_log (reviewed_at)")
    raw.execute(
        "CREATE INDEX review_log_review_answers ON review_log "
        "(reviewed_at, card_id, rating, due_before, last_review_before, stability_before) WHERE state_before = 2"
    )
    raw.execute("PRAGMA user_version = 9")
    raw.commit()
    rows = _log(raw)
    raw.close()
    assert len(rows) == 4 and len(MIGRATIONS) == LATEST_VERSION >= 10

    with Collection.open(path) as collection:
        assert collection.schema_version == LATEST_VERSION
        db = sqlite_utils.Database(collection.db.conn)
        assert _log(db.conn) == rows
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "review_log_state_time" in indexes and not {"review_log_time", "review_log_review_answers"} & indexes
        columns = [row[2] for row in db.execute("PRAGMA index_info(review_log_state_time)")]
        assert columns[:3] == ["state_before", "reviewed_at", "card_id"]
        span = collection.reviews.answer_span()
        assert span == (min(row[2] for row in rows), max(row[2] for row in rows))
