"""Copies of the collection made with SQLite's online backup API, and checks of such copies.

A copy is read from a live connection in one step, so it is one consistent snapshot even while the
file is in WAL mode or another connection is writing. It is written to a temporary file, switched to a
rollback journal (so it is one self-contained file), checked with ``PRAGMA quick_check``, flushed to
disk and only then renamed to its final name. A failure removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from studyapp.storage.collection import Collection
from studyapp.storage.connection import _SQLITE_MAGIC, _migrate
from studyapp.storage.durable import fsync_path
from studyapp.storage.review.log_times import TIME_INDEX, extreme_time
from studyapp.storage.schema import APPLICATION_ID, LATEST_VERSION


class BackupError(Exception):
    """A backup or a restore that failed; the message is one line that names the file."""


# What SQLite raises when a file's pages are damaged, for the layers above (which never import sqlite3).
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)


def first_line(error: BaseException) -> str:
    """The first line of an error's message (or its type's name), for a one-line report."""
    return _reason(error)


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that changes no file. A file without a WAL beside it (every backup) is
    opened as immutable, which creates nothing either; one with a WAL is read with it."""
    flag = "mode=ro" if path.with_name(path.name + "-wal").exists() else "immutable=1"
    uri = f"{path.resolve().as_uri()}?{flag}"
    connection = sqlite3.connect(uri, uri=True, timeout=5.0)
    try:
        yield connection
    finally:
        connection.close()


def change_counter(collection: Collection) -> tuple[int, int]:
    """Moves whenever the collection changes: this connection's changes, and other connections' commits."""
    connection = collection.db.conn
    return connection.total_changes, int(connection.execute("PRAGMA data_version").fetchone()[0])


def card_count(collection: Collection) -> int:
    return int(collection.db.execute("SELECT count(*) FROM cards").fetchone()[0])


def _copy(source: sqlite3.Connection, temporary: Path, max_pages: int | None) -> None:
    target = sqlite3.connect(str(temporary))
    try:
        if max_pages is not None:  # tests: a disk that fills up after so many pages
            target.execute(f"PRAGMA max_page_count = {int(max_pages)}")
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
        result = target.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{temporary}: the copy failed its check ({result})")
    finally:
        target.close()


def write_backup(source: sqlite3.Connection, target: Path, max_pages: int | None = None) -> None:
    """Copy the database of ``source`` to ``target`` (which must not exist) through a temporary file."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise BackupError(f"{target}: already exists; it was left untouched")
        temporary.unlink(missing_ok=True)
        _copy(source, temporary, max_pages)
        fsync_path(temporary)
        os.replace(temporary, target)
        fsync_path(target.parent)
    except BackupError:
        _remove_partial(temporary)
        raise
    except (OSError, sqlite3.Error) as error:
        _remove_partial(temporary)
        raise BackupError(f"{target}: the backup could not be written ({_reason(error)})") from None
    except BaseException:
        _remove_partial(temporary)
        raise


def _remove_partial(temporary: Path) -> None:
    for leftover in [temporary] + [temporary.with_name(temporary.name + end) for end in ("-journal", "-wal", "-shm")]:
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def backup_collection(collection: Collection, target: Path, max_pages: int | None = None) -> None:
    """Back up the open ``collection`` to ``target``: the committed state, as one consistent snapshot."""
    connection = collection.db.conn
    if connection.in_transaction:
        raise BackupError(f"{target}: not written, the collection is in the middle of a change")
    write_backup(connection, target, max_pages)


def backup_file(collection_path: Path, target: Path) -> None:
    """Back up the collection file through a connection of its own: for a worker thread, which must not
    use the app's connection. It reads one consistent snapshot while the app goes on writing."""
    try:
        source = sqlite3.connect(str(collection_path), timeout=5.0)
    except sqlite3.Error as error:
        raise BackupError(f"{collection_path}: cannot be read for a backup ({_reason(error)})") from None
    try:
        write_backup(source, target)
    finally:
        source.close()


def problem(path: Path) -> str | None:
    """Why ``path`` is not a sound studyapp collection, in a few words; ``None`` if it is one.

    Read-only: nothing is changed.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        return f"cannot be read ({_reason(error)})"
    if header != _SQLITE_MAGIC:
        return "is not an SQLite database"
    try:
        with _read_only(path) as connection:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if application_id != APPLICATION_ID:
                return "is an SQLite database but not a studyapp collection"
            if version > LATEST_VERSION:
                return f"was written by a newer studyapp (schema {version})"
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"is damaged ({result})"
            connection.execute("SELECT count(*) FROM cards").fetchone()
    except sqlite3.Error as error:
        return f"is damaged ({_reason(error)})"
    return None


def is_damaged_sqlite(path: Path) -> bool:
    """An SQLite file (by its header) that cannot be read or fails ``quick_check``."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                return False
    except OSError:
        return False
    try:
        with _read_only(path) as connection:
            return bool(connection.execute("PRAGMA quick_check").fetchone()[0] != "ok")
    except sqlite3.Error:
        return True


def quick_check(collection: Collection) -> str:
    """``ok``, or the first problem ``PRAGMA quick_check`` finds in the open collection."""
    try:
        return str(collection.db.execute("PRAGMA quick_check").fetchone()[0])
    except sqlite3.DatabaseError as error:
        return _reason(error)


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, by which backups are told apart and put in order (see ``services.backups``)."""

    cards: int
    answers: int  # rows of the review log
    changes: int  # schedule changes that are not answers (reschedules, resets)
    latest_ms: int | None  # the latest moment of its own history: an answer, a schedule change, a note edited


# The latest moment of a collection's history, each read along an index or from a small table, except the notes'
# edit times (one pass over the notes table: a few ms per 10,000 notes). Rows dated after ``:cutoff`` are left out.
# A backup may be of any schema version: the log's answers are read along its time index of version 10, else of
# versions 1 to 9.
_LATEST = {
    "review_log": "SELECT max(reviewed_at) FROM review_log WHERE reviewed_at <= :cutoff",
    "schedule_changes": "SELECT max(changed_at) FROM schedule_changes WHERE changed_at <= :cutoff",
    "notes": "SELECT max(modified_at) FROM notes WHERE modified_at <= :cutoff",
    "decks": "SELECT max(created_at) FROM decks WHERE created_at <= :cutoff",
}
_NO_CUTOFF = 2**63 - 1


_LATEST_BY_STATE = extreme_time("max", "AND reviewed_at <= :cutoff")


def _tables(connection: sqlite3.Connection) -> set[str]:
    """The names of the tables and indexes."""
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}


def latest_moment(connection: sqlite3.Connection, not_after_ms: int | None = None) -> int | None:
    """The latest moment (ms) in the history of the collection on ``connection``, leaving out any after
    ``not_after_ms`` (history written while the clock was ahead); ``None`` for an empty collection."""
    tables = _tables(connection)
    cutoff = _NO_CUTOFF if not_after_ms is None else not_after_ms
    queries = dict(_LATEST, review_log=_LATEST_BY_STATE) if TIME_INDEX in tables else _LATEST
    moments = [
        connection.execute(sql, {"cutoff": cutoff}).fetchone()[0] for table, sql in queries.items() if table in tables
    ]
    found = [int(moment) for moment in moments if isinstance(moment, int)]
    return max(found) if found else None


def _summary(connection: sqlite3.Connection) -> BackupSummary:
    tables = _tables(connection)

    def count(table: str) -> int:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) if table in tables else 0

    return BackupSummary(count("cards"), count("review_log"), count("schedule_changes"), latest_moment(connection))


def backup_summary(path: Path) -> BackupSummary:
    """:class:`BackupSummary` of a backup file (read-only)."""
    try:
        with _read_only(path) as connection:
            return _summary(connection)
    except sqlite3.Error as error:
        raise BackupError(f"{path}: cannot be read ({_reason(error)})") from None


def backup_latest_moment(path: Path, not_after_ms: int | None) -> int | None:
    """:func:`latest_moment` of a backup file (read-only)."""
    try:
        with _read_only(path) as connection:
            return latest_moment(connection, not_after_ms)
    except sqlite3.Error as error:
        raise BackupError(f"{path}: cannot be read ({_reason(error)})") from None


def restore_into(collection: Collection, backup: Path) -> None:
    """Replace the content of the open ``collection`` with that of ``backup``, in one transaction.

    The connection stays open (so does anything holding it, such as the collection's lock); a failure
    rolls back and leaves the collection as it was. A backup of an older schema is brought up to date.
    """
    connection = collection.db.conn
    try:
        with _read_only(backup) as source:
            same_page_size = (
                source.execute("PRAGMA page_size").fetchone()[0] == connection.execute("PRAGMA page_size").fetchone()[0]
            )
            if same_page_size:
                source.backup(connection)
            else:  # a WAL database cannot change its page size: copy through a rollback journal
                connection.execute("PRAGMA journal_mode = DELETE")
                # With a rollback journal the commit is the journal's deletion: EXTRA also syncs the folder
                # after it, or a power cut could bring the journal back and roll the confirmed restore back.
                connection.execute("PRAGMA synchronous = EXTRA")
                try:
                    source.backup(connection)
                finally:
                    connection.execute("PRAGMA journal_mode = WAL")
                    connection.execute("PRAGMA synchronous = FULL")
        _migrate(collection.db)
    except sqlite3.Error as error:
        raise BackupError(
            f"{backup}: could not be restored ({_reason(error)}); the collection was left as it was"
        ) from None


def restore_to_path(backup: Path, target: Path) -> None:
    """Write a copy of ``backup`` at ``target`` (which must not exist), atomically."""
    try:
        with _read_only(backup) as source:
            write_backup(source, target)
    except sqlite3.Error as error:
        raise BackupError(f"{backup}: could not be restored ({_reason(error)})") from None
