"""Fixtures for the browser's service tests: the Calcinosis deck with some progress, and a snapshot of it."""

from __future__ import annotations

from typing import Any

import pytest

from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.notes.browser_actions import BrowserActions

TABLES = ("decks", "notes", "cards", "review_log", "notes_fts")


def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the browser can touch, in a fixed order (tests may read SQL directly)."""
    db = app.collection.db
    return {
        table: sorted(tuple(row) for row in db.execute(f"SELECT rowid, * FROM {table}"))  # noqa: S608 - fixed names
        for table in TABLES
    }


def card_ids(app: App) -> list[int]:
    return [row[0] for row in app.collection.db.execute("SELECT id FROM cards ORDER BY position, id")]


@pytest.fixture
def studied(app: App, calcinosis_id: int) -> App:
    """Five cards answered (so they have progress and log rows), one suspended."""
    session = app.review_session(calcinosis_id)
    for rating in (Rating.GOOD, Rating.EASY, Rating.AGAIN, Rating.GOOD, Rating.HARD):
        assert session.next_card() is not None
        session.answer(rating, 1000)
    app.collection.db.execute("UPDATE cards SET suspended = 1 WHERE id = ?", [card_ids(app)[-1]])
    app.collection.db.conn.commit()
    return app


@pytest.fixture
def actions(studied: App) -> BrowserActions:
    return BrowserActions(studied.collection, studied.clock, studied.rng)
