"""A line chart of one or more series, with an optional horizontal reference line and a marker.

Used by the statistics (true retention by week against the desired retention) and meant for small
charts elsewhere, e.g. workload against desired retention::

    chart = LineChart("Workload")
    chart.set_series(
        [(0.70, 40.0), (0.80, 55.0), (0.90, 90.0), (0.99, 400.0)],
        x_label="desired retention",
        y_label="reviews/day",
        x_format=lambda x: f"{x:.0%}",
        marker_x=0.90,          # a dot on the line at the current value
        reference_y=None,       # or a dashed horizontal line at this y
    )

A point's y may be ``None``: the line has a gap there (a week without answers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from studyapp.ui.stats.charts.base import Chart, compact_number, nice_ticks

Point = tuple[float, "float | None"]


def _plain(value: float) -> str:
    return compact_number(value)


@dataclass(frozen=True)
class Series:
    """One line: its name (for the legend), points in x order, and a colour (theme attribute or ``#rrggbb``)."""

    name: str
    points: tuple[Point, ...]
    colour: str = "accent"


class LineChart(Chart):
    """Lines over a numeric x axis, with a dashed reference line and a marker if asked."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._series: tuple[Series, ...] = ()
        self._x_format: Callable[[float], str] = _plain
        self._y_format: Callable[[float], str] = _plain
        self._marker_x: float | None = None
        self._reference_y: float | None = None
        self._reference_label = ""
        self._y_range: tuple[float, float] | None = None

    def set_series(
        self,
        points: Sequence[tuple[float, float | None]],
        *,
        x_label: str = "",
        y_label: str = "",
        x_format: Callable[[float], str] = _plain,
        y_format: Callable[[float], str] = _plain,
        marker_x: float | None = None,
        reference_y: float | None = None,
        reference_label: str = "",
        y_range: tuple[float, float] | None = None,
        name: str = "",
        colour: str = "accent",
    ) -> None:
        """Show one line.

        ``x_format``/``y_format`` turn axis values into labels (e.g. ``lambda x: f"{x:.0%}"``).
        ``marker_x`` puts a dot on the line at that x (interpolated); ``reference_y`` draws a dashed
        horizontal line, named ``reference_label`` in the legend. ``y_range`` fixes the value axis
        (default: from the data and the reference line). ``name`` labels the line in a legend.
        """
        self.set_lines(
            [Series(name, tuple(points), colour)],
            x_label=x_label,
            y_label=y_label,
            x_format=x_format,
            y_format=y_format,
            marker_x=marker_x,
            reference_y=reference_y,
            reference_label=reference_label,
            y_range=y_range,
        )

    def set_lines(
        self,
        series: Sequence[Series],
        *,
        x_label: str = "",
        y_label: str = "",
        x_format: Callable[[float], str] = _plain,
        y_format: Callable[[float], str] = _plain,
        marker_x: float | None = None,
        reference_y: float | None = None,
        reference_label: str = "",
        y_range: tuple[float, float] | None = None,
    ) -> None:
        """Show several lines (as :meth:`set_series`; the marker sits on the first line)."""
        self._series = tuple(series)
        self.x_label, self.y_label = x_label, y_label
        self._x_format, self._y_format = x_format, y_format
        self._marker_x, self._reference_y, self._reference_label = marker_x, reference_y, reference_label
        self._y_range = y_range
        self.update()

    def series(self) -> tuple[Series, ...]:
        return self._series

    # -- geometry --------------------------------------------------------------------------------

    def _values(self) -> list[tuple[float, float]]:
        return [(x, y) for s in self._series for x, y in s.points if y is not None]

    def has_data(self) -> bool:
        return bool(self._values())

    def _x_range(self) -> tuple[float, float]:
        xs = [x for s in self._series for x, _ in s.points]
        if not xs:
            return 0.0, 1.0
        low, high = min(xs), max(xs)
        return (low, high) if high > low else (low - 0.5, high + 0.5)

    def y_axis_ticks(self) -> Sequence[float]:
        if self._y_range is not None:
            return nice_ticks(*self._y_range, count=4)
        ys = [y for _, y in self._values()]
        if self._reference_y is not None:
            ys.append(self._reference_y)
        if not ys:
            return nice_ticks(0.0, 1.0, count=4)
        low, high = min(ys), max(ys)
        pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
        return nice_ticks(low - pad, high + pad, count=4)

    def y_tick_label(self, value: float) -> str:
        return self._y_format(value)

    def legend(self) -> Sequence[tuple[str, QColor, bool]]:
        entries = [(s.name, self.colour(s.colour), False) for s in self._series if s.name]
        if self._reference_y is not None and self._reference_label:
            entries.append((self._reference_label, self.colour("muted"), True))
        return entries

    def _x_ticks(self) -> list[float]:
        xs = sorted({x for s in self._series for x, _ in s.points})
        if 1 < len(xs) <= 14:
            return xs
        return [x for x in nice_ticks(*self._x_range(), count=6) if self._x_range()[0] <= x <= self._x_range()[1]]

    def paint_plot(self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF) -> None:
        ticks = list(self.y_axis_ticks())
        y_low, y_high = ticks[0], ticks[-1]
        x_low, x_high = self._x_range()
        inset = plot.adjusted(8, 0, -8, 0)

        def at(x: float, y: float) -> QPointF:
            return QPointF(
                inset.left() + (x - x_low) / (x_high - x_low) * inset.width(),
                plot.bottom() - (y - y_low) / (y_high - y_low or 1) * plot.height(),
            )

        painter.setPen(QPen(self.colour("border_strong"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if self._reference_y is not None:
            painter.setPen(QPen(self.colour("muted"), 1.5, Qt.PenStyle.DashLine))
            y = at(x_low, self._reference_y).y()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        for series in self._series:
            colour = self.colour(series.colour)
            path = QPainterPath()
            drawing = False
            dots = []
            for x, y in series.points:
                if y is None:
                    drawing = False
                    continue
                point = at(x, y)
                dots.append((point, x, y))
                if drawing:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                    drawing = True
            painter.setPen(QPen(colour, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(colour)
            painter.setPen(QPen(self.colour("surface"), 1))
            for point, x, y in dots:
                painter.drawEllipse(point, 3.2, 3.2)
                name = f"{series.name}: " if series.name else ""
                self.add_tooltip(
                    QRectF(point.x() - 6, point.y() - 6, 12, 12), f"{self._x_format(x)}\n{name}{self._y_format(y)}"
                )
        marker = self._marker_point()
        if marker is not None:
            point = at(*marker)
            painter.setPen(QPen(self.colour("surface"), 2))
            painter.setBrush(self.colour("again"))
            painter.drawEllipse(point, 5.5, 5.5)
            self.add_tooltip(
                QRectF(point.x() - 8, point.y() - 8, 16, 16),
                f"{self._x_format(marker[0])}: {self._y_format(marker[1])}",
            )
        self.draw_x_labels(painter, plot, metrics, [(at(x, y_low).x(), self._x_format(x)) for x in self._x_ticks()])

    def _marker_point(self) -> tuple[float, float] | None:
        """The first line's y at ``marker_x``, interpolated between its neighbouring points."""
        if self._marker_x is None or not self._series:
            return None
        points = [(x, y) for x, y in self._series[0].points if y is not None]
        target = self._marker_x
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if x0 <= target <= x1:
                share = (target - x0) / (x1 - x0) if x1 > x0 else 0.0
                return target, y0 + share * (y1 - y0)
        exact = [(x, y) for x, y in points if x == target]
        return exact[0] if exact else None
