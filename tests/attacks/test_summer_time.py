"""Attack: summer history read in winter was an hour off, because the local zone was a fixed offset.

``datetime.now().astimezone().tzinfo`` is today's offset (in Berlin in December: +01:00) without the zone's
rules, so an answer given at 04:30 summer time (02:30 UTC) on 1 July was counted on 30 June (03:30 "local",
before the 04:00 rollover). The local zone is now a ``ZoneInfo`` found from ``TZ`` or ``/etc/localtime``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.core.scheduling.days import day_bounds
from studyapp.services import clock as clock_module
from studyapp.services.app import App
from studyapp.services.clock import SystemClock, local_zone
from studyapp.services.stats.stats import compute_stats

from ..conftest import REPO

ZONEINFO = Path("/usr/share/zoneinfo")
# 04:30 summer time in Berlin on 1 July: after the 04:00 rollover, so on 1 July's study day.
SUMMER_ANSWER = datetime(2026, 7, 1, 2, 30, tzinfo=timezone.utc)
WINTER_NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
OLD_FIXED_OFFSET = timezone(timedelta(hours=1))  # what the old code took in Berlin in winter


def answers_per_day(zone_of_the_clock: tzinfo, tmp_path: Path) -> dict[str, int]:
    """Answer one card at ``SUMMER_ANSWER``, then read the heatmap's days in winter with the given zone."""
    clock = FixedClock(SUMMER_ANSWER, zone=zone_of_the_clock)
    app = App.open(tmp_path / f"c{len(list(tmp_path.iterdir()))}.db", clock=clock)
    try:
        deck = app.find_deck("Calcinosis")
        assert deck is not None
        session = app.review_session(deck.id)
        assert session.next_card() is not None
        session.answer(Rating.GOOD)
        clock.set(WINTER_NOW)
        return dict(compute_stats(app).to_json()["reviews_per_day"])
    finally:
        app.close()


def test_a_summer_answer_counts_on_its_own_day_when_read_in_winter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    zone = SystemClock().local_zone()
    assert answers_per_day(zone, tmp_path) == {"2026-07-01": 1}
    # The old fixed offset put it on the day before: the difference this test is about.
    assert answers_per_day(OLD_FIXED_OFFSET, tmp_path) == {"2026-06-30": 1}


def test_the_day_boundary_follows_the_zone_rules_in_both_seasons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    zone = local_zone()
    start, end = day_bounds(SUMMER_ANSWER, zone)
    assert (start, end) == (datetime(2026, 7, 1, 2, tzinfo=timezone.utc), datetime(2026, 7, 2, 2, tzinfo=timezone.utc))
    winter_start, _ = day_bounds(WINTER_NOW, zone)
    assert winter_start == datetime(2026, 12, 6, 3, tzinfo=timezone.utc)  # 04:00 CET
    # The study day across the change to winter time (01:00 UTC on 25 October) is 25 hours long.
    change_start, change_end = day_bounds(datetime(2026, 10, 24, 12, tzinfo=timezone.utc), zone)
    assert change_end - change_start == timedelta(hours=25)


@pytest.mark.parametrize(
    ("tz", "key"),
    [("Europe/Berlin", "Europe/Berlin"), (":America/New_York", "America/New_York"), ("", "UTC")],
)
def test_tz_naming_a_zone_gives_that_zone_with_its_rules(monkeypatch: pytest.MonkeyPatch, tz: str, key: str) -> None:
    monkeypatch.setenv("TZ", tz)
    zone = local_zone()
    assert isinstance(zone, ZoneInfo) and zone.key == key


@pytest.mark.skipif(not (ZONEINFO / "Europe" / "Berlin").exists(), reason="no system zone files here")
def test_tz_as_a_zone_files_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", f":{ZONEINFO}/Europe/Berlin")
    zone = local_zone()
    assert isinstance(zone, ZoneInfo) and zone.key == "Europe/Berlin"


@pytest.mark.skipif(not (ZONEINFO / "Asia" / "Tokyo").exists(), reason="no system zone files here")
def test_without_tz_the_zone_is_the_name_etc_localtime_links_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TZ", raising=False)
    link = tmp_path / "localtime"
    link.symlink_to(ZONEINFO / "America" / "Santiago")
    monkeypatch.setattr(clock_module, "LOCALTIME", link)
    monkeypatch.setattr(clock_module, "TIMEZONE_FILE", tmp_path / "no-such-file")
    zone = local_zone()
    assert isinstance(zone, ZoneInfo) and zone.key == "America/Santiago"
    # A copy of the zone file (no link, no name): its rules are read from the file itself.
    copy = tmp_path / "copied-localtime"
    copy.write_bytes((ZONEINFO / "Asia" / "Tokyo").read_bytes())
    monkeypatch.setattr(clock_module, "LOCALTIME", copy)
    zone = local_zone()
    assert datetime(2026, 7, 1, tzinfo=timezone.utc).astimezone(zone).utcoffset() == timedelta(hours=9)
    assert datetime(2026, 7, 1, tzinfo=timezone.utc).astimezone(zone).tzname() == "JST"
    # Neither a link nor a file: the name in /etc/timezone.
    (tmp_path / "timezone").write_text("Europe/Lisbon\n", encoding="utf-8")
    monkeypatch.setattr(clock_module, "LOCALTIME", tmp_path / "absent")
    monkeypatch.setattr(clock_module, "TIMEZONE_FILE", tmp_path / "timezone")
    zone = local_zone()
    assert isinstance(zone, ZoneInfo) and zone.key == "Europe/Lisbon"


def test_a_posix_rule_or_an_unknown_name_falls_back_to_the_fixed_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    for tz in ("CET-1CEST,M3.5.0,M10.5.0/3", "No/Such_Zone", "../../etc/passwd"):
        monkeypatch.setenv("TZ", tz)
        zone = local_zone()
        assert not isinstance(zone, ZoneInfo)
        assert datetime.now(timezone.utc).astimezone(zone).utcoffset() is not None


def test_in_a_fresh_process_tz_gives_the_real_zone() -> None:
    """As the app starts: nothing but the environment says which zone it is."""
    code = (
        "from datetime import datetime, timezone\n"
        "from studyapp.services.clock import SystemClock\n"
        "zone = SystemClock().local_zone()\n"
        "print(getattr(zone, 'key', None), datetime(2026, 7, 1, 2, 30, tzinfo=timezone.utc).astimezone(zone).date())\n"
    )
    env = {**os.environ, "TZ": "Europe/Berlin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=True
    )
    assert result.stdout.split() == ["Europe/Berlin", date(2026, 7, 1).isoformat()]
