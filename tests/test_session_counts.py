"""A study session keeps today's counts and its queues up to date answer by answer, instead of reading them
again: after every answer they must be exactly what a fresh read of the collection gives."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating
from studyapp.services.decks.decks import ROLLOVER_SETTING
from studyapp.services.review.review import ReviewSession
from studyapp.storage import Collection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import generate  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("session") / "collection.db"
    generate.generate(path, 400, 4000, seed=11, decks=12)
    return path


def _open(source: Path, tmp_path: Path, limit: int) -> Collection:
    path = tmp_path / "copy.db"
    path.write_bytes(source.read_bytes())
    collection = Collection.open(path)
    with collection.transaction():
        for preset in collection.presets.all():
            collection.presets.update(preset.id, preset.name, replace(preset.options, new_per_day=limit))
    return collection


@pytest.mark.parametrize("limit", [5, 9999])
def test_counts_and_cards_match_a_fresh_read_after_every_answer(generated: Path, tmp_path: Path, limit: int) -> None:
    collection = _open(generated, tmp_path, limit)
    clock = FixedClock(generate.NOW)
    deck = collection.decks.by_name("Medicine")
    assert deck is not None
    session = ReviewSession(collection, deck.id, clock, random.Random(1))
    rng = random.Random(2)
    card = session.next_card()
    answered = 0
    while card is not None and answered < 150:
        session.answer(rng.choice(list(Rating)))
        answered += 1
        clock.advance(timedelta(seconds=rng.choice([5, 5, 5, 700])))  # now and then a learning card falls due
        fresh = ReviewSession(collection, deck.id, clock, random.Random(1))
        expected = fresh.next_card()
        card = session.next_card()
        assert session.counts() == fresh.counts()
        assert (card and card.id) == (expected and expected.id)
    assert answered > 20
    collection.close()


def test_a_change_made_elsewhere_is_read_again(generated: Path, tmp_path: Path) -> None:
    collection = _open(generated, tmp_path, 9999)
    clock = FixedClock(generate.NOW)
    deck = collection.decks.by_name("Medicine")
    assert deck is not None
    session = ReviewSession(collection, deck.id, clock, random.Random(1))
    first = session.next_card()
    assert first is not None
    before = session.counts()
    # Another window (here: the same connection) suspends the next cards of the queue.
    session.answer(Rating.GOOD)
    upcoming = session.current
    assert upcoming is not None
    with collection.transaction():
        collection.db.execute("UPDATE cards SET suspended = 1 WHERE id = ?", [upcoming.id])
    card = session.next_card()
    assert card is None or card.id != upcoming.id
    fresh = ReviewSession(collection, deck.id, clock, random.Random(1))
    fresh.next_card()
    assert session.counts() == fresh.counts() != before
    assert upcoming.schedule.state in (CardState.NEW, CardState.REVIEW, CardState.LEARNING, CardState.RELEARNING)
    collection.close()


def test_a_new_rollover_hour_counts_from_the_next_answer(generated: Path, tmp_path: Path) -> None:
    """The session keeps the rollover hour between its own answers; a change of it is a write like any other,
    so the next answer reads it again, and today's counts are the new study day's."""
    collection = _open(generated, tmp_path, 5)
    with collection.transaction():
        for preset in collection.presets.all():
            collection.presets.update(preset.id, preset.name, replace(preset.options, reviews_per_day=10))
    clock = FixedClock(generate.NOW)
    deck = collection.decks.by_name("Medicine")
    assert deck is not None
    session = ReviewSession(collection, deck.id, clock, random.Random(1))
    session.next_card()
    for _ in range(300):  # past today's ten reviews and five new cards
        if (session.counts().new, session.counts().review) == (0, 0) or session.current is None:
            break
        session.answer(Rating.EASY)
        clock.advance(timedelta(seconds=5))
    assert (session.counts().new, session.counts().review) == (0, 0)
    hour = (generate.NOW.astimezone(clock.local_zone()).hour + 1) % 24
    collection.set_setting(ROLLOVER_SETTING, hour)  # the next study day starts within the hour...
    clock.advance(timedelta(minutes=90))  # ...and now it has started: nothing studied in it yet
    if session.current is None:
        session.next_card()
    session.answer(Rating.GOOD)
    fresh = ReviewSession(collection, deck.id, clock, random.Random(1))
    fresh.next_card()
    assert session.counts() == fresh.counts()
    assert session.counts().new + session.counts().review > 0
