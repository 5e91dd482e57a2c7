"""What Suggest retention found, laid out so that nothing overlaps: the explanation, the chart, its caption.

Each is a widget of its own in one column: the explanation in a wrapping label, the chart with a minimum
height of its own (its axis labels are drawn inside its rectangle), the caption in a label below it. A
wrapping label tells the layout how tall it must be at its width (``WrappingLabel``): a dialog's layout
asks a label only for its smallest size, so a long text got one line's height and was cut at the top and
the bottom, and the chart under it was squeezed until the caption was drawn over it. The column then asks
for all the room it needs; a short screen scrolls the dialog rather than cutting into the column.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from studyapp.services.fsrs.retention import RetentionSuggestion, simulated_on, trade_off
from studyapp.ui.stats.charts import LineChart

CHART_MINIMUM = (400, 240)


class WrappingLabel(QLabel):
    """A word-wrapped label that is never given less height than its text needs at its width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        needed = self.heightForWidth(self.width()) if self.text() else 0
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class RetentionView(QWidget):
    """The explanation, the workload chart and its caption, one under the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RetentionView")
        self.explanation = WrappingLabel()
        self.explanation.setObjectName("RetentionExplanation")
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.chart = LineChart("Workload by desired retention")
        self.chart.setMinimumSize(*CHART_MINIMUM)
        self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)
        self.caption = WrappingLabel()
        self.caption.setObjectName("KeyHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.explanation)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.caption)

    def show_suggestion(self, suggestion: RetentionSuggestion) -> None:
        self.explanation.setText(paragraphs(trade_off(suggestion)))
        self.chart.set_series(
            [(p.retention, p.reviews_per_day) for p in suggestion.points],
            x_label="desired retention",
            y_label="reviews a day",
            x_format=lambda x: f"{x:.0%}",
            marker_x=suggestion.current,
        )
        self.caption.setText(caption(suggestion))
        self.show()


def paragraphs(lines: list[str]) -> str:
    """The lines as paragraphs with a little space between them."""
    return "".join(f"<p style='margin: 0 0 6px 0'>{html.escape(line)}</p>" for line in lines)


def caption(suggestion: RetentionSuggestion) -> str:
    marked = f"The red dot is the value in the field ({suggestion.current:.0%})"
    if round(suggestion.suggested, 2) == round(suggestion.current, 2):
        marked += ", which is also the suggestion"
    return f"{marked}. {simulated_on(suggestion)}"
