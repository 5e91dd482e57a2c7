"""The common part of every chart: title, axes, theme colours, tooltips and "Save as PNG…".

A chart paints itself with QPainter (PySide6-Essentials has no QtCharts) through :meth:`Chart.paint`,
both on screen and into an image for :meth:`Chart.save_png`, so the saved file is exactly what is shown
(without the small save button). Colours come from the theme of the widget's palette
(:func:`studyapp.ui.app.style.theme_for`), or from :meth:`Chart.set_theme` when a test or a benchmark wants
a fixed one. Colour arguments of the charts take a theme attribute name (``"good"``, ``"again"``) or
a ``"#rrggbb"`` string, so one call serves the light and the dark theme.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontMetricsF, QHelpEvent, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFileDialog, QToolButton, QToolTip, QWidget

from studyapp.ui.app.style import Theme, theme_for

PNG_FILTER = "PNG image (*.png)"


def choose_png_path(parent: QWidget, suggested: str) -> Path | None:
    """Ask where to save a chart (the system's file chooser); ``None`` if cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save chart as PNG", suggested, PNG_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".png" else path.with_suffix(".png")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (1, 2, 2.5 or 5 times a power of ten) covering ``[low, high]``."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0]
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def compact_number(value: float) -> str:
    """``1234`` -> ``1.2k``, ``2.5`` -> ``2.5``: short axis labels."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if magnitude >= 10_000:
        return f"{value / 1000:.0f}k"
    if magnitude >= 1000:
        return f"{value / 1000:.3g}k"
    return f"{value:.0f}" if value == round(value) else f"{value:.3g}"


class Chart(QWidget):
    """A titled chart with a plot area; subclasses draw the data with :meth:`paint_plot`."""

    MARGIN = 12.0

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Chart")
        self._title = title
        self._empty_text = "No data yet"
        self.x_label = ""
        self.y_label = ""
        self._theme: Theme | None = None
        self._tooltips: list[tuple[QRectF, str]] = []
        self.setMinimumSize(300, 190)
        self.setMouseTracking(True)
        # Replaceable so that tests can skip the system's file chooser.
        self.choose_png_path: Callable[[QWidget, str], Path | None] = choose_png_path
        self.save_action = QAction("Save as PNG…", self)
        self.save_action.triggered.connect(lambda _checked=False: self.save_png_as())
        self.addAction(self.save_action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.save_button = QToolButton(self)
        self.save_button.setObjectName("ChartSaveButton")
        self.save_button.setText("Save as PNG…")
        self.save_button.setToolTip("Save this chart as a PNG image")
        self.save_button.setAutoRaise(True)
        self.save_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.save_button.clicked.connect(lambda _checked=False: self.save_png_as())

    # -- what is shown ---------------------------------------------------------------------------

    def title(self) -> str:
        return self._title

    def set_title(self, title: str) -> None:
        self._title = title
        self.update()

    def set_theme(self, theme: Theme | None) -> None:
        """Paint with ``theme`` rather than the one of the palette (``None``: follow the palette again)."""
        self._theme = theme
        self.update()

    def theme(self) -> Theme:
        return self._theme or theme_for(self.palette())

    def has_data(self) -> bool:
        """Whether there is anything to draw; otherwise the plot says :meth:`empty_text`."""
        return False

    def empty_text(self) -> str:
        """The sentence shown in place of the plot when there is nothing to draw."""
        return self._empty_text

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def colour(self, name: str) -> QColor:
        """A theme colour by attribute name (``"good"``), or a literal ``"#rrggbb"``."""
        return QColor(name if name.startswith("#") else getattr(self.theme(), name))

    def sizeHint(self) -> QSize:
        return QSize(520, 250)

    # -- saving ----------------------------------------------------------------------------------

    def render_image(self, size: QSize | None = None, scale: float = 1.0) -> QImage:
        """The chart drawn into an image of ``size`` (default: the widget's), as it is shown."""
        size = size or self.size()
        image = QImage(round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(self.colour("surface"))
        painter = QPainter(image)
        try:
            self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        return image

    def save_png(self, path: Path | str, scale: float = 1.0) -> bool:
        """Write the chart to ``path`` as a PNG; whether it was written."""
        return bool(self.render_image(scale=scale).save(str(path), "PNG"))

    def suggested_file_name(self) -> str:
        name = "".join(c if c.isalnum() else "-" for c in self._title.lower()).strip("-")
        return f"{'-'.join(part for part in name.split('-') if part) or 'chart'}.png"

    def save_png_as(self) -> Path | None:
        """Ask for a file and save the chart there (at twice the size, for sharpness); the path, if saved."""
        path = self.choose_png_path(self, self.suggested_file_name())
        if path is None or not self.save_png(path, scale=2.0):
            return None
        return path

    # -- painting --------------------------------------------------------------------------------

    def resizeEvent(self, event: object) -> None:
        hint = self.save_button.sizeHint()
        self.save_button.setGeometry(self.width() - hint.width() - 4, 4, hint.width(), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def font_scaled(self, factor: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * factor))
        font.setBold(bold)
        return font

    def y_axis_ticks(self) -> Sequence[float]:
        """The values of the horizontal grid lines; none for charts without a value axis."""
        return ()

    def y_tick_label(self, value: float) -> str:
        return compact_number(value)

    def legend(self) -> Sequence[tuple[str, QColor, bool]]:
        """(text, colour, dashed) entries shown under the title."""
        return ()

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        """Background, title, legend, value axis; then the subclass draws into the plot area."""
        theme = self.theme()
        self._tooltips = []
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(rect, self.colour("surface"))
        inner = rect.adjusted(self.MARGIN, self.MARGIN * 0.75, -self.MARGIN, -self.MARGIN * 0.75)
        title_font = self.font_scaled(1.05, bold=True)
        painter.setFont(title_font)
        painter.setPen(QColor(theme.text))
        title_height = QFontMetricsF(title_font).height()
        painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), title_height), self._title)
        top = inner.top() + title_height + 6
        if not self.has_data():  # the sentence alone: no legend, axes or grid lines to cross it
            painter.setPen(QColor(theme.muted))
            painter.setFont(self.font())
            area = QRectF(inner.left() + 12, top, inner.width() - 24, inner.bottom() - top - title_height / 2)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._empty_text)
            return
        small = self.font_scaled(0.85)
        metrics = QFontMetricsF(small)
        painter.setFont(small)
        entries = self.legend()
        if entries:
            x = inner.left()
            for text, colour, dashed in entries:
                pen = QPen(colour, 2.5, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
                painter.setPen(pen)
                middle = top + metrics.height() / 2
                painter.drawLine(QPointF(x, middle), QPointF(x + 18, middle))
                painter.setPen(QColor(theme.muted))
                painter.drawText(QPointF(x + 24, top + metrics.ascent()), text)
                x += 24 + metrics.horizontalAdvance(text) + 18
            top += metrics.height() + 6
        ticks = list(self.y_axis_ticks())
        labels = [self.y_tick_label(t) for t in ticks]
        left = inner.left() + (max((metrics.horizontalAdvance(s) for s in labels), default=0) + 8 if ticks else 0)
        if self.y_label:
            left += metrics.height() + 4
        bottom = inner.bottom() - metrics.height() - 4
        if self.x_label:
            bottom -= metrics.height() + 2
        plot = QRectF(left, top + metrics.height() / 2, inner.right() - left, bottom - top - metrics.height() / 2)
        if plot.width() < 20 or plot.height() < 20:
            return
        painter.setPen(QColor(theme.muted))
        if self.y_label:
            painter.save()
            painter.translate(inner.left() + metrics.ascent(), plot.center().y())
            painter.rotate(-90)
            width = metrics.horizontalAdvance(self.y_label)
            painter.drawText(QPointF(-width / 2, 0), self.y_label)
            painter.restore()
        if self.x_label:
            width = metrics.horizontalAdvance(self.x_label)
            painter.drawText(QPointF(plot.center().x() - width / 2, inner.bottom() - metrics.descent()), self.x_label)
        if ticks:
            low, high = ticks[0], ticks[-1]
            for value, label in zip(ticks, labels, strict=True):
                y = plot.bottom() - (value - low) / (high - low or 1) * plot.height()
                painter.setPen(QPen(QColor(theme.border), 1))
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                painter.setPen(QColor(theme.muted))
                label_rect = QRectF(
                    inner.left(), y - metrics.height() / 2, plot.left() - inner.left() - 6, metrics.height()
                )
                painter.drawText(label_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        painter.setFont(small)
        self.paint_plot(painter, plot, metrics)

    def paint_plot(self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF) -> None:
        """Draw the data into ``plot``; x tick labels go just below it (``metrics``: the small font's)."""

    def draw_x_labels(
        self, painter: QPainter, plot: QRectF, metrics: QFontMetricsF, ticks: Sequence[tuple[float, str]]
    ) -> None:
        """Labels centred at x positions under the plot, thinned out so that they never overlap."""
        painter.setPen(QColor(self.theme().muted))
        widest = max((metrics.horizontalAdvance(text) for _, text in ticks), default=0.0) + 10
        every = 1
        if len(ticks) > 1:
            spacing = abs(ticks[-1][0] - ticks[0][0]) / (len(ticks) - 1) or 1.0
            every = max(1, math.ceil(widest / spacing))
        for index, (x, text) in enumerate(ticks):
            if index % every:
                continue
            width = metrics.horizontalAdvance(text)
            left = min(max(x - width / 2, plot.left() - 6), plot.right() + 6 - width)
            painter.drawText(QPointF(left, plot.bottom() + 4 + metrics.ascent()), text)

    # -- tooltips --------------------------------------------------------------------------------

    def add_tooltip(self, area: QRectF, text: str) -> None:
        """Called while painting: hovering ``area`` shows ``text``."""
        self._tooltips.append((area, text))

    def tooltip_at(self, position: QPointF) -> str | None:
        return next((text for area, text in reversed(self._tooltips) if area.contains(position)), None)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
