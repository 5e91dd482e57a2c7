"""A package imported without its history, then again with it: the cards never studied here get their history;
a card studied here in between keeps its own (and the summary says so)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.storage import Collection
from tests.attacks.history_packages import Revlog, history_package, ms
from tests.cli_support import run_studyapp as _studyapp


def _log_counts(path: Path) -> dict[str, int]:
    with Collection.open(path) as collection:
        rows = collection.db.execute(
            "SELECT n.front, count(r.id) FROM notes n JOIN cards c ON c.note_id = n.id "
            "LEFT JOIN review_log r ON r.card_id = c.id WHERE n.front LIKE 'q_' GROUP BY n.id"
        )
        return {front: count for front, count in rows}


def test_a_second_import_with_history_adds_the_history_a_plain_import_left_out(tmp_path: Path) -> None:
    rows = [Revlog(0, ms(2025, 1, 1)), Revlog(0, ms(2025, 1, 3)), Revlog(1, ms(2025, 1, 2)), Revlog(2, ms(2025, 2, 1))]
    package = history_package(tmp_path, rows)
    collection = tmp_path / "c.db"
    first = _studyapp(collection, "import", str(package))
    assert first.returncode == 0, first.stderr
    assert _log_counts(collection) == {"q0": 0, "q1": 0, "q2": 0}
    app = App.open(collection, FixedClock(datetime(2026, 1, 5, tzinfo=timezone.utc)))
    try:  # one card is studied here meanwhile (an answer of its own); the others are left alone
        deck = app.collection.decks.by_name("Hist")
        assert deck is not None
        session = app.review_session(deck.id)
        studied = session.next_card()
        assert studied is not None
        session.answer(Rating.GOOD)
    finally:
        app.close()
    again = _studyapp(collection, "import", str(package), "--with-history")
    assert again.returncode == 0, again.stderr
    in_file = {"q0": 2, "q1": 1, "q2": 1}
    expected = {front: (1 if front == studied.front else count) for front, count in in_file.items()}
    assert _log_counts(collection) == expected
    assert "history" in again.stdout + again.stderr
