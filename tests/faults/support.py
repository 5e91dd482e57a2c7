"""Faults made to order: a connection whose Nth write fails, and a tiny filesystem to fill for real."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studyapp.storage import Collection

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "COMMIT")

DISK_FULL = sqlite3.OperationalError("database or disk is full")
READ_ONLY = sqlite3.OperationalError("attempt to write a readonly database")
DISK_IO = sqlite3.OperationalError("disk I/O error")
NO_SPACE = OSError(errno.ENOSPC, "No space left on device")


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(WRITES)


class FailingConnection:
    """A stand-in for the collection's ``sqlite3.Connection`` that raises ``error`` on the Nth write.

    Every other call goes to the real connection, so what was written before the failure is really in
    the transaction, and the rollback that follows is the real one.
    """

    def __init__(self, real: sqlite3.Connection, error: BaseException, nth: int = 1, *, times: int = 1) -> None:
        self.real = real
        self.error = error
        self.nth = nth
        self.times = times  # how many writes fail from the Nth on
        self.writes = 0
        self.failed = 0

    def _check(self, sql: str) -> None:
        if not is_write(sql):
            return
        self.writes += 1
        if self.writes >= self.nth and self.failed < self.times:
            self.failed += 1
            raise self.error

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self.real.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self.real.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@contextlib.contextmanager
def failing_writes(collection: Collection, error: BaseException, nth: int = 1) -> Iterator[FailingConnection]:
    """The collection's Nth write (counting from now) raises ``error``; the real connection afterwards."""
    real = collection.db.conn
    failing = FailingConnection(real, error, nth)
    collection.db.conn = failing  # type: ignore[assignment]
    try:
        yield failing
    finally:
        collection.db.conn = real


def fail_opened_collections(
    monkeypatch: pytest.MonkeyPatch, error: BaseException, nth: int = 1
) -> list[FailingConnection]:
    """Every collection opened from now on (an import job opens its own) fails on its Nth write."""
    import studyapp.storage.collection as collection_module

    real_open = collection_module.open_database
    made: list[FailingConnection] = []

    def open_failing(path: Path) -> Any:
        db = real_open(path)
        failing = FailingConnection(db.conn, error, nth)
        made.append(failing)
        db.conn = failing  # type: ignore[assignment]
        return db

    monkeypatch.setattr(collection_module, "open_database", open_failing)
    return made


# -- a real tiny filesystem (root only) ---------------------------------------------------------------


def _run(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@contextlib.contextmanager
def tiny_filesystem(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder``; skips the test where one cannot be mounted."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root; the disk-full fault is injected in the other tests")
    folder.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("this machine does not let a tmpfs be mounted (a container without CAP_SYS_ADMIN?)")
    try:
        yield folder
    finally:
        if not _run("umount", str(folder)):
            _run("umount", "-l", str(folder))


def remount_read_only(folder: Path) -> None:
    assert _run("mount", "-o", "remount,ro", str(folder)), f"{folder} could not be made read-only"


def fill_disk(folder: Path) -> Path:
    """Write a file in ``folder`` until the filesystem has no byte left; returns it (delete it to free)."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 4096
    with filler.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                break
    with contextlib.suppress(OSError), filler.open("ab", buffering=0) as out:
        while True:  # the last few bytes too
            out.write(b"\0")
    return filler
