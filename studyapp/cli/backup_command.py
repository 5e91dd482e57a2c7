"""``studyapp backup``, ``studyapp backups`` and ``studyapp restore FILE``.

These run before the collection is opened the usual way: the list needs no open collection, and a
restore must also work when the collection is damaged (it is moved aside then, never overwritten).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from studyapp.core.wording import plural
from studyapp.services.app import CollectionError, ImportFailure
from studyapp.services.clock import SystemClock
from studyapp.services.maintenance.backups import (
    BackupError,
    backups_dir_for,
    card_counts,
    create_backup,
    describe_time,
    is_ahead,
    is_damaged,
    list_backups,
    open_app,
    restore,
    restore_damaged,
)
from studyapp.services.paths import default_collection_path

__all__ = ["COMMANDS", "open_app", "open_error", "register", "run"]

COMMANDS = ("backup", "backups", "restore")


def register(commands: Any) -> None:
    """Add ``backup``, ``backups`` and ``restore`` to the command line's subparsers."""
    commands.add_parser("backup", help="back up the collection now (prints the new backup's path)")
    commands.add_parser(
        "backups", help="list the collection's backups, newest first by what they hold, with their card counts"
    )
    restore_parser = commands.add_parser(
        "restore", help="restore a backup (the current state is backed up first; a damaged one is moved aside)"
    )
    restore_parser.add_argument("file", type=Path, metavar="FILE", help="a backup file (or its name in the list)")


def _collection_path(args: argparse.Namespace) -> Path:
    """The collection as the lock opens it: through its real path where a symlink leads to it, so its backups
    are those beside the real file (where ``backup`` and the window make them) whichever name was given."""
    path = Path(args.collection or default_collection_path())
    real = Path(os.path.realpath(path))
    return path if Path(os.path.abspath(path)) == real else real


def open_error(args: argparse.Namespace, error: CollectionError | ImportFailure) -> str:
    """The one line for a collection that cannot be opened; a damaged one gets a hint to restore."""
    path = _collection_path(args)
    if isinstance(error, CollectionError) and is_damaged(path, error):
        return f"{path}: is damaged; restore a backup with 'studyapp restore FILE' (see 'studyapp backups')"
    return str(error)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    path = _collection_path(args)
    try:
        if args.command == "backups":
            _list(path, out)
            return 0
        if args.command == "backup":  # a read-only collection too, into a backups folder that can be written
            return _with_app(path, lambda app: print(create_backup(app).path, file=out), reading=True)
        return _restore(path, _backup_file(path, args.file), out)
    except BackupError as error:
        print(f"studyapp {args.command}: {error}", file=sys.stderr)
        return 1


def _with_app(path: Path, action: Any, reading: bool = False) -> int:
    try:
        app = open_app(path, reading=reading)
    except (CollectionError, ImportFailure) as error:
        print(f"studyapp: {error}", file=sys.stderr)
        return 2
    try:
        action(app)
    finally:
        app.close()
    return 0


def _backup_file(collection_path: Path, file: Path) -> Path:
    """``FILE`` as given, or else the backup of that name."""
    if file.exists() or file.parent != Path("."):
        return file
    in_folder = backups_dir_for(collection_path) / file.name
    return in_folder if in_folder.exists() else file


def _restore(path: Path, file: Path, out: TextIO) -> int:
    if not file.is_file():
        raise BackupError(f"{file}: no such backup file; nothing was changed")
    try:
        app = open_app(path)
    except CollectionError as error:
        if not is_damaged(path, error):
            print(f"studyapp: {error}", file=sys.stderr)
            return 2
        aside = restore_damaged(path, file, SystemClock())
        print(f"{path}: was damaged and was moved to {aside}; restored {file}", file=out)
        return 0
    try:
        undo = restore(app, file)
    finally:
        app.close()
    print(f"{path}: restored {file}; the state before is in {undo.path}", file=out)
    return 0


def _list(path: Path, out: TextIO) -> None:
    clock = SystemClock()
    now = clock.now()
    backups = list_backups(path, now)
    if not backups:
        print(f"{path}: no backups yet (in {backups_dir_for(path)})", file=out)
        return
    counts = card_counts(path, backups)
    for backup in backups:
        count = counts[backup.path]
        cards = "unreadable" if count is None else plural(count, "card")
        when = describe_time(backup.taken, now, clock.local_zone())
        ahead = "  (made while the clock was ahead)" if is_ahead(backup.taken, now) else ""
        print(f"{backup.path}  {when:<22} {cards}{ahead}", file=out)
