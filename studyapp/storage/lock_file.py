"""The OS locks under the one-writer lock, and ``<collection>.lock``, the file that names the writer.

``<collection>.lock`` only carries the writer's pid, host and start time, for the message a second process
shows. It is opened without following a symlink (and never as a controlling terminal, never blocking on a
pipe), must be a regular file with one name, and is only ever rewritten if it is empty or holds such an
owner record: a file studyapp did not write is left byte for byte as it is, and the open is refused in one
line naming it. It is never deleted (a process may be about to read it). See ``lock.py`` for the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import sys
from datetime import datetime, timezone
from pathlib import Path

from studyapp.storage.errors import NOT_OPENED, CollectionError, StorageError, fault_kind, storage_faults

if sys.platform == "win32":
    import msvcrt

    _LOCK_FILE_OFFSET = 0x7FFFFFF0  # far past the lock file's contents, which stay readable while it is held
    # On the collection: the last byte of SQLite's lock-byte page (with 4 KiB pages SQLite never reads or
    # writes that page), past the bytes SQLite locks itself (0x40000000..0x400001FF). Windows locks are
    # mandatory, so the byte must be one no handle ever reads.
    DATABASE_OFFSET = 0x40000FFF

    def try_lock(fd: int, shared: bool, offset: int = _LOCK_FILE_OFFSET) -> bool:  # no shared lock: readers take turns
        os.lseek(fd, offset, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(fd: int, offset: int = _LOCK_FILE_OFFSET) -> None:
        os.lseek(fd, offset, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def independent_of_sqlite(fd: int) -> bool:
        return True

else:
    import fcntl

    DATABASE_OFFSET = 0
    _SQLITE_SHARED_BYTE = 0x40000002  # the first of SQLite's shared-lock bytes

    def try_lock(fd: int, shared: bool, offset: int = 0) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int, offset: int = 0) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def independent_of_sqlite(fd: int) -> bool:
        """Can SQLite still take its fcntl locks on a file we hold with flock? (Not where flock is emulated
        with fcntl, as on NFS.) Probed with the shared lock every SQLite reader takes, then given back."""
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, _SQLITE_SHARED_BYTE)
        except OSError:
            return False
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SQLITE_SHARED_BYTE)
        return True


# Where the OS lock is held on the collection file itself. On macOS and the BSDs flock and fcntl locks of one
# file share one list, so a flock held there would block SQLite's own locks: there the lock file's flock is
# the lock, keyed on the resolved path (a symlink leads to the same lock file; a hard link is refused).
LOCKS_DATABASE = sys.platform.startswith("linux") or sys.platform == "win32"

# Never follow a symlink, never become a controlling terminal, never leak into a child, never block on a FIFO.
SAFE_OPEN = (
    getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NONBLOCK", 0)
)

_OWNER_BYTES = 4096  # an owner record is ~100 bytes; anything bigger is not ours
_OWNER_KEYS = frozenset({"pid", "host", "started"})


class UnsafePath(CollectionError):
    """The collection or its lock file is not a plain file of studyapp's with one name; nothing was touched.
    (Its own type: it is no damage, and a path that may be a pipe or a device is never read to find out.)"""


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


def _parse_owner(data: bytes) -> dict[str, object] | None:
    """The owner record studyapp writes (``{"pid": 1234, "host": ..., "started": ...}``), else ``None``."""
    try:
        owner = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(owner, dict) or not set(owner) <= _OWNER_KEYS or not isinstance(owner.get("pid"), int):
        return None
    return owner


def read_owner(lock_path: Path) -> tuple[int | None, str | None]:
    """The pid and host in the lock file, for the message (``None``: none, unreadable, or not ours)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | SAFE_OPEN)
    except OSError:
        return None, None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, None
        owner = _parse_owner(os.read(fd, _OWNER_BYTES + 1))
    except OSError:
        return None, None
    finally:
        os.close(fd)
    if owner is None:
        return None, None
    host = owner.get("host")
    return owner["pid"], (host if isinstance(host, str) else None)  # type: ignore[return-value]


def refused(path: Path, lock_path: Path) -> CollectionLocked:
    return CollectionLocked(path, *read_owner(lock_path))


def open_error(path: Path, error: OSError) -> CollectionError:
    kind = fault_kind(error)
    if kind is not None:
        return StorageError(path, kind, NOT_OPENED)
    return CollectionError(f"{path}: cannot be opened ({error.strerror or error}); it was left untouched")


def close_locked(fd: int, offset: int | None = None) -> None:
    """Unlock (on Windows the byte at ``offset``, by default the lock file's) and close."""
    try:
        unlock(fd) if offset is None else unlock(fd, offset)
    except OSError:
        pass  # it was not locked (or its drive vanished): closing lets go of it anyway
    finally:
        os.close(fd)


def _lock_file_problem(path: Path, lock_path: Path, status: os.stat_result, data: bytes | None) -> str | None:
    """Why the lock file is not one studyapp may rewrite (``data``: its first bytes), or ``None``."""
    what_to_do = f"it was left untouched; remove it if no studyapp has {path} open"
    if stat.S_ISLNK(status.st_mode):
        return (
            f"{lock_path}: is a symbolic link; studyapp never writes through one, so it and what it points to "
            f"were left untouched; remove it if no studyapp has {path} open"
        )
    if stat.S_ISDIR(status.st_mode):
        return f"{lock_path}: is a folder, not studyapp's lock file; {what_to_do}"
    if not stat.S_ISREG(status.st_mode):
        return f"{lock_path}: is not a regular file (a pipe or a device?); {what_to_do}"
    if status.st_nlink > 1:
        return f"{lock_path}: has other names (hard links), so it is some other file too; {what_to_do}"
    if data is not None and data and _parse_owner(data) is None:
        return f"{lock_path}: is not a studyapp lock file (it holds something else); {what_to_do}"
    return None


def _read_small(fd: int, status: os.stat_result) -> bytes | None:
    """The content of a regular file of at most ``_OWNER_BYTES`` (``b"x" * n`` stands for a larger one)."""
    if not stat.S_ISREG(status.st_mode):
        return None
    if status.st_size > _OWNER_BYTES:
        return b"\x00" * (_OWNER_BYTES + 1)  # too big to be an owner record: not ours
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, _OWNER_BYTES + 1)


def precheck_lock_file(path: Path, lock_path: Path) -> None:
    """Refuse a lock file studyapp may not rewrite before anything is created (checked again once open)."""
    try:
        status = os.lstat(lock_path)
    except OSError:
        return  # none yet (or unreachable: opening it says why)
    data = None
    if stat.S_ISREG(status.st_mode):
        try:
            fd = os.open(lock_path, os.O_RDONLY | SAFE_OPEN)
        except OSError:
            return
        try:
            data = _read_small(fd, os.fstat(fd))
        except OSError:
            data = None
        finally:
            os.close(fd)
    problem = _lock_file_problem(path, lock_path, status, data)
    if problem is not None:
        raise UnsafePath(problem)


def share_lock_file(path: Path, lock_path: Path) -> int | None:
    """Where the collection file itself is not locked: a shared flock on the lock file, if there is one to
    read (a read-only folder may have none: then no studyapp can be writing there either)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | SAFE_OPEN)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        if not try_lock(fd, shared=True):
            raise refused(path, lock_path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def claim_lock_file(path: Path, lock_path: Path) -> tuple[int, bool]:
    """Open the lock file (creating it) and write this process as its owner; returns its descriptor and
    whether it named a previous owner. Refused, untouched, unless it is a regular file with one name that
    is empty or holds an owner record: never a symlink's target, a device, a pipe or someone's file."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | SAFE_OPEN, 0o644)
    except OSError as error:
        with contextlib.suppress(OSError):
            problem = _lock_file_problem(path, lock_path, os.lstat(lock_path), None)
            if problem is not None:
                raise UnsafePath(problem) from None
        raise open_error(path, error) from None
    try:
        status = os.fstat(fd)
        data = _read_small(fd, status)
        problem = _lock_file_problem(path, lock_path, status, data)
        if problem is not None:
            raise UnsafePath(problem)
        if not try_lock(fd, shared=False):  # held by a studyapp older than the lock on the database file
            raise refused(path, lock_path)
        with storage_faults(path, NOT_OPENED):
            _write_owner(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd, bool(data)


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
