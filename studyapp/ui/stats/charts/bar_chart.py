"""Bars over categories (the forecast, cards by state) and histograms (bins side by side)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from studyapp.core.wording import plural
from studyapp.ui.stats.charts.base import Chart, compact_number, nice_ticks


class BarChart(Chart):
    """One bar per label; colours are theme attribute names or ``#rrggbb`` (one for all, or one per bar)."""

    GAP = 0.25  # the share of each slot left empty between bars

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._labels: tuple[str, ...] = ()
        self._values: tuple[float, ...] = ()
        self._colours: tuple[str, ...] = ()
        self._tooltip_texts: tuple[str, ...] = ()
        self._show_values = False
        self._value_format: Callable[[float], str] = compact_number

    def set_bars(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        *,
        colours: Sequence[str] | str = "accent",
        x_label: str = "",
        y_label: str = "",
        show_values: bool = False,
        tooltips: Sequence[str] | None = None,
        value_format: Callable[[float], str] = compact_number,
    ) -> None:
        """Show ``values`` as bars named ``labels``; ``show_values`` writes each value above its bar."""
        if len(labels) != len(values):
            raise ValueError("one label per value")
        self._labels, self._values = tuple(labels), tuple(float(v) for v in values)
        self._colours = (colours,) * len(values) if isinstance(colours, str) else tuple(colours)
        self._tooltip_texts = tuple(tooltips) if tooltips is not None else ()
        self.x_label, self.y_label = x_label, y_label
        self._show_values = show_values
        self._value_format = value_format
        self.update()

    def values(self) -> tuple[float, ...]:
        return self._values

    def has_data(self) -> bool:
        return any(v > 0 for v in self._values)

    def y_axis_ticks(self) -> Sequence[float]:
        top = max(self._values, default=0.0)
        if all(float(v).is_integer() for v in self._values):
            top = max(top, 4.0)  # counts: whole-number ticks (0 1 2 3 4), never "0.25 cards"
        return nice_ticks(0.0, top or 1.0, count=4)

    def bar_rect(self, index: int, plot: QRectF) -> QRectF:
        """Where bar ``index`` stands in ``plot`` (full height of its slot)."""
        slot = plot.width() / max(1, len(self._values))
        gap = slot * self.GAP
        return QRectF(plot.left() + index * slot + gap / 2, plot.top(), slot - gap, plot.height())

    def paint_plot(self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF) -> None:
        top = list(self.y_axis_ticks())[-1] or 1.0
        painter.setPen(Qt.PenStyle.NoPen)
        label_positions = []
        for index, value in enumerate(self._values):
            slot = self.bar_rect(index, plot)
            height = value / top * plot.height()
            bar = QRectF(slot.left(), plot.bottom() - height, slot.width(), height)
            if height > 0:
                radius = min(3.0, slot.width() / 3, height / 2)
                path = QPainterPath()
                path.addRoundedRect(bar.adjusted(0, 0, 0, radius), radius, radius)
                painter.save()
                painter.setClipRect(QRectF(plot.left(), plot.top() - 1, plot.width(), plot.height() + 1))
                painter.fillPath(path, self.colour(self._colours[index % len(self._colours)]))
                painter.restore()
            if self._show_values and value > 0:
                text = self._value_format(value)
                if metrics.horizontalAdvance(text) <= slot.width() + slot.width() * self.GAP:
                    painter.setPen(self.colour("muted"))
                    painter.drawText(
                        QRectF(slot.left() - 20, bar.top() - metrics.height() - 1, slot.width() + 40, metrics.height()),
                        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                        text,
                    )
                    painter.setPen(Qt.PenStyle.NoPen)
            text = self._tooltip_texts[index] if index < len(self._tooltip_texts) else ""
            self.add_tooltip(slot, text or f"{self._labels[index]}: {self._value_format(value)}")
            label_positions.append((slot.center().x(), self._labels[index]))
        painter.setPen(QPen(self.colour("border_strong"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        self.draw_x_labels(painter, plot, metrics, label_positions)


class HistogramChart(BarChart):
    """Counts per bin, the bins touching; each bin is named by its range (``"1-2d"``, ``"90-100%"``)."""

    GAP = 0.08

    def set_bins(
        self,
        labels: Sequence[str],
        counts: Sequence[int],
        *,
        colour: str = "accent",
        x_label: str = "",
        y_label: str = "cards",
        axis_labels: Sequence[str] | None = None,
    ) -> None:
        """``labels`` name the bins in tooltips; ``axis_labels`` (default: the same) go under the bars."""
        self.set_bars(
            axis_labels if axis_labels is not None else labels,
            counts,
            colours=colour,
            x_label=x_label,
            y_label=y_label,
            show_values=True,
            tooltips=[f"{label}: {plural(count, 'card')}" for label, count in zip(labels, counts, strict=True)],
        )
