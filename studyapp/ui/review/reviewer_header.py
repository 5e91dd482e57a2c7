"""The reviewer's header: back to the decks on the left, the deck's name in the middle, and on the right
the undo hint and the quiz mode (``mode_control``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from studyapp.ui.review.quiz.mode_control import ReviewerModeControl


class ReviewerHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewerHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.back_button = QPushButton("‹  Decks")
        self.back_button.setObjectName("BackButton")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.setToolTip("Back to the deck list (Esc)")
        self.back_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.deck_label = QLabel()
        self.deck_label.setObjectName("ReviewerDeck")
        self.deck_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.undo_hint = QLabel("Ctrl+Z undo")
        policy = self.undo_hint.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # keeps the deck name centred
        self.undo_hint.setSizePolicy(policy)
        self.undo_hint.setObjectName("KeyHint")
        self.undo_hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.mode_control = ReviewerModeControl()

        layout = QGridLayout(self)  # equal side columns keep the deck name centred
        layout.setContentsMargins(12, 8, 16, 8)
        layout.addWidget(self.back_button, 0, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.deck_label, 0, 1)
        right = QHBoxLayout()
        right.setSpacing(14)
        right.addWidget(self.undo_hint, 1)
        right.addWidget(self.mode_control)
        layout.addLayout(right, 0, 2)
        side = max(150, self.undo_hint.sizeHint().width() + right.spacing() + self.mode_control.sizeHint().width())
        for column in (0, 2):
            layout.setColumnMinimumWidth(column, side)  # the same on both sides: the deck name stays centred
            layout.setColumnStretch(column, 1)
        layout.setColumnStretch(1, 4)  # without a share of its own, the deck name was squeezed to a sliver
