"""Point 8 of issue 15: the Backups empty state is compact, the Check report is shown without scrolling, and
the dark theme's check boxes, typed-answer diff and heatmap cells have contrast (WCAG ratios, both themes)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialogButtonBox,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.quiz.answer_match import DiffOp
from studyapp.services.app import App
from studyapp.ui.app.indicator_style import indicator_colours
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import DARK, LIGHT, Theme, contrast, install_theme
from studyapp.ui.maintenance.check_dialog import CheckDialog
from studyapp.ui.review.quiz.typed_answer import diff_colours
from studyapp.ui.stats.charts.calendar_heatmap import LEVELS, level_colours

from .support import offscreen_dialog_warning
from .test_backups import open_backups

pytestmark = offscreen_dialog_warning
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])


def test_the_empty_backups_dialog_is_compact_and_grows_for_the_first_backup(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    dialog = open_backups(window, qtbot)
    assert dialog.rows() == [] and dialog.empty.isVisible()
    assert dialog.height() < 300, dialog.height()  # it was 540, four lines spread over it
    small_print = dialog.empty.parentWidget().layout().itemAt(4).widget()
    below = small_print.geometry().top() - dialog.empty.geometry().bottom()
    assert 0 < below <= 16  # the empty state's two lines stay together
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.isVisible() and dialog.rect().contains(close.geometry())
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert len(dialog.rows()) == 1 and dialog.table.isVisible() and not dialog.empty.isVisible()
    screen = dialog.screen().availableGeometry()
    assert dialog.height() >= min(400, screen.height() - 60)  # room for the list again
    dialog.reject()


def test_the_check_report_is_shown_whole_and_the_dialog_fits_the_screen(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    window.check_action.trigger()
    dialog = window.findChild(CheckDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.report is not None and not dialog.running, timeout=10000)
    lines = dialog.view.toPlainText().count("\n") + 1
    assert lines >= 4
    qtbot.waitUntil(lambda: dialog.view.verticalScrollBar().maximum() == 0)  # every line without scrolling
    assert dialog.view.height() >= lines * dialog.view.fontMetrics().lineSpacing()
    screen = dialog.screen().availableGeometry()
    assert screen.contains(dialog.frameGeometry()) or screen.contains(dialog.geometry())
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert close.text() == "Close" and close.isVisible() and dialog.rect().contains(close.geometry())
    dialog.reject()


def test_a_long_check_report_scrolls_inside_the_screen(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    dialog = CheckDialog(app, window, start=False)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.view.setPlainText("\n".join(f"line {n}" for n in range(400)))
    dialog.view.show()
    dialog.fit_report()
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()
    assert dialog.view.verticalScrollBar().maximum() > 0
    assert dialog.view.height() >= 6 * dialog.view.fontMetrics().lineSpacing()
    dialog.close()


@THEMES
def test_the_diff_text_reads_on_its_ground(theme: Theme) -> None:
    for chips in (False, True):
        for op, (colour, ground) in diff_colours(theme, chips).items():
            assert contrast(colour, ground) >= 4.5, (op, colour, ground)
        colours = {colour for colour, _ in diff_colours(theme, chips).values()}
        assert len(colours) == 3  # right, wrong and missing stay apart
    assert contrast(*diff_colours(theme)[DiffOp.MISSING]) >= 4.5  # it was 3.7:1 in the dark theme


@THEMES
def test_heatmap_cells_show_and_step(theme: Theme) -> None:
    colours = level_colours(theme)
    assert len(colours) == LEVELS + 1
    assert contrast(colours[0], theme.surface) >= 1.5  # a day without reviews is still a cell (was 1.13:1)
    assert contrast(colours[-1], theme.surface) >= 3
    steps = [contrast(colours[i], theme.surface) for i in range(LEVELS + 1)]
    assert steps == sorted(steps) and all(b / a >= 1.2 for a, b in zip(steps, steps[1:], strict=False))


@THEMES
def test_check_box_outlines_show_against_the_window_and_the_surface(theme: Theme) -> None:
    colours = indicator_colours(theme)
    assert contrast(colours["outline"], theme.window) >= 3  # WCAG 1.4.11: a control's boundary
    assert contrast(colours["outline"], theme.surface) >= 3
    assert contrast(colours["mark"], colours["on"]) >= 3


def _darkest_or_brightest(image, theme: Theme, rect) -> float:  # noqa: ANN001 - QImage, QRect
    """The highest contrast any pixel inside ``rect`` has against the window colour."""
    best = 1.0
    for x in range(rect.left(), rect.right() + 1):
        for y in range(rect.top(), rect.bottom() + 1):
            best = max(best, contrast(QColor(image.pixel(x, y)).name(), theme.window))
    return best


@THEMES
def test_an_unchecked_box_is_drawn_visibly(theme: Theme, qtbot) -> None:  # noqa: ANN001
    app = QApplication.instance()
    install_theme(app, theme)
    try:
        page = QWidget()
        qtbot.addWidget(page)
        layout = QVBoxLayout(page)
        box, radio = QCheckBox("Don't play audio automatically"), QRadioButton("Hide all, guess one")
        layout.addWidget(box)
        layout.addWidget(radio)
        page.show()
        qtbot.waitExposed(page)
        image = page.grab().toImage()
        for widget, part in (
            (box, QStyle.SubElement.SE_CheckBoxIndicator),
            (radio, QStyle.SubElement.SE_RadioButtonIndicator),
        ):
            option = QStyleOptionButton()
            widget.initStyleOption(option)
            indicator = widget.style().subElementRect(part, option, widget).translated(widget.mapTo(page, QPoint(0, 0)))
            assert 8 <= indicator.width() <= 24
            assert _darkest_or_brightest(image, theme, indicator) >= 3, widget.text()  # Fusion's dark box: 1.1:1
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))
        assert box.isChecked()
    finally:
        install_theme(app, LIGHT)
