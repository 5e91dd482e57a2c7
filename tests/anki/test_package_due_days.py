"""A due day set by hand in a package (Anki's "Set due date") is that date here, across a daylight-saving change.

Anki stores the day as a number of days after the collection's first day (``crt``). Counted in seconds, a package
begun at 04:00 in summer gave a winter due at 03:00, before the 04:00 rollover: a day early. The package is the
real engine's (a legacy ``.apkg``, its collection a plain SQLite file), its first day moved to summer.
"""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from studyapp.core.drafts import ImportOptions
from studyapp.core.model import ScheduleChangeKind
from studyapp.core.scheduling.days import study_date
from studyapp.importers.anki_package import read_anki_package
from tests.anki.makers import AnkiPackages
from tests.anki.test_read_packages import by_guid

BERLIN = ZoneInfo("Europe/Berlin")


def _begun_in_summer(package: Path, out: Path, first_day: date, due_day: int) -> None:
    """``package`` with its collection begun at 04:00 Berlin summer time on ``first_day`` and every review card
    due on day ``due_day``."""
    folder = out.parent / "unzipped"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    for name in ("collection.anki2", "collection.anki21"):  # (a legacy package has one or both)
        if not (folder / name).exists():
            continue
        db = sqlite3.connect(folder / name)
        try:
            db.execute("UPDATE col SET crt = ?", [int(datetime.combine(first_day, time(4), BERLIN).timestamp())])
            db.execute("UPDATE cards SET due = ? WHERE type = 2", [due_day])
            db.commit()
        finally:
            db.close()
    with zipfile.ZipFile(out, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    shutil.rmtree(folder)


def test_a_winter_due_set_by_hand_in_a_package_begun_in_summer_is_its_date(
    anki_packages: AnkiPackages, tmp_path: Path
) -> None:
    first_day, winter = date(2025, 7, 1), date(2026, 1, 15)
    package = tmp_path / "summer.apkg"
    _begun_in_summer(anki_packages.legacy, package, first_day, (winter - first_day).days)
    draft = read_anki_package(package, ImportOptions(include_history=True), zone=BERLIN)
    change = by_guid(draft, anki_packages.guids["merci"]).history[-1]
    assert change.change is ScheduleChangeKind.RESCHEDULE and change.due is not None
    assert study_date(change.due, BERLIN) == winter  # (was 14 January: 03:00 CET)
    assert change.due == datetime.combine(winter, time(4), BERLIN)
