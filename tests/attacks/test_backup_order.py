"""Attack: a backup made while the clock was a year ahead was "the newest" for ever.

Backups were ordered by the time in their names (``20270301-120000.db``): the list put it first, a damaged
start offered it (0 answers) over today's, and pruning kept it (and up to 20 like it) while deleting the
backups made since. Now "newest" is by the collection's own history as each backup holds it, the list marks a
backup named after now, and pruning gives a future-named backup no day's place.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyapp.cli import backup_command
from studyapp.core.backup_policy import backups_to_keep
from studyapp.core.clock import FixedClock
from studyapp.main import main
from studyapp.services.app import App
from studyapp.services.maintenance import backup_index
from studyapp.services.maintenance.backups import (
    AutoBackup,
    Backup,
    answer_counts,
    create_backup,
    list_backups,
    newest_good_backup,
    restore,
)
from studyapp.ui.maintenance.backups_dialog import BackupsDialog, CorruptStartDialog

from ..backups.support import answer, damage
from ..conftest import T0

YEAR = timedelta(days=365)
TODAY = T0 + timedelta(hours=1)  # Sunday 1 March 2026, 13:00 UTC: the clock is right again


def a_year_ahead_then_today(app: App, clock: FixedClock, deck_id: int) -> tuple[Backup, Backup]:
    """A backup made while the clock was a year ahead (no answers in it), then today's after three answers."""
    clock.set(T0 + YEAR)
    ahead = create_backup(app)
    clock.set(TODAY)
    answer(app, deck_id, 3)
    today = create_backup(app)
    assert ahead.name == "20270301-120000.db" and today.name == "20260301-130000.db"
    return ahead, today


def test_the_list_puts_todays_backup_first_and_marks_the_one_named_ahead(
    app: App, clock: FixedClock, calcinosis_id: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ahead, today = a_year_ahead_then_today(app, clock, calcinosis_id)
    assert list_backups(app.path, clock.now()) == [today, ahead]
    assert list_backups(app.path) == [today, ahead]  # without a clock too: by what they hold
    assert answer_counts(app.path, [today, ahead]) == {today.path: 3, ahead.path: 0}
    app.close()
    monkeypatch.setattr(backup_command, "SystemClock", lambda: FixedClock(TODAY))
    assert main(["--collection", str(app.path), "backups"]) == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith(str(today.path)) and first.endswith("29 cards")
    assert second.startswith(str(ahead.path)) and second.endswith("29 cards  (made while the clock was ahead)")


def test_the_backups_dialog_shows_todays_first_and_marks_the_other(
    app: App, clock: FixedClock, calcinosis_id: int, qtbot
) -> None:  # noqa: ANN001 - qtbot
    ahead, today = a_year_ahead_then_today(app, clock, calcinosis_id)
    dialog = BackupsDialog(AutoBackup(app))
    qtbot.addWidget(dialog)
    assert dialog.shown == [today, ahead] and dialog.selected() == today
    assert dialog.rows() == [("Today 13:00", "29 cards"), ("Mon 1 Mar 2027 12:00 (clock was ahead)", "29 cards")]
    assert "clock was ahead" in dialog.table.item(1, 0).toolTip()


def test_a_damaged_start_offers_todays_backup(
    app: App, clock: FixedClock, calcinosis_id: int, collection_path: Path, qtbot
) -> None:  # noqa: ANN001 - qtbot
    _ahead, today = a_year_ahead_then_today(app, clock, calcinosis_id)
    app.close()
    damage(collection_path)
    offer = newest_good_backup(collection_path, clock.now())
    assert offer == (today, 29)
    dialog = CorruptStartDialog(collection_path, f"{collection_path}: is damaged", offer, clock)
    qtbot.addWidget(dialog)
    assert "<b>Today 13:00</b> (29 cards)" in dialog.message.text()


def test_pruning_keeps_todays_backups_and_lets_the_ones_named_ahead_go(
    app: App, clock: FixedClock, calcinosis_id: int
) -> None:
    clock.set(T0 + YEAR)  # an evening with the clock a year ahead: twenty backups, nothing studied
    ahead = []
    for _ in range(20):
        ahead.append(create_backup(app))
        clock.advance(timedelta(minutes=1))
    clock.set(TODAY)
    today = []
    for _ in range(5):  # today, with the clock right: an answer, then a backup
        answer(app, calcinosis_id)
        today.append(create_backup(app))
        clock.advance(timedelta(minutes=1))
    listed = list_backups(app.path, clock.now())
    assert listed[:5] == today[::-1]  # every one of today's is kept (by name, the twenty ahead were newer)
    assert set(listed[5:]) == set(ahead[5:]) and len(listed) == 20  # the five ahead with the least history went
    for _ in range(15):
        answer(app, calcinosis_id)
        today.append(create_backup(app))
        clock.advance(timedelta(minutes=1))
    assert list_backups(app.path, clock.now()) == today[::-1]  # none of those named ahead is kept for ever


def test_history_written_while_the_clock_was_ahead_does_not_make_a_backup_newest(
    app: App, clock: FixedClock, calcinosis_id: int
) -> None:
    before = create_backup(app)  # 12:00, nothing studied
    clock.set(T0 + YEAR)
    answer(app, calcinosis_id, 2)  # answers dated a year ahead
    ahead = create_backup(app)
    clock.set(TODAY)
    undo = restore(app, before)  # back to the state before those answers; ``undo`` holds them too
    answer(app, calcinosis_id)  # one answer today
    clock.advance(timedelta(minutes=1))
    today = create_backup(app)
    listed = list_backups(app.path, clock.now())
    assert listed[0] == today  # its latest answer is today's; theirs, a year ahead, do not count as later
    assert set(listed[1:]) == {ahead, undo, before}


def test_the_order_is_read_from_the_index_not_from_the_backups_each_time(
    app: App, clock: FixedClock, calcinosis_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(10):
        answer(app, calcinosis_id)
        create_backup(app)
        clock.advance(timedelta(minutes=1))
    expected = list_backups(app.path, clock.now())

    def no_reading(path: Path) -> None:
        raise AssertionError(f"{path} was opened")

    monkeypatch.setattr(backup_index, "backup_summary", no_reading)
    started = time.perf_counter()
    assert list_backups(app.path, clock.now()) == expected
    assert time.perf_counter() - started < 0.5
    # A backup file changed since it was read is read again, not trusted from the index.
    monkeypatch.undo()
    shutil.copy(expected[0].path, expected[-1].path)  # the oldest now holds what the newest holds
    assert answer_counts(app.path, [expected[-1]]) == {expected[-1].path: 10}


def test_the_policy_gives_a_backup_named_ahead_no_days_place() -> None:
    now = datetime(2026, 3, 4, 12, tzinfo=timezone.utc)
    times = {"ahead": now + YEAR, "today": now - timedelta(hours=1), "tomorrow": now + timedelta(hours=20)}
    history = {"today": 2, "tomorrow": 1, "ahead": 0}  # today's holds the most
    kept = backups_to_keep(times, now, times.__getitem__, recent=0, newest=history.__getitem__)
    assert kept == {"today", "tomorrow"}  # a few hours ahead (a clock put back) still counts as new
    kept = backups_to_keep(times, now, times.__getitem__, recent=1, newest=history.__getitem__)
    assert kept == {"today", "tomorrow"}
    kept = backups_to_keep(times, now, times.__getitem__, recent=3, newest=history.__getitem__)
    assert kept == {"today", "tomorrow", "ahead"}  # while among the newest by history, it stays
