"""Anki's due day numbers as study dates: day ``n`` is the study day ``n`` dates after day 0, across daylight-saving
changes, in both directions (a due day number read from a phone, a due written back as one).

Counting ``crt + n * 86400`` seconds put a day that lies across a clock change an hour off; a collection begun at
04:00 in summer then had every winter due at 03:00, before the 04:00 rollover: a day early.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.scheduling.days import DayNumbering, day_bounds, study_date

BERLIN = ZoneInfo("Europe/Berlin")  # summer time 29 March - 25 October 2026
NEW_YORK = ZoneInfo("America/New_York")  # summer time 8 March - 1 November 2026
SUMMER_CRT = int(datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc).timestamp())  # 04:00 CEST: Anki's day 0 start
WINTER_NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def test_a_summer_day_0_read_in_winter_starts_each_day_at_the_local_rollover() -> None:
    days = DayNumbering.from_stamp(SUMMER_CRT, BERLIN, now=WINTER_NOW)
    assert days.first == date(2026, 7, 1)
    # 160 dates on: 8 December, from 04:00 CET (03:00 UTC), not 02:00 UTC (03:00 CET: still 7 December's study day)
    assert days.start(160) == datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)
    assert study_date(days.start(160), BERLIN) == date(2026, 12, 8)
    old = datetime.fromtimestamp(SUMMER_CRT + 160 * 86400, timezone.utc)  # (how it was counted)
    assert study_date(old, BERLIN) == date(2026, 12, 7)
    assert days.number(WINTER_NOW) == 159  # today, 7 December


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK, timezone.utc], ids=["berlin", "new-york", "utc"])
@pytest.mark.parametrize("rollover", [0, 4, 23])
def test_every_day_number_is_its_own_study_day_and_back(zone: ZoneInfo | timezone, rollover: int) -> None:
    days = DayNumbering(date(2025, 1, 1), zone, rollover)
    for number in range(-40, 800):  # two years and more: four clock changes each way
        start = days.start(number)
        assert days.number(start) == number
        assert days.number(start - timedelta(seconds=1)) == number - 1
        end = days.start(number + 1)
        assert day_bounds(start, zone, rollover) == (start, end)  # the study day that the review queue uses
        assert days.number(end - timedelta(seconds=1)) == number


def test_a_day_beyond_the_calendar_is_its_last_day_not_an_error() -> None:
    days = DayNumbering(date(2026, 7, 1), BERLIN)
    assert days.start(10**9).date() == date(9999, 12, 30)
    assert days.start(-(10**9)).year == 1
