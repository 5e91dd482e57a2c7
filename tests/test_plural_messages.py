"""Counted words in the services' and the command line's messages: "1 card", "2 cards", never "1 cards" or
"card(s)" (issue 15 point 7). Each message is made by its own code, once with one and once with two."""

from __future__ import annotations

import argparse
import io
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from studyapp.cli import fsrs_commands
from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.services.app import App
from studyapp.services.exporting.exporting import ExportResult
from studyapp.services.fsrs.reschedule import RescheduleResult
from studyapp.services.fsrs.review_log_import import ReviewLogSummary
from studyapp.services.importing.deck_audio import quiet_audio
from studyapp.services.importing.importing import store_draft
from studyapp.services.maintenance.check import CheckReport
from studyapp.services.maintenance.check_report import far_ahead_reason, report_text
from studyapp.services.maintenance.check_schedules import FarAhead
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteText

ONE_TWO = pytest.mark.parametrize("n", [1, 2])


def s(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


@ONE_TWO
def test_review_log_import_summary(n: int) -> None:
    summary = ReviewLogSummary(deck="Log", cards=n, reviews=n, already_there=n, left_out=n)
    assert str(summary) == (
        f"Log: {s(n, 'card')} and {s(n, 'review')} imported, {s(n, 'card')} already there, {s(n, 'review')} left out"
    )


@ONE_TWO
def test_export_summary(n: int) -> None:
    missing = tuple(f"m{i}.png" for i in range(n))
    result = ExportResult(Path("out.apkg"), "D", n, n, n, n, True, missing_media=missing)
    first, second = result.lines()
    assert first == f"D: {s(n, 'note')}, {s(n, 'card')}, {s(n, 'media file')}, {s(n, 'review-log row')} " + (
        "(with history) exported to out.apkg"
    )
    verb = "is" if n == 1 else "are"
    assert second.startswith(f"{s(n, 'media file')} the notes refer to {verb} not in the media folder")


@ONE_TWO
def test_reschedule_result(n: int) -> None:
    text = str(RescheduleResult(decks=n, cards=n, changed=n, new_due=n, seconds=0.1))
    assert text == f"rescheduled {s(n, 'studied card')} in {s(n, 'deck')}: {s(n, 'card')} got a new due date"


@ONE_TWO
def test_optimize_line(n: int, app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    result = SimpleNamespace(
        deck="D", reviews=n, cards=n, seconds=1.0, warning="", before=1, after=1, better=False, verdict=""
    )
    monkeypatch.setattr(fsrs_commands, "fit_parameters", lambda _app, _deck: result)
    out = io.StringIO()
    fsrs_commands.optimize_from_args(app, argparse.Namespace(deck="Calcinosis", dry_run=True), out)
    assert (
        out.getvalue().splitlines()[0]
        == f"D: {s(n, 'review')}, {s(n, 'card')} answered twice or more (fitted in 1.0 s)"
    )


@ONE_TWO
def test_import_notes_with_more_fields_than_their_type(n: int, app: App) -> None:
    notes = tuple(
        NoteDraft(guid=f"g{i}", front="q", back="a", fields=("q", "a", "extra"), notetype="Basic", line=i + 1)
        for i in range(n)
    )
    summary = store_draft(app.collection, ImportDraft("Wide", notes), app.rng, app.clock.now())
    [warning] = [w for w in summary.warnings if "more fields" in w]
    assert warning.startswith(f"{s(n, 'note')} had more fields than their note type: the extra text was added to ")
    assert "(s)" not in " ".join(summary.warnings)


def deck_id(app: App, name: str) -> int:
    return add_to_deck(app, name, NoteText(f"{name}?", "!")).deck.id


@ONE_TWO
def test_decks_made_quiet_and_decks_kept(n: int, app: App) -> None:
    names = tuple(f"Quiet{i}" for i in range(n))
    ids = {name: deck_id(app, name) for name in names}
    made, _ = quiet_audio(app.collection, app.rng, app.clock.now(), ids, set(names), names)
    assert made == f"{s(n, 'deck')} ({', '.join(names)}): audio not played automatically, as in Anki"
    loud = tuple(f"Loud{i}" for i in range(n))
    ids = {name: deck_id(app, name) for name in loud}
    _, [kept] = quiet_audio(app.collection, app.rng, app.clock.now(), ids, set(), loud)
    verb, their = ("plays", "its") if n == 1 else ("play", "their")
    assert kept.startswith(f"{s(n, 'deck')} already here ({', '.join(loud)}) {verb} audio automatically")
    assert f"to: {their} options were kept" in kept


@ONE_TWO
def test_check_report_integrity_media_and_maximum_interval(n: int, tmp_path: Path) -> None:
    report = CheckReport(path=tmp_path / "c.db", integrity=[f"page {i} is broken" for i in range(n)], media_files=n)
    text = report_text(report)
    assert f"  Integrity: {s(n, 'problem')}" in text.splitlines()
    in_use = "The 1 file is in use" if n == 1 else "All 2 files are in use"
    assert f"  {in_use}, none is missing." in text.splitlines()
    due = datetime(2030, 1, 1, tzinfo=timezone.utc)
    card = FarAhead(1, "D", "Q", due, None, None, in_future=False, maximum_days=n)
    assert far_ahead_reason(card, None, timezone.utc).endswith(f"beyond its deck's maximum interval of {s(n, 'day')}")
