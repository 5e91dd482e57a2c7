"""Automatic backups of the collection, their list, pruning and restoring.

Backups live in ``<collection>.backups/`` beside the collection file (``collection.db`` ->
``collection.backups/``), one complete collection each, named by the UTC time it was taken
(``20260301-120000.db``, ``20260301-120000-2.db`` for a second one in the same second). Media files are
not backed up. "Newest" is by the collection's own history as each backup holds it, not by the clock in
its name (see ``services.backup_index``): what each holds is kept in a small index (``card-counts.json``)
so the list is quick to show; a backup missing from it is read once, read-only, and remembered.

Restoring backs up the current state first (so a restore can be undone), then copies the backup into
the open collection in one transaction: the connection, and the collection's lock, stay as they are.
A damaged collection cannot be backed up; it is moved aside as ``<name>.damaged-<UTC time>`` instead.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from studyapp.core.backup_policy import backups_to_keep
from studyapp.core.clock import Clock
from studyapp.services.app import App, CollectionError
from studyapp.services.maintenance.backup_index import COUNTS_FILE, Index, is_ahead, order_key
from studyapp.storage.maintenance.backup import (
    DATABASE_ERRORS,
    BackupError,
    BackupSummary,
    backup_collection,
    backup_file,
    backup_summary,
    change_counter,
    first_line,
    is_damaged_sqlite,
    problem,
    quick_check,
    restore_into,
    restore_to_path,
)

__all__ = [
    "AutoBackup",
    "Backup",
    "BackupError",
    "BackupSummary",
    "BACKUP_INTERVAL",
    "COUNTS_FILE",
    "PendingBackup",
    "is_ahead",
]

BACKUP_INTERVAL = timedelta(minutes=30)
_NAME = re.compile(r"^(\d{8}-\d{6})(?:-(\d+))?\.db$")
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime  # UTC, to the second
    counter: int = 1  # the second backup within one second is 2, and so on

    @property
    def name(self) -> str:
        return self.path.name


def backups_dir_for(collection_path: Path) -> Path:
    return collection_path.with_name(collection_path.stem + ".backups")


def _parse(path: Path) -> Backup | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return Backup(path, taken, int(match.group(2) or 1))


def _found(collection_path: Path) -> list[Backup]:
    folder = backups_dir_for(collection_path)
    try:
        return [backup for entry in folder.iterdir() if (backup := _parse(entry)) is not None and entry.is_file()]
    except OSError:
        return []


def list_backups(collection_path: Path, now: datetime | None = None) -> list[Backup]:
    """The backups of the collection at ``collection_path``, newest first by their own history (then by name).

    With ``now``, history dated more than a day after it does not count, and a backup named after it comes
    after an equal one named before it (see ``services.backup_index``).
    """
    found = _found(collection_path)
    if len(found) < 2:
        return found
    index = Index(backups_dir_for(collection_path))
    keys = {b: order_key(b.path, b.taken, b.counter, index.summary(b.path), now) for b in found}
    index.save()
    return sorted(found, key=lambda backup: keys[backup], reverse=True)


def _new_path(folder: Path, now: datetime) -> Path:
    stamp = now.astimezone(timezone.utc).strftime(_STAMP)
    counter = 1
    while True:
        path = folder / (f"{stamp}.db" if counter == 1 else f"{stamp}-{counter}.db")
        if not path.exists():
            return path
        counter += 1


# -- what the backups hold (the index beside them) ----------------------------------------------------


def card_counts(collection_path: Path, backups: list[Backup]) -> dict[Path, int | None]:
    """Each backup's number of cards (``None`` if it cannot be read): from the index, else read once."""
    index = Index(backups_dir_for(collection_path))
    result = {backup.path: index.card_count(backup.path) for backup in backups}
    index.save()
    return result


def answer_counts(collection_path: Path, backups: list[Backup]) -> dict[Path, int | None]:
    """Each backup's number of answers (``None`` if it cannot be read): from the index, else read once."""
    index = Index(backups_dir_for(collection_path))
    result = {b.path: None if (s := index.summary(b.path)) is None else s.answers for b in backups}
    index.save()
    return result


# -- making and pruning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingBackup:
    """A backup about to be written: its name is chosen (on the app's thread)."""

    collection_path: Path
    target: Path
    taken: datetime
    mark: tuple[int, int]  # the collection's change counter when it was prepared

    def run(self) -> BackupSummary:
        """Write it through a connection of its own, then read what it holds: this may run on a worker thread."""
        backup_file(self.collection_path, self.target)
        return backup_summary(self.target)


def prepare_backup(app: App) -> PendingBackup:
    """Choose the next backup's name (making the folder) and read what the list will show of it."""
    folder = backups_dir_for(app.path)
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder}: is not a folder; no backup was made")
    now = app.clock.now()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"{folder}: cannot be created ({error.strerror or error}); no backup was made") from None
    return PendingBackup(app.path, _new_path(folder, now), now, change_counter(app.collection))


def finish_backup(pending: PendingBackup, prune_after: bool = True, summary: BackupSummary | None = None) -> Backup:
    """After ``pending`` was written: remember what it holds (``summary``, else read here) and prune the older
    backups."""
    backup = _parse(pending.target)
    assert backup is not None
    index = Index(pending.target.parent)
    if summary is not None:
        index.remember(pending.target, summary)
    else:
        index.summary(pending.target)
    index.save()
    if prune_after:
        prune(pending.collection_path, pending.taken)
    return backup


def create_backup(app: App, prune_after: bool = True) -> Backup:
    """Back up the collection now, here; older backups are pruned (see ``core.backup_policy``)."""
    pending = prepare_backup(app)
    backup_collection(app.collection, pending.target)
    return finish_backup(pending, prune_after)


def prune(collection_path: Path, now: datetime) -> list[Path]:
    """Remove the backups the policy no longer keeps; the paths removed.

    "The newest" for the policy are the newest by their own history (:func:`list_backups`), so a backup named
    while the clock was ahead neither stays for ever nor pushes out the backups made since.
    """
    backups = list_backups(collection_path, now)
    rank = {backup: -position for position, backup in enumerate(backups)}
    keep = backups_to_keep(backups, now, lambda backup: backup.taken, newest=rank.__getitem__)
    removed = []
    for backup in backups:
        if backup not in keep:
            with contextlib.suppress(OSError):
                backup.path.unlink()
                removed.append(backup.path)
    if removed:
        folder = backups_dir_for(collection_path)
        index = Index(folder)
        index.keep_only({name for name in index.entries if (folder / name).exists()})
        index.save()
    return removed


class AutoBackup:
    """Backs up every ``BACKUP_INTERVAL`` of use when something changed, and at the end of a session."""

    def __init__(self, app: App, interval: timedelta = BACKUP_INTERVAL) -> None:
        self.app = app
        self.interval = interval
        self._mark = change_counter(app.collection)
        self._last = app.clock.now()

    def changed(self) -> bool:
        """Has anything been written (here or by another connection) since the last backup?"""
        return change_counter(self.app.collection) != self._mark

    def backup_now(self) -> Backup:
        """A backup here and now (the state to back up is read on this thread)."""
        pending = self.begin()
        backup_collection(self.app.collection, pending.target)
        return self.finish(pending)

    def due(self) -> bool:
        """Has ``interval`` passed since the last backup, and has something changed?"""
        return self.app.clock.now() - self._last >= self.interval and self.changed()

    def maybe_backup(self) -> Backup | None:
        """A backup if one is due (see :meth:`due`); else ``None``."""
        return self.backup_now() if self.due() else None

    def begin(self) -> PendingBackup:
        """Start a backup: ``run()`` the result (on any thread), then :meth:`finish` it on this one."""
        self._last = self.app.clock.now()  # a failure, too, waits for the next interval
        return prepare_backup(self.app)

    def finish(self, pending: PendingBackup, summary: BackupSummary | None = None) -> Backup:
        """After ``pending.run()``: ``summary`` is what it returned (else it is read here)."""
        self._mark = pending.mark  # read before the copy: a write during it counts as a change
        return finish_backup(pending, summary=summary)

    def on_close(self) -> Backup | None:
        """At the end of a session: a backup if anything changed, or if there is none yet."""
        if self.changed() or not _found(self.app.path):
            return self.backup_now()
        return None

    def restore(self, backup: Backup) -> Backup:
        """:func:`restore`; the state restored counts as backed up."""
        undo = restore(self.app, backup)
        self._mark = change_counter(self.app.collection)
        self._last = self.app.clock.now()
        return undo


# -- restoring -----------------------------------------------------------------------------------------


def check_backup(path: Path) -> None:
    """Refuse, in one line naming it, a file that is not a sound studyapp collection."""
    reason = problem(path)
    if reason is not None:
        raise BackupError(f"{path}: {reason}; it cannot be restored, nothing was changed")


def restore(app: App, backup: Backup | Path) -> Backup:
    """Back up the current state, then replace the collection's content with ``backup``.

    Returns the backup of the state before, which undoes the restore. A failure changes nothing.
    """
    path = backup.path if isinstance(backup, Backup) else Path(backup)
    if path.resolve() == app.path.resolve():
        raise BackupError(f"{path}: is the collection itself; nothing was changed")
    check_backup(path)
    undo = create_backup(app, prune_after=False)  # pruning now could remove the backup to restore
    restore_into(app.collection, path)
    prune(app.path, app.clock.now())
    return undo


def newest_good_backup(collection_path: Path, now: datetime | None = None) -> tuple[Backup, int] | None:
    """The backup with the latest own history that passes ``quick_check`` (see :func:`list_backups`), with its
    card count; ``None`` if there is none."""
    for backup in list_backups(collection_path, now):
        if problem(backup.path) is None:
            count = card_counts(collection_path, [backup])[backup.path]
            return backup, count if count is not None else 0
    return None


def open_app(path: Path, clock: Clock | None = None, reading: bool = False) -> App:
    """``App.open`` (``App.open_to_read`` for a command that only reads), with damage found after opening
    (reading the decks) also told as a ``CollectionError``."""
    try:
        return App.open_to_read(path, clock=clock) if reading else App.open(path, clock=clock)
    except DATABASE_ERRORS as error:
        raise CollectionError(f"{path}: cannot be read as a collection ({first_line(error)})") from None


def is_damaged(path: Path, error: CollectionError) -> bool:
    """Did opening ``path`` fail because the file is an SQLite database that is damaged?

    Only the plain "cannot be read" kind of failure counts: a lock held elsewhere or a full disk is no
    damage, and a file that is not SQLite at all is not ours to replace.
    """
    return type(error) is CollectionError and is_damaged_sqlite(path)


# Below this size ``PRAGMA quick_check`` takes a few tens of milliseconds: every start can afford it.
QUICK_CHECK_BYTES = 64 * 1024 * 1024


def needs_startup_check(app: App, small_bytes: int = QUICK_CHECK_BYTES) -> bool:
    """Check the file at start-up if it is small, or if the last process to open it did not close it (a crash,
    a kill, a power cut): a large collection closed cleanly is not read end to end (0.85 s at 100k cards)."""
    if app.lock is not None and app.lock.took_over:
        return True
    try:
        return app.path.stat().st_size < small_bytes
    except OSError:
        return True


def startup_problem(app: App) -> str | None:
    """``PRAGMA quick_check`` of a collection that opened: ``None`` if sound, else a one-line message."""
    result = quick_check(app.collection)
    return None if result == "ok" else f"{app.path}: is damaged ({result.splitlines()[0]})"


def damaged_name(path: Path, now: datetime) -> Path:
    """``collection.db.damaged-20260301-120000`` (a counter is added rather than overwrite a file)."""
    stamp = now.astimezone(timezone.utc).strftime(_STAMP)
    candidate = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
        counter += 1
    return candidate


def restore_damaged(collection_path: Path, backup: Backup | Path, clock: Clock) -> Path:
    """Move the damaged collection (and its -wal and -shm) aside, then put a copy of ``backup`` in its place.

    Returns where the damaged file went. The collection must not be open. On failure the damaged file
    is put back where it was.
    """
    path = backup.path if isinstance(backup, Backup) else Path(backup)
    check_backup(path)
    aside = damaged_name(collection_path, clock.now())
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("", "-wal", "-shm"):
            source = collection_path.with_name(collection_path.name + suffix)
            if source.exists():
                destination = aside.with_name(aside.name + suffix)
                os.rename(source, destination)
                moved.append((source, destination))
        restore_to_path(path, collection_path)
    except (OSError, BackupError) as error:
        for source, destination in reversed(moved):
            with contextlib.suppress(OSError):
                os.rename(destination, source)
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"{collection_path}: could not be moved aside ({error.strerror or error})") from None
    return aside


# -- wording -------------------------------------------------------------------------------------------

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe_time(taken: datetime, now: datetime, zone: tzinfo) -> str:
    """ "Today 14:02", "Yesterday 09:15", "Mon 23 Nov 09:15", "Mon 23 Nov 2025 09:15" (local time)."""
    local = taken.astimezone(zone)
    today = now.astimezone(zone).date()
    clock_time = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == today:
        return f"Today {clock_time}"
    if local.date() == today - timedelta(days=1):
        return f"Yesterday {clock_time}"
    day = f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    if local.year != today.year:
        day += f" {local.year}"
    return f"{day} {clock_time}"
