"""The selected card as the reviewer shows it: the card view itself (maths, image occlusion masks, sound
buttons), its question or its answer. Sounds play on a click only, never by themselves. "Card info"
(Ctrl+Shift+I) opens the reviewer's card info window on the card; while open it follows the selection.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studyapp.core.model import Card
from studyapp.services.app import App
from studyapp.ui.review.actions.card_info import CardInfoDialog
from studyapp.ui.review.card_view import CardView
from studyapp.ui.review.sound_board import SoundBoard

MIN_WIDTH = 220


class CardPreview(QWidget):
    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardPreview")
        self.app = app
        self.card: Card | None = None
        self.card_id: int | None = None
        self._sounds: SoundBoard | None = None
        self.view = CardView(app.media_dir)
        self.view.setObjectName("PreviewCardView")
        self.view.sound_requested.connect(self.play)
        self.question_button = QPushButton("Question")
        self.answer_button = QPushButton("Answer")
        self.info_button = QPushButton("Card info")
        self.info_button.setToolTip("Added, reviews, lapses, memory and the review log of this card (Ctrl+Shift+I)")
        self.info_button.clicked.connect(self.show_info)
        self.info_dialog: CardInfoDialog | None = None
        sides = QButtonGroup(self)
        for button in (self.question_button, self.answer_button):
            button.setCheckable(True)
            button.setObjectName("PreviewSide")
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            sides.addButton(button)
        self.info_button.setAutoDefault(False)
        self.answer_button.setChecked(True)
        sides.buttonToggled.connect(lambda _button, checked: checked and self._render())
        self.problem = QLabel()  # a sound that cannot play: one quiet line
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.empty = QLabel("Select one card to preview it.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.question_button)
        bar.addWidget(self.answer_button)
        bar.addStretch(1)
        bar.addWidget(self.info_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.problem)
        self.setMinimumWidth(MIN_WIDTH)
        self.show_card(None)

    @property
    def revealed(self) -> bool:
        return self.answer_button.isChecked()

    def toggle_side(self) -> None:
        (self.question_button if self.revealed else self.answer_button).setChecked(True)

    def show_card(self, card_id: int | None) -> None:
        """Show the card (None, or a card gone: the empty line); read again when its note was saved."""
        card = self.app.collection.reviews.card(card_id) if card_id is not None else None
        self.card, self.card_id = card, (card.id if card is not None else None)
        for widget in (self.question_button, self.answer_button, self.info_button):
            widget.setEnabled(card is not None)
        self.view.setVisible(card is not None)
        self.empty.setVisible(card is None)
        if self._sounds is not None:
            self._sounds.stop()
        self.problem.setVisible(False)
        self._render()
        if self.card_id is not None and self.info_dialog is not None and self.info_dialog.isVisible():
            self.info_dialog.show_card(self.app.collection, self.card_id, self.app.clock)

    def show_info(self) -> CardInfoDialog | None:
        """The card info window on the card shown (made once, then brought back)."""
        if self.card_id is None:
            return None
        if self.info_dialog is None:
            self.info_dialog = CardInfoDialog(self.window())
        self.info_dialog.show_card(self.app.collection, self.card_id, self.app.clock)
        return self.info_dialog

    def _render(self) -> None:
        if self.card is not None:
            self.view.show_card(self.card, self.revealed)

    def play(self, name: str) -> None:
        if self._sounds is None:
            self._sounds = SoundBoard(self.app.media_dir, self)
            self._sounds.problem.connect(self._say_problem)
        self._sounds.play([name])

    def _say_problem(self, line: str) -> None:
        self.problem.setText(line)
        self.problem.setVisible(True)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name and type
        if self._sounds is not None:
            self._sounds.close()
            self._sounds = None
        super().hideEvent(event)
