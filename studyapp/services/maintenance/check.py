"""Check Collection: is the file sound, does every card follow from its history, are media and search index right?

* ``PRAGMA quick_check`` (``thorough``: ``integrity_check``, which also compares every index with its table; ten
  times as long) on a thread of its own beside the replay, and ``foreign_key_check``.
* Every card's schedule is recomputed from its answers and schedule changes (in time order) with its deck's
  current options; a card whose stored schedule differs is a mismatch. Repair gives it the replayed schedule
  and logs a ``reschedule`` change for it, all in one transaction, so the log stays the source of truth.
* Media: files in the media folder that no field, template or styling refers to (orphans: repair moves them to
  ``.trash``, never deletes them; ``_`` files of templates are kept, as Anki keeps them), and files that notes or
  note types refer to that are not there (missing: reported). See :mod:`.check_media`.
* Cards dated absurdly far ahead (answered after now, or due beyond their maximum interval) are reported; the
  log is append-only, so they are not repaired (:mod:`studyapp.services.maintenance.check_schedules`).
* Cards their note type has no template for (a standard type's card number beyond its templates) are reported:
  they cannot be shown. Not repaired: deleting them would take their history.
* The search index is checked (FTS5's integrity check against the notes, and its count) and rebuilt unless it is
  whole (it is derived from the notes).

:class:`CheckJob` opens its own connection, so it can run on a worker thread; ``cancel()`` stops it before
it writes anything.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from studyapp.core.clock import Clock
from studyapp.core.ids import new_id
from studyapp.core.model import ScheduleChange, ScheduleChangeKind
from studyapp.services.gc_pause import cyclic_gc_paused
from studyapp.services.maintenance.check_media import media_use
from studyapp.services.maintenance.check_report import EXAMPLES, TRASH, describe, far_ahead_reason, iso, report_text
from studyapp.services.maintenance.check_schedules import FarAhead, Mismatch, Unreplayable, check_schedules
from studyapp.services.media.media import media_dir_for
from studyapp.services.workload.spread import Spread, spread_changes
from studyapp.storage import Collection
from studyapp.storage.maintenance.check_store import CheckStore
from studyapp.storage.review.schedule_changes_store import StaleScheduleError

__all__ = [
    "TRASH",
    "CheckCancelled",
    "CheckJob",
    "CheckReport",
    "FarAhead",
    "Mismatch",
    "describe",
    "move_to_trash",
    "report_text",
    "run_check",
]

Progress = Callable[[str, int, int], None]


class CheckCancelled(Exception):
    """The check was cancelled before it wrote anything."""


@dataclass
class CheckReport:
    path: Path
    integrity: list[str] = field(default_factory=lambda: ["ok"])
    thorough: bool = False  # PRAGMA integrity_check rather than quick_check
    foreign_keys: list[str] = field(default_factory=list)
    cards: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    far_ahead: list[FarAhead] = field(default_factory=list)  # reported, never repaired (the log is append-only)
    unreplayable: list[Unreplayable] = field(default_factory=list)  # damaged rows in a card's history
    # cards their note type has no template for: (card, deck, note type, card number from 1, templates, front);
    # reported, never repaired (deleting would take their history; changing the note's type is the student's call)
    no_template: list[tuple[int, str, str, int, int, str]] = field(default_factory=list)
    media_files: int = 0
    orphans: list[str] = field(default_factory=list)
    missing: list[tuple[str, int]] = field(default_factory=list)  # (file name, note id)
    missing_in_notetypes: list[tuple[str, str]] = field(default_factory=list)  # (file name, note type name)
    kept: list[str] = field(default_factory=list)  # "_" files no template names: kept (not a problem)
    media_bytes: int = 0  # the media folder's files in all
    large_media: list[tuple[str, int]] = field(default_factory=list)  # (file, bytes), largest first: listed only
    notes: int = 0
    indexed: int = 0  # notes in the search index before the rebuild
    index_ok: bool = True
    repaired: bool = False
    rescheduled: int = 0
    spread: Spread = field(default_factory=Spread)  # of the rescheduled, the cards made due at once given later days
    trashed: list[str] = field(default_factory=list)
    repair_error: str | None = None
    seconds: float = 0.0
    zone: tzinfo | None = None
    checked_at: datetime | None = None  # the clock's time of the check

    @property
    def database_ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_keys

    @property
    def problems(self) -> int:
        """Problems found (before any repair)."""
        index = 0 if self.index_ok and self.indexed == self.notes else 1
        found = (
            len(self.mismatches)
            + len(self.far_ahead)
            + len(self.unreplayable)
            + len(self.no_template)
            + len(self.orphans)
            + len(self.missing)
            + len(self.missing_in_notetypes)
        )
        return (0 if self.database_ok else 1) + found + index

    @property
    def unresolved(self) -> int:
        """Problems still there after the check (a search index that is not whole is always rebuilt)."""
        schedules = len(self.mismatches) - self.rescheduled
        orphans = len(self.orphans) - len(self.trashed)
        missing = len(self.missing) + len(self.missing_in_notetypes)
        left = schedules + len(self.far_ahead) + len(self.unreplayable) + len(self.no_template) + orphans + missing
        return (0 if self.database_ok else 1) + left

    @property
    def repairable(self) -> bool:
        return self.database_ok and (len(self.mismatches) > self.rescheduled or len(self.orphans) > len(self.trashed))

    def text(self, examples: int = EXAMPLES) -> str:
        return report_text(self, examples)

    def to_json(self) -> dict[str, Any]:
        return {
            "collection": str(self.path),
            "problems": self.problems,
            "unresolved": self.unresolved,
            "integrity": self.integrity,
            "integrity_check": "integrity_check" if self.thorough else "quick_check",
            "foreign_keys": self.foreign_keys,
            "cards": self.cards,
            "mismatches": [
                {"card": m.card_id, "deck": m.deck, "difference": describe(m.stored, m.replayed, self.zone)}
                for m in self.mismatches[:100]
            ],
            "mismatch_count": len(self.mismatches),
            "far_ahead": [
                {
                    "card": f.card_id,
                    "deck": f.deck,
                    "reason": far_ahead_reason(f, self.checked_at, self.zone),
                    "due": iso(f.due),
                    "last_event": iso(f.latest),
                    "last_review": iso(f.last_review),
                }
                for f in self.far_ahead[:100]
            ],  # fmt: skip
            "far_ahead_count": len(self.far_ahead),
            "unreplayable": [{"card": u.card_id, "deck": u.deck, "reason": u.reason} for u in self.unreplayable[:100]],
            "unreplayable_count": len(self.unreplayable),
            "no_template": [
                {"card": card, "deck": deck, "note_type": name, "card_number": number, "templates": count}
                for card, deck, name, number, count, _front in self.no_template[:100]
            ],
            "no_template_count": len(self.no_template),
            "media_files": self.media_files,
            "orphans": self.orphans,
            "missing": [{"file": name, "note": note} for name, note in self.missing]
            + [{"file": name, "note_type": notetype} for name, notetype in self.missing_in_notetypes],
            "kept": self.kept,
            "media_bytes": self.media_bytes,
            "large_media": [{"file": name, "bytes": size} for name, size in self.large_media],
            "notes": self.notes,
            "indexed_before_rebuild": self.indexed,
            "repaired": self.repaired,
            "rescheduled": self.rescheduled,
            "spread": {"cards": self.spread.cards, "days": self.spread.days, "cap": self.spread.cap},
            "trashed": self.trashed,
            "repair_error": self.repair_error,
            "seconds": round(self.seconds, 3),
        }


# -- the check --------------------------------------------------------------------------------------


def run_check(
    collection: Collection,
    clock: Clock,
    rng: random.Random,
    media_dir: Path,
    repair: bool = False,
    progress: Progress | None = None,
    thorough: bool = False,
) -> CheckReport:
    """Check the collection (and with ``repair``, fix what can be fixed). Reads first, then writes.
    ``thorough``: SQLite's full integrity check rather than its quick one (see :meth:`CheckStore.integrity_check`)."""
    started = time.perf_counter()
    step = progress or (lambda _stage, _done, _total: None)
    store = CheckStore(collection.db)
    report = CheckReport(collection.path or Path("?"), zone=clock.local_zone(), checked_at=clock.now())
    step("Checking the database", 0, 1)
    # Two reads of the whole file (SQLite's integrity check, and where each card's log starts) run on a thread with
    # a connection of their own, beside the replay; they are waited for before anything is written.
    report.thorough = thorough
    beside = store.reads_beside(collection.path, thorough)
    try:
        report.foreign_keys = store.foreign_key_check()
        schedules = check_schedules(collection, store, clock.now(), step, beside.unusual_starts)
        report.mismatches, report.far_ahead, report.cards = schedules.mismatches, schedules.far_ahead, schedules.cards
        report.unreplayable = schedules.unreplayable
        report.no_template = store.cards_without_template()
        step("Checking media", 0, 1)
        collection.notetypes.refresh()  # an import (on its own connection) may have added note types since
        media = media_use(store, collection.notetypes.all(), media_dir)
        report.media_files, report.orphans, report.kept = media.files, media.orphans, media.kept
        report.missing, report.missing_in_notetypes = media.missing, media.missing_in_notetypes
        report.media_bytes, report.large_media = media.total_bytes, media.large
        report.notes, report.indexed = store.note_count(), store.indexed_count()
        report.index_ok = store.index_consistent()
        step("Checking media", 1, 1)
        report.integrity = beside.integrity(lambda: step("Checking the database", 0, 1))
        step("Checking the database", 1, 1)
    except BaseException:
        beside.cancel()
        raise
    # From here on it writes: no more cancelling.
    if not (report.index_ok and report.indexed == report.notes):  # FTS5's own check found it whole: nothing to redo
        store.rebuild_index()
    if repair:
        _repair(collection, clock, rng, media_dir, report)
    report.seconds = time.perf_counter() - started
    return report


def _repair(collection: Collection, clock: Clock, rng: random.Random, media_dir: Path, report: CheckReport) -> None:
    report.repaired = True
    if not report.database_ok:
        report.repair_error = "The database itself is damaged: restore a backup rather than repair it."
        return
    now = clock.now()
    # After the card's last event even if the clock is behind it, so that the change is last in its history.
    changes = [
        ScheduleChange(
            new_id(rng), m.card_id, _after(now, m.latest), ScheduleChangeKind.RESCHEDULE, m.stored, m.replayed
        )
        for m in report.mismatches
    ]
    try:
        with collection.transaction():
            # The replayed schedules that would make many cards due at once are spread over the next days.
            changes, spread = spread_changes(collection, clock, changes)
            collection.schedule_changes.apply(changes)
        report.rescheduled, report.spread = len(changes), spread
    except StaleScheduleError:
        report.repair_error = "Cards were studied during the check; nothing was rescheduled. Check again."
    report.trashed = move_to_trash(media_dir, report.orphans)


def _after(now: datetime, latest: datetime | None) -> datetime:
    return now if latest is None or now > latest else latest + timedelta(milliseconds=1)


def move_to_trash(media_dir: Path, names: list[str]) -> list[str]:
    """Move media files to ``.trash`` in the media folder (a name already there gets a number); the names moved."""
    if not names:
        return []
    trash = media_dir / TRASH
    trash.mkdir(exist_ok=True)
    moved = []
    for name in names:
        source = media_dir / name
        if not source.is_file():
            continue
        target, number = trash / name, 1
        while target.exists():
            target, number = trash / f"{number}-{name}", number + 1
        source.rename(target)
        moved.append(name)
    return moved


class CheckJob:
    """A check on its own connection (for a worker thread); ``cancel()`` may be called from any thread."""

    def __init__(
        self,
        collection_path: Path,
        clock: Clock,
        rng: random.Random,
        repair: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        self.collection_path = collection_path
        self.repair = repair
        self._clock = clock
        self._rng = random.Random(rng.getrandbits(64))
        self._on_progress = on_progress
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancelled.is_set() and not stage.startswith(("Rebuilding", "Repairing")):
            raise CheckCancelled("the check was cancelled; nothing was changed")
        if self._on_progress is not None:
            self._on_progress(stage, done, total)

    def run(self) -> CheckReport:
        with cyclic_gc_paused(), Collection.open(self.collection_path) as collection:
            media = media_dir_for(self.collection_path)
            return run_check(collection, self._clock, self._rng, media, self.repair, self._progress)
