"""Issue 12, point 8 (check half): cards dated absurdly far ahead are reported by Check Collection.

A review logged in 2100 schedules its card for 2100: the card vanishes from study, and since its stored
schedule is exactly the replay of its log, the check used to find nothing. Now the check reports, as its own
finding with a count and examples, every card whose last answer (or schedule change, or stored last review)
is more than a day after the clock, or whose due date is further ahead than its deck's maximum interval
allows. Repair leaves such answers alone (the review log is append-only) and says so; a card that is only
due too far is also a mismatch with its history, and repair reschedules that from the log.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.ids import new_id
from studyapp.core.model import Rating, ReviewEntry, ReviewMode
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed
from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check
from studyapp.ui.maintenance.check_dialog import CheckDialog

from ..conftest import T0
from ..gui.support import offscreen_dialog_warning
from ..test_cli import studyapp

FUTURE = datetime(2100, 1, 1, 9, 0, tzinfo=timezone.utc)
DAY_MS = 86_400_000


def answer(app: App, card_id: int, moment: datetime, rating: Rating = Rating.GOOD) -> None:
    """Answer a card at ``moment`` through storage, as the review service does (its deck's options, seeded fuzz)."""
    card = app.collection.reviews.card(card_id)
    deck = app.collection.decks.get(card.deck_id) if card is not None else None
    assert card is not None and deck is not None
    scheduler = Scheduler(deck.options.scheduler_config())
    after = scheduler.answer(card.schedule, rating, moment, random.Random(fuzz_seed(card_id, card.schedule.reps)))
    entry = ReviewEntry(new_id(app.rng), card_id, moment, rating, 2000, ReviewMode.FLIP, card.schedule, after)
    app.collection.reviews.record(entry)


def far_future_collection(app: App, deck_id: int) -> tuple[int, int]:
    """Card A answered in 2100 (its schedule follows from its log); card B due three years after its last answer
    in a deck whose maximum interval is a year. Their ids."""
    deck = app.collection.decks.get(deck_id)
    assert deck is not None
    preset = next(p for p in app.collection.presets.all() if p.id == deck.preset_id)
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, maximum_interval_days=365))
    first, second = [row[0] for row in app.collection.db.execute("SELECT id FROM cards ORDER BY id LIMIT 2")]
    for card_id in (first, second):
        answer(app, card_id, T0 - timedelta(days=3))
        answer(app, card_id, T0 - timedelta(days=3) + timedelta(minutes=10))
    answer(app, first, FUTURE)  # the clock was 74 years ahead, or an imported log said so
    last = app.collection.db.execute("SELECT last_review FROM cards WHERE id = ?", [second]).fetchone()[0]
    app.collection.db.execute("UPDATE cards SET due = ? WHERE id = ?", [last + 3 * 365 * DAY_MS, second])
    return first, second


def card_row(app_or_path: App | Path, card_id: int) -> tuple:
    db = sqlite3.connect(app_or_path) if isinstance(app_or_path, Path) else app_or_path.collection.db.conn
    return tuple(db.execute("SELECT * FROM cards WHERE id = ?", [card_id]).fetchone())


def test_check_reports_cards_dated_far_ahead(app: App, calcinosis_id: int) -> None:
    ahead, too_far = far_future_collection(app, calcinosis_id)
    log_before, card_before = app.collection.reviews.log_count(), card_row(app, ahead)

    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert [(card.card_id, card.in_future) for card in report.far_ahead] == sorted([(ahead, True), (too_far, False)])
    assert [m.card_id for m in report.mismatches] == [too_far]  # card A is exactly the replay of its (future) log
    text = report.text()
    assert "  2 cards are dated far ahead (answers after now, or due beyond the maximum interval):\n" in text
    assert f"(card {ahead})\n      last answer dated 1 Jan 2100, after now (1 Mar 2026); due " in text
    assert f"(card {too_far})\n      due " in text and "beyond its deck's maximum interval of 365 days" in text
    assert "Not repaired: the review log is append-only." in text
    assert report.unresolved == report.problems == 3  # two far ahead, one of them also a mismatch

    repaired = run_check(app.collection, app.clock, app.rng, app.media_dir, repair=True)
    assert repaired.rescheduled == 1  # card B, from its log; card A's log cannot be taken back
    after = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert [card.card_id for card in after.far_ahead] == [ahead] and after.mismatches == []
    assert after.unresolved == 1 and not after.repairable
    assert app.collection.reviews.log_count() == log_before and card_row(app, ahead) == card_before
    assert app.collection.schedule_changes.of_card(ahead) == []


def test_the_check_command_says_so_in_one_line_and_in_json(app: App, calcinosis_id: int) -> None:
    ahead, too_far = far_future_collection(app, calcinosis_id)
    path = app.path
    app.close()

    done = studyapp("--collection", str(path), "check")
    assert done.returncode == 1 and done.stderr == ""
    lines = [line for line in done.stdout.splitlines() if "dated far ahead" in line]
    assert lines == ["  2 cards are dated far ahead (answers after now, or due beyond the maximum interval):"]
    assert f"(card {ahead})" in done.stdout and "last answer dated 1 Jan 2100" in done.stdout

    done = studyapp("--collection", str(path), "check", "--json")
    assert done.returncode == 1 and done.stderr == ""
    report = json.loads(done.stdout)
    assert report["far_ahead_count"] == 2
    first, second = report["far_ahead"]
    assert first["card"] == min(ahead, too_far) and second["card"] == max(ahead, too_far)
    by_card = {item["card"]: item for item in report["far_ahead"]}
    assert by_card[ahead]["last_event"].startswith("2100-01-01T09:00:00")
    assert "after now" in by_card[ahead]["reason"]
    assert "maximum interval of 365 days" in by_card[too_far]["reason"]

    before = card_row(path, ahead)
    done = studyapp("--collection", str(path), "check", "--repair", "--json")
    assert done.returncode == 1 and json.loads(done.stdout)["rescheduled"] == 1  # card B, from its log
    done = studyapp("--collection", str(path), "check", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["far_ahead_count"] == 1 and report["far_ahead"][0]["card"] == ahead
    assert card_row(path, ahead) == before


@offscreen_dialog_warning
def test_the_check_dialog_lists_them(app: App, calcinosis_id: int, clock: FixedClock, qtbot) -> None:  # noqa: ANN001
    ahead, _too_far = far_future_collection(app, calcinosis_id)
    run_check(app.collection, app.clock, app.rng, app.media_dir, repair=True)  # card B rescheduled: A is left
    dialog = CheckDialog(app)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None and not dialog.running, timeout=10000)
    text = dialog.view.toPlainText()
    assert "1 card is dated far ahead (answers after now, or due beyond the maximum interval):" in text
    assert f"(card {ahead})" in text and "last answer dated 1 Jan 2100, after now (1 Mar 2026)" in text
    assert dialog.status.text() == "1 problem found; it cannot be repaired here (see the report)."
    assert not dialog.repair_button.isVisible()  # nothing a repair could do
    assert "append-only" in dialog.repair_button.toolTip()
