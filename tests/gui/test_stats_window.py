"""The Statistics window: S opens it from the main window; the deck selector; Save as PNG…; tooltips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QComboBox, QToolTip

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteText
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT
from studyapp.ui.stats.stats_window import StatsWindow, duration_text

from ..stats.history import build_history
from .support import offscreen_dialog_warning, press

pytestmark = offscreen_dialog_warning


def pick(qtbot, combo: QComboBox, text: str) -> None:  # noqa: ANN001 - qtbot
    """Choose the item ``text`` with the arrow keys, as a keyboard user does."""
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is not offered"
    combo.setFocus()
    for _ in range(combo.count()):
        if combo.currentIndex() == target:
            break
        qtbot.keyClick(combo, Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up)
    assert combo.currentIndex() == target


def open_stats(window: MainWindow, qtbot) -> StatsWindow:  # noqa: ANN001 - qtbot
    press(qtbot, Qt.Key.Key_S)
    stats = window.stats_window
    assert stats is not None
    qtbot.waitExposed(stats)
    return stats


def test_s_opens_one_statistics_window_and_escape_closes_it(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    stats = open_stats(window, qtbot)
    assert stats.isVisible() and stats.windowTitle() == "Statistics"
    assert stats.stats is not None and stats.stats.scope == "Calcinosis"  # the deck chosen in the list
    assert stats.tiles["studied"].number.text() == "0"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, Qt.Key.Key_S)
    assert window.stats_window is stats  # one at a time
    stats.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is stats)
    with qtbot.waitSignal(stats.closed):
        qtbot.keyClick(QApplication.focusWidget() or stats, Qt.Key.Key_Escape)
    assert window.stats_window is None


def test_the_deck_selector_switches_between_one_deck_and_all(
    app: App,
    clock: FixedClock,
    calcinosis_id: int,
    window: MainWindow,
    qtbot,  # noqa: ANN001
) -> None:
    build_history(app, clock, calcinosis_id)
    other = add_to_deck(app, "Other", NoteText("Question?", "Answer")).deck
    session = app.review_session(other.id)
    session.next_card()
    session.answer(Rating.GOOD, duration_ms=55_000)
    window.show_decks()
    window.deck_list.select_deck(calcinosis_id)
    stats = open_stats(window, qtbot)
    assert [stats.deck_combo.itemText(i) for i in range(stats.deck_combo.count())] == [
        "All decks",
        "Calcinosis",
        "Other",
    ]
    assert stats.deck_combo.currentText() == "Calcinosis"
    assert stats.tiles["studied"].number.text() == "3"
    assert stats.tiles["again"].number.text() == "33.3%"
    assert stats.tiles["streak"].number.text() == "2"
    with qtbot.waitSignal(stats.refreshed):
        pick(qtbot, stats.deck_combo, "All decks")
    assert stats.stats is not None and stats.stats.scope == "All decks"
    assert stats.tiles["studied"].number.text() == "4"
    assert stats.tiles["time"].number.text() == duration_text(65) == "1m 5s"
    assert stats.states.values() == (22.0, 4.0, 4.0, 0.0)  # Other's card was answered Good: learning
    with qtbot.waitSignal(stats.refreshed):
        pick(qtbot, stats.deck_combo, "Other")
    assert stats.tiles["studied"].number.text() == "1"
    assert stats.forecast.values()[0] == 1.0


def test_save_as_png_button_writes_the_chart(window: MainWindow, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    stats = open_stats(window, qtbot)
    chart = stats.states
    chart.choose_png_path = lambda parent, suggested: tmp_path / suggested
    qtbot.mouseClick(chart.save_button, Qt.MouseButton.LeftButton)
    path = tmp_path / "cards-by-state.png"
    assert path.is_file()
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (2 * chart.width(), 2 * chart.height())
    new_colour = QColor(LIGHT.new).rgb()
    bar = [image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)]
    assert bar.count(new_colour) > 100  # 29 new cards: the New bar in its colour
    assert chart.save_action in chart.actions()  # also on the chart's context menu


# A tooltip is a window of its own, which the offscreen platform cannot raise.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints", "This plugin does not support raise")
def test_the_heatmap_tooltip_names_the_day_and_its_count(
    app: App,
    clock: FixedClock,
    calcinosis_id: int,
    window: MainWindow,
    qtbot,  # noqa: ANN001
) -> None:
    build_history(app, clock, calcinosis_id)
    stats = open_stats(window, qtbot)
    heatmap = stats.heatmap
    qtbot.waitUntil(lambda: heatmap.cell_rect(date(2026, 3, 1)) is not None)
    cell = heatmap.cell_rect(date(2026, 3, 1))
    assert cell is not None
    position = cell.center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, position, heatmap.mapToGlobal(position))
    QApplication.sendEvent(heatmap, event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == "Sun 1 Mar 2026: 3 answers"
    QToolTip.hideText()
    assert heatmap.tooltip_at(cell.center()) == "Sun 1 Mar 2026: 3 answers"
