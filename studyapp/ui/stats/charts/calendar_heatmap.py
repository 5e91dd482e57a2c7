"""A GitHub-style calendar: a column per week, a row per weekday, darker for more answers that day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import QWidget

from studyapp.core.wording import plural
from studyapp.ui.app.style import Theme, mix
from studyapp.ui.stats.charts.base import Chart

LEVELS = 4  # colour steps above "none"
_WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def level(count: int, highest: int) -> int:
    """0 for no reviews, else 1..LEVELS by the share of the busiest day."""
    if count <= 0 or highest <= 0:
        return 0
    return min(LEVELS, 1 + (LEVELS * (count - 1)) // highest)


EMPTY_SHARE = 0.22  # of the text colour over the chart's ground: a day without reviews still shows as a cell


def level_colours(theme: Theme, colour_name: str = "good") -> tuple[str, ...]:
    """The cells' colours from no reviews to the busiest days: the empty cell at least 1.5:1 against the chart's
    ground in both themes (it was 1.13:1, lost in the dark theme), each step darker or brighter than the last,
    the busiest at least 3:1."""
    empty = mix(theme.text, theme.surface, EMPTY_SHARE)
    full = getattr(theme, colour_name)
    return (empty, *(mix(full, empty, 0.25 + 0.75 * step / LEVELS) for step in range(1, LEVELS + 1)))


class CalendarHeatmap(Chart):
    """Answers per day; hovering a day shows its date and count."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._days: tuple[tuple[date, int], ...] = ()
        self._cells: dict[date, QRectF] = {}
        self.colour_name = "good"
        self.setMinimumSize(560, 215)

    def set_days(self, days: Sequence[tuple[date, int]]) -> None:
        """Consecutive days, oldest first, with their review counts."""
        self._days = tuple(days)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(860, 215)

    def has_data(self) -> bool:
        return bool(self._days)

    def cell_rect(self, day: date) -> QRectF | None:
        """Where ``day`` was drawn last (for tests and tooltips)."""
        return self._cells.get(day)

    def level_colour(self, step: int) -> QColor:
        return QColor(level_colours(self.theme(), self.colour_name)[max(0, min(step, LEVELS))])

    def paint_plot(self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF) -> None:
        self._cells = {}
        first, last = self._days[0][0], self._days[-1][0]
        grid_start = first - timedelta(days=first.weekday())
        weeks = (last - grid_start).days // 7 + 1
        label_width = max(metrics.horizontalAdvance(text) for text in _WEEKDAYS) + 6
        legend_height = metrics.height() + 6
        month_height = metrics.height() + 2
        cell = min((plot.width() - label_width) / weeks, (plot.height() - month_height - legend_height) / 7, 22.0)
        gap = max(1.5, cell * 0.16)
        left = plot.left() + label_width + max(0.0, (plot.width() - label_width - weeks * cell) / 2)
        top = plot.top() + month_height
        highest = max((count for _, count in self._days), default=0)
        painter.setPen(self.colour("muted"))
        for row, text in enumerate(_WEEKDAYS):
            if text:
                y = top + row * cell + cell / 2 + metrics.ascent() / 2 - 1
                painter.drawText(QPointF(left - label_width, y), text)
        painter.setPen(Qt.PenStyle.NoPen)
        month_columns: list[tuple[int, str]] = [(0, first.strftime("%b"))] if first.day <= 21 else []
        for day, count in self._days:
            column, row = divmod((day - grid_start).days, 7)
            rect = QRectF(left + column * cell, top + row * cell, cell - gap, cell - gap)
            painter.setBrush(self.level_colour(level(count, highest)))
            painter.drawRoundedRect(rect, 2, 2)
            self._cells[day] = rect
            self.add_tooltip(rect, f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')}: {plural(count, 'answer')}")
            if day.day == 1:
                month_columns.append((column + (1 if row > 0 else 0), day.strftime("%b")))
        painter.setPen(self.colour("muted"))
        free_from = -1e9
        for column, text in month_columns:
            x = left + column * cell
            if x >= free_from and column < weeks:
                painter.drawText(QPointF(x, plot.top() + metrics.ascent()), text)
                free_from = x + metrics.horizontalAdvance(text) + 6
        self._paint_legend(painter, plot, metrics, left + weeks * cell - gap, top + 7 * cell + 4, cell)

    def _paint_legend(
        self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF, right: float, top: float, cell: float
    ) -> None:
        size = min(cell, 12.0)
        x = right - (LEVELS + 1) * (size + 3) - metrics.horizontalAdvance("More") - 6
        painter.setPen(self.colour("muted"))
        painter.drawText(QPointF(x - metrics.horizontalAdvance("Less") - 6, top + metrics.ascent()), "Less")
        painter.setPen(Qt.PenStyle.NoPen)
        for step in range(LEVELS + 1):
            painter.setBrush(self.level_colour(step))
            painter.drawRoundedRect(QRectF(x + step * (size + 3), top + 1, size, size), 2, 2)
        painter.setPen(self.colour("muted"))
        painter.drawText(QPointF(x + (LEVELS + 1) * (size + 3) + 3, top + metrics.ascent()), "More")
