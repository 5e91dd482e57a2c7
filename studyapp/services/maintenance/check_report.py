"""Check Collection's report in words: a heading per part, counts, the first few examples of each problem."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from studyapp.core.model import CardState, Schedule
from studyapp.core.wording import plural
from studyapp.services.maintenance.check_schedules import FarAhead

if TYPE_CHECKING:
    from studyapp.services.maintenance.check import CheckReport

TRASH = ".trash"  # the folder in the media folder that unused files are moved to
EXAMPLES = 5  # of each problem, in the text report

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


def _more(shown: int, total: int) -> list[str]:
    return [f"  … and {total - shown:,} more"] if total > shown else []


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def far_ahead_reason(card: FarAhead, now: datetime | None, zone: tzinfo | None) -> str:
    """Why a card is reported as dated far ahead, in words."""
    due = f"due {_moment(card.due, None, zone)}" if card.due is not None else "no due date"
    if not card.in_future:
        return f"{due}, beyond its deck's maximum interval of {plural(card.maximum_days, 'day')}"
    moments = [moment for moment in (card.latest, card.last_review) if moment is not None]
    return f"last answer dated {_moment(max(moments), None, zone)}, after now ({_moment(now, None, zone)}); {due}"


def _far_ahead_lines(report: CheckReport, examples: int) -> list[str]:
    if not report.far_ahead:
        return []
    count = len(report.far_ahead)
    lines = [f"  {plural(count, 'card')} {'is' if count == 1 else 'are'} dated far ahead (answers after now, "
             "or due beyond the maximum interval):"]  # fmt: skip
    for card in report.far_ahead[:examples]:
        lines.append(f"  • {card.deck}: “{_short(card.question)}” (card {card.card_id})")
        lines.append(f"      {far_ahead_reason(card, report.checked_at, report.zone)}")
    lines += _more(examples, count)
    lines.append("  Not repaired: the review log is append-only. If this computer's clock is right, they were answered")
    lines.append("  or imported with a clock that was ahead.")
    return lines


def size_text(size: int) -> str:
    """Bytes for a person: ``812 KB``, ``4.2 MB``, ``1.3 GB``."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{max(1, round(size / 1024)) if size else 0} KB"


def _large_media_lines(report: CheckReport, examples: int) -> list[str]:
    """The largest media files, largest first, with what they weigh against the whole folder (not a problem)."""
    if not report.large_media:
        return []
    count = len(report.large_media)
    large = sum(size for _name, size in report.large_media)
    lines = [f"  {plural(count, 'large file')} (1 MB or more): {size_text(large)} of the folder's "
             f"{size_text(report.media_bytes)}, largest first:"]  # fmt: skip
    lines.extend(f"  • {name}  {size_text(size)}" for name, size in report.large_media[: max(examples, 10)])
    lines += _more(max(examples, 10), count)
    return lines


def report_text(report: CheckReport, examples: int = EXAMPLES) -> str:
    """The report for a person: a heading per part, counts, the first ``examples`` of each problem."""
    lines = [f"Checked {report.path.name}: {plural(report.cards, 'card')}, {plural(report.notes, 'note')}, "
             f"{plural(report.media_files, 'media file')} in {report.seconds:.1f} s.", ""]  # fmt: skip
    lines.append("Database")
    lines.append(
        "  Integrity: ok" if report.integrity == ["ok"] else f"  Integrity: {plural(len(report.integrity), 'problem')}"
    )
    lines.extend(f"    {problem}" for problem in report.integrity[:examples] if problem != "ok")
    lines.append(f"  References: {'ok' if not report.foreign_keys else plural(len(report.foreign_keys), 'broken row')}")
    lines.extend(f"    {problem}" for problem in report.foreign_keys[:examples])
    lines += ["", "Schedules (stored vs replayed from the review log)"]
    if not report.mismatches:
        lines.append(f"  All {plural(report.cards, 'card')} match their history.")
    else:
        count = len(report.mismatches)
        verb = "does not match its" if count == 1 else "do not match their"
        lines.append(f"  {plural(count, 'card')} {verb} history:")
        for m in report.mismatches[:examples]:
            lines.append(f"  • {m.deck}: “{_short(m.question)}” (card {m.card_id})")
            lines.append(f"      {describe(m.stored, m.replayed, report.zone)}")
        lines += _more(examples, len(report.mismatches))
        if report.rescheduled:
            lines.append(f"  Repaired: {plural(report.rescheduled, 'card')} rescheduled (logged as schedule changes).")
            if report.spread.cards:
                lines.append(f"  {report.spread}.")
    lines += _far_ahead_lines(report, examples)
    if report.unreplayable:
        count = len(report.unreplayable)
        lines.append(f"  {plural(count, 'card')} {'has a history' if count == 1 else 'have histories'} that cannot be "
                     "replayed (damaged rows in the review log; not repaired):")  # fmt: skip
        for card in report.unreplayable[:examples]:
            lines.append(f"  • {card.deck}: “{_short(card.question)}” (card {card.card_id})")
            lines.append(f"      {card.reason}")
        lines += _more(examples, count)
    lines += ["", "Cards"]
    if not report.no_template:
        lines.append("  Every card has a template in its note type.")
    else:
        count = len(report.no_template)
        verb = "has no template in its note type, so it"
        if count > 1:
            verb = "have no template in their note type, so they"
        lines.append(f"  {plural(count, 'card')} {verb} cannot be shown (not repaired: give the note a note type "
                     "with that card, or delete the card):")  # fmt: skip
        for card, deck, name, number, templates, front in report.no_template[:examples]:
            lines.append(f"  • {deck}: “{_short(front)}” (card {card}): card {number} of “{name}”, which has "
                         f"{plural(templates, 'template')}")  # fmt: skip
        lines += _more(examples, count)
    lines += ["", "Media"]
    missing = len(report.missing) + len(report.missing_in_notetypes)
    if not report.orphans and not missing and not report.media_files:
        lines.append("  No media files, and no note refers to one.")
    elif not report.orphans and not missing:
        used = report.media_files - len(report.kept)
        in_use = "The 1 file is in use" if used == 1 else f"All {plural(used, 'file')} are in use"
        lines.append(f"  {in_use}, none is missing." if used else "  None is missing.")
    if report.kept:
        lines.append(
            f"  {plural(len(report.kept), 'file')} starting with '_' kept (Anki leaves them to templates; no "
            f"template names {'it' if len(report.kept) == 1 else 'them'}): {', '.join(report.kept[:examples])}"
        )
        lines += _more(examples, len(report.kept))
    if report.orphans:
        lines.append(
            f"  {plural(len(report.orphans), 'file')} used by no note or note type: "
            f"{', '.join(report.orphans[:examples])}"
        )
        lines += _more(examples, len(report.orphans))
        if report.trashed:
            lines.append(f"  Repaired: {plural(len(report.trashed), 'file')} moved to {report.path.stem}.media/{TRASH}")
    lines += _large_media_lines(report, examples)
    if missing:
        lines.append(f"  {plural(missing, 'file')} missing:")
        lines.extend(f"  • {name} (note {note_id})" for name, note_id in report.missing[:examples])
        shown = max(0, examples - len(report.missing))
        lines.extend(f"  • {name} (note type {notetype})" for name, notetype in report.missing_in_notetypes[:shown])
        lines += _more(examples, missing)
    lines += ["", "Search index"]
    if report.index_ok and report.indexed == report.notes:
        lines.append(f"  {plural(report.notes, 'note')}, all indexed.")
    else:
        lines.append(f"  {plural(report.indexed, 'note')} of {report.notes:,} were indexed; rebuilt with all of them.")
    lines.append("")
    if report.repair_error:
        lines.append(f"Repair failed: {report.repair_error}")
    lines.append(outcome(report, "a repair"))
    if report.repairable:
        lines.append("Repair reschedules the cards from their history and moves unused media files to the trash.")
    return "\n".join(lines) + "\n"


def outcome(report: CheckReport, repair: str = "Repair") -> str:
    """What the check came to, in one sentence that says what the counts mean: how many problems were found, how
    many were repaired, how many ``repair`` (the button, or the command's option) would fix, and how many need the
    person (a missing media file, a damaged history: the report above lists them)."""
    if report.problems == 0:
        return "No problems found."
    found = plural(report.problems, "problem") + " found"
    if report.unresolved == 0:
        return f"{found}, {'repaired' if report.problems == 1 else 'all repaired'}."
    fixable = (len(report.mismatches) - report.rescheduled) + (len(report.orphans) - len(report.trashed))
    fixable = fixable if report.repairable else 0
    by_hand = report.unresolved - fixable
    fixed = report.problems - report.unresolved
    parts = [f"{fixed:,} repaired"] if fixed else []
    if fixable:
        alone = not parts and not by_hand  # the repair would fix every problem found
        parts.append(f"{repair} fixes " + (("it" if fixable == 1 else "them") if alone else f"{fixable:,}"))
    if by_hand:
        parts.append(f"{'it' if report.problems == 1 else f'{by_hand:,}'} cannot be repaired here (see the report)")
    return f"{found}; {', '.join(parts)}."
