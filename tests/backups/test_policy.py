"""The pruning policy: golden tables of backup times -> the times kept (all reasoning in UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.backup_policy import RECENT, backups_to_keep, times_to_keep


def utc(text: str) -> datetime:
    """``"2026-03-04 11:30"`` (or with seconds) as a UTC instant."""
    pattern = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, pattern).replace(tzinfo=timezone.utc)


# now, recent, {time: kept?}. 2026-03-04 is a Wednesday in ISO week 10; 7 days before is 2026-02-25 12:00,
# 30 days before is 2026-02-02 12:00 (a Monday, ISO week 6).
GOLDEN = [
    pytest.param(
        "2026-03-04 12:00",
        3,
        {
            "2026-03-04 11:30": True,  # the three newest
            "2026-03-04 11:00": True,
            "2026-03-04 10:30": True,
            "2026-03-04 09:00": False,  # not the newest of its day
            "2026-03-03 18:00": True,  # the newest of yesterday
            "2026-03-03 08:00": False,
            "2026-02-26 13:00": True,  # 6 days 23 hours: the newest of its day
            "2026-02-25 12:00": True,  # exactly 7 days: still one a day
            "2026-02-24 09:00": False,  # 8 days: week 9 is kept by 26 Feb
            "2026-02-20 10:00": True,  # the newest of week 8
            "2026-02-17 10:00": False,
            "2026-02-02 12:00": True,  # exactly 30 days: the newest of week 6
            "2026-02-01 12:00": False,  # 31 days
            "2025-12-01 12:00": False,
        },
        id="a month of backups",
    ),
    pytest.param(
        "2026-03-04 12:00",
        0,
        {"2026-03-04 09:00": False, "2026-03-04 11:00": True},
        id="two on the same day: the newer",
    ),
    pytest.param(
        "2026-03-04 12:00",
        0,
        {"2026-02-27 08:00": True, "2026-02-25 12:00:00": True, "2026-02-24 12:00": False},
        id="exactly 7 days is kept daily",
    ),
    pytest.param(
        "2026-03-04 12:00",
        0,
        {"2026-02-27 08:00": True, "2026-02-25 11:59:59": False},
        id="7 days and a second is not",
    ),
    pytest.param(
        "2026-03-04 12:00",
        0,
        {"2026-02-02 12:00:00": True, "2026-02-01 23:00": False},
        id="exactly 30 days is kept weekly",
    ),
    pytest.param(
        "2026-03-04 12:00",
        0,
        {"2026-02-02 11:59:59": False},
        id="30 days and a second is not",
    ),
    pytest.param(
        "2026-01-12 12:00",
        0,
        {"2026-01-01 09:00": True, "2025-12-29 09:00": False, "2025-12-28 09:00": True},
        id="ISO weeks across the new year",
    ),
    pytest.param(
        "2026-03-04 12:00",
        0,
        {"2026-03-05 08:00": True, "2026-03-04 08:00": True},
        id="a backup from the future (clock put back) counts as new",
    ),
    pytest.param(
        "2026-06-01 12:00",
        2,
        {"2025-01-01 00:00": False, "2026-01-01 00:00": True, "2026-02-01 00:00": True},
        id="the newest are kept however old",
    ),
    pytest.param("2026-03-04 12:00", 20, {}, id="no backups"),
]


@pytest.mark.parametrize(("now", "recent", "table"), GOLDEN)
def test_golden_table(now: str, recent: int, table: dict[str, bool]) -> None:
    kept = times_to_keep([utc(t) for t in table], utc(now), recent)
    assert kept == {utc(t) for t, keep in table.items() if keep}


def test_the_twenty_newest_then_one_a_day_then_one_a_week() -> None:
    now = utc("2026-03-04 12:00")
    today = [now - timedelta(minutes=30 * i) for i in range(1, 25)]  # 24 today, every half hour
    older = [now - timedelta(days=d, hours=1) for d in range(1, 40)]  # one a day for 39 days
    kept = times_to_keep(today + older, now)
    assert RECENT == 20
    assert set(today[:20]) <= kept and not set(today[20:]) & kept
    one_a_day = {t for t in older if now - t <= timedelta(days=7)}
    assert len(one_a_day) == 6 and one_a_day <= kept  # 1..6 days and 1 hour; 7 days 1 hour is over a week
    weekly = kept - set(today) - one_a_day
    # Week 9 (23 Feb - 1 Mar) is already kept by 1 March; weeks 8, 7 and 6 by their Sundays; week 5 is too old.
    assert sorted(t.date().isoformat() for t in weekly) == ["2026-02-08", "2026-02-15", "2026-02-22"]
    assert all(t.isoweekday() == 7 for t in weekly)  # the newest of each past ISO week is its Sunday


def test_days_are_utc_days_so_a_dst_change_neither_merges_nor_splits_them() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = utc("2026-03-30 12:00")  # Berlin changed to summer time at 01:00 UTC on 29 March
    # 23:30 UTC on the 28th and 00:30 UTC on the 29th: the same local day in Berlin, two UTC days.
    first, second = utc("2026-03-28 23:30"), utc("2026-03-29 00:30")
    as_local = [first.astimezone(berlin), second.astimezone(berlin)]
    assert as_local[0].date() == as_local[1].date()
    assert times_to_keep(as_local, now, recent=0) == {first, second}
    # Two backups an hour apart across the change: the same UTC day, so only the newer is kept.
    before, after = utc("2026-03-29 00:45"), utc("2026-03-29 01:45")
    assert after.astimezone(berlin).utcoffset() != before.astimezone(berlin).utcoffset()
    assert times_to_keep([before.astimezone(berlin), after.astimezone(berlin)], now, recent=0) == {after}


def test_now_in_another_zone_is_the_same_instant() -> None:
    times = [utc("2026-02-25 12:00"), utc("2026-02-24 12:00")]
    now = utc("2026-03-04 12:00")
    assert times_to_keep(times, now.astimezone(ZoneInfo("America/New_York")), 0) == times_to_keep(times, now, 0)


def test_backups_at_the_same_instant_the_later_listed_is_the_newer() -> None:
    moment = utc("2026-03-01 10:00")
    backups = [("a", moment), ("b", moment)]
    assert backups_to_keep(backups, utc("2026-03-04 12:00"), lambda b: b[1], recent=1) == {("b", moment)}


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        times_to_keep([datetime(2026, 3, 1)], utc("2026-03-04 12:00"))
