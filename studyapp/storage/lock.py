"""One writer per collection: a lock file beside it, held with the OS's advisory lock.

``<collection>.lock`` holds the pid, host and start time of the process that has the collection open,
for the message a second process shows. What counts is the OS lock on the file, not the file itself:
the OS releases it when its process ends, however it ends, so a lock file whose lock nobody holds is
stale (its process crashed) and is taken over, its contents rewritten. The file is never deleted: a
process may have it open, about to lock it, and deleting it would let two processes hold two locks.

POSIX uses ``flock`` (per open file, so a second open in the same process is refused too); Windows
uses ``msvcrt.locking`` on one byte far past the contents, so they stay readable while it is held.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from datetime import datetime, timezone
from pathlib import Path

from studyapp.storage.connection import check_file
from studyapp.storage.errors import NOT_OPENED, CollectionError, storage_faults

if sys.platform == "win32":
    import msvcrt

    _WINDOWS_LOCK_OFFSET = 0x7FFFFFF0

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class CollectionLocked(CollectionError):
    """Another studyapp process (or window) has the collection open; nothing was written."""

    def __init__(self, path: Path, pid: int | None, host: str | None) -> None:
        self.path = path
        self.pid = pid
        self.host = host
        where = ""
        if pid is not None:
            elsewhere = host is not None and host != socket.gethostname()
            where = f" (process {pid}{f' on {host}' if elsewhere else ''})"
        super().__init__(f"{path} is already open in another studyapp window{where}")


def lock_path_for(collection_path: Path) -> Path:
    collection_path = Path(collection_path)
    return collection_path.with_name(collection_path.name + ".lock")


def _read_owner(fd: int) -> tuple[int | None, str | None]:
    """The pid and host written in a held lock file (``None`` if it is being written or unreadable)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        owner = json.loads(os.read(fd, 4096).decode("utf-8"))
        pid = owner.get("pid")
        host = owner.get("host")
    except (OSError, ValueError, AttributeError):
        return None, None
    return (pid if isinstance(pid, int) else None), (host if isinstance(host, str) else None)


class CollectionLock:
    """The lock on one collection, held by this process until ``release()``."""

    def __init__(self, collection_path: Path, lock_path: Path, fd: int, took_over: bool = False) -> None:
        self.collection_path = collection_path
        self.path = lock_path
        self._fd: int | None = fd
        # The file still named an owner: the last process to open the collection did not close it (it
        # crashed or was killed), so the collection deserves a check before use.
        self.took_over = took_over

    @classmethod
    def acquire(cls, collection_path: Path | str) -> CollectionLock:
        """Take the collection's lock, or raise ``CollectionLocked`` naming the process that has it.

        A read-only or full folder raises a ``StorageError``: studyapp could not save there anyway.
        """
        collection_path = Path(collection_path)
        check_file(collection_path)  # a folder or a foreign file gets its own message, and no lock file
        lock_path = lock_path_for(collection_path)
        with storage_faults(collection_path, NOT_OPENED):
            collection_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                pid, host = _read_owner(fd)
                raise CollectionLocked(collection_path, pid, host)
            took_over = _read_owner(fd) != (None, None)
            with storage_faults(collection_path, NOT_OPENED):
                _write_owner(fd)
        except BaseException:
            os.close(fd)  # closing also drops a lock taken here
            raise
        return cls(collection_path, lock_path, fd, took_over)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Let go of the lock (and empty the file); the file stays for the next process to lock."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):  # a file on a vanished drive: the lock goes with the descriptor
            os.ftruncate(fd, 0)
        try:
            _unlock(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _write_owner(fd: int) -> None:
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    data = (json.dumps(owner) + "\n").encode("utf-8")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
