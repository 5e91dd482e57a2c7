"""File → Backups…, the 30-minute backup timer, the backup on close, and the damaged-collection start."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.maintenance.backups import backups_dir_for, create_backup, list_backups
from studyapp.ui.app.launch import open_or_recover
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.maintenance.backups_dialog import CHECK_EVERY_MS, BackupsDialog, CorruptStartDialog

from ..backups.support import answer, damage
from ..conftest import collection_fingerprint
from .support import offscreen_dialog_warning, open_message_box


def open_backups(window: MainWindow, qtbot) -> BackupsDialog:  # noqa: ANN001 - qtbot
    """File → Backups…, through the menu's own action."""
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File"]
    [action] = [a for a in file_menu.actions() if a.text().replace("&", "") == "Backups…"]
    action.trigger()
    qtbot.waitUntil(lambda: window.backups.dialog is not None and window.backups.dialog.isVisible())
    assert window.backups.dialog is not None
    return window.backups.dialog


def confirm_restore(dialog: BackupsDialog, qtbot, row: int) -> None:  # noqa: ANN001 - qtbot
    """Choose ``row``, press Restore…, and press Restore in the question that follows."""
    dialog.table.selectRow(row)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.confirmation is not None and dialog.confirmation.isVisible())
    box = dialog.confirmation
    assert box is not None and box.text().startswith(f"Restore the backup of {dialog.rows()[row][0]}")
    with qtbot.waitSignal(dialog.restored, timeout=5000):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)


def new_count(window: MainWindow) -> str:
    return window.deck_list.table.topLevelItem(0).text(1)


@offscreen_dialog_warning
def test_the_dialog_lists_backups_with_readable_dates_and_card_counts(
    window: MainWindow, app: App, clock: FixedClock, qtbot
) -> None:
    for hours_ago in (74, 26, 0):  # Thursday 10:00, yesterday 10:00, now (Sunday 1 March 12:00 UTC)
        clock.set(clock.now() - timedelta(hours=hours_ago) if hours_ago else clock.now())
        create_backup(app)
        clock.set(clock.now() + timedelta(hours=hours_ago))
    dialog = open_backups(window, qtbot)
    assert dialog.rows() == [
        ("Today 12:00", "29 cards"),
        ("Yesterday 10:00", "29 cards"),
        ("Thu 26 Feb 10:00", "29 cards"),
    ]
    assert dialog.selected() == list_backups(app.path)[0] and dialog.restore_button.isEnabled()
    assert str(backups_dir_for(app.path)) in dialog.folder.text()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)  # Back up now
    assert len(dialog.rows()) == 4
    dialog.reject()


@offscreen_dialog_warning
def test_restore_brings_the_old_rows_back_refreshes_the_decks_and_can_be_undone(
    window: MainWindow, app: App, clock: FixedClock, calcinosis_id: int, qtbot
) -> None:
    before = collection_fingerprint(app.path)
    create_backup(app)
    clock.advance(timedelta(minutes=5))
    answer(app, calcinosis_id, 3)
    window.show_decks()
    after = collection_fingerprint(app.path)
    assert new_count(window) == "17"

    dialog = open_backups(window, qtbot)
    clock.advance(timedelta(minutes=5))
    confirm_restore(dialog, qtbot, 0)
    assert collection_fingerprint(app.path) == before
    assert new_count(window) == "20"  # the deck list was refreshed
    assert dialog.rows()[0] == ("Today 12:10", "29 cards")  # the state before the restore, at the top
    assert collection_fingerprint(list_backups(app.path)[0].path) == after

    window.study(calcinosis_id)  # a restore while studying ends the session
    confirm_restore(dialog, qtbot, 0)  # undo the restore
    assert collection_fingerprint(app.path) == after
    assert window.stack.currentWidget() is window.deck_list and window.reviewer.session is None
    assert new_count(window) == "17"
    dialog.reject()


@offscreen_dialog_warning
def test_cancelling_the_question_restores_nothing(window: MainWindow, app: App, calcinosis_id: int, qtbot) -> None:
    create_backup(app)
    answer(app, calcinosis_id)
    before = collection_fingerprint(app.path)
    dialog = open_backups(window, qtbot)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.confirmation is not None and dialog.confirmation.isVisible())
    assert dialog.confirmation is not None
    qtbot.mouseClick(dialog.confirmation.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.confirmation is None)
    assert collection_fingerprint(app.path) == before and len(list_backups(app.path)) == 1
    dialog.reject()


def test_the_timer_backs_up_after_thirty_minutes_of_the_apps_clock_when_something_changed(
    window: MainWindow, app: App, clock: FixedClock, calcinosis_id: int, qtbot
) -> None:
    timer = window.backups.timer
    assert timer.isActive() and timer.interval() == CHECK_EVERY_MS
    answer(app, calcinosis_id)
    clock.advance(timedelta(minutes=29))
    assert not window.backups.backup_if_due()  # the timer's slot, called as the timer would
    clock.advance(timedelta(minutes=1))
    with qtbot.waitSignal(window.backups.backed_up, timeout=10000) as written:
        assert window.backups.backup_if_due()  # written on a worker thread
        answer(app, calcinosis_id)  # the window goes on working meanwhile
    backup = written.args[0]
    assert backup == list_backups(app.path)[0] and backup.name == "20260301-123000.db"
    qtbot.waitUntil(lambda: window.backups.task is None)
    clock.advance(timedelta(minutes=30))
    with qtbot.waitSignal(window.backups.backed_up, timeout=10000):
        assert window.backups.backup_if_due()  # the answer given during the backup counts as a change
    qtbot.waitUntil(lambda: window.backups.task is None)
    assert collection_fingerprint(list_backups(app.path)[0].path) == collection_fingerprint(app.path)
    clock.advance(timedelta(minutes=30))
    assert not window.backups.backup_if_due()  # nothing changed since


@offscreen_dialog_warning
def test_a_failing_timed_backup_says_which_folder(
    window: MainWindow, app: App, clock: FixedClock, calcinosis_id: int, qtbot
) -> None:
    folder = backups_dir_for(app.path)
    folder.write_text("in the way", encoding="utf-8")
    answer(app, calcinosis_id)
    clock.advance(timedelta(minutes=30))
    before = collection_fingerprint(app.path)
    assert not window.backups.backup_if_due()
    box = open_message_box(qtbot, window)
    assert box.text() == f"{folder}: is not a folder; no backup was made"
    assert collection_fingerprint(app.path) == before
    box.accept()


def test_closing_the_window_backs_up_what_changed(
    window: MainWindow, app: App, clock: FixedClock, calcinosis_id: int
) -> None:
    create_backup(app)
    clock.advance(timedelta(minutes=3))
    answer(app, calcinosis_id)
    window.close()
    [newest, _first] = list_backups(app.path)
    assert newest.name == "20260301-120300.db"
    assert collection_fingerprint(newest.path) == collection_fingerprint(app.path)
    assert not window.backups.timer.isActive()


# -- a damaged collection at start-up ------------------------------------------------------------------


@pytest.fixture
def damaged(collection_path: Path, clock: FixedClock) -> tuple[Path, str]:
    """A collection with a good backup (12:00) and a damaged newer one (13:00), then damaged itself."""
    app = App.open(collection_path, clock=clock)
    good = create_backup(app).path
    clock.advance(timedelta(hours=1))
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    answer(app, deck.id, 2)
    damage(create_backup(app).path)
    app.close()
    damage(collection_path)
    clock.advance(timedelta(minutes=10))
    return good, collection_fingerprint(good)


def press_when_shown(qtbot, button_text: str, grab: list[CorruptStartDialog]) -> None:  # noqa: ANN001
    """Once the start-up dialog runs its own loop, press its button labelled ``button_text``."""

    def press() -> None:
        [dialog] = [w for w in QApplication.topLevelWidgets() if isinstance(w, CorruptStartDialog) and w.isVisible()]
        grab.append(dialog)
        [button] = [b for b in dialog.buttons.buttons() if b.text() == button_text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press)


@offscreen_dialog_warning
def test_a_damaged_collection_offers_the_newest_good_backup_and_keeps_the_damaged_file(
    damaged: tuple[Path, str], collection_path: Path, clock: FixedClock, qtbot, capsys: pytest.CaptureFixture[str]
) -> None:
    good, expected = damaged
    damaged_bytes = collection_path.read_bytes()
    shown: list[CorruptStartDialog] = []
    press_when_shown(qtbot, "Restore backup", shown)
    app = open_or_recover(collection_path, clock)
    assert app is not None
    try:
        [dialog] = shown
        assert str(collection_path) in dialog.findChild(type(dialog.message), "DialogSubtitle").text()
        assert "Today 12:00</b> (29 cards)" in dialog.message.text()  # not the damaged 13:00 one
        assert collection_fingerprint(collection_path) == expected
        assert dialog.moved_to == collection_path.with_name("collection.db.damaged-20260301-131000")
        assert dialog.moved_to.read_bytes() == damaged_bytes
        assert app.deck_counts()[0].new == 20
    finally:
        app.close()
    assert capsys.readouterr().err.startswith(f"studyapp: {collection_path}: ")


@offscreen_dialog_warning
def test_without_a_good_backup_the_dialog_says_so_and_nothing_opens(
    damaged: tuple[Path, str], collection_path: Path, clock: FixedClock, qtbot, capsys: pytest.CaptureFixture[str]
) -> None:
    good, _expected = damaged
    damage(good)
    damaged_bytes = collection_path.read_bytes()
    shown: list[CorruptStartDialog] = []
    press_when_shown(qtbot, "Quit", shown)
    assert open_or_recover(collection_path, clock) is None
    [dialog] = shown
    assert dialog.restore_button is None and "no backup that passes its check" in dialog.message.text()
    assert collection_path.read_bytes() == damaged_bytes
    capsys.readouterr()
