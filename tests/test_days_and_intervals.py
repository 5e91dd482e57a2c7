"""The study day boundary and the interval labels on the buttons."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.scheduling.days import day_bounds
from studyapp.core.scheduling.intervals import format_interval

UTC = timezone.utc


def test_day_runs_from_four_to_four_local_time() -> None:
    paris = ZoneInfo("Europe/Paris")
    start, end = day_bounds(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), paris)
    assert start == datetime(2026, 1, 10, 3, 0, tzinfo=UTC)  # 04:00 CET
    assert end == datetime(2026, 1, 11, 3, 0, tzinfo=UTC)


def test_before_the_rollover_hour_it_is_still_yesterday() -> None:
    start, end = day_bounds(datetime(2026, 1, 10, 2, 59, tzinfo=UTC), UTC)
    assert start == datetime(2026, 1, 9, 4, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 10, 4, 0, tzinfo=UTC)


def test_rollover_hour_is_configurable() -> None:
    start, _ = day_bounds(datetime(2026, 1, 10, 5, 0, tzinfo=UTC), UTC, rollover_hour=6)
    assert start == datetime(2026, 1, 9, 6, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        day_bounds(datetime(2026, 1, 10, tzinfo=UTC), UTC, rollover_hour=24)


def test_daylight_saving_day_is_23_hours_long() -> None:
    new_york = ZoneInfo("America/New_York")  # clocks go forward at 02:00 on 8 March 2026
    start, end = day_bounds(datetime(2026, 3, 7, 15, 0, tzinfo=UTC), new_york)
    assert start == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # 04:00 EST
    assert end - start == timedelta(hours=23)


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=5, seconds=30), "6m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=2), "2d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=90), "3mo"),
        (timedelta(days=45), "1.5mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=548), "1.5y"),
    ],
)
def test_interval_labels(delta: timedelta, label: str) -> None:
    assert format_interval(delta) == label
