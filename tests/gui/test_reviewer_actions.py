"""The reviewer's card actions driven with the real keys: bury (-), suspend (@), flag (Ctrl+1-7, the same key or
Ctrl+0 clears), delete the note (Ctrl+Delete, asks), card info (I), set due date (Ctrl+Shift+D); Ctrl+Z takes each
back, interleaved with answers; checked in the collection, which an undo leaves exactly as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check
from studyapp.ui.app.main_window import MainWindow
from tests.review_actions.helpers import rows_of

from .support import offscreen_dialog_warning, open_window, press

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def studying(window: MainWindow, qtbot) -> MainWindow:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    return window


def _type(qtbot, text: str) -> None:  # noqa: ANN001 - qtbot
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClicks(focused, text)


def _current(window: MainWindow) -> int:
    session = window.reviewer.session
    assert session is not None and session.current is not None
    return session.current.id


def _silent_check(app: App) -> None:
    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert (report.problems, report.unresolved) == (0, 0), report.text()


def test_bury_suspend_and_flags_with_their_keys_and_undo(studying: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    reviewer = studying.reviewer
    before = rows_of(app.path)
    first = _current(studying)
    press(qtbot, Qt.Key.Key_1, CTRL)
    flag = app.collection.db.execute("SELECT flag FROM cards WHERE id = ?", [first]).fetchone()[0]
    assert flag == 1 and "&#9873;" in reviewer.deck_label.text() or "⚑" in reviewer.deck_label.text()
    assert reviewer.undo_hint.text() == "Red flag · Ctrl+Z undo" and reviewer.undo_hint.isVisible()
    press(qtbot, Qt.Key.Key_1, CTRL)  # the same key again clears it
    assert app.collection.db.execute("SELECT flag FROM cards WHERE id = ?", [first]).fetchone()[0] == 0
    assert reviewer.deck_label.text() == "Calcinosis"
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)  # an answer between the actions
    second = _current(studying)
    _type(qtbot, "-")
    third = _current(studying)
    assert third != second
    assert app.collection.db.execute("SELECT buried_until FROM cards WHERE id = ?", [second]).fetchone()[0]
    assert reviewer.undo_hint.text() == "Card buried until tomorrow · Ctrl+Z undo"
    _type(qtbot, "@")
    assert _current(studying) not in (second, third)
    assert app.collection.db.execute("SELECT suspended FROM cards WHERE id = ?", [third]).fetchone()[0] == 1
    _silent_check(app)

    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _current(studying) == third and reviewer.undo_hint.text() == "Undone: suspend · Ctrl+Z undo"
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _current(studying) == second
    press(qtbot, Qt.Key.Key_Z, CTRL)  # the answer
    assert _current(studying) == first and app.collection.reviews.log() == []
    press(qtbot, Qt.Key.Key_Z, CTRL)
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert reviewer.undo_hint.text() == "Undone: red flag"  # and nothing left to undo
    assert not reviewer.card_actions.can_undo
    assert rows_of(app.path) == before


@offscreen_dialog_warning
def test_delete_the_note_asks_and_undo_brings_it_back(studying: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    reviewer = studying.reviewer
    before = rows_of(app.path)
    card = _current(studying)
    press(qtbot, Qt.Key.Key_Delete, CTRL)
    box = reviewer.card_actions.delete_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    box.button(QMessageBox.StandardButton.Cancel).click()  # cancel: nothing happens
    assert app.collection.reviews.card(card) is not None and _current(studying) == card
    press(qtbot, Qt.Key.Key_Delete, CTRL)
    box = reviewer.card_actions.delete_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert app.collection.reviews.card(card) is None and _current(studying) != card
    assert reviewer.undo_hint.text() == "Note deleted (1 card) · Ctrl+Z undo"
    reviewer.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _current(studying) == card
    assert rows_of(app.path) == before


@pytest.fixture
def studied(app: App, clock: FixedClock) -> App:
    """The Calcinosis deck studied twice, a month apart, and due again: review cards with a history."""
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    for _day in range(2):
        session = app.review_session(deck.id)
        while session.next_card() is not None:
            session.answer(Rating.GOOD, 1000)
            clock.advance(timedelta(seconds=20))
        clock.advance(timedelta(days=30))
    return app


# (offscreen: no window system for a dialog's size hints, nor to raise the card info window)
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints", "This plugin does not support raise")
def test_card_info_and_set_due_date(studied: App, clock: FixedClock, qtbot) -> None:  # noqa: ANN001
    window = open_window(studied, qtbot)
    press(qtbot, Qt.Key.Key_Return)
    reviewer = window.reviewer
    card = _current(window)
    _type(qtbot, "i")
    info = reviewer.card_actions.info_dialog
    assert info is not None
    qtbot.waitUntil(info.isVisible)
    assert info.values["Answers"].text() == "2" and info.values["State"].text() == "Review"
    assert info.history.rowCount() == 2 and info.history.item(0, 1).text() == "Good"
    info.close()
    reviewer.activateWindow()
    reviewer.setFocus()
    before = rows_of(studied.path)

    press(qtbot, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = reviewer.card_actions.due_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.line, "soon")
    qtbot.keyClick(dialog.line, Qt.Key.Key_Return)
    assert dialog.isVisible() and "is not a number of days" in dialog.problem.text()  # kept open, text kept
    assert dialog.line.text() == "soon" and rows_of(studied.path) == before
    dialog.line.clear()
    qtbot.keyClicks(dialog.line, "5!")
    qtbot.keyClick(dialog.line, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    [change] = studied.collection.schedule_changes.of_card(card)
    assert change.kind is ScheduleChangeKind.SET_DUE
    assert change.after.due == clock.now() + timedelta(days=5) and change.after.last_review == clock.now()
    assert window.reviewer.session.current is None or _current(window) != card
    _silent_check(studied)
    reviewer.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert _current(window) == card and rows_of(studied.path) == before
    _silent_check(studied)
