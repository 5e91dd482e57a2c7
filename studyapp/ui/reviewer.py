"""The study screen: the card, the remaining counts and the answer buttons, driven by the keyboard.

Space or Enter reveals the answer (and, once revealed, answers Good, as in Anki); 1 to 4 answer
Again, Hard, Good or Easy; Ctrl+Z takes back the last answer; Escape goes back to the decks;
the arrow and page keys scroll a long card.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSlider, QGridLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from studyapp.core.model import Card, Rating
from studyapp.core.render import card_faces
from studyapp.services.app import StaleCardError
from studyapp.services.review import ReviewSession
from studyapp.ui.answer_bar import AnswerBar
from studyapp.ui.card_view import CardView
from studyapp.ui.counts_bar import CountsBar, queue_of
from studyapp.ui.dialogs import show_message

_REVEAL_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
_SCROLL_KEYS = {
    Qt.Key.Key_Up: QAbstractSlider.SliderAction.SliderSingleStepSub,
    Qt.Key.Key_Down: QAbstractSlider.SliderAction.SliderSingleStepAdd,
    Qt.Key.Key_PageUp: QAbstractSlider.SliderAction.SliderPageStepSub,
    Qt.Key.Key_PageDown: QAbstractSlider.SliderAction.SliderPageStepAdd,
}
_RATING_KEYS = {
    Qt.Key.Key_1: Rating.AGAIN,
    Qt.Key.Key_2: Rating.HARD,
    Qt.Key.Key_3: Rating.GOOD,
    Qt.Key.Key_4: Rating.EASY,
}


class Reviewer(QWidget):
    finished = Signal()  # no card left in this session: show the summary
    back_requested = Signal()
    edit_requested = Signal(object)  # the current card's id (E): the window opens the editor

    def __init__(self, media_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Reviewer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.session: ReviewSession | None = None

        self.back_button = QPushButton("‹  Decks")
        self.back_button.setObjectName("BackButton")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.setToolTip("Back to the deck list (Esc)")
        self.back_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.back_button.clicked.connect(self.back_requested)
        self.deck_label = QLabel()
        self.deck_label.setObjectName("ReviewerDeck")
        self.deck_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.undo_hint = QLabel("Ctrl+Z undo")
        policy = self.undo_hint.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # keeps the deck name centred
        self.undo_hint.setSizePolicy(policy)
        self.undo_hint.setObjectName("KeyHint")
        self.undo_hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        header = QWidget()
        header.setObjectName("ReviewerHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        header_layout = QGridLayout(header)  # equal side columns keep the deck name centred
        header_layout.setContentsMargins(12, 8, 16, 8)
        header_layout.addWidget(self.back_button, 0, 0, Qt.AlignmentFlag.AlignLeft)
        header_layout.addWidget(self.deck_label, 0, 1)
        header_layout.addWidget(self.undo_hint, 0, 2)
        for column in (0, 2):
            header_layout.setColumnMinimumWidth(column, 150)
            header_layout.setColumnStretch(column, 1)

        self.card_view = CardView(media_dir)
        self.counts_bar = CountsBar()
        self.answer_bar = AnswerBar()
        self.answer_bar.reveal_clicked.connect(self.reveal)
        self.answer_bar.rated.connect(self.answer)

        footer = QWidget()
        footer.setObjectName("ReviewerFooter")
        footer.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        footer_layout = QVBoxLayout(footer)
        footer_layout.setContentsMargins(16, 10, 16, 16)
        footer_layout.setSpacing(10)
        footer_layout.addWidget(self.counts_bar)
        footer_layout.addWidget(self.answer_bar)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.card_view, 1)
        layout.addWidget(footer)

    # -- the session -------------------------------------------------------------------------------

    def start(self, session: ReviewSession) -> None:
        """Study ``session`` from its first card; emits ``finished`` at once if nothing is due."""
        self.session = session
        self.deck_label.setText(session.deck.name)
        session.next_card()
        self._show_current()

    @property
    def revealed(self) -> bool:
        return self.answer_bar.ratings_shown

    def _show_current(self) -> None:
        session = self.session
        if session is None:
            return
        card = session.current
        self.undo_hint.setVisible(session.can_undo)
        if card is None:
            self.finished.emit()
            return
        self.counts_bar.set_counts(session.counts(), queue_of(card.schedule.state))
        self.card_view.show_faces(card_faces(card), revealed=False)
        self.answer_bar.show_reveal()

    def reveal(self) -> None:
        session = self.session
        if session is None or session.current is None or self.revealed:
            return
        card = session.current
        self.card_view.show_faces(card_faces(card), revealed=True)
        self.answer_bar.show_ratings(session.interval_labels())

    def answer(self, rating: Rating) -> None:
        session = self.session
        if session is None or session.current is None or not self.revealed:
            return
        try:
            session.answer(rating)
        except StaleCardError as error:
            show_message(self, QMessageBox.Icon.Warning, "Card changed", f"{error}\nThe card is shown again.")
            session.next_card()
        self._show_current()

    def show_edited(self, card: Card) -> None:
        """The current card again after its note was edited, on the same side; the session is untouched."""
        session = self.session
        if session is None or session.current is None or session.current.id != card.id:
            return
        session.current = card
        self.card_view.show_faces(card_faces(card), revealed=self.revealed)

    def undo(self) -> bool:
        """Take back the last answer and show that card's question again."""
        session = self.session
        if session is None or not session.can_undo:
            return False
        session.undo()
        self._show_current()
        return True

    # -- keys --------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
        elif key == Qt.Key.Key_E:
            if self.session is not None and self.session.current is not None and not event.isAutoRepeat():
                self.edit_requested.emit(self.session.current.id)
        elif key == Qt.Key.Key_Escape:
            self.back_requested.emit()
        elif key in _REVEAL_KEYS:
            if event.isAutoRepeat():
                return  # holding Space must not race through cards
            if self.revealed:
                self.answer(Rating.GOOD)
            else:
                self.reveal()
        elif key in _RATING_KEYS:
            if not event.isAutoRepeat():
                self.answer(_RATING_KEYS[key])
        elif key in _SCROLL_KEYS:  # a long card scrolls; the text itself never takes the focus
            self.card_view.verticalScrollBar().triggerAction(_SCROLL_KEYS[key])
        else:
            super().keyPressEvent(event)
