"""Faults of the disk under the collection, told as one user-facing error that names the file.

SQLite reports a full disk, a read-only file and a vanished file as ``sqlite3.OperationalError`` with
a message of its own; our own file operations (the lock file, media) raise ``OSError``. At the storage
boundary both become a ``StorageError``: one line, naming the file, saying what happened and that the
change was not saved. The layers above catch that type only (they never import ``sqlite3``).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CollectionError(Exception):
    """A collection that cannot be opened or written; the message is one line that names the file."""


FULL = "full"
READ_ONLY = "read-only"
UNREACHABLE = "unreachable"

NOT_SAVED = "the last change was not saved"
NOT_OPENED = "it cannot be opened for study (studyapp saves every answer at once)"
NOT_IMPORTED = "nothing was imported"

_WHAT = {
    FULL: "the disk is full",
    READ_ONLY: "the folder or file is read-only",
    UNREACHABLE: "the collection file is no longer reachable (was its folder moved or its drive removed?)",
}

# SQLite's own words (the message, and from Python 3.11 on the error's name): first match wins.
_SQLITE_KINDS = (
    ("database or disk is full", FULL),
    ("sqlite_full", FULL),
    ("readonly", READ_ONLY),
    ("read-only", READ_ONLY),
    ("disk i/o error", UNREACHABLE),
    ("sqlite_ioerr", UNREACHABLE),
    ("unable to open database file", UNREACHABLE),
    ("sqlite_cantopen", UNREACHABLE),
)

_ERRNO_KINDS = {
    errno.ENOSPC: FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: READ_ONLY,
    errno.EPERM: READ_ONLY,
    errno.ENOENT: UNREACHABLE,
    errno.EIO: UNREACHABLE,
    errno.ENXIO: UNREACHABLE,
    errno.ENODEV: UNREACHABLE,
}
for _name, _kind in (("EDQUOT", FULL), ("ESTALE", UNREACHABLE)):  # not on every platform
    if hasattr(errno, _name):
        _ERRNO_KINDS[getattr(errno, _name)] = _kind

# Errors that say "the disk refused the write" whichever file it was: safe to translate around any code.
UNAMBIGUOUS = frozenset(code for code, kind in _ERRNO_KINDS.items() if kind == FULL) | {errno.EROFS}


class StorageError(CollectionError):
    """The disk refused: full, read-only, or the file is gone. Nothing was half-written."""

    def __init__(self, path: Path | None, kind: str, outcome: str = NOT_SAVED) -> None:
        self.path = path
        self.kind = kind
        self.outcome = outcome
        super().__init__(f"{path if path is not None else 'the collection'}: {_WHAT[kind]}; {outcome}")

    def reworded(self, outcome: str) -> StorageError:
        """The same fault, with what it means for the action that failed."""
        return StorageError(self.path, self.kind, outcome)


def fault_kind(error: BaseException, errnos: frozenset[int] | None = None) -> str | None:
    """What kind of disk fault ``error`` is, or ``None`` if it is none (a bug, a bad query...)."""
    if isinstance(error, StorageError):
        return error.kind
    if isinstance(error, sqlite3.Error):
        words = f"{error} {getattr(error, 'sqlite_errorname', '')}".lower()
        return next((kind for text, kind in _SQLITE_KINDS if text in words), None)
    if isinstance(error, OSError) and error.errno in _ERRNO_KINDS:
        if errnos is not None and error.errno not in errnos:
            return None
        return _ERRNO_KINDS[error.errno]
    return None


@contextmanager
def storage_faults(path: Path | None, outcome: str = NOT_SAVED, errnos: frozenset[int] | None = None) -> Iterator[None]:
    """Translate a disk fault raised inside into a ``StorageError`` naming ``path``.

    ``errnos`` limits which ``OSError`` codes count (by default all of them): around code that also
    touches other files, only the unambiguous ones (a full or read-only disk) say the collection's fate.
    """
    try:
        yield
    except StorageError:
        raise
    except (sqlite3.Error, OSError) as error:
        kind = fault_kind(error, errnos)
        if kind is None:
            raise
        raise StorageError(path, kind, outcome) from error


FileIdentity = tuple[int, int]


def file_identity(path: Path) -> FileIdentity | None:
    """The file's device and inode, to notice later that its path leads elsewhere or nowhere."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def check_reachable(path: Path | None, identity: FileIdentity | None, outcome: str = NOT_SAVED) -> None:
    """Raise if the collection's path no longer leads to the file that was opened.

    An open file stays writable after its folder is renamed or its drive unmounted lazily; the change
    would land in a file the user can no longer find (and the next start would create an empty one).
    """
    if path is None or identity is None:
        return
    if file_identity(path) != identity:
        raise StorageError(path, UNREACHABLE, outcome)


class WriteGuard:
    """Around a write: ``check_reachable`` on entry, then ``storage_faults`` on the way out.

    The same as those two, written as one plain context manager: every answer of the study loop goes
    through one, and two generator-based context managers cost more than the answer's own Python.
    """

    __slots__ = ("_errnos", "_identity", "_path")

    def __init__(self, path: Path | None, identity: FileIdentity | None, errnos: frozenset[int] | None = None) -> None:
        self._path = path
        self._identity = identity
        self._errnos = errnos

    def __enter__(self) -> None:
        check_reachable(self._path, self._identity)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> bool:
        if error is None or isinstance(error, StorageError) or not isinstance(error, (sqlite3.Error, OSError)):
            return False
        fault = fault_kind(error, self._errnos)
        if fault is None:
            return False
        raise StorageError(self._path, fault, NOT_SAVED) from error
