"""Check Collection: is the file sound, does every card follow from its history, are media and search index right?

* ``PRAGMA quick_check`` (``thorough``: ``integrity_check``, which also compares every index with its table; ten
  times as long) on a thread of its own beside the rest, and ``foreign_key_check``.
* Every card's schedule is recomputed from its answers and schedule changes (in time order) with its deck's
  current options; a card whose stored schedule differs is a mismatch. Repair gives it the replayed schedule
  and logs a ``reschedule`` change for it, all in one transaction, so the log stays the source of truth.
* Media: files in the media folder that no note refers to (orphans: repair moves them to ``.trash``, never
  deletes them), and files notes refer to that are not there (missing: reported).
* Cards dated absurdly far ahead (answered after now, or due beyond their maximum interval) are reported; the
  log is append-only, so they are not repaired (:mod:`studyapp.services.check_schedules`).
* The search index is rebuilt (it is derived from the notes), after counting what it held.

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
from studyapp.core.model import CardState, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.sanitize import media_references
from studyapp.services.check_schedules import FarAhead, Mismatch, check_schedules
from studyapp.services.gc_pause import cyclic_gc_paused
from studyapp.services.media import is_safe_name, media_dir_for
from studyapp.storage import Collection
from studyapp.storage.check_store import CheckStore
from studyapp.storage.schedule_changes_store import StaleScheduleError

TRASH = ".trash"
EXAMPLES = 5  # of each problem, in the text report

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
    media_files: int = 0
    orphans: list[str] = field(default_factory=list)
    missing: list[tuple[str, int]] = field(default_factory=list)  # (file name, note id)
    notes: int = 0
    indexed: int = 0  # notes in the search index before the rebuild
    index_ok: bool = True
    repaired: bool = False
    rescheduled: int = 0
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
        found = len(self.mismatches) + len(self.far_ahead) + len(self.orphans) + len(self.missing)
        return (0 if self.database_ok else 1) + found + index

    @property
    def unresolved(self) -> int:
        """Problems still there after the check (the search index is always rebuilt)."""
        schedules = len(self.mismatches) - self.rescheduled
        orphans = len(self.orphans) - len(self.trashed)
        return (0 if self.database_ok else 1) + schedules + len(self.far_ahead) + orphans + len(self.missing)

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
                    "due": _iso(f.due),
                    "last_event": _iso(f.latest),
                    "last_review": _iso(f.last_review),
                }
                for f in self.far_ahead[:100]
            ],  # fmt: skip
            "far_ahead_count": len(self.far_ahead),
            "media_files": self.media_files,
            "orphans": self.orphans,
            "missing": [{"file": name, "note": note} for name, note in self.missing],
            "notes": self.notes,
            "indexed_before_rebuild": self.indexed,
            "repaired": self.repaired,
            "rescheduled": self.rescheduled,
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
    # SQLite's integrity check reads every page and index (seconds, for a big collection): it runs on a thread of
    # its own, beside the replay, and is waited for before anything is written.
    report.thorough = thorough
    integrity = store.integrity_check_beside(collection.path, thorough)
    try:
        report.foreign_keys = store.foreign_key_check()
        schedules = check_schedules(collection, store, clock.now(), step)
        report.mismatches, report.far_ahead, report.cards = schedules.mismatches, schedules.far_ahead, schedules.cards
        step("Checking media", 0, 1)
        report.media_files, report.orphans, report.missing = _media_problems(store, media_dir)
        report.notes, report.indexed = store.note_count(), store.indexed_count()
        report.index_ok = store.index_consistent()
        step("Checking media", 1, 1)
        report.integrity = integrity.result(lambda: step("Checking the database", 0, 1))
        step("Checking the database", 1, 1)
    except BaseException:
        integrity.cancel()
        raise
    # From here on it writes: no more cancelling.
    store.rebuild_index()
    if repair:
        _repair(collection, clock, rng, media_dir, report)
    report.seconds = time.perf_counter() - started
    return report


def _media_problems(store: CheckStore, media_dir: Path) -> tuple[int, list[str], list[tuple[str, int]]]:
    referenced: dict[str, int] = {}
    for note_id, front, back in store.notes_with_images():
        for name in media_references(front) | media_references(back):
            if is_safe_name(name):
                referenced.setdefault(name, note_id)
    files = sorted(p.name for p in media_dir.iterdir() if p.is_file()) if media_dir.is_dir() else []
    present = set(files)
    orphans = [name for name in files if name not in referenced]
    missing = sorted((name, note_id) for name, note_id in referenced.items() if name not in present)
    return len(files), orphans, missing


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
            collection.schedule_changes.apply(changes)
        report.rescheduled = len(changes)
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


# -- the report in words ----------------------------------------------------------------------------

_STATES = {
    CardState.NEW: "new",
    CardState.LEARNING: "learning",
    CardState.REVIEW: "review",
    CardState.RELEARNING: "relearning",
}


def _moment(value: datetime | None, other: datetime | None, zone: tzinfo | None) -> str:
    if value is None:
        return "none"
    local = value.astimezone(zone) if zone is not None else value
    text = f"{local.day} {local:%b %Y}"
    other_local = (other.astimezone(zone) if zone is not None else other) if other is not None else None
    if other_local is not None and other_local.date() == local.date():
        text += f" {local:%H:%M:%S}"
    return text


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:.4g}"


def describe(stored: Schedule, replayed: Schedule, zone: tzinfo | None = None) -> str:
    """How a stored schedule differs from the replayed one, in words: ``due 12 Mar 2026 vs 15 Mar 2026, ...``."""
    parts = []
    if stored.state != replayed.state:
        parts.append(f"{_STATES[stored.state]} vs {_STATES[replayed.state]}")
    if stored.due != replayed.due:
        parts.append(f"due {_moment(stored.due, replayed.due, zone)} vs {_moment(replayed.due, stored.due, zone)}")
    for name in ("stability", "difficulty"):
        mine, theirs = getattr(stored, name), getattr(replayed, name)
        if mine != theirs:
            parts.append(f"{name} {_number(mine)} vs {_number(theirs)}")
    for name in ("reps", "lapses", "step"):
        mine, theirs = getattr(stored, name), getattr(replayed, name)
        if mine != theirs:
            parts.append(f"{name} {mine} vs {theirs}")
    if stored.last_review != replayed.last_review:
        last, other = stored.last_review, replayed.last_review
        parts.append(f"last review {_moment(last, other, zone)} vs {_moment(other, last, zone)}")
    return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def _more(shown: int, total: int) -> list[str]:
    return [f"  … and {total - shown:,} more"] if total > shown else []


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def far_ahead_reason(card: FarAhead, now: datetime | None, zone: tzinfo | None) -> str:
    """Why a card is reported as dated far ahead, in words."""
    due = f"due {_moment(card.due, None, zone)}" if card.due is not None else "no due date"
    if not card.in_future:
        return f"{due}, beyond its deck's maximum interval of {card.maximum_days:,} days"
    moments = [moment for moment in (card.latest, card.last_review) if moment is not None]
    return f"last answer dated {_moment(max(moments), None, zone)}, after now ({_moment(now, None, zone)}); {due}"


def _far_ahead_lines(report: CheckReport, examples: int) -> list[str]:
    if not report.far_ahead:
        return []
    count = len(report.far_ahead)
    lines = [f"  {_plural(count, 'card')} {'is' if count == 1 else 'are'} dated far ahead (answers after now, "
             "or due beyond the maximum interval):"]  # fmt: skip
    for card in report.far_ahead[:examples]:
        lines.append(f"  • {card.deck}: “{_short(card.question)}” (card {card.card_id})")
        lines.append(f"      {far_ahead_reason(card, report.checked_at, report.zone)}")
    lines += _more(examples, count)
    lines.append("  Not repaired: the review log is append-only. If this computer's clock is right, they were answered")
    lines.append("  or imported with a clock that was ahead.")
    return lines


def report_text(report: CheckReport, examples: int = EXAMPLES) -> str:
    """The report for a person: a heading per part, counts, the first ``examples`` of each problem."""
    lines = [f"Checked {report.path.name}: {_plural(report.cards, 'card')}, {_plural(report.notes, 'note')}, "
             f"{_plural(report.media_files, 'media file')} in {report.seconds:.1f} s.", ""]  # fmt: skip
    lines.append("Database")
    lines.append("  Integrity: ok" if report.integrity == ["ok"] else f"  Integrity: {len(report.integrity)} problems")
    lines.extend(f"    {problem}" for problem in report.integrity[:examples] if problem != "ok")
    lines.append(
        f"  References: {'ok' if not report.foreign_keys else _plural(len(report.foreign_keys), 'broken row')}"
    )
    lines.extend(f"    {problem}" for problem in report.foreign_keys[:examples])
    lines += ["", "Schedules (stored vs replayed from the review log)"]
    if not report.mismatches:
        lines.append(f"  All {_plural(report.cards, 'card')} match their history.")
    else:
        count = len(report.mismatches)
        verb = "does not match its" if count == 1 else "do not match their"
        lines.append(f"  {_plural(count, 'card')} {verb} history:")
        for m in report.mismatches[:examples]:
            lines.append(f"  • {m.deck}: “{_short(m.question)}” (card {m.card_id})")
            lines.append(f"      {describe(m.stored, m.replayed, report.zone)}")
        lines += _more(examples, len(report.mismatches))
        if report.rescheduled:
            lines.append(f"  Repaired: {_plural(report.rescheduled, 'card')} rescheduled (logged as schedule changes).")
    lines += _far_ahead_lines(report, examples)
    lines += ["", "Media"]
    if not report.orphans and not report.missing and not report.media_files:
        lines.append("  No media files, and no note refers to one.")
    elif not report.orphans and not report.missing:
        lines.append(f"  All {_plural(report.media_files, 'file')} are in use, none is missing.")
    if report.orphans:
        lines.append(
            f"  {_plural(len(report.orphans), 'file')} used by no note: {', '.join(report.orphans[:examples])}"
        )
        lines += _more(examples, len(report.orphans))
        if report.trashed:
            lines.append(
                f"  Repaired: {_plural(len(report.trashed), 'file')} moved to {report.path.stem}.media/{TRASH}"
            )
    if report.missing:
        lines.append(f"  {_plural(len(report.missing), 'file')} missing:")
        lines.extend(f"  • {name} (note {note_id})" for name, note_id in report.missing[:examples])
        lines += _more(examples, len(report.missing))
    lines += ["", "Search index"]
    if report.index_ok and report.indexed == report.notes:
        lines.append(f"  {_plural(report.notes, 'note')}, all indexed; rebuilt.")
    else:
        lines.append(f"  {_plural(report.indexed, 'note')} of {report.notes:,} were indexed; rebuilt with all of them.")
    lines.append("")
    if report.repair_error:
        lines.append(f"Repair failed: {report.repair_error}")
    if report.problems == 0:
        lines.append("No problems found.")
    elif report.unresolved == 0:
        lines.append(f"{_plural(report.problems, 'problem')} found, all repaired.")
    else:
        fixed = report.problems - report.unresolved
        lines.append(f"{_plural(report.problems, 'problem')} found: {fixed:,} fixed, {report.unresolved:,} left.")
        if report.repairable:
            lines.append("Repair reschedules the cards from their history and moves unused media files to the trash.")
    return "\n".join(lines) + "\n"
