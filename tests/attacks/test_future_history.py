"""Issue 12, point 8 (import half): history dated in the future is left out, with its reason in the summary.

Revlog ids dated 2100 used to schedule their cards for 2100: the cards vanished from study and nothing said
why. Now a review more than a day after the clock (a day of slack for a clock or time zone slip) is left
out, in an ``.apkg`` imported with its history and in ``import-log``: every review from the first such one
on (in time order, all the later ones), so the card keeps its real past and is scheduled from its last real
answer; a card with only future reviews comes in new. Each note or log card says so in one line.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from studyapp.core.drafts import ImportOptions
from studyapp.services.app import App
from studyapp.services.fsrs.review_log_import import import_review_log

from ..conftest import T0
from ..test_cli import studyapp
from .history_packages import Revlog, history_package, ms, review_log_csv

SOON = int((T0 + timedelta(hours=20)).timestamp() * 1000)  # inside the day of slack: kept


def log_of(path: Path, front: str) -> list[int]:
    """The review times (ms) of the card of the note with this front, oldest first."""
    db = sqlite3.connect(path)
    try:
        sql = (
            "select r.reviewed_at from review_log r join cards c on c.id = r.card_id join notes n on n.id = c.note_id"
            " where n.front = ? order by r.reviewed_at"
        )
        return [at for (at,) in db.execute(sql, (front,))]
    finally:
        db.close()


def card_of(path: Path, front: str) -> tuple[int, int | None]:
    """(state, due in ms) of the card of the note with this front."""
    db = sqlite3.connect(path)
    try:
        sql = "select c.state, c.due from cards c join notes n on n.id = c.note_id where n.front = ?"
        return db.execute(sql, (front,)).fetchone()
    finally:
        db.close()


def test_package_history_dated_2100_is_left_out_and_the_cards_stay_in_study(app: App, tmp_path: Path) -> None:
    package = history_package(
        tmp_path,
        [
            Revlog(0, ms(2025, 12, 1)),
            Revlog(0, ms(2026, 2, 1)),
            Revlog(0, ms(2100, 1, 1)),  # the card's later entries: all after the first future one
            Revlog(0, ms(2100, 6, 1) + 1),
            Revlog(1, ms(2100, 1, 1) + 2),  # a card with only future history
            Revlog(2, ms(2026, 2, 20)),
            Revlog(2, SOON),  # 20 hours ahead: a clock slip, kept
        ],
    )
    summary = app.import_file(package, options=ImportOptions(include_history=True))

    assert summary.new == 3
    reasons = {skip.place: skip.reason for skip in summary.skipped}
    assert reasons == {
        "note 1": "2 reviews dated 2100-01-01 00:00 UTC or later, more than a day after now (2026-03-01 12:00 UTC),"
        " left out; its 2 earlier reviews kept",
        "note 2": "1 review dated 2100-01-01 00:00 UTC or later, more than a day after now (2026-03-01 12:00 UTC),"
        " left out; no earlier review kept",
    }
    assert log_of(app.path, "q0") == [ms(2025, 12, 1), ms(2026, 2, 1)]
    assert log_of(app.path, "q1") == []
    assert log_of(app.path, "q2") == [ms(2026, 2, 20), SOON]
    state, due = card_of(app.path, "q0")
    assert state == 2 and due < ms(2028)  # scheduled from its last real answer, not for 2100
    assert card_of(app.path, "q1") == (0, None)  # new: it is studied like any new card
    deck = app.find_deck("Hist")
    assert deck is not None
    counts = {count.name: count for count in app.deck_counts()}
    assert counts["Hist"].new == 1


def test_import_log_dated_2100_is_left_out_with_its_reason(app: App, tmp_path: Path) -> None:
    log = review_log_csv(
        tmp_path,
        [
            "7,3,2025-12-01T10:00:00Z,1000",
            "7,1,2100-01-01T00:00:00Z,1000",
            "7,3,2026-02-01T10:00:00Z,1000",  # file order does not matter: time order does
            "8,3,2100-01-02T00:00:00Z,1000",
            "9,3,2026-03-02T08:00:00Z,1000",  # 20 hours after the clock: kept
        ],
    )
    summary = import_review_log(app, log, "Log")

    assert (summary.cards, summary.reviews, summary.left_out) == (3, 3, 2)
    assert str(summary) == "Log: 3 cards and 3 reviews imported, 2 reviews left out"
    assert [(skip.place, skip.reason) for skip in summary.skipped] == [
        ("card_id 7", "1 review dated 2100-01-01 00:00 UTC or later, more than a day after now (2026-03-01 12:00 UTC),"
         " left out; its 2 earlier reviews kept"),
        ("card_id 8", "1 review dated 2100-01-02 00:00 UTC or later, more than a day after now (2026-03-01 12:00 UTC),"
         " left out; no earlier review kept"),
    ]  # fmt: skip
    assert log_of(app.path, "Card 7") == [ms(2025, 12, 1, 10), ms(2026, 2, 1, 10)]
    assert log_of(app.path, "Card 8") == []
    assert card_of(app.path, "Card 7")[1] < ms(2028)
    assert card_of(app.path, "Card 8") == (0, None)


def test_the_command_line_names_each_left_out_review_in_one_line(tmp_path: Path) -> None:
    collection = tmp_path / "c.db"
    package = history_package(tmp_path, [Revlog(0, ms(2025, 1, 1)), Revlog(0, ms(2100))])
    result = studyapp("--collection", str(collection), "import", str(package), "--with-history")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Hist: 3 new, 0 updated, 0 unchanged, 1 skipped", "  history in the file: 2 answers on 1 card"]
    assert lines[2].startswith("  skipped note 1: 1 review dated 2100-01-01 00:00 UTC or later, more than a day after")
    assert lines[2].endswith("left out; its earlier review kept")

    log = review_log_csv(tmp_path, ["5,3,2025-01-01T00:00:00Z,100", "5,3,2100-01-01T00:00:00Z,100"])
    result = studyapp("--collection", str(collection), "import-log", str(log), "--deck", "Log")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Log: 1 card and 1 review imported, 1 review left out"
    assert result.stdout.splitlines()[1].startswith("  skipped card_id 5: 1 review dated 2100-01-01 00:00 UTC")
    assert log_of(collection, "q0") == [ms(2025)]
