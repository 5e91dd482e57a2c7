"""Anki's review-log interval, computed by SQLite for a whole log at once (``log_out._anki_interval``), is
the same number the row-by-row rule (``exchange_out._interval``) gives, at every edge: halves of a day (rounded
to even, as Python's ``round``), spans at or below zero, no last review, no due, learning steps, huge spans."""

from __future__ import annotations

import random
import sqlite3

import pytest

from studyapp.services.sync.exchange_out import _interval
from studyapp.storage.sync.log_out import _anki_interval

DAY = 86_400_000
AT = 1_780_000_000_000


def _sql(state: int, due: int | None, last: int | None, at: int) -> int:
    db = sqlite3.connect(":memory:")
    expression = _anki_interval("s", "d", "l", "a")
    return db.execute(
        f"SELECT {expression} FROM (SELECT ? AS s, ? AS d, ? AS l, ? AS a)", (state, due, last, at)
    ).fetchone()[0]


EDGES = [
    (2, AT + DAY // 2, AT, AT),  # half a day: 0 by round-half-even, then at least 1
    (2, AT + 3 * DAY // 2, AT, AT),  # 1.5 days -> 2
    (2, AT + 5 * DAY // 2, AT, AT),  # 2.5 days -> 2 (to even)
    (2, AT + 5 * DAY // 2 + 1, AT, AT),  # just past a half -> 3
    (2, AT + 7 * DAY // 2 - 1, AT, AT),  # just before a half -> 3
    (2, AT - 5 * DAY, AT, AT),  # due before the last review
    (2, AT, None, AT),  # no last review: from the answer's time
    (2, None, AT, AT),  # no due
    (0, AT + DAY, AT, AT),  # new
    (1, AT + 600_000, AT, AT),  # a 10-minute step: -600
    (3, AT + 999, AT, AT),  # under a second: -1
    (1, AT - 5_000, AT, AT),  # a step that ends before it began: -1
    (2, AT + 10**16, AT, AT),  # beyond Anki's 32-bit column
    (1, AT + 10**16, AT, AT),
]


@pytest.mark.parametrize(("state", "due", "last", "at"), EDGES)
def test_sql_interval_equals_the_row_rule_at_the_edges(state: int, due: int | None, last: int | None, at: int) -> None:
    assert _sql(state, due, last, at) == _interval(state, due, last, at)


def test_sql_interval_equals_the_row_rule_on_random_schedules() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        state = rng.choice((0, 1, 2, 3))
        last = rng.choice((None, AT - rng.randrange(0, 400 * DAY)))
        span = rng.choice((rng.randrange(-DAY, 40 * DAY), rng.randrange(0, 800) * DAY // 2, rng.randrange(0, 10**6)))
        due = None if rng.random() < 0.05 else (last if last is not None else AT) + span
        assert _sql(state, due, last, AT) == _interval(state, due, last, AT), (state, due, last)
