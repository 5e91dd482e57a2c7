"""The end of a session: what was done and when the next card is due; and the wording it uses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.app.time_wording import describe_due, describe_duration

from .support import open_window, press

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)  # a Sunday


@pytest.fixture
def tiny_deck_id(app: App, tmp_path: Path) -> int:
    source = tmp_path / "tiny.txt"
    source.write_text("What is two plus two?\n\nFour.\n\nWhat colour is the sky?\n\nBlue.\n", encoding="utf-8")
    app.import_file(source)
    deck = app.find_deck("Tiny")
    assert deck is not None
    return deck.id


@pytest.fixture
def window(app: App, tiny_deck_id: int, qtbot) -> Iterator[MainWindow]:
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()


def finish_tiny_deck(window: MainWindow, clock: FixedClock, qtbot, tiny_deck_id: int) -> None:
    """Choose the Tiny deck with the arrow key, and answer its two cards Easy, 30 seconds each."""
    press(qtbot, Qt.Key.Key_Down)
    assert window.deck_list.table.current_deck_id() == tiny_deck_id
    press(qtbot, Qt.Key.Key_Return)
    for _ in range(2):
        assert window.stack.currentWidget() is window.reviewer
        clock.advance(timedelta(seconds=30))
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.summary)


def test_the_summary_says_what_was_done_and_when_the_next_card_is_due(
    window: MainWindow, app: App, clock: FixedClock, qtbot, tiny_deck_id: int
) -> None:
    finish_tiny_deck(window, clock, qtbot, tiny_deck_id)

    log = app.collection.reviews.log()
    assert [entry.rating for entry in log] == [Rating.EASY, Rating.EASY]
    next_due = min(app.collection.reviews.card(entry.card_id).schedule.due for entry in log)
    text = window.summary.text()
    assert "Tiny: done for now" in text
    assert "You studied 2 cards in 1 minute." in text
    assert "Again 0 · Hard 0 · Good 0 · Easy 2" in text
    assert f"The next card is due {describe_due(next_due, clock.now(), timezone.utc)}." in text
    # Easy on a new card: 8 days, fuzzed within its range of 6 to 10 days (from 1 March at noon).
    found = re.search(r"in (\d+) days, on (?:[A-Z][a-z]+ )?(\d+) March", text)
    assert found is not None, text
    assert 6 <= int(found[1]) <= 10 and int(found[2]) == 1 + int(found[1]), text
    assert QApplication.focusWidget() is window.summary


def test_enter_goes_back_to_the_decks_and_a_second_visit_has_nothing_to_study(
    window: MainWindow, clock: FixedClock, qtbot, tiny_deck_id: int
) -> None:
    finish_tiny_deck(window, clock, qtbot, tiny_deck_id)
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.deck_list
    item = window.deck_list.table.currentItem()
    assert [item.text(c) for c in range(5)] == ["Tiny", "0", "0", "0", "2"]

    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.summary
    assert "Tiny: nothing to study now" in window.summary.text()
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list


def test_ctrl_z_on_the_summary_brings_back_the_last_card(
    window: MainWindow, app: App, clock: FixedClock, qtbot, tiny_deck_id: int
) -> None:
    finish_tiny_deck(window, clock, qtbot, tiny_deck_id)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.reviewer
    assert window.reviewer.card_view.toPlainText().strip() == "What colour is the sky?"
    assert len(app.collection.reviews.log()) == 1


@pytest.mark.parametrize(
    ("due", "wording"),
    [
        (NOON + timedelta(seconds=20), "now"),
        (NOON + timedelta(minutes=10), "in 10 minutes (at 12:10)"),
        (NOON + timedelta(minutes=1), "in 1 minute (at 12:01)"),
        (NOON + timedelta(hours=3), "in 3 hours (at 15:00)"),
        (NOON + timedelta(hours=21), "tomorrow at 09:00"),
        (NOON + timedelta(days=2), "in 2 days, on Tuesday 3 March at 12:00"),
        (NOON + timedelta(days=30), "in 30 days, on 31 March"),
        (NOON + timedelta(days=400), "in 400 days, on 5 April 2027"),
    ],
)
def test_due_times_are_worded_relative_to_now(due: datetime, wording: str) -> None:
    assert describe_due(due, NOON, timezone.utc) == wording


def test_due_times_are_shown_in_the_local_zone() -> None:
    zone = timezone(timedelta(hours=-5))
    assert describe_due(NOON + timedelta(hours=13), NOON, zone) == "in 13 hours (at 20:00)"
    assert describe_due(NOON + timedelta(hours=18), NOON, zone) == "tomorrow at 01:00"
    assert describe_due(NOON + timedelta(hours=2), NOON, zone) == "in 2 hours (at 09:00)"


@pytest.mark.parametrize(
    ("ms", "wording"),
    [
        (0, "less than a second"),
        (1_000, "1 second"),
        (45_000, "45 seconds"),
        (60_000, "1 minute"),
        (180_000, "3 minutes"),
        (3_900_000, "1 hour 5 minutes"),
        (7_200_000, "2 hours"),
    ],
)
def test_durations_are_worded_plainly(ms: int, wording: str) -> None:
    assert describe_duration(ms) == wording
