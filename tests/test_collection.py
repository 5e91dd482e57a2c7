"""The collection file: schema version, WAL, identity checks, append-only log, one transaction per answer."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.services.app import App
from studyapp.storage import Collection, CollectionError, StaleCardError
from studyapp.storage.schema import APPLICATION_ID, LATEST_VERSION


def test_schema_is_versioned_and_in_wal_mode(app: App, collection_path: Path) -> None:
    raw = sqlite3.connect(collection_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 1
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"decks", "notes", "cards", "review_log", "settings"} <= tables
    log_columns = {row[1] for row in raw.execute("PRAGMA table_info(review_log)")}
    assert {
        "card_id",
        "reviewed_at",
        "rating",
        "duration_ms",
        "mode",
        "state_before",
        "state_after",
        "stability_before",
        "stability_after",
        "due_before",
        "due_after",
    } <= log_columns
    raw.close()


def test_ids_are_random_63_bit_not_row_counters(app: App) -> None:
    ids = [row[0] for row in app.collection.db.execute("SELECT id FROM cards")]
    assert len(set(ids)) == 29
    assert all(0 < i < 2**63 for i in ids)
    assert max(ids) > 2**40  # not 1, 2, 3...


@pytest.mark.parametrize("content", [b"Just some notes\n", b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_a_file_that_is_not_a_collection_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(CollectionError, match="not a studyapp collection") as caught:
        Collection.open(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert path.read_bytes() == content


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    db = sqlite_utils.Database(path)
    db["contacts"].insert({"name": "Ada"})
    db.close()
    before = path.read_bytes()
    with pytest.raises(CollectionError, match="SQLite database but not a studyapp collection"):
        App.open(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_a_collection_from_a_newer_version_is_refused(collection_path: Path) -> None:
    Collection.open(collection_path).close()
    raw = sqlite3.connect(collection_path)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.close()
    with pytest.raises(CollectionError, match="newer studyapp"):
        Collection.open(collection_path)


def test_the_review_log_is_append_only(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    entry = session.answer(Rating.GOOD)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        app.collection.db.execute("UPDATE review_log SET rating = 1 WHERE id = ?", [entry.id])


def test_only_the_latest_answer_of_a_card_can_be_removed(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    first = session.answer(Rating.AGAIN)
    clock.advance(timedelta(minutes=2))
    assert session.next_card() == session.current and session.current.id == card.id
    session.answer(Rating.GOOD)
    with pytest.raises(sqlite3.IntegrityError, match="latest answer"):
        app.collection.db.execute("DELETE FROM review_log WHERE id = ?", [first.id])


def test_an_answer_that_fails_to_log_leaves_the_card_unchanged(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    # Make the log insert fail after the card update has run: the whole answer must roll back.
    app.collection.db.execute(
        "CREATE TRIGGER fail_log BEFORE INSERT ON review_log BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk trouble"):
        session.answer(Rating.GOOD)
    stored = app.collection.reviews.card(card.id)
    assert stored is not None and stored.schedule == card.schedule
    assert app.collection.reviews.log_count() == 0


def test_a_stale_card_is_not_overwritten(app: App, calcinosis_id: int, rng: random.Random) -> None:
    first = app.review_session(calcinosis_id)
    second = app.review_session(calcinosis_id)
    card = first.next_card()
    assert second.next_card() == card
    first.answer(Rating.GOOD)
    with pytest.raises(StaleCardError):
        second.answer(Rating.EASY)
    assert len(app.collection.reviews.log(card.id)) == 1


def test_reopening_keeps_all_progress(app: App, calcinosis_id: int, collection_path: Path, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    answered = [session.answer(rating) for rating in (Rating.GOOD, Rating.EASY, Rating.AGAIN)]
    cards = {e.card_id: app.collection.reviews.card(e.card_id) for e in answered}
    counts = app.deck_counts()
    app.close()
    reopened = App.open(collection_path, clock=clock, rng=random.Random(9))
    assert reopened.deck_counts() == counts
    assert sorted(reopened.collection.reviews.log(), key=lambda e: e.id) == sorted(answered, key=lambda e: e.id)
    for card_id, card in cards.items():
        assert reopened.collection.reviews.card(card_id) == card
    assert counts[0].new == 17 and counts[0].learning == 2
    reopened.close()


def test_stored_card_state_equals_the_replay_of_its_log(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    ratings = [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD, Rating.GOOD]
    for _day in range(12):
        for rating in ratings:
            if session.current is None:
                break
            session.answer(rating)
            clock.advance(timedelta(minutes=3))
        clock.advance(timedelta(days=1))
        session.next_card()
    scheduler = Scheduler()
    studied = {e.card_id for e in app.collection.reviews.log()}
    assert len(studied) > 10
    for card_id in studied:
        log = app.collection.reviews.log(card_id)
        card = app.collection.reviews.card(card_id)
        assert card is not None
        # (the replay of the log's answers, taking the days the load balancer chose as the log recorded them)
        assert scheduler.replay_history(card_id, log) == card.schedule
        assert [e.before for e in log[1:]] == [e.after for e in log[:-1]]
    assert any(app.collection.reviews.card(c).schedule.state is CardState.REVIEW for c in studied)
