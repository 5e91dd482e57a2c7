"""The quiz mode in the reviewer's header: Flip | Type | Choice, the session's mode checked.

A click switches the session (``Quiz.switch``): the card on screen is asked again in the new mode unless
its answer is already saved (after a multiple-choice pick the next card comes in the new mode), and the
deck remembers the mode as if it had been chosen beside Study. The buttons never take the focus: the
keys stay with the reviewer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from studyapp.core.model import ReviewMode
from studyapp.ui.decks.deck_list import QuizModeChooser


class ReviewerModeControl(QuizModeChooser):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("QuizModeChooser")
        self.setToolTip("How the cards of this session are quizzed (click to switch)")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_mode(self, requested: ReviewMode, shown: ReviewMode) -> None:
        """``requested``: the session's mode, checked; ``shown``: how the card on screen is quizzed, in the tooltip."""
        self.set_mode(requested)
        note = "" if shown is requested else f" (this card: {shown.value})"
        self.setToolTip(f"How the cards of this session are quizzed{note}; click to switch")
