"""Issue 12, point 1: a durable answer costs no more than it must, and the room made for it risks nothing.

A study session writes zeros into the collection's empty WAL file before its first answer
(``storage/wal_room.py``), so that each answer's sync overwrites the file instead of growing it (growing it
made the sync journal the file's size too: 0.16 ms instead of 0.09 ms here). These tests hold it to its
promises: the answers then fit the room without growing the file; a process killed right after its answers
loses none of them; frames already in the log, another connection's write lock and a full disk are left
alone. (``test_power_cut.py`` cuts the power on a session that made its room: the CLI review starts one.)
"""

from __future__ import annotations

import errno
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils

import studyapp.storage.wal_room as wal_room
from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.storage import Collection
from studyapp.storage.wal_room import make_wal_room
from tests.conftest import T0

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the room is made on POSIX systems only")

ROOT = Path(__file__).resolve().parents[2]


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _room(db: sqlite_utils.Database) -> int:
    pages = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    return 32 + (pages + 64) * (page_size + 24)


def _answer(app: App, count: int) -> list[int]:
    deck = app.collection.decks.by_name("Calcinosis")
    assert deck is not None
    session = app.review_session(deck.id)
    ids = []
    for _ in range(count):
        assert session.next_card() is not None
        ids.append(session.answer(Rating.AGAIN).id)
        app.clock.advance(timedelta(seconds=1))
    return ids


def test_a_session_makes_room_and_its_answers_fill_it_without_growing_it(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(1))
    try:
        app.collection.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert _wal(path).stat().st_size == 0
        room = _room(app.collection.db)
        ids = _answer(app, 40)
        assert _wal(path).stat().st_size == room  # 40 commits, each its frames, all inside the room
        with closing(sqlite3.connect(path)) as other:  # another connection reads them from the log
            assert other.execute("SELECT count(*) FROM review_log").fetchone()[0] == 40
            assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        app.close()
    assert not _wal(path).exists() or _wal(path).stat().st_size == 0  # closing folds the log into the file
    with closing(sqlite3.connect(path)) as check:
        assert [row[0] for row in check.execute("SELECT id FROM review_log ORDER BY reviewed_at")] == ids


_KILLED_CHILD = """
import os, random, signal, sys
from datetime import timedelta
from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from tests.conftest import T0
app = App.open(sys.argv[1], clock=FixedClock(T0), rng=random.Random(2))
app.collection.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
session = app.review_session(app.collection.decks.by_name("Calcinosis").id)
for _ in range(int(sys.argv[2])):
    session.next_card()
    print(session.answer(Rating.GOOD).id, flush=True)  # "Saved": the answer's commit has returned
    app.clock.advance(timedelta(seconds=1))
os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint: the answers are only in the log
"""


def test_answers_in_the_room_survive_a_kill(tmp_path: Path) -> None:
    """The log a killed process leaves is its frames followed by zeros; the next open reads every frame."""
    path = tmp_path / "collection.db"
    App.open(path, clock=FixedClock(T0), rng=random.Random(1)).close()
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_CHILD, str(path), "25"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    confirmed = [int(line) for line in done.stdout.split()]
    assert len(confirmed) == 25
    assert _wal(path).stat().st_size >= 32 + 1000 * 4120  # the room was there when it died
    with closing(sqlite3.connect(path)) as check:
        stored = {row[0] for row in check.execute("SELECT id FROM review_log")}
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stored == set(confirmed)


def test_frames_already_in_the_log_are_never_written_over(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    App.open(path, clock=FixedClock(T0), rng=random.Random(1)).close()
    with Collection.open(path) as writer, Collection.open(path) as other:
        writer.db.execute("PRAGMA wal_autocheckpoint = 0")
        writer.set_setting("kept", "in the log only")
        writer.db.execute("PRAGMA wal_autocheckpoint = 1000")  # (a checkpoint only ever follows a commit)
        before = _wal(path).read_bytes()
        assert before  # committed frames, not yet checkpointed
        assert make_wal_room(other.db) is False
        assert make_wal_room(writer.db) is False
        assert _wal(path).read_bytes() == before
        assert other.setting("kept") == "in the log only"


def test_another_connections_write_lock_is_not_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    App.open(path, clock=FixedClock(T0), rng=random.Random(1)).close()
    with Collection.open(path) as session, closing(sqlite3.connect(path, isolation_level=None)) as importer:
        session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        importer.execute("BEGIN IMMEDIATE")  # an import on a worker's connection, mid-transaction
        started = time.monotonic()
        assert make_wal_room(session.db) is False
        assert time.monotonic() - started < 2  # the connection's busy timeout is 5 s: it did not wait for it
        assert session.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000  # and it is put back
        assert _wal(path).stat().st_size == 0
        importer.execute("ROLLBACK")
        assert make_wal_room(session.db) is True


def test_a_full_disk_gives_the_space_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "collection.db"
    App.open(path, clock=FixedClock(T0), rng=random.Random(1)).close()
    written = []

    def pwrite(handle: int, data: memoryview, offset: int) -> int:
        if offset >= 3 << 20:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(len(data))
        return os.write(handle, data) if os.lseek(handle, offset, os.SEEK_SET) == offset else 0

    monkeypatch.setattr(wal_room.os, "pwrite", pwrite)
    with Collection.open(path) as collection:
        collection.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert make_wal_room(collection.db) is False
        assert sum(written) == 3 << 20 and _wal(path).stat().st_size == 0
        collection.set_setting("after", 1)  # the collection writes on as before
        assert collection.setting("after") == 1


def test_no_room_where_there_is_no_log_file(tmp_path: Path) -> None:
    memory = sqlite_utils.Database(sqlite3.connect(":memory:"))
    assert make_wal_room(memory) is False
    path = tmp_path / "collection.db"
    App.open(path, clock=FixedClock(T0), rng=random.Random(1)).close()
    with Collection.open(path, read_only=True) as reader:
        assert make_wal_room(reader.db) is False


def test_any_failure_leaves_the_session_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The room only saves time: an error while making it (here the log file cannot even be looked at) is not
    raised, the write lock is let go, and the session studies as before."""
    path = tmp_path / "collection.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(1))
    try:
        app.collection.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        def unreadable(_wal: str, _size: int) -> bool:
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(wal_room, "_fill", unreadable)
        assert make_wal_room(app.collection.db) is False
        assert not app.collection.db.conn.in_transaction
        assert len(_answer(app, 3)) == 3  # the session made no room, and its answers are saved
        assert _wal(path).stat().st_size < _room(app.collection.db)
    finally:
        app.close()
    with closing(sqlite3.connect(path)) as check:
        assert check.execute("SELECT count(*) FROM review_log").fetchone()[0] == 3
