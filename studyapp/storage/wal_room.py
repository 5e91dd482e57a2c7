"""Room in the write-ahead log for a study session's answers, written before they come.

Every answer is one commit, and the commit returns only when its WAL frames are on the disk (one
``fdatasync``, see ``connection.py``). When those frames make the WAL file longer, the file system must also
journal the file's new size, and the sync costs more: on the benchmark machine's ext4, 0.16 ms instead of
0.09 ms for five pages. SQLite grows the WAL from empty to about 4 MB (the ``wal_autocheckpoint`` pages,
1,000 by default), checkpoints, then writes from the file's beginning again over the old frames, which costs
nothing more. So the first ~140 answers of every session paid the longer sync, and they made up most of the
slowest twentieth of answers.

``make_wal_room`` writes that room as zeros, once, when a session starts: one write and one sync of 4.4 MB
(3 ms here). Databases that log to a file do the same (PostgreSQL writes its WAL segments full of zeros
before use); SQLite's own ``SQLITE_FCNTL_CHUNK_SIZE`` would, but Python's ``sqlite3`` cannot set it.

Zeros are safe in a WAL file. SQLite reads the log from its header, and a frame counts only if its salts
and checksum follow that header's; a header of zeros is an empty log, and zeros after the last real frame
are what the file holds after SQLite starts the log again over old frames anyway. The room is written only
into an empty WAL file (no frames at all), while this connection holds SQLite's write lock (``BEGIN
IMMEDIATE``): no connection, of this process or another, can write a frame meanwhile. When the lock is taken
(an import on a worker's connection, say) the room is simply not made: it saves time, it is never needed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat

import sqlite_utils

_SPARE_FRAMES = 64  # the commit that crosses the checkpoint threshold writes past it
_WAL_HEADER = 32
_FRAME_HEADER = 24
_BLOCK = 1 << 20


def make_wal_room(db: sqlite_utils.Database) -> bool:
    """Write the room for a checkpoint's worth of commits into the collection's WAL, if it is empty;
    whether it was written. Never waits for another connection, and any failure leaves the WAL empty and is
    not raised: the room only saves time, and a study session starts whatever happens here."""
    try:
        return _make_room(db.conn)
    except (sqlite3.Error, OSError):
        return False


def _make_room(conn: sqlite3.Connection) -> bool:
    if os.name != "posix" or conn.in_transaction:
        return False
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        return False
    pages = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    if pages <= 0:  # checkpoints only by hand: no steady size to prepare for
        return False
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    size = _WAL_HEADER + (pages + _SPARE_FRAMES) * (page_size + _FRAME_HEADER)
    database = next((str(row[2]) for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not database:  # an in-memory database has no log file
        return False
    busy = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")  # SQLite's write lock: no frame is written while we look and write
        except sqlite3.OperationalError:  # another connection is writing (or the file is read-only)
            return False
        try:
            return _fill(database + "-wal", size)
        finally:
            conn.execute("ROLLBACK")  # nothing was written through SQLite
    finally:
        conn.execute(f"PRAGMA busy_timeout = {busy}")


def _fill(wal: str, size: int) -> bool:
    try:
        handle = os.open(wal, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # no log file yet (SQLite makes it at the first read), or not ours to open
        return False
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size != 0:
            return False  # frames (or room made before): the log is left exactly as it is
        zeros = memoryview(bytes(_BLOCK))
        try:
            offset = 0
            while offset < size:
                written = os.pwrite(handle, zeros[: min(_BLOCK, size - offset)], offset)
                if written <= 0:
                    raise OSError("nothing written")
                offset += written
            getattr(os, "fdatasync", os.fsync)(handle)
        except OSError:  # a full disk: give the space back; the log is empty, as it was
            with contextlib.suppress(OSError):
                os.ftruncate(handle, 0)
            return False
        return True
    finally:
        os.close(handle)
