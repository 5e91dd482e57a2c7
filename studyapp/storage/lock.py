"""One writer per collection: an OS lock held on the collection file itself, keyed on what the file is.

The lock is taken on the database file (its device and inode), not on a name: a second path to the same
file (a symlink, a hard link, a ``../`` path, a bind mount) finds it held and is refused. On Linux it is a
``flock``, independent of SQLite's own ``fcntl`` byte-range locks on the same file (checked at each
acquire: where flock is emulated with fcntl, as on NFS, the lock file's flock decides instead), and kept
while SQLite opens and closes descriptors of its own; on Windows ``msvcrt.locking`` takes a byte of
SQLite's lock-byte page that SQLite neither locks nor reads. On macOS and the BSDs flock and fcntl locks of
a file are one list, so a flock on the collection would block SQLite itself: there the lock file's flock
is the lock (keyed on the resolved path, with hard links refused, it covers every name but a hard link
made while the collection is open). The OS releases a lock when its process ends, however it ends, so a
crash leaves nothing to clean up. A writer holds it exclusively; a read-only opening (``shared=True``: a
collection on a read-only disk or in a read-only folder) holds it shared, so readers may read together but
never beside a writer, and writes no lock file (a read-only folder could not hold one). The lock file
itself is handled in ``lock_file.py``: never followed through a symlink, never rewritten unless ours.

Names. A symlinked collection is opened through its resolved path, so its journal (``-wal``) and lock
file sit beside the one real name whichever link was used. A file with several names (hard links) is
refused: SQLite keeps the journal beside the name it was opened by, so after a crash through one name
the committed answers in that name's ``-wal`` would be invisible through another, and a write through
the other would be overwritten when the first name's journal is replayed. One name, one journal.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from pathlib import Path

from studyapp.storage.connection import check_file
from studyapp.storage.errors import NOT_OPENED, READ_ONLY, CollectionError, StorageError, storage_faults
from studyapp.storage.lock_file import (
    DATABASE_OFFSET,
    LOCKS_DATABASE,
    SAFE_OPEN,
    CollectionLocked,
    UnsafePath,
    claim_lock_file,
    close_locked,
    independent_of_sqlite,
    open_error,
    precheck_lock_file,
    refused,
    share_lock_file,
    try_lock,
    unlock,
)

__all__ = ["CollectionLock", "CollectionLocked", "UnsafePath", "collection_writable", "lock_path_for", "resolved_path"]

FileKey = tuple[int, int]

# The files this process holds a lock on. A second opening of one of them is refused before a descriptor
# of it is opened: closing any descriptor of a file drops every fcntl lock this process holds on it, the
# SQLite connection's included. Descriptors that were opened anyway (a race) are parked, never closed.
_held: dict[FileKey, CollectionLock] = {}
_held_guard = threading.Lock()
_parked: list[int] = []


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
            precheck_lock_file(path, lock_path)
        with storage_faults(path, NOT_OPENED):
            try:
                known = os.stat(database)
            except FileNotFoundError:
                if shared:
                    raise CollectionError(f"{path}: there is no collection here; nothing was created") from None
                _create_empty(database)
                known = os.stat(database)
        if _key(known) in _held:
            raise refused(path, lock_path)
        fd = _open_database_file(path, database)
        try:
            status = os.fstat(fd)
            if _key(status) in _held:  # replaced by a file this process holds, between stat and open
                _parked.append(fd)
                raise refused(path, lock_path)
            if not stat.S_ISREG(status.st_mode):
                raise UnsafePath(f"{path}: is not a regular file (a device or a pipe?); it was left untouched")
            locks_database = LOCKS_DATABASE
            if locks_database:
                if not try_lock(fd, shared, DATABASE_OFFSET):
                    raise refused(path, lock_path)
                if not shared and not independent_of_sqlite(fd):  # keep SQLite working: the lock file decides
                    unlock(fd, DATABASE_OFFSET)
                    locks_database = False
            if status.st_nlink > 1:
                raise UnsafePath(
                    f"{path}: has {status.st_nlink} names (hard links); studyapp keeps a collection's journal beside "
                    "the name it is opened by, so it opens only a file with one name: remove the other names or open "
                    "a copy; it was left untouched"
                )
            check_file(database)  # not an SQLite file: its own message (nothing of ours is open on it yet)
            if shared:
                owner_fd, took_over = (None if locks_database else share_lock_file(path, lock_path)), False
            else:
                owner_fd, took_over = claim_lock_file(path, lock_path)
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
            if not self.shared:  # our owner record (a shared holder only read the file)
                with contextlib.suppress(OSError):  # a file on a vanished drive: the lock goes with the descriptor
                    os.ftruncate(owner_fd, 0)
            close_locked(owner_fd)
        close_locked(fd, DATABASE_OFFSET)


def _create_empty(database: Path) -> None:
    """A new collection: an empty file, created here and now (never over an existing one or through a link)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL | SAFE_OPEN, 0o644)
    except FileExistsError:
        return  # someone else's new file: it is checked like any other
    os.close(fd)


def _open_database_file(path: Path, database: Path) -> int:
    try:
        return os.open(database, os.O_RDONLY | SAFE_OPEN)
    except OSError as error:
        if os.path.islink(database):  # a symlink put in place after its path was resolved
            raise UnsafePath(f"{path}: became a symbolic link while being opened; it was left untouched") from None
        raise open_error(path, error) from None
