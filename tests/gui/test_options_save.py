"""Saving deck options that reschedule: on a worker thread, under a busy row, with Cancel and close stopping it
before it writes anything; a quick change still saves at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from studyapp.core.clock import Clock
from studyapp.core.model import ScheduleChangeKind
from studyapp.core.scheduling.deck_options import Deck, DeckOptions
from studyapp.services.app import App
from studyapp.services.cancellation import Cancellation
from studyapp.services.fsrs import options_save
from studyapp.services.fsrs.reschedule import StaleScheduleError
from studyapp.services.fsrs.review_log_import import import_review_log
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.decks import fsrs_panel
from studyapp.ui.decks.deck_options_dialog import CANCELLED, DeckOptionsDialog

from ..conftest import collection_fingerprint
from ..fsrs_fit.test_reschedule import mismatches, write_log
from .support import offscreen_dialog_warning, open_message_box

pytestmark = offscreen_dialog_warning

SAVE, CANCEL = QDialogButtonBox.StandardButton.Save, QDialogButtonBox.StandardButton.Cancel


@pytest.fixture
def logged(app: App, tmp_path: Path) -> Deck:
    """A deck of 40 studied cards, on the Default preset (shared with the bundled deck)."""
    import_review_log(app, write_log(tmp_path, cards=40), "Log")
    deck = app.find_deck("Log")
    assert deck is not None
    return deck


@pytest.fixture
def dialog(app: App, logged: Deck, qtbot) -> Iterator[DeckOptionsDialog]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    shown = DeckOptionsDialog(app, logged.id)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.runner.shutdown()
    shown.fsrs.shutdown()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[threading.Thread]]:
    """The save waits on its worker for the test to open this gate: Cancel and close come before it, every time.
    The threads it ran on are listed."""
    opened = threading.Event()
    threads: list[threading.Thread] = []
    real = options_save.save_options_on_worker

    def gated(
        path: Path,
        clock: Clock,
        seed: int,
        deck_id: int,
        preset_id: int,
        options: DeckOptions,
        cancellation: Cancellation,
    ) -> object:
        threads.append(threading.current_thread())
        assert opened.wait(timeout=60)
        return real(path, clock, seed, deck_id, preset_id, options, cancellation)

    monkeypatch.setattr(options_save, "save_options_on_worker", gated)
    return opened, threads


def preset_options(app: App, dialog: DeckOptionsDialog) -> DeckOptions:
    preset = app.collection.presets.get(dialog.preset_id())
    assert preset is not None
    return preset.options


def click(qtbot, dialog: DeckOptionsDialog, which: QDialogButtonBox.StandardButton) -> None:  # noqa: ANN001
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def assert_saving(dialog: DeckOptionsDialog) -> None:
    assert dialog.saving and dialog.busy_row.isVisibleTo(dialog)
    assert dialog.busy_label.text() == "Rescheduling your studied cards…"
    assert not dialog.retention.isEnabled() and not dialog.preset.isEnabled()
    assert not dialog.fsrs.optimize_button.isEnabled() and not dialog.fsrs.suggest_button.isEnabled()
    assert not dialog.buttons.button(SAVE).isEnabled() and dialog.buttons.button(CANCEL).isEnabled()


def assert_usable(dialog: DeckOptionsDialog) -> None:
    assert dialog.isVisible() and not dialog.saving and not dialog.busy_row.isVisibleTo(dialog)
    assert dialog.retention.isEnabled() and dialog.fsrs.optimize_button.isEnabled()
    assert dialog.buttons.button(SAVE).isEnabled()


def test_a_new_retention_is_saved_and_rescheduled_on_the_worker(
    window: MainWindow,
    app: App,
    logged: Deck,
    gate: tuple[threading.Event, list[threading.Thread]],
    qtbot,  # noqa: ANN001
) -> None:
    opened, threads = gate
    dialog = window.deck_actions.options(logged.id)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.retention.setValue(0.80)
    click(qtbot, dialog, SAVE)
    assert_saving(dialog)
    with qtbot.waitSignal(dialog.save_ended, timeout=30000) as ended:
        opened.set()
    assert ended.args == ["saved"]
    assert threads and threads[0] is not threading.main_thread()
    assert not dialog.isVisible() and dialog.result() == DeckOptionsDialog.DialogCode.Accepted
    result = dialog.rescheduled
    assert result is not None and result.cards == 40 and result.new_due > 5
    box = open_message_box(qtbot, window)
    assert box.windowTitle() == "Cards rescheduled"
    assert f"{result.new_due} cards got a new due date" in box.text()
    box.accept()
    # the window's own connection sees what the worker's wrote
    deck = app.find_deck("Log")
    assert deck is not None and deck.options.desired_retention == 0.80
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESCHEDULE) == result.changed > 0
    assert mismatches(app, "Log") == []


def test_cancel_stops_the_save_before_it_writes_and_the_dialog_stays(
    app: App,
    dialog: DeckOptionsDialog,
    gate: tuple[threading.Event, list[threading.Thread]],
    qtbot,  # noqa: ANN001
) -> None:
    opened, _threads = gate
    before = collection_fingerprint(app.path)
    dialog.retention.setValue(0.80)
    click(qtbot, dialog, SAVE)
    assert_saving(dialog)
    click(qtbot, dialog, CANCEL)
    assert dialog.notice.isVisibleTo(dialog) and dialog.notice.text() == CANCELLED
    assert dialog.isVisible() and not dialog.busy_row.isVisibleTo(dialog) and dialog.retention.isEnabled()
    assert not dialog.buttons.button(SAVE).isEnabled()  # until the cancelled thread has rolled back
    with qtbot.waitSignal(dialog.runner.idle, timeout=30000):
        opened.set()  # the abandoned save now runs into its cancellation
    assert dialog.runner.running == 0
    assert_usable(dialog)
    assert dialog.notice.text() == CANCELLED
    assert collection_fingerprint(app.path) == before
    assert dialog.retention.value() == pytest.approx(0.80)  # the fields are kept, to save again
    # still usable: a quick change saves at once
    dialog.retention.setValue(0.90)
    dialog.new_per_day.setValue(7)
    click(qtbot, dialog, SAVE)
    assert not dialog.isVisible() and dialog.rescheduled is None
    assert preset_options(app, dialog).new_per_day == 7
    assert app.collection.schedule_changes.count() == 0


def test_closing_while_saving_cancels_waits_and_writes_nothing(
    app: App,
    dialog: DeckOptionsDialog,
    gate: tuple[threading.Event, list[threading.Thread]],
    qtbot,  # noqa: ANN001
) -> None:
    opened, _threads = gate
    before = collection_fingerprint(app.path)
    dialog.maximum_interval.setValue(30)
    click(qtbot, dialog, SAVE)
    assert_saving(dialog)
    opener = threading.Timer(0.5, opened.set)  # not a Qt timer: closing blocks the UI thread until the save ends
    opener.start()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    opener.join()
    assert not dialog.isVisible() and dialog.runner.running == 0
    QApplication.processEvents()
    assert collection_fingerprint(app.path) == before


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (StaleScheduleError("A card was answered meanwhile;\nnothing was changed."), "A card was answered meanwhile;"),
        (RuntimeError("boom\nat line 3"), "RuntimeError: boom at line 3"),
    ],
)
def test_a_failure_on_the_worker_is_told_in_the_dialog_and_writes_nothing(
    app: App,
    dialog: DeckOptionsDialog,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    shown: str,
    qtbot,  # noqa: ANN001
) -> None:
    def failing(*_args: object) -> object:
        raise error

    monkeypatch.setattr(options_save, "save_options_on_worker", failing)
    before = collection_fingerprint(app.path)
    dialog.learning_steps.setText("5m 1h")
    with qtbot.waitSignal(dialog.save_ended, timeout=30000) as ended:
        click(qtbot, dialog, SAVE)
    assert ended.args == ["failed"]
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text().startswith(shown)
    assert "\n" not in dialog.error.text()
    qtbot.waitUntil(lambda: dialog.runner.running == 0)
    assert_usable(dialog)
    assert collection_fingerprint(app.path) == before


def test_fields_refused_are_told_at_once_and_nothing_starts(
    app: App,
    dialog: DeckOptionsDialog,
    gate: tuple[threading.Event, list[threading.Thread]],
    qtbot,  # noqa: ANN001
) -> None:
    _opened, threads = gate
    before = collection_fingerprint(app.path)
    dialog.retention.setValue(0.80)
    dialog.relearning_steps.setText("10m banana")
    click(qtbot, dialog, SAVE)
    assert "Relearning steps:" in dialog.error.text() and dialog.error.isVisibleTo(dialog)
    assert not dialog.saving and dialog.runner.running == 0 and threads == []
    assert collection_fingerprint(app.path) == before


def test_save_waits_while_an_optimize_runs(
    app: App,
    dialog: DeckOptionsDialog,
    monkeypatch: pytest.MonkeyPatch,
    qtbot,  # noqa: ANN001
) -> None:
    opened = threading.Event()

    def gated(*_args: object) -> object:
        assert opened.wait(timeout=60)
        raise fsrs_panel.OptimizeError("not today")

    monkeypatch.setattr(fsrs_panel, "optimize_on_worker", gated)
    before = collection_fingerprint(app.path)
    qtbot.mouseClick(dialog.fsrs.optimize_button, Qt.MouseButton.LeftButton)
    assert dialog.fsrs.runner.busy and not dialog.buttons.button(SAVE).isEnabled()
    dialog.retention.setValue(0.80)
    assert dialog.save() is False and not dialog.saving  # the optimize writes the same preset: Save waits
    with qtbot.waitSignal(dialog.fsrs.runner.idle, timeout=30000):
        opened.set()
    assert dialog.fsrs.message.text() == "not today"
    assert_usable(dialog)
    assert collection_fingerprint(app.path) == before
