"""The reviewer's keys for acting on the card on screen, as Anki's: ``-`` buries it until tomorrow, ``@`` suspends it,
Ctrl+1 to Ctrl+7 flag it with a colour (the same key again, or Ctrl+0, clears the flag), Ctrl+Delete deletes its note
(after asking), I shows the card's info, Ctrl+Shift+D sets its due date. Ctrl+Z takes back the latest action or
answer, whichever came last (:class:`studyapp.services.notes.card_actions.ReviewActions`).

What was done shows for a moment in the header where "Ctrl+Z undo" stands; the card's flag is a coloured mark
before the deck's name.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox

from studyapp.core.flags import FLAG_COLOURS, flag_name
from studyapp.core.model import Card
from studyapp.services.app import StorageError
from studyapp.services.notes.card_actions import ActionError, Done, ReviewActions
from studyapp.services.review.review import ReviewSession
from studyapp.ui.app.dialogs import show_message
from studyapp.ui.review.actions.card_info import CardInfoDialog
from studyapp.ui.review.actions.set_due_dialog import SetDueDialog

if TYPE_CHECKING:
    from studyapp.ui.review.reviewer import Reviewer

_FLAG_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(8)}
_CTRL = Qt.KeyboardModifier.ControlModifier
_KEYPAD = Qt.KeyboardModifier.KeypadModifier
UNDO_HINT = "Ctrl+Z undo"


class ReviewerCardActions(QObject):
    """Wired into the :class:`Reviewer`: it offers keys here first, and asks here for Ctrl+Z."""

    def __init__(self, reviewer: Reviewer) -> None:
        super().__init__(reviewer)
        self.reviewer = reviewer
        self.actions: ReviewActions | None = None
        self.info_dialog: CardInfoDialog | None = None
        self.due_dialog: SetDueDialog | None = None
        self.delete_box: QMessageBox | None = None

    def start(self, session: ReviewSession) -> None:
        self.actions = ReviewActions(session)

    @property
    def can_undo(self) -> bool:
        return self.actions is not None and self.actions.can_undo

    # -- keys --------------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """Act on the key if it is one of these actions' (True: taken)."""
        if self.actions is None or self.actions.session.current is None or event.isAutoRepeat():
            return False
        if self.reviewer.choice_made:  # the card on screen was answered already; the session has moved on
            return False
        key, modifiers = event.key(), event.modifiers() & ~_KEYPAD
        if modifiers == _CTRL and key in _FLAG_KEYS:
            self._run(lambda actions: actions.toggle_flag(_FLAG_KEYS[key]))
        elif modifiers == _CTRL and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.ask_delete()
        elif modifiers == _CTRL | Qt.KeyboardModifier.ShiftModifier and key == Qt.Key.Key_D:
            self.ask_due_date()
        elif event.text() == "-" and not modifiers & _CTRL:
            self._run(lambda actions: actions.bury())
        elif event.text() == "@":
            self._run(lambda actions: actions.suspend())
        elif key == Qt.Key.Key_I and not modifiers:
            self.show_info()
        else:
            return False
        return True

    def _run(self, action: Callable[[ReviewActions], Done]) -> Done | None:
        actions = self.actions
        if actions is None:
            return None
        shown = actions.session.current
        try:
            done = action(actions)
        except ActionError as error:
            show_message(self.reviewer, QMessageBox.Icon.Information, "Not done", str(error))
            return None
        except StorageError as error:
            self.reviewer.show_storage_error(error)
            return None
        if actions.session.current is not shown:
            self.reviewer._show_current()
        else:
            self.card_shown(shown)
        self.say(done.message)
        return done

    # -- undo --------------------------------------------------------------------------------------

    def undo(self) -> bool:
        """Ctrl+Z: the latest action or answer taken back, its card shown again."""
        actions = self.actions
        if actions is None:
            return False
        try:
            done = actions.undo()
        except ActionError as error:
            show_message(self.reviewer, QMessageBox.Icon.Information, "Not undone", str(error))
            return False
        except StorageError as error:
            self.reviewer.show_storage_error(error)
            return False
        if done is None:
            return False
        self.reviewer._show_current()
        self.say(done.message)
        return True

    # -- what is shown -----------------------------------------------------------------------------

    def card_shown(self, card: Card | None) -> None:
        """A card is on screen (or none): its flag before the deck name, and the undo hint."""
        reviewer = self.reviewer
        actions = self.actions
        name = html.escape(actions.session.deck.name) if actions is not None else ""
        flag = actions.marks.flag(card.id) if actions is not None and card is not None else 0
        if flag:
            mark = f'<span style="color:{FLAG_COLOURS[flag]}">&#9873;</span>&nbsp;'
            reviewer.deck_label.setText(f"{mark}{name}")
            reviewer.deck_label.setToolTip(f"{flag_name(flag)} flag (Ctrl+{flag} clears it)")
        else:
            reviewer.deck_label.setText(name)
            reviewer.deck_label.setToolTip("")
        reviewer.undo_hint.setText(UNDO_HINT)
        reviewer.undo_hint.setVisible(self.can_undo)

    def say(self, message: str) -> None:
        """What was just done, where the undo hint stands (until the next card)."""
        hint = self.reviewer.undo_hint
        hint.setText(f"{message} · {UNDO_HINT}" if self.can_undo else message)
        hint.setToolTip(hint.text())
        hint.setVisible(bool(message))

    # -- the dialogs -------------------------------------------------------------------------------

    def show_info(self) -> CardInfoDialog | None:
        actions = self.actions
        card = None if actions is None else actions.session.current
        if actions is None or card is None:
            return None
        collection, clock, _rng = actions.session.parts()
        if self.info_dialog is None:
            self.info_dialog = CardInfoDialog(self.reviewer)
        self.info_dialog.show_card(collection, card.id, clock)
        return self.info_dialog

    def ask_due_date(self) -> SetDueDialog:
        dialog = self.due_dialog = SetDueDialog(self.reviewer)
        dialog.accepted.connect(lambda: self._run(lambda actions: actions.set_due_date(dialog.typed())))
        dialog.open()
        return dialog

    def ask_delete(self) -> QMessageBox:
        box = self.delete_box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete note",
            "Delete this card's note, with all its cards?\nTheir review history is kept; Ctrl+Z brings them back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.reviewer,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(button: object) -> None:
            if box.standardButton(button) is QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
                self._run(lambda actions: actions.delete_note())

        box.buttonClicked.connect(answered)
        box.open()
        return box
