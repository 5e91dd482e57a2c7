"""The buttons under the card: "Show answer" before reveal, then Again, Hard, Good and Easy.

The quiz modes use it too: "Check answer" under a typed answer, the ratings with the suggested one
marked, "Continue" after a multiple-choice answer, and a key hint while the options are up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from studyapp.core.model import Rating


class TwoLineButton(QPushButton):
    """A button with a main label and a small grey line under it (an interval or a key)."""

    def __init__(self, title: str, detail: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must never "click" a focused button
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("ButtonTitle")
        self.detail_label = QLabel(detail)
        self.detail_label.setObjectName("ButtonDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 7, 12, 7)
        layout.setSpacing(1)
        for label in (self.title_label, self.detail_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)

    def set_detail(self, text: str) -> None:
        self.detail_label.setText(text)


class RatingButton(TwoLineButton):
    def __init__(self, rating: Rating, parent: QWidget | None = None) -> None:
        super().__init__(rating.label, "", parent)
        self.rating = rating
        self.setObjectName("RatingButton")
        self.setProperty("rating", rating.name.lower())
        self.title_label.setProperty("rating", rating.name.lower())
        self.setToolTip(f"{rating.label} (key {int(rating)})")
        self._interval = ""

    @property
    def interval(self) -> str:
        return self._interval

    @property
    def suggested(self) -> bool:
        return bool(self.property("suggested"))

    def show_interval(self, interval: str, suggested: bool = False) -> None:
        """The interval this rating gives; a suggested rating (a typed answer's grade) is marked, with its key."""
        self._interval = interval
        self.set_detail(f"{interval} · Enter" if suggested and interval else interval)
        if self.suggested != suggested:
            self.setProperty("suggested", suggested)
            for widget in (self, self.title_label, self.detail_label):
                widget.style().unpolish(widget)
                widget.style().polish(widget)


class AnswerBar(QStackedWidget):
    reveal_clicked = Signal()
    rated = Signal(object)  # a Rating
    continue_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AnswerBar")
        self.show_answer_button = TwoLineButton("Show answer", "Space")
        self.show_answer_button.setObjectName("ShowAnswerButton")
        self.show_answer_button.setMinimumWidth(260)
        self.show_answer_button.clicked.connect(self.reveal_clicked)
        self.rating_buttons = {rating: RatingButton(rating) for rating in Rating}
        for button in self.rating_buttons.values():
            button.setMinimumWidth(116)
            button.clicked.connect(lambda _checked=False, r=button.rating: self.rated.emit(r))

        self.continue_button = TwoLineButton("Continue", "Enter")
        self.continue_button.setObjectName("ShowAnswerButton")
        self.continue_button.setMinimumWidth(260)
        self.continue_button.clicked.connect(self.continue_clicked)
        self.hint_label = QLabel()
        self.hint_label.setObjectName("QuizHint")
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.addWidget(self._row([self.show_answer_button]))
        self.addWidget(self._row(list(self.rating_buttons.values())))
        self.addWidget(self._row([self.continue_button]))
        self.addWidget(self.hint_label)

    @staticmethod
    def _row(buttons: list[QPushButton]) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addStretch(1)
        for button in buttons:
            layout.addWidget(button)
        layout.addStretch(1)
        return row

    def show_reveal(self, title: str = "Show answer", detail: str = "Space") -> None:
        self.show_answer_button.title_label.setText(title)
        self.show_answer_button.set_detail(detail)
        self.setCurrentIndex(0)

    def show_ratings(self, labels: dict[Rating, str], suggested: Rating | None = None) -> None:
        """The four ratings with their intervals; ``suggested`` (a typed answer's grade) is marked."""
        for rating, button in self.rating_buttons.items():
            button.show_interval(labels.get(rating, ""), rating is suggested)
        self.setCurrentIndex(1)

    def show_continue(self, detail: str = "Enter") -> None:
        self.continue_button.set_detail(detail)
        self.setCurrentIndex(2)

    def show_hint(self, text: str) -> None:
        self.hint_label.setText(text)
        self.setCurrentIndex(3)

    @property
    def suggested(self) -> Rating | None:
        return next((rating for rating, button in self.rating_buttons.items() if button.suggested), None)

    @property
    def ratings_shown(self) -> bool:
        return self.currentIndex() == 1
