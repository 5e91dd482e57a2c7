"""What the answer path keeps between answers to spend less per answer, and when it must let go of it.

The session keeps its study day's bounds while the clock is inside them (``ReviewSession._study_day``): a
day is recomputed when the clock leaves it, or when the zone or the rollover hour changes. The collection's
write guard is one plain context manager (``storage.errors.WriteGuard``); tests/faults holds its refusals.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone, tzinfo

import pytest

from studyapp.core.model import CardState, Rating
from studyapp.services.app import App
from studyapp.services.review.review import ReviewSession
from studyapp.storage.review.card_rows import _card_of_values
from tests.conftest import T0


class _MovingZoneClock:
    """A clock that stands still, in a zone that can be changed (a laptop carried across zones)."""

    def __init__(self, now: datetime, zone: tzinfo) -> None:
        self._now, self.zone = now, zone

    def now(self) -> datetime:
        return self._now

    def local_zone(self) -> tzinfo:
        return self.zone

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def _exhaust_new_cards(session: ReviewSession) -> int:
    answered = 0
    card = session.next_card()
    while card is not None:
        session.answer(Rating.EASY)  # straight to review, days away
        answered += 1
        card = session.current
    return answered


def test_the_session_sees_the_next_study_day_when_the_clock_reaches_it(app: App, calcinosis_id: int) -> None:
    clock = _MovingZoneClock(T0, timezone.utc)
    session = ReviewSession(app.collection, calcinosis_id, clock, random.Random(1))
    assert _exhaust_new_cards(session) == 20  # the daily limit of new cards
    clock.advance(timedelta(hours=15, minutes=59))  # 03:59 UTC: still the same study day
    assert session.next_card() is None and session.counts().new == 0
    clock.advance(timedelta(minutes=1))  # 04:00 UTC, the rollover hour: a new study day
    assert session.next_card() is not None
    assert session.counts().new == 9


def test_the_session_sees_a_new_study_day_when_the_zone_changes(app: App, calcinosis_id: int) -> None:
    clock = _MovingZoneClock(T0, timezone.utc)
    session = ReviewSession(app.collection, calcinosis_id, clock, random.Random(1))
    assert _exhaust_new_cards(session) == 20
    clock.advance(timedelta(hours=3))  # 15:00 UTC: the same study day in UTC
    assert session.next_card() is None
    clock.zone = timezone(timedelta(hours=13))  # 15:00 UTC is 04:00 the next day there: a new study day
    assert session.next_card() is not None
    assert session.counts().new == 9
    clock.zone = timezone.utc  # and back: today's study day again, its new cards all studied
    assert session.next_card() is None and session.counts().new == 0


@pytest.mark.parametrize("state", list(CardState))
def test_a_card_row_gives_the_same_enum_members_as_constructing_them(state: CardState) -> None:
    row = (1, 2, 3, 0, int(state), None, None, None, None, None, 0, 0, "f", "b", "basic", 0, "", None, "", "D")
    card = _card_of_values(row)
    assert card.schedule.state is CardState(int(state)) and card.kind.value == "basic"


def test_a_card_row_with_an_unknown_state_is_refused_as_the_enum_refuses_it() -> None:
    row = (1, 2, 3, 0, 9, None, None, None, None, None, 0, 0, "f", "b", "basic", 0, "", None, "", "D")
    with pytest.raises(ValueError, match="9 is not a valid CardState"):
        _card_of_values(row)
