"""Tools → Check Collection…, and the deck options' Save that keeps the cards' schedules their history's replay."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.services.app import App
from studyapp.services.maintenance.check import CheckJob, run_check
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.maintenance import check_dialog
from studyapp.ui.maintenance.check_dialog import CheckDialog
from tests.conftest import collection_fingerprint

from .support import database_fingerprint, offscreen_dialog_warning, open_message_box

pytestmark = offscreen_dialog_warning


@pytest.fixture
def studied(app: App, calcinosis_id: int, clock: FixedClock) -> App:
    """The deck studied for two days (Good, every third answer Again)."""
    for _day in range(2):
        session = app.review_session(calcinosis_id)
        count = 0
        while session.next_card() is not None and count < 30:
            session.answer(Rating.AGAIN if count % 3 == 0 else Rating.GOOD, 1000)
            count += 1
            clock.advance(timedelta(seconds=30))
        clock.advance(timedelta(days=1))
    return app


def open_check(window: MainWindow, qtbot) -> CheckDialog:  # noqa: ANN001 - qtbot
    """Tools → Check Collection…, waited for until its report is shown."""
    window.check_action.trigger()
    dialog = window.findChild(CheckDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.report is not None and not dialog.running, timeout=10000)
    return dialog


def break_things(app: App) -> int:
    """A card with a wrong due date, an unused media file, a half-emptied search index; the card's id."""
    db = app.collection.db
    card_id, due = db.execute("SELECT id, due FROM cards WHERE state = 2 ORDER BY id LIMIT 1").fetchone()
    db.execute("UPDATE cards SET due = ? WHERE id = ?", [due + 3 * 86_400_000, card_id])
    app.media_dir.mkdir(exist_ok=True)
    (app.media_dir / "unused-diagram.png").write_bytes(b"png")
    db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('delete-all')")
    return int(card_id)


def test_a_clean_collection(window: MainWindow, studied: App, qtbot) -> None:  # noqa: ANN001
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    assert window.check_action in tools.actions() and window.check_action.text() == "&Check Collection…"
    dialog = open_check(window, qtbot)
    assert dialog.status.text() == "No problems found."
    assert "No problems found." in dialog.view.toPlainText()
    assert dialog.view.isReadOnly() and not dialog.repair_button.isVisible()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Close"
    dialog.reject()
    qtbot.waitUntil(lambda: window.findChild(CheckDialog) is None or not window.findChild(CheckDialog).isVisible())


def test_problems_are_shown_and_repaired(window: MainWindow, studied: App, qtbot) -> None:  # noqa: ANN001
    card_id = break_things(studied)
    dialog = open_check(window, qtbot)
    text = dialog.view.toPlainText()
    assert dialog.status.text() == "3 problems found; 1 repaired, Repair fixes 2."  # the search index is always rebuilt
    assert "1 card does not match its history" in text and f"(card {card_id})" in text
    assert "unused-diagram.png" in text and "0 notes of 29 were indexed" in text
    assert dialog.repair_button.isVisible()
    dialog.resize(720, 560)
    dialog.grab().save("/tmp/check-dialog.png")

    with qtbot.waitSignal(dialog.check_finished, timeout=10000) as finished:
        dialog.repair_button.click()
    assert finished.args == ["repaired"]
    assert dialog.status.text() == "2 problems found, all repaired."  # the first check rebuilt the index
    assert not dialog.repair_button.isVisible()
    [change] = studied.collection.schedule_changes.of_card(card_id)
    assert change.kind is ScheduleChangeKind.RESCHEDULE
    assert (studied.media_dir / ".trash" / "unused-diagram.png").exists()
    assert run_check(studied.collection, studied.clock, studied.rng, studied.media_dir).problems == 0


def test_cancel_stops_the_check_before_it_writes(
    window: MainWindow,
    studied: App,
    qtbot,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    break_things(studied)
    before = collection_fingerprint(studied.path)
    gate = threading.Event()

    class GatedJob(CheckJob):
        def run(self):  # noqa: ANN202 - the worker waits until the test has pressed Cancel
            gate.wait(10)
            return super().run()

    monkeypatch.setattr(check_dialog, "CheckJob", GatedJob)
    window.check_action.trigger()
    dialog = window.findChild(CheckDialog)
    assert dialog is not None and dialog.running and dialog.progress.isVisible()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.status.text() == "Cancelling…" and dialog.isVisible()
    with qtbot.waitSignal(dialog.check_finished, timeout=10000) as finished:
        gate.set()
    assert finished.args == ["cancelled"]
    assert not dialog.isVisible()
    assert collection_fingerprint(studied.path) == before


def test_saving_a_new_retention_reschedules_and_says_how_many(
    window: MainWindow,
    studied: App,
    calcinosis_id: int,
    qtbot,  # noqa: ANN001
) -> None:
    dialog = window.deck_actions.options(calcinosis_id)
    assert dialog is not None
    unchanged = database_fingerprint(studied.path, ignore=("presets",))
    dialog.new_per_day.setValue(25)  # a daily limit: nothing to reschedule
    assert dialog.save() and dialog.rescheduled is None
    assert database_fingerprint(studied.path, ignore=("presets",)) == unchanged

    dialog = window.deck_actions.options(calcinosis_id)
    assert dialog is not None
    dialog.retention.setValue(0.80)
    with qtbot.waitSignal(dialog.save_ended, timeout=30000):  # a new retention reschedules, on the worker
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.rescheduled is not None and dialog.rescheduled.new_due > 5
    box = open_message_box(qtbot, window)
    assert f"{dialog.rescheduled.new_due} cards got a new due date" in box.text()
    box.accept()
    report = run_check(studied.collection, studied.clock, studied.rng, studied.media_dir)
    assert report.cards == 29 and report.mismatches == []
