"""What each backup holds, kept in a small index beside them, and the order "newest first" that follows from it.

A backup's name is the time the clock showed when it was made, and a clock can be wrong: a backup made
while it was a year ahead would be "the newest" for a year. So backups are put in order by the
collection's own history as each one holds it: the latest moment of that history (an answer, a schedule
change, a note edited; moments more than a day after now, written while the clock was ahead, are left out),
then how much history it holds (answers and schedule changes), then whether its name is believable (not
after now), and only then by name.

Reading that from a backup means opening a whole collection (about 50 ms at a million answers), so it is
read once per backup and kept in ``card-counts.json`` beside the backups: per name, the cards, answers,
changes, latest moment, and the file's size and modification time (a file changed since is read again).
An entry of the older form, a bare card count, still gives the card count.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from studyapp.core.backup_policy import FUTURE_SLACK
from studyapp.storage.maintenance.backup import BackupError, BackupSummary, backup_latest_moment, backup_summary

__all__ = ["COUNTS_FILE", "Entry", "Index", "is_ahead", "order_key"]

COUNTS_FILE = "card-counts.json"

_FIELDS = ("cards", "answers", "changes", "latest", "file")


@dataclass(frozen=True)
class Entry:
    """One backup's line in the index: a full summary, or (older entries) only its card count."""

    cards: int
    summary: BackupSummary | None = None
    file: tuple[int, int] | None = None  # the file's size and modification time (ns) when it was read


def _entry(value: Any) -> Entry | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return Entry(value)
    if not isinstance(value, dict) or not all(key in value for key in _FIELDS):
        return None
    file = value["file"]
    if not isinstance(file, list) or len(file) != 2:
        return None
    numbers = [value["cards"], value["answers"], value["changes"], *file]
    latest = value["latest"]
    if not all(_integer(n) for n in numbers) or not (latest is None or _integer(latest)):
        return None
    cards, answers, changes, size, mtime = numbers
    return Entry(cards, BackupSummary(cards, answers, changes, latest), (size, mtime))


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json(entry: Entry) -> Any:
    if entry.summary is None:
        return entry.cards
    s = entry.summary
    file = None if entry.file is None else list(entry.file)
    return {"cards": s.cards, "answers": s.answers, "changes": s.changes, "latest": s.latest_ms, "file": file}


def _file(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class Index:
    """The index file of one backups folder: read on creation, written by :meth:`save` if it changed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.changed = False
        try:
            data = json.loads((folder / COUNTS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(name, str) and (entry := _entry(value)) is not None:
                    self.entries[name] = entry

    def card_count(self, path: Path) -> int | None:
        """The backup's card count: from the index, else read from the file (``None``: it cannot be read)."""
        entry = self.entries.get(path.name)
        if entry is not None and entry.summary is None:  # an entry of the older form: only its card count
            return entry.cards
        summary = self.summary(path)
        return None if summary is None else summary.cards

    def summary(self, path: Path) -> BackupSummary | None:
        """What the backup holds: from the index if it is of the file as it is, else read (``None``: unreadable)."""
        entry = self.entries.get(path.name)
        if entry is not None and entry.summary is not None and entry.file == _file(path):
            return entry.summary
        try:
            summary = backup_summary(path)
        except BackupError:
            return None
        self.remember(path, summary)
        return summary

    def remember(self, path: Path, summary: BackupSummary) -> None:
        self.entries[path.name] = Entry(summary.cards, summary, _file(path))
        self.changed = True

    def keep_only(self, names: set[str]) -> None:
        if set(self.entries) - names:
            self.entries = {name: entry for name, entry in self.entries.items() if name in names}
            self.changed = True

    def save(self) -> None:
        """Best effort: the index is a cache, so a failure to write it only costs reading the backups again."""
        if not self.changed:
            return
        with contextlib.suppress(OSError):
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".card-counts-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({name: _json(e) for name, e in self.entries.items()}, out, indent=0, sort_keys=True)
                os.replace(temporary, self.folder / COUNTS_FILE)
            except OSError:
                Path(temporary).unlink(missing_ok=True)
                raise
        self.changed = False


def _ms(moment: datetime) -> int:
    return int(moment.astimezone(timezone.utc).timestamp() * 1000)


def is_ahead(taken: datetime, now: datetime) -> bool:
    """Was the backup named after ``now``, that is made while the clock was ahead?"""
    return taken > now


def order_key(
    path: Path, taken: datetime, counter: int, summary: BackupSummary | None, now: datetime | None
) -> tuple[int, int, int, int, datetime, int]:
    """Sort key, larger is newer: see the module's docstring. An unreadable backup comes after every readable one."""
    believable = int(now is None or not is_ahead(taken, now))
    if summary is None:
        return 0, -1, -1, believable, taken, counter
    latest = summary.latest_ms
    if now is not None and latest is not None and latest > (cutoff := _ms(now + FUTURE_SLACK)):
        try:  # history written while the clock was ahead: only what came before it counts
            latest = backup_latest_moment(path, cutoff)
        except BackupError:
            return 0, -1, -1, believable, taken, counter
    return 1, -1 if latest is None else latest, summary.answers + summary.changes, believable, taken, counter
