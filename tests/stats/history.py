"""A small, fully known review history for the statistics tests.

Four Calcinosis cards get a crafted past (through the reviews store, as an import of history would),
then three new cards are answered today through the real ReviewSession. Times are UTC; the clock's
zone is UTC and the rollover hour 04:00, so the study day of 1 March 2026 runs from 04:00 on 1 March
to 04:00 on 2 March, and an answer at 03:00 on 1 March belongs to 28 February.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating, ReviewEntry, ReviewMode, Schedule
from studyapp.services.app import App

UTC = timezone.utc
_ids = itertools.count(9_000_000)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    """One past answer: when, the rating, the state before it and the interval the card had then (days)."""

    when: datetime
    rating: Rating
    state_before: CardState
    interval_days: float | None = None


def _schedule(state: CardState, reps: int, last: datetime | None, due: datetime | None, s: float, d: float) -> Schedule:
    if state is CardState.NEW:
        return Schedule()
    return Schedule(state=state, step=None, stability=s, difficulty=d, due=due, last_review=last, reps=reps)


def add_past(app: App, card_id: int, answers: list[Answer], final: tuple[CardState, datetime, float, float]) -> None:
    """Store ``answers`` as the card's log; the card ends as ``final`` (state, due, stability, difficulty)."""
    entries = []
    previous: Schedule = Schedule()
    for index, answer in enumerate(answers):
        if answer.state_before is CardState.NEW:
            before = Schedule()
        else:
            assert previous.last_review is not None
            due = previous.last_review + timedelta(days=answer.interval_days or 0)
            before = _schedule(answer.state_before, index, previous.last_review, due, 5.0, 5.0)
        last = index == len(answers) - 1
        state, due_after, stability, difficulty = (
            final if last else (CardState.REVIEW, answer.when + timedelta(days=1), 5.0, 5.0)
        )
        after = _schedule(state, index + 1, answer.when, due_after, stability, difficulty)
        entries.append(
            ReviewEntry(next(_ids), card_id, answer.when, answer.rating, 4000, ReviewMode.FLIP, before, after)
        )
        previous = after
    with app.collection.transaction():
        app.collection.reviews.add_history(card_id, entries)


def card_ids(app: App, deck_id: int) -> list[int]:
    rows = app.collection.db.execute("SELECT id FROM cards WHERE deck_id = ? ORDER BY position, id", [deck_id])
    return [row[0] for row in rows]


R, N = CardState.REVIEW, CardState.NEW

# Card A: young pass (10 d), mature lapse (25 d), then a relearning answer (not counted).
A = [
    Answer(at(2026, 1, 10), Rating.GOOD, N),
    Answer(at(2026, 1, 20), Rating.GOOD, R, 10),
    Answer(at(2026, 2, 15), Rating.AGAIN, R, 25),
    Answer(at(2026, 2, 16), Rating.GOOD, CardState.RELEARNING, 0),
]
# Card B: mature pass at exactly 21 days, then a young pass (Hard) a day later.
B = [
    Answer(at(2026, 2, 1), Rating.EASY, N),
    Answer(at(2026, 2, 22), Rating.GOOD, R, 21),
    Answer(at(2026, 2, 23), Rating.HARD, R, 1),
]
# Card C: an old mature lapse, outside the 12 weeks.
C = [Answer(at(2025, 6, 1), Rating.GOOD, N), Answer(at(2025, 7, 1), Rating.AGAIN, R, 30)]
# Card D: first seen at 03:00 on 1 March, before the rollover: the study day of 28 February.
D = [Answer(at(2026, 3, 1, hour=3), Rating.EASY, N)]

FINAL = {
    "A": (R, at(2026, 3, 5), 30.0, 5.0),  # due in 4 days
    "B": (R, at(2026, 3, 3), 5.0, 5.4),  # in 2 days
    "C": (R, at(2026, 3, 20), 200.0, 9.6),  # in 19 days
    "D": (R, at(2026, 3, 10), 1.5, 1.2),  # in 9 days
}
TODAY_ANSWERS = [(Rating.AGAIN, 2000), (Rating.GOOD, 3000), (Rating.GOOD, 5000)]


def build_history(app: App, clock: FixedClock, deck_id: int, *, today: bool = True) -> dict[str, int]:
    """The crafted past on four cards, then (``today``) three new cards answered now; the cards' ids by name."""
    ids = card_ids(app, deck_id)
    named = dict(zip("ABCD", ids[-4:], strict=True))
    for name, answers in zip("ABCD", (A, B, C, D), strict=True):
        add_past(app, named[name], answers, FINAL[name])
    if today:
        session = app.review_session(deck_id)
        for index, (rating, duration) in enumerate(TODAY_ANSWERS):
            card = session.next_card() if index == 0 else session.current
            assert card is not None and card.id not in named.values()
            named[f"today{index}"] = card.id
            session.answer(rating, duration_ms=duration)
    return named
