"""The bar below a card cut to its budget (``studyapp.core.text.face_budget``): what is not shown, and "Show all"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from studyapp.core.model import Card
from studyapp.ui.app.style import theme_for

SIDE_PADDING = 32  # the card text's side margin, at the least


class CutBar(QFrame):
    """Below a card cut to its budget: what is not shown, and "Show all" while more can be laid out."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("CardCutBar")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setObjectName("ShowAllButton")
        self.show_all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the reviewer
        self.show_all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SIDE_PADDING, 8, SIDE_PADDING, 8)  # ``place`` lines it up with the text
        layout.setSpacing(16)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_all_button)

    def place(self, left: int, bottom: int, width: int, side: int) -> int:
        """Put the bar across ``width`` above ``bottom``, its content in the text's column; its height."""
        layout = self.layout()
        layout.setContentsMargins(side, 8, side, 8)
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1  # the label wraps
        if height <= 0:
            height = layout.totalSizeHint().height()
        self.setGeometry(left, bottom - height, width, height)
        return height

    def set_state(self, expandable: bool, card: Card | None) -> None:
        theme = theme_for(self.palette())
        self.setStyleSheet(
            f"QFrame#CardCutBar {{ background: {theme.surface_alt}; border-top: 1px solid {theme.border}; }}"
            f"QFrame#CardCutBar QLabel {{ color: {theme.muted}; font-size: 13px; }}"
        )
        size = f" ({len(card.front) + len(card.back):,} characters)" if card is not None else ""
        if expandable:
            self.label.setText(f"This card is long{size}: only its first part is shown.")
        else:
            self.label.setText(f"This card is very long{size}: its first part is shown. The note keeps all of it.")
        self.show_all_button.setVisible(expandable)
