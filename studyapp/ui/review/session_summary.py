"""The end of a session: what was done, and when the next card is due."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studyapp.core.model import Rating
from studyapp.core.wording import answers_on_cards, plural
from studyapp.services.review.custom_study import Leftover
from studyapp.services.review.review import SessionSummary
from studyapp.ui.app.style import theme_for
from studyapp.ui.app.time_wording import describe_due, describe_duration

_BACK_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter)


def summary_lines(deck: str, summary: SessionSummary, now: datetime, zone: tzinfo) -> tuple[str, str, str]:
    """The title, what was done, and when the next card is due, as plain sentences."""
    if summary.answered:
        title = f"{deck}: done for now"
        done = (
            f"You studied {answers_on_cards(summary.answered, summary.cards)} in {describe_duration(summary.time_ms)}."
        )
    else:
        title = f"{deck}: nothing to study now"
        done = "No cards are waiting for you in this deck."
    if summary.next_due is None:
        due = "No other card in this deck is scheduled yet."
    else:
        due = f"The next card is due {describe_due(summary.next_due, now, zone)}."
    return title, done, due


def leftover_line(left: Leftover | None) -> str:
    """What today's limits hold back, if anything: the reason to offer Custom study."""
    if left is None or not (left.new or left.review):
        return ""
    held = [plural(left.new, "new card")] if left.new else []
    held += [plural(left.review, "review")] if left.review else []
    verb = "waits" if left.new + left.review == 1 else "wait"
    return f"Today's limit is reached: {' and '.join(held)} {verb} beyond it."


class SessionSummaryView(QWidget):
    back_requested = Signal()
    undo_requested = Signal()
    custom_study_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SessionSummary")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._ratings_plain = ""

        self.title_label = QLabel()
        self.title_label.setObjectName("SummaryTitle")
        self.done_label = QLabel()
        self.done_label.setObjectName("SummaryText")
        self.ratings_label = QLabel()
        self.ratings_label.setObjectName("SummaryRatings")
        self.ratings_label.setTextFormat(Qt.TextFormat.RichText)
        self.due_label = QLabel()
        self.due_label.setObjectName("SummaryText")
        self.leftover_label = QLabel()
        self.leftover_label.setObjectName("SummaryText")
        self.leftover_label.hide()
        for label in (self.title_label, self.done_label, self.ratings_label, self.due_label, self.leftover_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)

        self.back_button = QPushButton("Back to decks")
        self.back_button.setObjectName("Primary")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.back_button.clicked.connect(self.back_requested)
        self.custom_button = QPushButton("Custom study…")
        self.custom_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.custom_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.custom_button.setToolTip(
            "More new cards or reviews today, review ahead, or the cards forgotten lately (C)"
        )
        self.custom_button.clicked.connect(self.custom_study_requested)
        self.custom_button.hide()
        self.hint = hint = QLabel()
        hint.setObjectName("KeyHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._can_undo = False

        panel = QFrame()
        panel.setObjectName("SummaryPanel")
        panel.setFixedWidth(560)
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(40, 36, 40, 32)
        panel_layout.setSpacing(14)
        panel_layout.addWidget(self.title_label)
        panel_layout.addWidget(self.done_label)
        panel_layout.addWidget(self.ratings_label)
        panel_layout.addWidget(self.due_label)
        panel_layout.addWidget(self.leftover_label)
        panel_layout.addSpacing(10)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.custom_button)
        button_row.addWidget(self.back_button)
        button_row.addStretch(1)
        panel_layout.addLayout(button_row)
        panel_layout.addWidget(hint)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_summary(
        self,
        deck: str,
        summary: SessionSummary,
        now: datetime,
        zone: tzinfo,
        can_undo: bool = False,
        left: Leftover | None = None,
    ) -> None:
        """Show the session's end; Ctrl+Z is offered only when there is an answer to undo, and Custom study when
        today's limits hold cards back (``left``)."""
        title, done, due = summary_lines(deck, summary, now, zone)
        self.title_label.setText(title)
        self.done_label.setText(done)
        self.due_label.setText(due)
        held = leftover_line(left)
        self.leftover_label.setText(held)
        self.leftover_label.setVisible(bool(held))
        self.custom_button.setVisible(bool(held))
        self._can_undo = can_undo
        keys = ["Enter or Esc to go back"]
        keys += ["C for custom study"] if held else []
        keys += ["Ctrl+Z to undo the last answer"] if can_undo else []
        self.hint.setText(" · ".join(keys))
        self.ratings_label.setVisible(summary.answered > 0)
        theme = theme_for(self.palette())
        colours = {Rating.AGAIN: theme.again, Rating.HARD: theme.hard, Rating.GOOD: theme.good, Rating.EASY: theme.easy}
        self._ratings_plain = " · ".join(f"{r.label} {summary.ratings[r]}" for r in Rating)
        self.ratings_label.setText(
            "&nbsp;&nbsp;&nbsp;".join(
                f'<span style="color:{theme.muted};">{r.label}</span>&nbsp;'
                f'<span style="color:{colours[r] if summary.ratings[r] else theme.faint}; font-weight:600;">'
                f"{summary.ratings[r]}</span>"
                for r in Rating
            )
        )

    def text(self) -> str:
        """Everything the screen says, as plain text."""
        parts = [self.title_label.text(), self.done_label.text()]
        if self.ratings_label.isVisibleTo(self):
            parts.append(self._ratings_plain)
        parts.append(self.due_label.text())
        if self.leftover_label.isVisibleTo(self):
            parts.append(self.leftover_label.text())
        parts.append(self.hint.text())
        return "\n".join(parts)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            if self._can_undo:
                self.undo_requested.emit()
        elif event.key() == Qt.Key.Key_C and self.custom_button.isVisibleTo(self) and not event.modifiers():
            self.custom_study_requested.emit()
        elif event.key() in _BACK_KEYS and not event.isAutoRepeat():
            self.back_requested.emit()
        else:
            super().keyPressEvent(event)
