"""Backups of the collection: made with SQLite's backup API, listed, pruned, restored, and on time."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.maintenance.backups import (
    COUNTS_FILE,
    AutoBackup,
    BackupError,
    backups_dir_for,
    card_counts,
    create_backup,
    list_backups,
    restore,
)
from studyapp.storage.maintenance.backup import backup_collection

from ..conftest import collection_fingerprint
from .support import answer, backup_names, damage, journal_mode


def test_a_backup_is_a_complete_openable_collection_named_by_its_utc_time(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    backup = create_backup(app)
    assert backup.path == tmp_path / "collection.backups" / "20260301-120000.db"
    assert collection_fingerprint(backup.path) == collection_fingerprint(app.path)
    assert journal_mode(backup.path) == "delete"  # one self-contained file, no -wal beside it
    assert backup_names(app.path) == ["20260301-120000.db", COUNTS_FILE]
    assert create_backup(app).name == "20260301-120000-2.db"  # the same second
    clock.advance(timedelta(seconds=1))
    assert create_backup(app).name == "20260301-120001.db"
    assert [b.name for b in list_backups(app.path)] == ["20260301-120001.db", "20260301-120000-2.db", backup.name]
    copy = shutil.copy(backup.path, tmp_path / "copy.db")
    opened = App.open(Path(copy), clock=clock)
    try:
        assert [deck.name for deck in opened.decks()] == ["Calcinosis"]
    finally:
        opened.close()


def test_a_backup_while_another_connection_writes_holds_the_committed_state(app: App) -> None:
    with closing(sqlite3.connect(app.path, isolation_level=None)) as other:
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("INSERT INTO settings (key, value) VALUES ('committed', '1')")
        assert app.path.with_name("collection.db-wal").stat().st_size > 0  # frames not yet in the file
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO settings (key, value) VALUES ('uncommitted', '1')")
        committed = collection_fingerprint(app.path)  # what a reader sees now
        backup = create_backup(app)
        other.execute("ROLLBACK")
    assert collection_fingerprint(backup.path) == committed
    with closing(sqlite3.connect(backup.path)) as copy:
        keys = {row[0] for row in copy.execute("SELECT key FROM settings")}
    assert "committed" in keys and "uncommitted" not in keys


def test_restore_brings_back_exactly_the_old_rows_and_its_own_backup_undoes_it(
    app: App, clock: FixedClock, calcinosis_id: int
) -> None:
    before = collection_fingerprint(app.path)
    backup = create_backup(app)
    clock.advance(timedelta(minutes=5))
    answer(app, calcinosis_id, 3)
    after = collection_fingerprint(app.path)
    assert after != before

    clock.advance(timedelta(minutes=5))
    undo = restore(app, backup)
    assert collection_fingerprint(app.path) == before
    assert collection_fingerprint(undo.path) == after
    assert list_backups(app.path)[0] == undo  # the state before the restore, at the top
    assert app.deck_counts()[0].new == 20  # the same connection goes on working

    clock.advance(timedelta(minutes=5))
    restore(app, undo)
    assert collection_fingerprint(app.path) == after
    answer(app, calcinosis_id)  # and can be written to


def test_restore_refuses_a_file_that_is_not_a_sound_collection(app: App, tmp_path: Path) -> None:
    good = create_backup(app)
    text = tmp_path / "notes.txt"
    text.write_text("not a collection\n", encoding="utf-8")
    foreign = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
    damaged = tmp_path / "damaged.db"
    shutil.copy(good.path, damaged)
    damage(damaged, first_page=False)
    before = collection_fingerprint(app.path)
    backups_before = backup_names(app.path)
    for bad, words in ((text, "not an SQLite database"), (foreign, "not a studyapp collection"), (damaged, "damaged")):
        with pytest.raises(BackupError) as raised:
            restore(app, bad)
        message = str(raised.value)
        assert str(bad) in message and words in message and "\n" not in message
    with pytest.raises(BackupError, match="is the collection itself"):
        restore(app, app.path)
    assert collection_fingerprint(app.path) == before
    assert backup_names(app.path) == backups_before  # nothing was backed up for a refused restore


def test_a_backup_that_fails_leaves_no_partial_file_and_the_collection_untouched(app: App, tmp_path: Path) -> None:
    before = collection_fingerprint(app.path)
    folder = backups_dir_for(app.path)
    folder.mkdir()
    target = folder / "20260301-120000.db"
    with pytest.raises(BackupError) as raised:
        backup_collection(app.collection, target, max_pages=3)  # the disk fills up after three pages
    assert str(target) in str(raised.value) and "full" in str(raised.value) and "\n" not in str(raised.value)
    assert list(folder.iterdir()) == []
    assert collection_fingerprint(app.path) == before


def test_a_backups_folder_that_cannot_be_made_is_named(app: App) -> None:
    folder = backups_dir_for(app.path)
    folder.write_text("in the way", encoding="utf-8")
    with pytest.raises(BackupError, match=f"^{folder}: is not a folder; no backup was made$"):
        create_backup(app)


def test_backups_are_pruned_to_the_newest_twenty_on_one_day(app: App, clock: FixedClock) -> None:
    made = []
    for _ in range(25):
        made.append(create_backup(app).name)
        clock.advance(timedelta(minutes=1))
    assert [b.name for b in list_backups(app.path)] == list(reversed(made))[:20]
    assert sorted(card_counts(app.path, list_backups(app.path)).values()) == [29] * 20
    assert len(backup_names(app.path)) == 21  # and the sidecar, which lists only those


def test_card_counts_come_from_the_sidecar_else_are_counted_once(app: App) -> None:
    backup = create_backup(app)
    sidecar = backups_dir_for(app.path) / COUNTS_FILE
    assert card_counts(app.path, [backup]) == {backup.path: 29}
    sidecar.write_text(json.dumps({backup.name: 7}), encoding="utf-8")
    assert card_counts(app.path, [backup]) == {backup.path: 7}  # the file was not opened
    sidecar.unlink()
    assert card_counts(app.path, [backup]) == {backup.path: 29}
    assert backup.name in sidecar.read_text(encoding="utf-8")  # counted once, then remembered
    sidecar.unlink()
    damage(backup.path)
    assert card_counts(app.path, [backup]) == {backup.path: None}


def test_the_automatic_backup_waits_thirty_minutes_of_the_clock_and_a_change(
    app: App, clock: FixedClock, calcinosis_id: int
) -> None:
    auto = AutoBackup(app)
    clock.advance(timedelta(minutes=30))
    assert auto.maybe_backup() is None  # nothing changed
    answer(app, calcinosis_id)
    backup = auto.maybe_backup()
    assert backup is not None and collection_fingerprint(backup.path) == collection_fingerprint(app.path)
    answer(app, calcinosis_id)
    clock.advance(timedelta(minutes=29, seconds=59))
    assert auto.maybe_backup() is None  # not yet
    clock.advance(timedelta(seconds=1))
    assert auto.maybe_backup() is not None
    assert len(list_backups(app.path)) == 2


def test_a_write_by_another_connection_counts_as_a_change(app: App, clock: FixedClock) -> None:
    auto = AutoBackup(app)
    with closing(sqlite3.connect(app.path, isolation_level=None)) as other:
        other.execute("INSERT INTO settings (key, value) VALUES ('elsewhere', '1')")
    assert auto.changed()
    clock.advance(timedelta(minutes=30))
    assert auto.maybe_backup() is not None
    assert not auto.changed()


def test_at_close_a_backup_if_something_changed_or_there_is_none(
    app: App, clock: FixedClock, calcinosis_id: int
) -> None:
    auto = AutoBackup(app)
    assert auto.on_close() is not None  # the first one
    assert auto.on_close() is None  # nothing new
    answer(app, calcinosis_id)
    clock.advance(timedelta(seconds=5))
    backup = auto.on_close()
    assert backup is not None and collection_fingerprint(backup.path) == collection_fingerprint(app.path)


def test_a_failed_automatic_backup_waits_for_the_next_interval(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    auto = AutoBackup(app)
    answer(app, calcinosis_id)
    backups_dir_for(app.path).write_text("in the way", encoding="utf-8")
    clock.advance(timedelta(minutes=30))
    with pytest.raises(BackupError):
        auto.maybe_backup()
    assert auto.maybe_backup() is None  # not again a minute later


def test_a_backup_with_another_page_size_is_restored_too(app: App, tmp_path: Path) -> None:
    backup = create_backup(app)
    other = tmp_path / "8k.db"
    shutil.copy(backup.path, other)
    with closing(sqlite3.connect(other, isolation_level=None)) as connection:
        connection.execute("PRAGMA page_size = 8192")
        connection.execute("VACUUM")
        assert connection.execute("PRAGMA page_size").fetchone()[0] == 8192
    expected = collection_fingerprint(other)
    app.set_setting("changed", True)
    restore(app, other)
    assert collection_fingerprint(app.path) == expected
    assert journal_mode(app.path) == "wal"  # back in WAL mode after copying through a rollback journal


def test_restoring_a_file_with_a_wal_beside_it_reads_the_wal_too(app: App, tmp_path: Path) -> None:
    source = tmp_path / "elsewhere.db"
    shutil.copy(create_backup(app).path, source)
    with closing(sqlite3.connect(source, isolation_level=None)) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO settings (key, value) VALUES ('only in the wal', '1')")
        expected = collection_fingerprint(source)
        copy = tmp_path / "copy.db"
        shutil.copy(source, copy)
        shutil.copy(source.with_name("elsewhere.db-wal"), copy.with_name("copy.db-wal"))
    restore(app, copy)
    assert collection_fingerprint(app.path) == expected
