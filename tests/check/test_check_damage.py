"""A damaged row in a card's history is reported in one line, never a traceback, and the rest is still checked."""

from __future__ import annotations

import argparse
import io
from datetime import timedelta

from studyapp.cli.main import build_parser, run_command
from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check


def damaged(app: App, deck_id: int, clock: FixedClock) -> int:
    """A studied deck, then one card's log given a row with a rating of 9 (past the schema's CHECK); its id."""
    session = app.review_session(deck_id)
    for _ in range(10):
        if session.next_card() is None:
            break
        session.answer(Rating.GOOD, 1000)
        clock.advance(timedelta(seconds=30))
    db = app.collection.db
    row = dict(next(iter(db.query("SELECT * FROM review_log ORDER BY reviewed_at LIMIT 1"))))
    row.update(id=row["id"] + 1, reviewed_at=row["reviewed_at"] + 1, rating=9)
    db.execute("PRAGMA ignore_check_constraints = ON")
    db["review_log"].insert(row)
    db.execute("PRAGMA ignore_check_constraints = OFF")
    return int(row["card_id"])


def test_a_rating_of_nine_is_reported_not_raised(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    card_id = damaged(app, calcinosis_id, clock)
    report = run_check(app.collection, app.clock, app.rng, app.media_dir, repair=True)
    assert [(card.card_id, card.reason) for card in report.unreplayable] == [
        (card_id, "its history cannot be read (9 is not a valid Rating)")
    ]
    assert report.mismatches == [] and report.rescheduled == 0 and report.unresolved == 1
    assert "1 card has a history that cannot be replayed (damaged rows in the review log; not repaired):" in (
        report.text()
    )
    assert run_check(app.collection, app.clock, app.rng, app.media_dir, thorough=True).unresolved == 1
    path = app.path
    app.close()
    args: argparse.Namespace = build_parser().parse_args(["--collection", str(path), "check", "--json"])
    out = io.StringIO()
    assert run_command(args, stdout=out) == 1 and '"unreplayable_count": 1' in out.getvalue()
