"""A package's due days, read by the real Anki engine at any hour: a review card due three study days on is due
three days after Anki's today, whether the package is made before or after the day's rollover hour.

Anki counts a package's days from its ``crt`` and ``rollover`` hour, on the clock of the machine that imports it.
With day 0 at UTC midnight (as packages were first written), every due came out a day late when the package was
made between midnight and the rollover hour: the engine's own packages were then a day ahead of ours. The engine
runs here in a child process whose clock (``TZ``) is set so that the local hour is the one under test, at the real
time of the run, so the test means the same at whatever hour it runs.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.core.model import CardState, Schedule
from studyapp.core.scheduling.days import day_bounds, study_date
from studyapp.exporters.apkg import write_apkg
from studyapp.exporters.apkg_cards import ExportCard
from studyapp.services.app import App
from studyapp.services.settings import load_settings, save_settings

_READ_DUES = """
import json, sys
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
col = Collection(sys.argv[2])
try:
    options = ImportAnkiPackageOptions(with_scheduling=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=sys.argv[1], options=options))
    today = col.sched.today
    cards = col.db.all("select n.sfld, c.due - ?, c.ivl from cards c join notes n on n.id = c.nid", today)
    print(json.dumps({sfld: [days, ivl] for sfld, days, ivl in cards}))
finally:
    col.close()
"""


def _offset_for_local_hour(now: datetime, hour: int) -> int:
    """A whole-hour UTC offset (-11 to +12) that makes ``now`` fall in the local ``hour``."""
    return (hour - now.hour + 11) % 24 - 11


def _anki_dues(package: Path, folder: Path, offset_hours: int = 0, zone_name: str = "") -> dict[str, list[int]]:
    """Each card's (due - today, interval) after the engine imports ``package`` on a clock ``offset_hours`` east
    (or in the zone ``zone_name``)."""
    env = {**os.environ, "TZ": zone_name or f"UTC{-offset_hours:+d}"}  # POSIX: the sign is west ("UTC-2" is 2 east)
    done = subprocess.run(
        [sys.executable, "-c", _READ_DUES, str(package), str(folder / "collection.anki2")],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("local_hour", "rollover"),
    [(1, 4), (13, 4), (2, 0), (13, 0), (3, 5)],
    ids=[
        "before-4am-rollover",
        "after-4am-rollover",
        "rollover-at-midnight",
        "afternoon-midnight-rollover",
        "before-5am-rollover",
    ],  # fmt: skip
)
def test_a_due_day_keeps_its_distance_from_today_at_any_hour(tmp_path: Path, local_hour: int, rollover: int) -> None:
    now = datetime.now(timezone.utc)
    offset = _offset_for_local_hour(now, local_hour)
    zone = timezone(timedelta(hours=offset))
    # (the engine reads its clock a moment later, perhaps in the next hour: no hour tried is next to a rollover)
    assert now.astimezone(zone).hour == local_hour
    start, _ = day_bounds(now, zone, rollover)
    last = now - timedelta(minutes=5)
    cards = {}
    # due at the start of a study day k days on, and at an hour into it (the FSRS due of an answer: a moment)
    for days, into in ((1, 0), (3, 0), (3, 20), (10, 0)):
        due = start + timedelta(days=days, hours=into)
        schedule = Schedule(CardState.REVIEW, stability=float(days), difficulty=5.0, due=due, last_review=last, reps=2)
        cards[f"{days}+{into}h"] = ExportCard(0, schedule=schedule)
    draft = ImportDraft(name="Days", notes=tuple(NoteDraft(guid=f"g{word}", front=word, back="b") for word in cards))
    package = tmp_path / "days.apkg"
    write_apkg(draft, package, cards=[[card] for card in cards.values()], now=now, zone=zone, rollover_hour=rollover)
    # Anki's own rollover is 4 in the collection it imports into; what it reads from the package is the distance
    dues = _anki_dues(package, tmp_path, offset)
    assert dues == {"1+0h": [1, 1], "3+0h": [3, 3], "3+20h": [3, 3], "10+0h": [10, 10]}


def _package_days(package: Path, folder: Path) -> tuple[int, int]:
    """The package's ``crt`` and the ``rollover`` hour in its settings."""
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    db = sqlite3.connect(folder / "collection.anki2")
    try:
        crt, conf = db.execute("select crt, conf from col").fetchone()
    finally:
        db.close()
    return crt, json.loads(conf)["rollover"]


@pytest.mark.parametrize("suffix", [".apkg", ".colpkg"])
def test_an_export_counts_days_in_the_collections_study_days_on_the_clocks_zone(
    tmp_path: Path, rng: random.Random, suffix: str
) -> None:
    """The window's and the command line's export (and a full upload, which sends the ``.colpkg``'s collection):
    the collection's rollover hour on the clock's zone, 01:30 local, before that hour."""
    zone = timezone(timedelta(hours=-5))
    now = datetime(2026, 3, 1, 6, 30, tzinfo=timezone.utc)  # 01:30 in the zone
    app = App.open(tmp_path / "c.db", clock=FixedClock(now, zone), rng=rng)
    try:
        save_settings(app.collection, replace(load_settings(app.collection), rollover_hour=3))
        app.export(tmp_path / f"out{suffix}", "Calcinosis")
    finally:
        app.close()
    crt, rollover = _package_days(tmp_path / f"out{suffix}", tmp_path)
    assert rollover == 3
    # day 0 starts at 03:00 in the zone, a whole number of days before today's study day (which began 28 February)
    start = datetime(2026, 2, 28, 3, tzinfo=zone)
    assert (start.timestamp() - crt) % 86400 == 0 and 0 < start.timestamp() - crt <= 3650 * 86400


def _other_season(today: date, zone: ZoneInfo) -> date:
    """A date 20 days or more after ``today`` whose clock (at 04:00) is on the other side of a daylight-saving
    change."""
    offset = datetime.combine(today, time(12), zone).utcoffset()
    day = today + timedelta(days=20)
    while datetime.combine(day, time(4), zone).utcoffset() == offset:
        day += timedelta(days=1)
    return day + timedelta(days=20)


def test_a_due_day_across_a_daylight_saving_change_is_the_same_date_in_anki(tmp_path: Path) -> None:
    """Day numbers counted in seconds from ``crt`` were an hour off across a clock change: a due at the start of a
    study day (a date set, a day spread) in the other season, or early in its morning, came out a day early or
    late in Anki, depending on the season of the export."""
    zone = ZoneInfo("Europe/Berlin")
    now = datetime.now(timezone.utc)  # (the engine reads its own clock a moment later, on the same study day)
    today = study_date(now, zone)
    target = _other_season(today, zone)
    last = now - timedelta(minutes=5)
    cards = {}
    for into in (0, 30, 90, 23 * 60):  # minutes after the day's 04:00 start: its first hours, and its last
        due = datetime.combine(target, time(4), zone) + timedelta(minutes=into)
        schedule = Schedule(CardState.REVIEW, stability=9.0, difficulty=5.0, due=due, last_review=last, reps=2)
        cards[f"+{into}min"] = ExportCard(0, schedule=schedule)
    draft = ImportDraft(name="Days", notes=tuple(NoteDraft(guid=f"g{word}", front=word, back="b") for word in cards))
    package = tmp_path / "days.apkg"
    write_apkg(draft, package, cards=[[card] for card in cards.values()], now=now, zone=zone, rollover_hour=4)
    dues = _anki_dues(package, tmp_path, zone_name="Europe/Berlin")
    distance = (target - today).days
    assert {front: days for front, (days, _interval) in dues.items()} == dict.fromkeys(cards, distance)
