"""The FSRS part of the deck options: Optimize (with Cancel) and Suggest retention, driven by their buttons."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from studyapp.core.clock import Clock
from studyapp.core.model import ScheduleChangeKind
from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.services.app import App
from studyapp.services.cancellation import Cancellation
from studyapp.services.fsrs.optimizer import optimize_on_worker
from studyapp.services.fsrs.review_log_import import import_review_log
from studyapp.ui.app.style import LIGHT, install_theme
from studyapp.ui.decks import fsrs_panel
from studyapp.ui.decks.deck_options_dialog import DeckOptionsDialog

from ..conftest import collection_fingerprint
from ..fsrs_fit.test_import_and_fit import write_days_log
from ..fsrs_fit.test_reschedule import mismatches, write_log
from .support import offscreen_dialog_warning

pytestmark = offscreen_dialog_warning


@pytest.fixture
def dialog(app: App, tmp_path: Path, qtbot) -> Iterator[DeckOptionsDialog]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    import_review_log(app, write_log(tmp_path, cards=40), "Log")
    deck = app.find_deck("Log")
    assert deck is not None
    shown = DeckOptionsDialog(app, deck.id)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.fsrs.shutdown()


def preset_options(app: App, dialog: DeckOptionsDialog) -> DeckOptions:
    preset = app.collection.presets.get(dialog.preset_id())
    assert preset is not None
    return preset.options


def test_optimize_fits_saves_to_the_preset_and_reschedules(app: App, dialog: DeckOptionsDialog, qtbot) -> None:  # noqa: ANN001
    panel = dialog.fsrs
    assert "defaults" in panel.origin.text()
    assert preset_options(app, dialog).parameters is None
    qtbot.mouseClick(panel.optimize_button, Qt.MouseButton.LeftButton)
    assert panel.busy_row.isVisibleTo(dialog) and not panel.optimize_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.runner.busy and panel.message.isVisibleTo(dialog))
    text = panel.message.text()
    assert "Before: log loss" in text and "After: log loss" in text and "RMSE(bins)" in text
    assert "too few reviews" in text
    assert (
        "Scored on answers the fit never saw: the 40 from 31 Jan 2025 on (the fit learnt from the 120 before)" in text
    )
    assert "saved to preset 'Default', used by 2 decks" in text
    assert panel.saved is not None and panel.saved.rescheduled is not None
    assert f"{panel.saved.rescheduled.new_due} of 40 studied cards got new due dates" in text

    stored = preset_options(app, dialog).parameters
    assert stored is not None and len(stored) == 21
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESCHEDULE) == panel.saved.rescheduled.changed > 0
    assert mismatches(app, "Log") == []
    assert "fitted to 200 reviews of “Log”" in panel.origin.text()
    assert panel.optimize_button.isEnabled() and not panel.busy_row.isVisibleTo(dialog)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The fit waits for the test to open this gate: Cancel and close come before its result, every time."""
    opened = threading.Event()

    def gated(path: Path, clock: Clock, seed: int, deck_name: str, cancellation: Cancellation) -> object:
        assert threading.current_thread() is not threading.main_thread()  # the log is read off the UI thread too
        assert opened.wait(timeout=60)
        return optimize_on_worker(path, clock, seed, deck_name, cancellation)

    monkeypatch.setattr(fsrs_panel, "optimize_on_worker", gated)
    return opened


def test_cancel_abandons_the_fit_and_nothing_changes(
    app: App,
    dialog: DeckOptionsDialog,
    gate: threading.Event,
    qtbot,  # noqa: ANN001
) -> None:
    panel = dialog.fsrs
    qtbot.mouseClick(panel.optimize_button, Qt.MouseButton.LeftButton)
    assert panel.busy_row.isVisibleTo(dialog)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.optimize_button.isEnabled() and not panel.busy_row.isVisibleTo(dialog)
    assert panel.message.text() == "Cancelled: nothing was changed."
    with qtbot.waitSignal(panel.runner.idle, timeout=30000):
        gate.set()  # the abandoned fit now ends; its result must be dropped
    assert panel.message.text() == "Cancelled: nothing was changed."
    assert preset_options(app, dialog).parameters is None
    assert app.collection.schedule_changes.count() == 0
    assert panel.runner.running == 0


def test_closing_while_fitting_waits_and_saves_nothing(
    app: App,
    dialog: DeckOptionsDialog,
    gate: threading.Event,
    qtbot,  # noqa: ANN001
) -> None:
    qtbot.mouseClick(dialog.fsrs.optimize_button, Qt.MouseButton.LeftButton)
    opener = threading.Timer(0.5, gate.set)  # not a Qt timer: closing blocks the UI thread until the job ends
    opener.start()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # cancels the optimize before the gate lets its fit run
    opener.join()
    assert not dialog.isVisible() and dialog.fsrs.runner.running == 0
    QApplication.processEvents()
    assert preset_options(app, dialog).parameters is None
    assert app.collection.schedule_changes.count() == 0


def test_suggest_retention_explains_charts_and_sets_the_field(app: App, dialog: DeckOptionsDialog, qtbot) -> None:  # noqa: ANN001
    preset = app.collection.presets.get(dialog.preset_id())
    assert preset is not None
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, desired_retention=0.85))
    dialog._show_preset()  # the fields show the preset as stored now
    panel = dialog.fsrs
    qtbot.mouseClick(panel.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.suggestion is not None and panel.chart.isVisibleTo(dialog), timeout=30000)
    suggestion = panel.suggestion
    assert suggestion is not None
    shown = panel.retention_view.explanation.text()
    assert shown.startswith("<p style='margin: 0 0 6px 0'>At 85% (your setting): about ")
    assert "yet on a given day you would recall about 9" in shown and "of the 40 cards learned" in shown
    assert "Simulated: 40 cards, 20 new a day" in panel.chart_caption.text()
    [series] = panel.chart.series()
    assert [x for x, _y in series.points][0] == 0.70 and len(series.points) == 28
    assert suggestion.current == 0.85 and suggestion.suggested != 0.85
    assert panel.use_button.isVisibleTo(dialog) and panel.use_button.text() == f"Use {suggestion.suggested:.2f}"
    qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
    assert dialog.retention.value() == pytest.approx(suggestion.suggested)
    with qtbot.waitSignal(dialog.save_ended, timeout=30000):  # a new retention reschedules, on the worker
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert preset_options(app, dialog).desired_retention == pytest.approx(suggestion.suggested)


def test_the_suggestion_is_laid_out_without_overlaps(dialog: DeckOptionsDialog, qtbot) -> None:  # noqa: ANN001
    """Explanation, chart and caption one under the other, each as tall as it needs: the explanation was cut
    at top and bottom and the caption drawn over a squeezed chart."""
    panel = dialog.fsrs
    qtbot.mouseClick(panel.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.suggestion is not None and panel.retention_view.isVisibleTo(dialog), timeout=30000)
    view = panel.retention_view
    explanation, chart, caption = view.explanation, view.chart, view.caption
    # The labels learn their height at their width, and the dialog grows, a layout pass later.
    qtbot.waitUntil(lambda: chart.geometry().bottom() < caption.geometry().top())
    assert explanation.geometry().bottom() < chart.geometry().top()
    assert chart.geometry().bottom() < caption.geometry().top()
    assert chart.height() >= 240 and chart.width() >= 400
    for label in (explanation, caption, panel.origin):
        assert label.height() >= text_height(label), label.text()
    assert view.geometry().bottom() <= panel.contentsRect().bottom()


def text_height(label: QLabel) -> int:
    return label.heightForWidth(label.width())


@pytest.fixture
def same_day_dialog(app: App, tmp_path: Path, qtbot) -> Iterator[DeckOptionsDialog]:  # noqa: ANN001 - qtbot
    """A deck whose cards were answered two and three times, but each on one day only."""
    install_theme(QApplication.instance(), LIGHT)
    import_review_log(app, write_days_log(tmp_path, [[0, 0.3], [0, 0.3, 0.6]] * 6), "Same day")
    deck = app.find_deck("Same day")
    assert deck is not None
    shown = DeckOptionsDialog(app, deck.id)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.fsrs.shutdown()


def test_optimize_without_answers_on_later_days_says_what_it_needs_in_neutral_words(
    app: App,
    same_day_dialog: DeckOptionsDialog,
    collection_path: Path,
    qtbot,  # noqa: ANN001
) -> None:
    panel = same_day_dialog.fsrs
    before = collection_fingerprint(collection_path)
    qtbot.mouseClick(panel.optimize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.runner.busy and panel.message.isVisibleTo(same_day_dialog), timeout=30000)
    assert panel.message.text() == (
        "Same day: nothing to fit yet. Optimize learns from cards reviewed on at least two different days: it "
        "needs 8 answers given a day or more after the card's previous answer, and there are 0 so far. 12 cards "
        "were answered more than once, but on one day only: same-day repeats do not count."
    )
    assert panel.message.property("kind") == "info"  # the muted colour, not the red of a failure
    assert panel.message.height() >= text_height(panel.message)
    assert "defaults" in panel.origin.text() and panel.optimize_button.isEnabled()
    assert collection_fingerprint(collection_path) == before
