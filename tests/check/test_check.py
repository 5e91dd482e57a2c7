"""Check Collection: each kind of problem is found, described and (where it can be) repaired."""

from __future__ import annotations

import argparse
import io
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyapp.cli.main import build_parser, run_command
from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.services.app import App
from studyapp.services.maintenance.check import CheckCancelled, CheckJob, describe, run_check
from studyapp.services.notes.search import search_card_ids
from studyapp.storage.notes.notes_store import NewCard, NewNote
from tests.conftest import collection_fingerprint
from tests.notetype_helpers import basic_id


def study(app: App, deck_id: int, clock: FixedClock, days: int = 3) -> None:
    """A few days of study: every third answer Again, the others Good."""
    for _day in range(days):
        session = app.review_session(deck_id)
        count = 0
        while session.next_card() is not None and count < 40:
            session.answer(Rating.AGAIN if count % 3 == 0 else Rating.GOOD, 1000)
            count += 1
            clock.advance(timedelta(seconds=30))
        clock.advance(timedelta(days=1))


def check(app: App, repair: bool = False):  # noqa: ANN201 - CheckReport
    return run_check(app.collection, app.clock, app.rng, app.media_dir, repair=repair)


def studied_card(app: App) -> tuple[int, int]:
    """(card id, due in ms) of a studied review card."""
    row = app.collection.db.execute("SELECT id, due FROM cards WHERE state = 2 ORDER BY id LIMIT 1").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_a_studied_collection_has_no_problems(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    study(app, calcinosis_id, clock)
    report = check(app)
    assert (report.problems, report.unresolved, report.cards) == (0, 0, 29)
    text = report.text()
    assert text.endswith("No problems found.\n")
    for heading in ("Database", "Schedules", "Media", "Search index"):
        assert f"\n{heading}" in text


def test_a_corrupted_due_date_is_found_and_repaired_through_the_log(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    study(app, calcinosis_id, clock)
    card_id, due = studied_card(app)
    app.collection.db.execute("UPDATE cards SET due = ? WHERE id = ?", [due + 3 * 86_400_000, card_id])
    answers_before = app.collection.reviews.log_count()

    report = check(app)
    assert [m.card_id for m in report.mismatches] == [card_id]
    stored, replayed = report.mismatches[0].stored, report.mismatches[0].replayed
    assert stored.due - replayed.due == timedelta(days=3)  # type: ignore[operator]
    assert f"due {stored.due.day} {stored.due:%b %Y} vs {replayed.due.day} {replayed.due:%b %Y}" in report.text()  # type: ignore[union-attr]
    assert report.unresolved == 1 and report.repairable
    assert app.collection.schedule_changes.count() == 0  # a check without --repair changes no card

    repaired = check(app, repair=True)
    assert (repaired.rescheduled, repaired.unresolved) == (1, 0)
    assert "1 problem found, repaired." in repaired.text()
    [change] = app.collection.schedule_changes.of_card(card_id)
    assert change.kind is ScheduleChangeKind.RESCHEDULE and change.before == stored
    # The replay makes it due today, a day already over 1.5 ordinary days of this small deck (10 reviews at least):
    # the repair gives it tomorrow instead, as it spreads every card it makes due at once (issue 17).
    assert replayed.due is not None and replayed.due < datetime(2026, 3, 5, 4, 0, tzinfo=timezone.utc)
    assert change.after == replace(replayed, due=datetime(2026, 3, 5, 4, 0, tzinfo=timezone.utc))
    assert (repaired.spread.cards, repaired.spread.days) == (1, 2)
    assert app.collection.reviews.log_count() == answers_before
    assert check(app).problems == 0
    # A repair with the clock behind the card's last answer is still logged after it.
    card_id2, due2 = app.collection.db.execute(
        "SELECT id, due FROM cards WHERE state = 2 AND id != ? ORDER BY id LIMIT 1", [card_id]
    ).fetchone()
    app.collection.db.execute("UPDATE cards SET due = ? WHERE id = ?", [due2 + 86_400_000, card_id2])
    clock.advance(timedelta(days=-30))
    assert check(app, repair=True).rescheduled == 1
    behind = check(app)
    assert behind.mismatches == []
    # With the clock a month behind, the cards' answers are dated after now: reported, not repaired.
    assert len(behind.far_ahead) == behind.problems == behind.unresolved == 29 and not behind.repairable
    clock.advance(timedelta(days=30))
    # The log stays the source of truth: studying on from the repaired card still replays.
    study(app, calcinosis_id, clock, days=2)
    assert check(app).problems == 0


def test_describe_names_each_difference_in_words(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    study(app, calcinosis_id, clock)
    card_id, _due = studied_card(app)
    card = app.collection.reviews.card(card_id)
    assert card is not None
    schedule = card.schedule
    moved = schedule.__class__(**{**schedule.__dict__, "due": datetime(2026, 3, 12, 9, tzinfo=timezone.utc)})
    other = schedule.__class__(**{**schedule.__dict__, "due": datetime(2026, 3, 15, 9, tzinfo=timezone.utc), "reps": 9})
    assert describe(moved, other) == f"due 12 Mar 2026 vs 15 Mar 2026, reps {schedule.reps} vs 9"


def add_html_note(app: App, deck_id: int, front: str, back: str, number: int) -> None:
    with app.collection.transaction():
        app.collection.notes.add(
            [NewNote(900 + number, f"media-{number}", deck_id, front, back, "", "basic", 1, 0, 0, "", basic_id(app))],
            [NewCard(800 + number, 900 + number, deck_id, 0, 10_000 + number)],
        )


def test_orphan_and_missing_media_are_found_and_orphans_moved_to_the_trash(app: App, calcinosis_id: int) -> None:
    add_html_note(app, calcinosis_id, 'Which? <img src="present.png">', '<img src="gone.png"> this', 1)
    media = app.media_dir
    media.mkdir()
    (media / "present.png").write_bytes(b"used")
    (media / "orphan.png").write_bytes(b"not used")
    (media / ".incoming-x1y2").write_bytes(b"half")  # a crashed import's leftover

    report = check(app)
    assert report.orphans == [".incoming-x1y2", "orphan.png"]
    assert report.missing == [("gone.png", 901)]
    assert "2 files used by no note" in report.text() and "gone.png (note 901)" in report.text()
    assert (media / "orphan.png").exists()  # nothing moves without --repair

    repaired = check(app, repair=True)
    assert repaired.trashed == [".incoming-x1y2", "orphan.png"]
    assert sorted(p.name for p in media.iterdir()) == [".trash", "present.png"]
    assert (media / ".trash" / "orphan.png").read_bytes() == b"not used"
    assert repaired.unresolved == 1  # the missing file is reported, not invented
    (media / "orphan.png").write_bytes(b"again")
    check(app, repair=True)
    assert sorted(p.name for p in (media / ".trash").iterdir()) == [".incoming-x1y2", "1-orphan.png", "orphan.png"]
    assert check(app).orphans == []


def test_the_search_index_is_checked_and_rebuilt(app: App) -> None:
    db = app.collection.db
    assert search_card_ids(app.collection, app.clock, "calcinosis")
    db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('delete-all')")
    assert search_card_ids(app.collection, app.clock, "calcinosis") == []
    report = check(app)
    assert (report.notes, report.indexed) == (29, 0)
    assert "0 notes of 29 were indexed; rebuilt" in report.text()
    assert report.problems == 1 and report.unresolved == 0
    assert len(search_card_ids(app.collection, app.clock, "calcinosis")) > 0
    assert check(app).problems == 0


def test_a_broken_reference_is_reported_and_blocks_the_repair(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    study(app, calcinosis_id, clock, days=1)
    card_id, due = studied_card(app)
    db = app.collection.db
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("UPDATE cards SET due = ? WHERE id = ?", [due + 86_400_000, card_id])
    db.execute("INSERT INTO cards (id, note_id, deck_id, position) VALUES (5, 12345, ?, 99)", [calcinosis_id])
    report = check(app, repair=True)
    assert report.foreign_keys == ["cards row 5 refers to a missing notes row"]
    assert report.rescheduled == 0 and report.repair_error is not None and "backup" in report.repair_error
    assert app.collection.schedule_changes.count() == 0


def test_a_cancelled_check_changes_nothing(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    study(app, calcinosis_id, clock, days=1)
    card_id, due = studied_card(app)
    app.collection.db.execute("UPDATE cards SET due = ? WHERE id = ?", [due + 86_400_000, card_id])
    app.collection.db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('delete-all')")
    before = collection_fingerprint(app.path)
    stages: list[str] = []
    job = CheckJob(app.path, clock, random.Random(1), repair=True, on_progress=lambda s, _d, _t: stages.append(s))

    def cancel_on_schedules(stage: str, _done: int, _total: int) -> None:
        stages.append(stage)
        if stage == "Checking schedules":
            job.cancel()

    job._on_progress = cancel_on_schedules
    with pytest.raises(CheckCancelled):
        job.run()
    assert "Checking schedules" in stages
    assert collection_fingerprint(app.path) == before
    report = CheckJob(app.path, clock, random.Random(1), repair=True).run()
    assert (report.rescheduled, report.unresolved) == (1, 0)


def run_cli(path: Path, *words: str) -> tuple[int, str]:
    args: argparse.Namespace = build_parser().parse_args(["--collection", str(path), *words])
    out = io.StringIO()
    return run_command(args, stdout=out), out.getvalue()


def test_the_check_command(collection_path: Path, clock: FixedClock) -> None:
    app = App.open(collection_path, clock=clock, rng=random.Random(5))
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    study(app, deck.id, clock, days=1)
    card_id, due = studied_card(app)
    app.collection.db.execute("UPDATE cards SET due = ? WHERE id = ?", [due + 86_400_000, card_id])
    app.close()  # one process, one window or command on a collection at a time
    status, text = run_cli(collection_path, "check")
    assert status == 1 and "1 card does not match its history" in text
    assert "Run 'studyapp check --repair' to repair." in text
    status, text = run_cli(collection_path, "check", "--repair", "--json")
    assert status == 0 and '"rescheduled": 1' in text and '"unresolved": 0' in text
    status, text = run_cli(collection_path, "check")
    assert status == 0 and text.endswith("No problems found.\n")


def test_a_card_its_note_type_has_no_template_for_is_reported_not_repaired(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    """A Basic note with a second card (as a sync once left one: the phone made the note reversed, a later edit here
    kept it Basic). Anki's Check Database deletes such a card ("card with missing template"); ours says which it
    is and leaves it, with its history: changing the note's type brings it back."""
    note_id, front = app.collection.db.execute("SELECT id, front FROM notes ORDER BY id LIMIT 1").fetchone()
    (first,) = app.collection.db.execute("SELECT id FROM cards WHERE note_id = ?", [note_id]).fetchone()
    stray = 12345
    with app.collection.transaction():
        app.collection.db.execute(
            "INSERT INTO cards (id, note_id, deck_id, ord, position) VALUES (?, ?, ?, 1, 999)",
            [stray, note_id, calcinosis_id],
        )
    before = collection_fingerprint(app.collection.path)
    report = check(app, repair=True)
    assert report.no_template == [(stray, "Calcinosis", "Basic", 2, 1, front)]
    assert (report.problems, report.unresolved) == (1, 1)
    assert "\nCards\n  1 card has no template in its note type, so it cannot be shown" in report.text()
    assert f"(card {stray}): card 2 of “Basic”, which has 1 template" in report.text()
    assert report.to_json()["no_template"] == [
        {"card": stray, "deck": "Calcinosis", "note_type": "Basic", "card_number": 2, "templates": 1}
    ]
    assert collection_fingerprint(app.collection.path) == before  # nothing of it repaired
    assert first != stray


def test_every_card_with_a_template_is_said_so(app: App) -> None:
    report = check(app)
    assert report.no_template == [] and "\nCards\n  Every card has a template in its note type.\n" in report.text()
