"""A note's history kept packed (``PackedHistory``): every entry comes back as it went in, in order.

A package's log is held per note as bytes until the import stores it (a million answers: 39 MB instead of 400 MB
of objects), and read back one entry at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.drafts import PackedHistory, ReviewDraft
from studyapp.core.model import Rating, ScheduleChangeKind

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
moments = st.integers(0, 253_402_300_799_000).map(lambda ms: EPOCH + timedelta(milliseconds=ms))
reviews = st.builds(
    ReviewDraft,
    card_ord=st.integers(0, 2**40),
    reviewed_at=moments,
    rating=st.one_of(st.none(), st.sampled_from(list(Rating))),
    duration_ms=st.integers(0, 24 * 3600 * 1000),
    change=st.one_of(st.none(), st.sampled_from(list(ScheduleChangeKind))),
    interval_days=st.one_of(st.none(), st.integers(0, 10**12)),
    due=st.one_of(st.none(), moments),
    affects_schedule=st.booleans(),
)


@given(st.lists(reviews, max_size=30))
def test_what_is_packed_comes_back_in_order(history: list[ReviewDraft]) -> None:
    packed = PackedHistory.pack(history)
    assert list(packed) == history and len(packed) == len(history) and bool(packed) == bool(history)
    assert packed == history and packed == tuple(history) and packed == PackedHistory.pack(history)
    for index, review in enumerate(history):
        assert packed[index] == review and packed[index - len(history)] == review
    assert packed[1:3] == tuple(history[1:3])


def test_a_due_in_another_zone_is_the_same_moment() -> None:
    at = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    due = datetime(2026, 3, 9, 4, tzinfo=ZoneInfo("Europe/Berlin"))  # a study day's start, in the student's zone
    (back,) = PackedHistory.pack([ReviewDraft(0, at, None, 0, ScheduleChangeKind.RESCHEDULE, 8, due)])
    assert back.due == due and back.reviewed_at == at and back.interval_days == 8 and back.rating is None
