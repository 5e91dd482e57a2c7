"""Issue 12, point 1: "Saved" means on the disk, and a closed collection is whole in its ``.db`` file alone.

Every connection to a collection runs WAL with ``synchronous = FULL``: each commit (an answer, an import, a
restore, an options save) syncs its WAL frames before it returns, so whatever the user was told survives a
power cut (tests/attacks/test_power_cut.py cuts the power for real). Closing checkpoints the WAL into the
database file, so the ``.db`` file alone holds every commit even when another connection kept SQLite from
doing so on its own; a connection that cannot checkpoint (read-only) closes quietly.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import sqlite_utils

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.review.review import ReviewSession
from studyapp.storage import Collection
from studyapp.storage.connection import close_database
from tests.conftest import T0

FULL = 2


def _answer_one(app: App) -> int:
    """Answer the first card of the first deck with cards; the log row's id."""
    deck = next(deck for deck in app.decks() if app.collection.db.execute(
        "SELECT 1 FROM cards WHERE deck_id = ? LIMIT 1", [deck.id]).fetchone())  # fmt: skip
    session = ReviewSession(app.collection, deck.id, app.clock, app.rng)
    assert session.next_card() is not None
    return session.answer(Rating.GOOD).id


def test_every_connection_to_a_collection_syncs_each_commit(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(1))
    try:
        assert app.collection.db.execute("PRAGMA synchronous").fetchone()[0] == FULL
        assert app.collection.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with App.on_own_connection(path, app.clock, 2) as worker:  # a worker thread's own connection
            assert worker.collection.db.execute("PRAGMA synchronous").fetchone()[0] == FULL
    finally:
        app.close()
    with Collection.open(path) as collection:
        assert collection.db.execute("PRAGMA synchronous").fetchone()[0] == FULL


def test_after_close_the_db_file_alone_holds_the_last_answer(tmp_path: Path) -> None:
    """Another connection to the file (a worker's, a reader's) keeps SQLite from checkpointing when the app's
    connection closes; the app checkpoints itself, so the WAL is empty and the ``.db`` file is whole."""
    path = tmp_path / "collection.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(1))
    with closing(sqlite3.connect(path)) as other:
        other.execute("SELECT count(*) FROM cards").fetchone()  # it has read: it holds the WAL open
        log_id = _answer_one(app)
        app.close()
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        alone = tmp_path / "elsewhere" / "collection.db"
        alone.parent.mkdir()
        shutil.copyfile(path, alone)  # the .db file alone, without its -wal and -shm
    with closing(sqlite3.connect(f"{alone.as_uri()}?immutable=1", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM review_log WHERE id = ?", [log_id]).fetchone()[0] == 1


def test_closing_a_read_only_connection_is_quiet_and_leaves_the_wal(tmp_path: Path) -> None:
    """A read-only connection cannot checkpoint: closing it raises nothing and loses nothing."""
    path = tmp_path / "collection.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(1))
    try:
        log_id = _answer_one(app)  # in the WAL, which the app keeps open
        for flag in ("mode=ro", "immutable=1"):
            reader = sqlite_utils.Database(sqlite3.connect(f"{path.as_uri()}?{flag}", uri=True))
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            close_database(reader)  # no exception
            close_database(reader)  # nor for one already closed
        row = app.collection.db.execute("SELECT count(*) FROM review_log WHERE id = ?", [log_id]).fetchone()
        assert row[0] == 1
    finally:
        app.close()
    with closing(sqlite3.connect(path)) as check:
        assert check.execute("SELECT count(*) FROM review_log WHERE id = ?", [log_id]).fetchone()[0] == 1


def test_a_restore_through_a_rollback_journal_goes_back_to_wal_and_full(app: App, tmp_path: Path) -> None:
    """A backup of another page size is copied through a rollback journal (synced with EXTRA); afterwards the
    collection is in WAL with FULL again."""
    from studyapp.services.maintenance.backups import create_backup, restore

    backup = create_backup(app)
    other = tmp_path / "8k.db"
    shutil.copyfile(backup.path, other)
    with closing(sqlite3.connect(other, isolation_level=None)) as connection:
        connection.execute("PRAGMA page_size = 8192")
        connection.execute("VACUUM")
    restore(app, other)
    db = app.collection.db
    assert db.execute("PRAGMA page_size").fetchone()[0] == 8192
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL
