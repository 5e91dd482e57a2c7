"""Ids: random 63-bit for notes and cards; time-ordered (and still unique) for review-log rows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from studyapp.core.clock import FixedClock
from studyapp.core.ids import TimeOrderedIds, new_id
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.storage.codec import to_ms


def test_random_ids_are_positive_63_bit() -> None:
    rng = random.Random(1)
    ids = [new_id(rng) for _ in range(10_000)]
    assert all(0 < value < 2**63 for value in ids) and len(set(ids)) == len(ids)


def test_log_ids_carry_their_time_and_rise_even_within_one_millisecond() -> None:
    source = TimeOrderedIds(random.Random(7))
    moment = to_ms(datetime(2026, 3, 1, 12, tzinfo=timezone.utc))
    same_ms = [source.next(moment) for _ in range(1000)]
    later = source.next(moment + 1)
    assert same_ms == sorted(same_ms) and len(set(same_ms)) == 1000
    assert all(value >> 21 in (moment, moment + 1) for value in same_ms)  # a run may spill into the next ms
    assert later > same_ms[-1] and later >> 21 in (moment + 1, moment + 2)
    assert TimeOrderedIds(random.Random(7)).next(moment) == same_ms[0]  # the injected randomness decides
    assert TimeOrderedIds(random.Random(1)).next(to_ms(datetime(2109, 1, 1, tzinfo=timezone.utc))) < 2**63


def test_a_session_logs_its_answers_with_ids_in_time_order(app: App, clock: FixedClock) -> None:
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    session = app.review_session(deck.id)
    session.next_card()
    for rating in [Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.HARD]:
        session.answer(rating)
        clock.advance(timedelta(seconds=3))
    log = app.collection.reviews.log()  # in time order
    assert len(log) == 5
    assert [entry.id for entry in log] == sorted(entry.id for entry in log)
    assert all(entry.id >> 21 == to_ms(entry.reviewed_at) for entry in log)
