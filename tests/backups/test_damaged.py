"""A damaged collection: recognised, the newest good backup found, the damaged file moved aside."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.services.app import App, CollectionError
from studyapp.services.maintenance.backups import (
    BackupError,
    create_backup,
    is_damaged,
    needs_startup_check,
    newest_good_backup,
    open_app,
    restore_damaged,
    startup_problem,
)

from ..conftest import collection_fingerprint
from .support import answer, damage


def diagnosis(path: Path, clock: FixedClock) -> str | None:
    """What start-up finds: the failure to open a damaged file, or else ``PRAGMA quick_check``'s verdict."""
    try:
        app = open_app(path, clock)
    except CollectionError as error:
        return str(error) if is_damaged(path, error) else None
    try:
        return startup_problem(app)
    finally:
        app.close()


@pytest.fixture
def backed_up(app: App, clock: FixedClock, calcinosis_id: int) -> tuple[Path, Path, str]:
    """A good backup at 12:00, then a newer one at 13:00 that is damaged; the app is closed, its file damaged."""
    good = create_backup(app).path
    expected = collection_fingerprint(good)
    clock.advance(timedelta(hours=1))
    answer(app, calcinosis_id, 2)
    newer = create_backup(app).path
    damage(newer, first_page=False)
    app.close()
    return good, newer, expected


@pytest.mark.parametrize("first_page", [True, False], ids=["schema page", "data pages"])
def test_a_damaged_collection_is_recognised_and_the_newest_good_backup_offered(
    backed_up: tuple[Path, Path, str], collection_path: Path, clock: FixedClock, first_page: bool
) -> None:
    good, _newer, _expected = backed_up
    assert diagnosis(collection_path, clock) is None
    damage(collection_path, first_page)
    problem = diagnosis(collection_path, clock)
    assert problem is not None and problem.startswith(f"{collection_path}: ") and "\n" not in problem
    offer = newest_good_backup(collection_path)
    assert offer is not None
    assert offer[0].path == good and offer[1] == 29  # the damaged 13:00 backup is passed over


def test_restoring_moves_the_damaged_file_and_its_wal_aside_and_brings_the_backup_back(
    backed_up: tuple[Path, Path, str], collection_path: Path, clock: FixedClock
) -> None:
    good, _newer, expected = backed_up
    damage(collection_path)
    damaged_bytes = collection_path.read_bytes()
    wal = collection_path.with_name("collection.db-wal")
    wal.write_bytes(b"frames of the damaged file")
    clock.advance(timedelta(minutes=1))
    aside = restore_damaged(collection_path, good, clock)
    assert aside == collection_path.with_name("collection.db.damaged-20260301-130100")
    assert aside.read_bytes() == damaged_bytes
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"frames of the damaged file"
    assert not wal.exists()
    assert collection_fingerprint(collection_path) == expected
    reopened = open_app(collection_path, clock)
    try:
        assert startup_problem(reopened) is None and reopened.deck_counts()[0].new == 20
    finally:
        reopened.close()


def test_a_damaged_file_is_never_overwritten(
    backed_up: tuple[Path, Path, str], collection_path: Path, clock: FixedClock
) -> None:
    good, _newer, _expected = backed_up
    damage(collection_path)
    earlier = collection_path.with_name("collection.db.damaged-20260301-130000")
    earlier.write_bytes(b"an earlier damaged file")
    aside = restore_damaged(collection_path, good, clock)
    assert aside.name == "collection.db.damaged-20260301-130000-2"
    assert earlier.read_bytes() == b"an earlier damaged file"


def test_a_restore_that_fails_puts_the_damaged_file_back(
    backed_up: tuple[Path, Path, str], collection_path: Path, clock: FixedClock, tmp_path: Path
) -> None:
    _good, newer, _expected = backed_up
    damage(collection_path)
    damaged_bytes = collection_path.read_bytes()
    with pytest.raises(BackupError, match=f"^{newer}: is damaged"):
        restore_damaged(collection_path, newer, clock)
    assert collection_path.read_bytes() == damaged_bytes
    assert sorted(p.name for p in tmp_path.iterdir() if "damaged" in p.name) == []


def test_a_lock_or_a_foreign_file_is_no_damage(
    app: App, collection_path: Path, clock: FixedClock, tmp_path: Path
) -> None:
    with pytest.raises(CollectionError) as locked:
        App.open(collection_path, clock=clock)  # the app fixture holds it
    assert not is_damaged(collection_path, locked.value)
    text = tmp_path / "text.db"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(CollectionError) as foreign:
        App.open(text, clock=clock)
    assert not is_damaged(text, foreign.value)


def test_no_good_backup_means_no_offer(backed_up: tuple[Path, Path, str], collection_path: Path) -> None:
    good, _newer, _expected = backed_up
    shutil.copy(collection_path, good)
    damage(good)
    assert newest_good_backup(collection_path) is None


def test_a_large_collection_is_checked_at_start_only_after_an_unclean_exit(collection_path: Path) -> None:
    clean = App.open(collection_path)
    try:
        assert needs_startup_check(clean)  # a small file: always checked
        assert not needs_startup_check(clean, small_bytes=1)  # a large one closed cleanly: not read end to end
    finally:
        clean.close()
    crashed = subprocess.run(  # takes the lock and dies without releasing it, as a crash would
        [sys.executable, "-c", f"import os; from studyapp.services.app import App; App.open({str(collection_path)!r}); "
         "os._exit(9)"],
        check=False,
    )  # fmt: skip
    assert crashed.returncode == 9
    reopened = App.open(collection_path)
    try:
        assert reopened.lock is not None and reopened.lock.took_over
        assert needs_startup_check(reopened, small_bytes=1)
    finally:
        reopened.close()
