"""One writer per collection: an OS lock held on the collection file itself, keyed on what the file is.

The lock is taken on the database file (its device and inode), not on a name: a second path to the same
file (a symlink, a hard link, a ``../`` path, a bind mount) finds it held and is refused. ``flock`` on
Linux and macOS is independent of SQLite's own ``fcntl`` byte-range locks on the same file and stays
held while SQLite opens and closes descriptors of its own; on Windows ``msvcrt.locking`` takes one byte
far beyond SQLite's lock region (0x40000000). The OS releases the lock when its process ends, however it
ends, so a crash leaves nothing to clean up. A writer holds it exclusively; a read-only opening
(``shared=True``: a collection on a read-only disk or in a read-only folder) holds it shared, so several
readers may read at once but never beside a writer.

``<collection>.lock`` beside the file only carries the writer's pid, host and start time, for the message
a second process shows. It is opened without following a symlink, must be a regular file with one name,
and is only ever rewritten if it is empty or holds such an owner record: a file studyapp did not write is
left byte for byte as it is and the open is refused in one line. It is never deleted (a process may be
about to read it). A read-only opening writes no lock file (a read-only folder could not hold one).

Names. A symlinked collection is opened through its resolved path, so its journal (``-wal``) and lock
file sit beside the one real name whichever link was used. A file with several names (hard links) is
refused: SQLite keeps the journal beside the name it was opened by, so after a crash through one name
the committed answers in that name's ``-wal`` would be invisible through another, and a write through
the other would be overwritten when the first name's journal is replayed. One name, one journal.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from studyapp.storage.connection import check_file
from studyapp.storage.errors import NOT_OPENED, READ_ONLY, CollectionError, StorageError, fault_kind, storage_faults

if sys.platform == "win32":
    import msvcrt

    _WINDOWS_LOCK_OFFSET = 0x7FFFFFF0  # SQLite's locks are at 0x40000000..0x400001FF

    def _try_lock(fd: int, shared: bool) -> bool:  # msvcrt has no shared lock: readers take turns
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

    def _try_lock(fd: int, shared: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# Never follow a symlink, never become a controlling terminal, never leak into a child, never block on a FIFO.
_SAFE_OPEN = (
    getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NONBLOCK", 0)
)
_OWNER_BYTES = 4096  # an owner record is ~100 bytes; anything bigger is not ours
_OWNER_KEYS = frozenset({"pid", "host", "started"})

FileKey = tuple[int, int]

# The files this process holds a lock on. A second opening of one of them is refused before a descriptor
# of it is opened: closing any descriptor of a file drops every fcntl lock this process holds on it, the
# SQLite connection's included. Descriptors that were opened anyway (a race) are parked, never closed.
_held: dict[FileKey, CollectionLock] = {}
_held_guard = threading.Lock()
_parked: list[int] = []


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


def lock_path_for(collection_path: Path) -> Path:
    collection_path = Path(collection_path)
    return collection_path.with_name(collection_path.name + ".lock")


def resolved_path(collection_path: Path) -> Path:
    """The path to open the collection by: as given, or its real path if a symlink leads there."""
    collection_path = Path(collection_path)
    real = Path(os.path.realpath(collection_path))
    return collection_path if Path(os.path.abspath(collection_path)) == real else real


def collection_writable(collection_path: Path) -> bool:
    """Can studyapp write the collection (its file, and its folder for the journal and the lock file)?

    A file that does not exist yet counts as writable: opening it creates it, or says why it cannot.
    """
    path = resolved_path(Path(collection_path))
    effective = {"effective_ids": True} if os.access in os.supports_effective_ids else {}
    if path.parent.exists() and not os.access(path.parent, os.W_OK | os.X_OK, **effective):
        return False
    return not path.exists() or os.access(path, os.W_OK, **effective)


def _key(status: os.stat_result) -> FileKey:
    return (status.st_dev, status.st_ino)


def _parse_owner(data: bytes) -> dict[str, object] | None:
    """The owner record studyapp writes (``{"pid": 1234, "host": ..., "started": ...}``), else ``None``."""
    try:
        owner = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(owner, dict) or not set(owner) <= _OWNER_KEYS or not isinstance(owner.get("pid"), int):
        return None
    return owner


def _read_owner(lock_path: Path) -> tuple[int | None, str | None]:
    """The pid and host in the lock file, for the message (``None``: none, unreadable, or not ours)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | _SAFE_OPEN)
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


def _refused(path: Path, lock_path: Path) -> CollectionLocked:
    return CollectionLocked(path, *_read_owner(lock_path))


class CollectionLock:
    """The lock on one collection, held by this process until ``release()``."""

    def __init__(
        self,
        collection_path: Path,
        lock_path: Path,
        fd: int,
        took_over: bool = False,
        *,
        database_path: Path | None = None,
        key: FileKey | None = None,
        owner_fd: int | None = None,
        shared: bool = False,
    ) -> None:
        self.collection_path = collection_path  # as given (for messages)
        self.database_path = database_path or collection_path  # what to open: symlinks resolved
        self.path = lock_path
        self.shared = shared
        self._fd: int | None = fd  # the database file, locked
        self._owner_fd = owner_fd  # the lock file (None when shared)
        self._key = key
        # The file still named an owner: the last process to open the collection did not close it (it
        # crashed or was killed), so the collection deserves a check before use.
        self.took_over = took_over

    @classmethod
    def acquire(cls, collection_path: Path | str, shared: bool = False) -> CollectionLock:
        """Take the collection's lock, or raise ``CollectionLocked`` naming the process that has it.

        A new collection is created (empty) first, so there is a file to lock. ``shared``: for reading
        only; nothing is created or written. A read-only or full folder raises a ``StorageError`` (for a
        writer: studyapp could not save there anyway); a path that is not a regular file with one name,
        or a lock file studyapp did not write, a ``CollectionError``; each is one line and changes nothing.
        """
        path = Path(collection_path)
        database = resolved_path(path)
        lock_path = lock_path_for(database)
        if os.path.islink(path) and not database.exists():
            raise UnsafePath(f"{path}: is a symbolic link to nothing ({database}); it was left untouched")
        if database.is_dir():
            raise CollectionError(f"{path}: is a folder, not a collection file")
        if not shared:  # before anything is created
            if not collection_writable(database):  # else it would open, and refuse every answer
                raise StorageError(path, READ_ONLY, NOT_OPENED)
            _precheck_lock_file(path, lock_path)
        with storage_faults(path, NOT_OPENED):
            try:
                known = os.stat(database)
            except FileNotFoundError:
                if shared:
                    raise CollectionError(f"{path}: there is no collection here; nothing was created") from None
                _create_empty(database)
                known = os.stat(database)
        if _key(known) in _held:
            raise _refused(path, lock_path)
        fd = _open_database_file(path, database)
        try:
            status = os.fstat(fd)
            if _key(status) in _held:  # replaced by a file this process holds, between stat and open
                _parked.append(fd)
                raise _refused(path, lock_path)
            if not stat.S_ISREG(status.st_mode):
                raise UnsafePath(f"{path}: is not a regular file (a device or a pipe?); it was left untouched")
            if not _try_lock(fd, shared):
                raise _refused(path, lock_path)
            if status.st_nlink > 1:
                raise UnsafePath(
                    f"{path}: has {status.st_nlink} names (hard links); studyapp keeps a collection's journal beside "
                    "the name it is opened by, so it opens only a file with one name: remove the other names or open "
                    "a copy; it was left untouched"
                )
            check_file(database)  # not an SQLite file: its own message (nothing of ours is open on it yet)
            owner_fd, took_over = (None, False) if shared else _claim_lock_file(path, lock_path)
        except BaseException:
            if fd not in _parked:
                os.close(fd)  # closing also drops the lock taken here
            raise
        lock = cls(
            path, lock_path, fd, took_over, database_path=database, key=_key(status), owner_fd=owner_fd, shared=shared
        )
        with _held_guard:
            _held[_key(status)] = lock
        return lock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Let go of the lock (and empty the lock file); the file stays for the next process to lock."""
        fd, self._fd = self._fd, None
        owner_fd, self._owner_fd = self._owner_fd, None
        if fd is None:
            return
        with _held_guard:
            if self._key is not None and _held.get(self._key) is self:
                del _held[self._key]
        if owner_fd is not None:
            with contextlib.suppress(OSError):  # a file on a vanished drive: the lock goes with the descriptor
                os.ftruncate(owner_fd, 0)
            _close(owner_fd)
        _close(fd)


def _close(fd: int) -> None:
    try:
        _unlock(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_empty(database: Path) -> None:
    """A new collection: an empty file, created here and now (never over an existing one or through a link)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _SAFE_OPEN, 0o644)
    except FileExistsError:
        return  # someone else's new file: it is checked like any other
    os.close(fd)


def _open_error(path: Path, error: OSError) -> CollectionError:
    kind = fault_kind(error)
    if kind is not None:
        return StorageError(path, kind, NOT_OPENED)
    return CollectionError(f"{path}: cannot be opened ({error.strerror or error}); it was left untouched")


def _open_database_file(path: Path, database: Path) -> int:
    try:
        return os.open(database, os.O_RDONLY | _SAFE_OPEN)
    except OSError as error:
        if os.path.islink(database):  # a symlink put in place after its path was resolved
            raise UnsafePath(f"{path}: became a symbolic link while being opened; it was left untouched") from None
        raise _open_error(path, error) from None


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


def _precheck_lock_file(path: Path, lock_path: Path) -> None:
    """Refuse a lock file studyapp may not rewrite before anything is created (checked again once open)."""
    try:
        status = os.lstat(lock_path)
    except OSError:
        return  # none yet (or unreachable: opening it says why)
    data = None
    if stat.S_ISREG(status.st_mode):
        try:
            fd = os.open(lock_path, os.O_RDONLY | _SAFE_OPEN)
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


def _claim_lock_file(path: Path, lock_path: Path) -> tuple[int, bool]:
    """Open the lock file (creating it) and write this process as its owner; returns its descriptor and
    whether it named a previous owner. Refused, untouched, unless it is a regular file with one name that
    is empty or holds an owner record: never a symlink's target, a device, a pipe or someone's file."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _SAFE_OPEN, 0o644)
    except OSError as error:
        with contextlib.suppress(OSError):
            problem = _lock_file_problem(path, lock_path, os.lstat(lock_path), None)
            if problem is not None:
                raise UnsafePath(problem) from None
        raise _open_error(path, error) from None
    try:
        status = os.fstat(fd)
        data = _read_small(fd, status)
        problem = _lock_file_problem(path, lock_path, status, data)
        if problem is not None:
            raise UnsafePath(problem)
        if not _try_lock(fd, shared=False):  # held by a studyapp older than the lock on the database file
            raise _refused(path, lock_path)
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
