"""Shared fixtures. Qt runs offscreen; time and randomness are fixed; every test has its own collection."""

from __future__ import annotations

import os

# Before anything imports Qt: the offscreen platform, with one screen the size of a laptop's (1440x900;
# STUDYAPP_TEST_SCREEN=1024x640 gives the small one, see tests/gui/test_windows_fit.py).
os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(
    os.path.dirname(__file__), "screens", os.environ.get("STUDYAPP_TEST_SCREEN", "1440x900") + ".json"
)

import hashlib
import random
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings

from studyapp.core.clock import FixedClock
from studyapp.services.app import App

# Property tests: no per-example deadline (a loaded 2-core CI machine is slow at times), and in CI a
# fixed sequence of examples, so a run there can be repeated exactly. Locally they explore afresh.
settings.register_profile("studyapp", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("studyapp")

# A fixed instant: Sunday 1 March 2026, 12:00 UTC, well away from the 04:00 day boundary.
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
REPO = Path(__file__).resolve().parent.parent
SEED_DECK = REPO / "decks" / "calcinosis.txt"


def collection_fingerprint(path: Path) -> str:
    """A hash of every row of every table of the collection file: equal means nothing changed."""
    conn = sqlite3.connect(path)
    rows = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        rows.extend(f"{table}:{row}" for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"))
    conn.close()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20260301)


@pytest.fixture
def collection_path(tmp_path: Path) -> Path:
    return tmp_path / "collection.db"


@pytest.fixture
def app(collection_path: Path, clock: FixedClock, rng: random.Random) -> Iterator[App]:
    """A fresh collection with the bundled decks loaded, at a fixed time."""
    opened = App.open(collection_path, clock=clock, rng=rng)
    yield opened
    opened.close()


@pytest.fixture
def calcinosis_id(app: App) -> int:
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    return deck.id
