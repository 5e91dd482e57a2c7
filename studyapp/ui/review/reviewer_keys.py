"""The study keys, as Anki's: Space or Enter reveals (and, once revealed, answers Good or the suggested
grade); 1 to 4 answer (or pick an option); Ctrl+Z undoes; E edits; R replays the audio; Escape goes back to
the decks; the arrow and page keys scroll a long card. The card actions' keys (``actions.card_actions``) first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSlider

from studyapp.core.model import Rating, ReviewMode

if TYPE_CHECKING:
    from studyapp.ui.review.reviewer import Reviewer

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


def handle_study_key(reviewer: Reviewer, event: QKeyEvent) -> bool:
    """Act on a key pressed in the reviewer; False: not a study key (the widget's own handling goes on)."""
    if reviewer.card_actions.handle_key(event):
        return True
    key = event.key()
    if event.matches(QKeySequence.StandardKey.Undo):
        reviewer.undo()
    elif event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
        return False
    elif key == Qt.Key.Key_E:
        if reviewer.shown_card is not None and not event.isAutoRepeat():
            reviewer.edit_requested.emit(reviewer.shown_card.id)
    elif key == Qt.Key.Key_Escape:
        reviewer.back_requested.emit()
    elif key == Qt.Key.Key_R:
        if not event.isAutoRepeat():
            reviewer.replay()
    elif key in _REVEAL_KEYS or key in _RATING_KEYS:
        if not event.isAutoRepeat():  # holding a key must not race through cards
            answer_key(reviewer, key)
    elif key in _SCROLL_KEYS:  # a long card scrolls; the text itself never takes the focus
        reviewer.card_view.verticalScrollBar().triggerAction(_SCROLL_KEYS[key])
    else:
        return False
    return True


def answer_key(reviewer: Reviewer, key: int) -> None:
    """Space, Enter or 1-4, as the card on screen takes them."""
    if reviewer.choice_made:
        reviewer.go_on()
    elif reviewer.card_mode is ReviewMode.CHOICE:
        if key in _RATING_KEYS:
            reviewer.choose(int(_RATING_KEYS[key]) - 1)
    elif key in _RATING_KEYS:
        reviewer.answer(_RATING_KEYS[key])
    elif reviewer.revealed:
        reviewer.answer(reviewer.answer_bar.suggested or Rating.GOOD)
    elif reviewer.card_mode is ReviewMode.TYPE:
        reviewer.check_typed(reviewer.typed_input.text())
    else:
        reviewer.reveal()
