"""Opening a collection file: refuse what is not ours, migrate what is, never overwrite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from studyapp.storage.errors import NOT_OPENED, CollectionError, StorageError, fault_kind, storage_faults
from studyapp.storage.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS

__all__ = ["CollectionError", "check_file", "close_database", "open_database", "open_read_only", "schema_version"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Refuse a folder or a file that is not an SQLite database, before anything is written beside it."""
    if path.is_dir():
        raise CollectionError(f"{path}: is a folder, not a collection file")
    with storage_faults(path, NOT_OPENED):
        if not path.exists() or path.stat().st_size == 0:
            return
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    if header != _SQLITE_MAGIC:
        raise CollectionError(f"{path}: is not a studyapp collection (not an SQLite database); it was left untouched")


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (creating if needed) the collection at ``path`` and bring its schema up to date."""
    path = Path(path)
    check_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=5.0)
    except (OSError, sqlite3.Error) as error:
        raise _open_error(path, error) from None
    db = sqlite_utils.Database(conn)
    try:
        _check_identity(db, path)
        db.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        # FULL: every commit waits for its WAL frames to reach the disk (one fdatasync per transaction), so
        # an answer, an import or a restore that was confirmed survives a power cut or an OS crash too.
        db.execute("PRAGMA synchronous = FULL")
        # 32 MiB of page cache (the default is 2 MiB): a large import touches the guid and card indexes
        # at random places, and a study session reads the same few pages again and again.
        db.execute("PRAGMA cache_size = -32768")
        _migrate(db)
    except CollectionError:
        conn.close()
        raise
    except sqlite3.DatabaseError as error:
        conn.close()
        kind = fault_kind(error)
        if kind is not None:  # a read-only folder (WAL needs its -shm file), a full disk during a migration
            raise StorageError(path, kind, NOT_OPENED) from None
        raise CollectionError(f"{path}: cannot be read as a collection ({error})") from None
    return db


class ReadOnlyLimit(CollectionError):
    """What a read-only opening cannot do (migrate, read a journal without its ``-shm``); no damage."""


def open_read_only(path: Path) -> sqlite_utils.Database:
    """Open the collection at ``path`` for reading only: nothing is created, migrated or written beside it.

    The caller holds the collection's shared lock, so no studyapp writes it meanwhile. Without a journal
    (``-wal``) the file alone is the whole collection: it is opened ``immutable`` (SQLite then creates no
    ``-wal`` or ``-shm``, which a read-only folder could not hold anyway). With one (left by a crash) it is
    read with its journal (``mode=ro``), which needs its ``-shm`` file to exist or to be creatable.
    """
    path = Path(path)
    check_file(path)
    wal = path.with_name(path.name + "-wal")
    with storage_faults(path, NOT_OPENED):
        journal = wal.exists() and wal.stat().st_size > 0
        uri = f"{path.resolve().as_uri()}?{'mode=ro' if journal else 'immutable=1'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5.0)
    except sqlite3.Error as error:
        raise _open_error(path, error) from None
    db = sqlite_utils.Database(conn)
    try:
        db.execute("PRAGMA query_only = ON")  # and should anything try to write, it is refused
        _check_identity(db, path)
        version = schema_version(db)
        if version == 0:
            raise ReadOnlyLimit(f"{path}: is empty, not a collection yet; nothing was changed")
        if version < LATEST_VERSION:
            raise ReadOnlyLimit(
                f"{path}: was written by an older studyapp (schema {version}; this one reads {LATEST_VERSION}) and "
                "cannot be upgraded where it is read-only; open it once where it can be written"
            )
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA cache_size = -32768")
    except CollectionError:
        conn.close()
        raise
    except sqlite3.DatabaseError as error:
        conn.close()
        if journal and "unable to open" in str(error):
            raise ReadOnlyLimit(
                f"{path}: has changes in its journal ({wal.name}) that can only be read where its folder can be "
                "written; open it once there"
            ) from None
        raise CollectionError(f"{path}: cannot be read as a collection ({error})") from None
    return db


def _open_error(path: Path, error: OSError | sqlite3.Error) -> CollectionError:
    kind = fault_kind(error)
    if kind is not None:
        return StorageError(path, kind, NOT_OPENED)
    return CollectionError(f"{path}: cannot be opened ({error})")


def _check_identity(db: sqlite_utils.Database, path: Path) -> None:
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if application_id == 0 and version == 0 and not has_tables:
        return  # a new, empty file: ours to initialise
    if application_id != APPLICATION_ID:
        raise CollectionError(f"{path}: is an SQLite database but not a studyapp collection; it was left untouched")
    if version > LATEST_VERSION:
        raise CollectionError(
            f"{path}: was written by a newer studyapp (schema {version}; this version reads up to "
            f"{LATEST_VERSION}); please update studyapp"
        )


def _migrate(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            migration(db)
            if number == 1:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {number}")


def close_database(db: sqlite_utils.Database) -> None:
    """Fold the WAL into the database file (so the ``.db`` file alone is whole), then close.

    The checkpoint is best effort: on a read-only connection, a read-only disk or while another connection
    is reading, it does not complete and the WAL stays (SQLite reads it at the next open); closing goes on.
    The wait for other connections is bounded by a short busy timeout.
    """
    conn = db.conn
    try:
        conn.execute("PRAGMA busy_timeout = 200")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass
    conn.close()


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
