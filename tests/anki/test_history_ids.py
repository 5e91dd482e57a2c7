"""History rows get ids in time order (``core.ids.time_ordered_id``), wherever they come from.

A review-log row's id is its time in ms and then 21 random bits, whether the row is an answer given here, an
imported answer or an imported schedule change. The log's B-tree then stays in time order, and a new answer's row
goes at its end instead of into a full page in the middle (benchmarks/engine_speed.py: one page written instead
of two). Anki packages are made by the real engine (``makers.make_anki_packages``).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.drafts import ImportOptions, ReviewDraft
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.services.app import App
from studyapp.services.fsrs.review_log_import import import_review_log
from studyapp.services.importing.history import history_events
from studyapp.services.review.review import ReviewSession
from tests.conftest import T0

from .makers import AnkiPackages


def test_imported_answers_and_changes_get_ids_in_time_order_and_a_new_answer_goes_last(
    app: App, anki_packages: AnkiPackages
) -> None:
    app.import_file(anki_packages.modern, options=ImportOptions(include_history=True))
    db = app.collection.db
    answers = db.execute("SELECT id, reviewed_at FROM review_log").fetchall()
    assert len(answers) == 5  # the fixture's answers
    assert all(row_id >> 21 == moment for row_id, moment in answers)
    in_id_order = [moment for _, moment in sorted(answers)]
    assert in_id_order == sorted(in_id_order)

    french = app.find_deck("Languages::French")
    assert french is not None
    clock = app.clock
    clock.advance(timedelta(days=400))  # type: ignore[attr-defined]
    session = ReviewSession(app.collection, french.id, clock, random.Random(3))
    assert session.next_card() is not None
    entry = session.answer(Rating.GOOD)
    newest = db.execute("SELECT id FROM review_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert newest == entry.id and entry.id >> 21 == round(entry.reviewed_at.timestamp() * 1000)


def test_an_imported_schedule_change_gets_an_id_in_time_order() -> None:
    at = datetime(2025, 5, 1, 8, tzinfo=timezone.utc)
    reviews = [
        ReviewDraft(0, at, Rating.GOOD, 3000),
        ReviewDraft(0, at + timedelta(days=1), None, change=ScheduleChangeKind.RESCHEDULE, interval_days=9),
        ReviewDraft(0, at + timedelta(days=2), None, change=ScheduleChangeKind.RESET),
    ]
    entries, changes, _ = history_events(Scheduler(), 77, reviews, random.Random(5))
    moments = [entries[0].reviewed_at, *(change.changed_at for change in changes)]
    ids = [entries[0].id, *(change.id for change in changes)]
    assert [row_id >> 21 for row_id in ids] == [round(moment.timestamp() * 1000) for moment in moments]
    assert ids == sorted(ids) and all(0 < row_id < 2**63 for row_id in ids)


class _SameLowBits(random.Random):
    """Randomness whose 21 low bits of a log id are always the same: every row at one millisecond draws one id."""

    def getrandbits(self, k: int) -> int:
        return 0 if k == 21 else super().getrandbits(k)


def test_answers_imported_at_the_same_millisecond_never_clash(tmp_path: Path) -> None:
    """A log that gives days, not times: many answers at one millisecond. Ids drawn alike take the next free one;
    every answer is stored (without it the import failed on the log's unique id)."""
    day = "2025-02-03T00:00:00+00:00"
    rows = [
        f"{card},{1 + (card + n) % 4},{day.replace('03T', f'{3 + n:02d}T')},4000" for card in range(40) for n in (0, 2)
    ]
    path = tmp_path / "log.csv"
    path.write_text("card_id,review_rating,review_time,review_duration\n" + "\n".join(rows) + "\n", encoding="utf-8")
    app = App.open(tmp_path / "c.db", clock=FixedClock(T0), rng=_SameLowBits(8))
    try:
        summary = import_review_log(app, path, "Days")
        assert (summary.cards, summary.reviews) == (40, 80)
        stored = app.collection.db.execute("SELECT id, reviewed_at FROM review_log").fetchall()
        assert len(stored) == 80 and len({row_id for row_id, _ in stored}) == 80
        assert sorted(stored) == sorted(stored, key=lambda row: (row[1], row[0]))  # still in time order
    finally:
        app.close()
