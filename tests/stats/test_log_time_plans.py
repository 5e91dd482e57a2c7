"""Every read of the review log over a span of time goes along an index, never a pass over the whole log.

Since schema version 10 the log has one index by time, (state before, time, ...) (``storage.review.log_times``):
an answer writes one page fewer than with the two indexes it replaced. A query over every answer in a span of
time must name the states to read that index as one range per state; one that forgets it reads the whole log
(a million rows: hundreds of ms for the deck list's "studied today"). Each such query of the app is run here
and SQLite's plan for it is checked.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.review.review import ReviewSession
from studyapp.storage.codec import to_ms
from studyapp.storage.maintenance.backup import latest_moment
from studyapp.storage.review.custom_study_store import cards_forgotten_since
from studyapp.storage.review.log_times import TIME_INDEX
from studyapp.storage.stats_store import StatsStore

DAY_MS = 86_400_000


def _traced(app: App) -> list[str]:
    """The statements that read the log by time, as the app runs them (parameters filled in)."""
    collection, now = app.collection, app.clock.now()
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    session = ReviewSession(collection, deck.id, app.clock, random.Random(2))
    for rating in (Rating.AGAIN, Rating.GOOD, Rating.EASY):
        assert session.next_card() is not None
        session.answer(rating)
    statements: list[str] = []
    conn = collection.db.conn
    conn.set_trace_callback(statements.append)
    try:
        end = to_ms(now + timedelta(hours=1))
        assert end is not None
        bounds = [end - (7 - i) * DAY_MS for i in range(8)]
        stats = StatsStore(collection.db)
        for decks in (None, [deck.id]):
            stats.answers_between(bounds[0], end, decks)
            stats.answers_per_day(bounds, decks)
            stats.retention_total(decks)
            stats.retention(bounds, decks)
        collection.decks.figures(now - timedelta(hours=8), now + timedelta(hours=16), [deck.id])
        collection.decks.figures(now - timedelta(hours=8), now + timedelta(hours=16), None)
        assert cards_forgotten_since(collection.db, [deck.id], now - timedelta(days=1), now, 50)
        assert collection.reviews.answer_span() is not None
        assert latest_moment(conn) is not None
    finally:
        conn.set_trace_callback(None)
    return [sql for sql in statements if "review_log" in sql and "reviewed_at" in sql]


def test_every_read_of_the_log_by_time_goes_along_an_index(app: App) -> None:
    statements = _traced(app)
    assert len(statements) >= 12
    conn = app.collection.db.conn
    for sql in statements:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        log_steps = [step for step in plan if step.split()[1:2] in (["r"], ["review_log"])]
        assert log_steps, (sql, plan)
        for step in log_steps:
            assert step.startswith("SEARCH") and "INDEX review_log_" in step, (sql, plan)
    by_time = [
        sql for sql in statements if TIME_INDEX in " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    ]
    assert len(by_time) >= 10


def test_a_query_that_does_not_name_the_states_would_read_the_whole_log(app: App) -> None:
    """The guard above can fail: without the states, a time range is a pass over the log."""
    conn = app.collection.db.conn
    plan = " ".join(
        row[3] for row in conn.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM review_log WHERE reviewed_at >= 5")
    )
    assert "SEARCH" not in plan and "SCAN" in plan


def test_a_backup_of_an_older_schema_is_read_along_its_own_time_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v9.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE review_log (id INTEGER PRIMARY KEY, card_id INTEGER, reviewed_at INTEGER, state_before INTEGER)"
    )
    conn.execute("CREATE INDEX review_log_time ON review_log (reviewed_at)")
    conn.executemany("INSERT INTO review_log VALUES (?, ?, ?, ?)", [(i, 1, 1000 + i, i % 4) for i in range(1, 50)])
    assert latest_moment(conn) == 1049 and latest_moment(conn, 1020) == 1020


def test_a_decks_answers_over_time_are_read_card_by_card(app: App) -> None:
    """A deck's span of answers goes along the (card, time) index: naming the states there would send it along the
    time index, checking every answer's card (a deck's year: 95 ms against 420 ms at a million answers)."""
    _traced(app)  # (some answers to read)
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    statements: list[str] = []
    conn = app.collection.db.conn
    conn.set_trace_callback(statements.append)
    try:
        stats = StatsStore(app.collection.db)
        end = to_ms(app.clock.now())
        assert end is not None
        stats.answers_between(end - 365 * DAY_MS, end, [deck.id])
        stats.answers_per_day([end - (30 - i) * DAY_MS for i in range(31)], [deck.id])
    finally:
        conn.set_trace_callback(None)
    by_time = [sql for sql in statements if "review_log" in sql and "reviewed_at" in sql]
    assert len(by_time) == 2
    for sql in by_time:
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "INDEX review_log_card_time" in plan and TIME_INDEX not in plan, plan
