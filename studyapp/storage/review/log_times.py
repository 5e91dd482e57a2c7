"""Reading the review log by time: along the (state before, time) index, one range per card state.

Since schema version 10 the log has one index by time, ``review_log_state_time``: (state before the answer,
time, card, rating, and what true retention reads). An answer adds one entry to it, at the end of its state's
range, where versions 4 to 9 added two (one to an index by time, one to a covering index of the answers given in
review). The statistics' true retention reads the review state's range alone, as it read the partial index; a
query over every answer in a span of time names the states (``any_state``), which SQLite reads as one range of
the index per state: four short seeks, not a pass over the whole log (tests/stats/test_log_time_plans.py checks
each such query's plan).
"""

from __future__ import annotations

from studyapp.core.model import CardState

TIME_INDEX = "review_log_state_time"
STATES = tuple(int(state) for state in CardState)
_LIST = ", ".join(str(state) for state in STATES)


def any_state() -> str:
    """The condition on the log ``r`` that lets a time range over every answer use the (state, time) index."""
    return f"r.state_before IN ({_LIST})"


def extreme_time(function: str, where: str = "") -> str:
    """``min`` or ``max`` of the answers' times (``where``: more conditions, ``AND ...``), one index seek per
    state: SQLite reads a min or max from an index only along its first column."""
    assert function in ("min", "max")
    parts = " UNION ALL ".join(
        f"SELECT {function}(reviewed_at) AS t FROM review_log WHERE state_before = {state} {where}" for state in STATES
    )
    return f"SELECT {function}(t) FROM ({parts})"
