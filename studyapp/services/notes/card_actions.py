"""The reviewer's actions on the card on screen, as Anki's: bury, suspend, flag, delete the note, set the due date;
each undoable with the same Ctrl+Z that takes back answers, in the order they were done.

Each action is one transaction through :class:`BrowserActions` (the browser's own, so both behave alike): bury and
suspend set the card's ``buried_until`` and ``suspended``, which hide it and are not part of its schedule (its
answers and schedule changes still replay to exactly its stored schedule); set due date is a logged ``set_due``
schedule change, which an undo removes; a deleted note's rows are kept and inserted again by an undo, and its cards'
review log is never touched, so they come back with their whole history.

Undo: the session keeps its answers, this class its actions with the number of answers there were when each was
done; the latest of the two goes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.core.model import Card
from studyapp.services.notes.browser_actions import BrowserActions, BulkActionError, Change
from studyapp.services.review.review import ReviewSession
from studyapp.storage.review.card_marks_store import CardMarksStore

__all__ = ["ActionError", "Done", "ReviewActions"]

ActionError = BulkActionError


@dataclass(frozen=True)
class Done:
    """An action or undo done: what to tell the student (one short line) and the card it was about."""

    message: str
    card_id: int


@dataclass(frozen=True)
class _Mark:
    change: Change
    card_id: int
    answers: int  # the session's answers that could be undone when the action was done
    moves_on: bool  # the card left the screen (buried, suspended, deleted, due another day)


class ReviewActions:
    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        collection, clock, rng = session.parts()
        self.actions = BrowserActions(collection, clock, rng)
        self.marks = CardMarksStore.of(collection)
        self._done: list[_Mark] = []

    def _card(self) -> Card:
        card = self.session.current
        if card is None:
            raise ActionError("there is no card on screen")
        return card

    def _record(self, change: Change | None, card: Card, moves_on: bool, message: str) -> Done:
        assert change is not None
        self._done.append(_Mark(change, card.id, self.session.answers_to_undo, moves_on))
        if moves_on:
            self.session.next_card()
        return Done(message, card.id)

    # -- the actions -------------------------------------------------------------------------------

    def bury(self) -> Done:
        """Hide the card until tomorrow (``-``)."""
        card = self._card()
        return self._record(self.actions.bury([card.id]), card, True, "Card buried until tomorrow")

    def suspend(self) -> Done:
        """Hide the card until it is unsuspended in the browser (``@``)."""
        card = self._card()
        return self._record(self.actions.set_suspended([card.id], True), card, True, "Card suspended")

    def flag(self) -> int:
        """The flag of the card on screen (0: none)."""
        card = self.session.current
        return 0 if card is None else self.marks.flag(card.id)

    def toggle_flag(self, flag: int) -> Done:
        """Flag the card with this colour, or clear its flag if it already has it (or if ``flag`` is 0)."""
        card = self._card()
        wanted = 0 if flag == self.marks.flag(card.id) else flag
        change = self.actions.set_flag([card.id], wanted)
        return self._record(change, card, False, change.label if change is not None else "")

    def delete_note(self) -> Done:
        """Delete the card's note with all its cards; their review log stays, for an undo to find."""
        card = self._card()
        change = self.actions.delete_notes([card.id])
        count = change.count if change is not None else 0
        return self._record(change, card, True, f"Note deleted ({count} card{'s' if count != 1 else ''})")

    def set_due_date(self, typed: str) -> Done:
        """Give the card a due date (see :meth:`BrowserActions.set_due_date`); a new card cannot have one."""
        card = self._card()
        change = self.actions.set_due_date([card.id], typed)
        assert change is not None
        moved = self.marks.marks(card.id)
        stored = self.session.show_again(card.id) if moved is not None else None
        due = stored.schedule.due if stored is not None else None
        now = self.session.parts()[1].now()
        moves_on = due is None or due > now
        if not moves_on:
            self.session.current = stored
        return self._record(change, card, moves_on, "Due date set")

    # -- undo --------------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._done) or self.session.can_undo

    def undo(self) -> Done | None:
        """Take back the latest action or answer; the card it was about is shown again. None: nothing to undo.
        Raises :class:`ActionError` if the action can no longer be undone (its card was studied since elsewhere)."""
        session = self.session
        if self._done and self._done[-1].answers == session.answers_to_undo:
            mark = self._done.pop()
            self.actions.undo()
            card = session.show_again(mark.card_id)
            if card is None:  # (gone since, by another window: the queue goes on)
                session.next_card()
            return Done(f"Undone: {mark.change.label.lower()}", mark.card_id)
        if session.can_undo:
            card = session.undo()
            return Done("Answer undone", card.id)
        return None
