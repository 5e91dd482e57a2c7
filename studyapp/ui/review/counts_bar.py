"""The remaining New · Learning · Due counts, coloured as in the deck list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from studyapp.core.model import CardState
from studyapp.services.review.review import QueueCounts
from studyapp.ui.app.style import count_colour, theme_for

_QUEUE_OF_STATE = {
    CardState.NEW: "new",
    CardState.LEARNING: "learning",
    CardState.RELEARNING: "learning",
    CardState.REVIEW: "due",
}


def queue_of(state: CardState) -> str:
    """Which count a card is taken from: ``new``, ``learning`` or ``due``."""
    return _QUEUE_OF_STATE[state]


class CountsBar(QLabel):
    """``New 19 · Learning 1 · Due 0``; the count the current card comes from is underlined."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CountsBar")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.counts = QueueCounts(0, 0, 0)

    def set_counts(self, counts: QueueCounts, current: str | None = None) -> None:
        self.counts = counts
        theme = theme_for(self.palette())
        parts = []
        for kind, label, value in (
            ("new", "New", counts.new),
            ("learning", "Learning", counts.learning),
            ("due", "Due", counts.review),
        ):
            colour = count_colour(theme, kind, value)
            number = f"<u>{value}</u>" if kind == current else str(value)
            parts.append(
                f'<span style="color:{theme.muted};">{label}</span>&nbsp;'
                f'<span style="color:{colour}; font-weight:600;">{number}</span>'
            )
        separator = f'<span style="color:{theme.faint};">&nbsp;&nbsp;·&nbsp;&nbsp;</span>'
        self.setText(separator.join(parts))

    def plain_text(self) -> str:
        c = self.counts
        return f"New {c.new} · Learning {c.learning} · Due {c.review}"
