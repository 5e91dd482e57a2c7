"""The card browser's bulk actions on the selected cards, each one transaction and each undoable.

Before an action writes, it reads the columns it is about to change (inside the same transaction), and
keeps them on an undo stack; an undo writes them back, again in one transaction. A deletion keeps the
whole note and card rows and inserts them again, ids and progress included; the review log is never
touched, so an undone deletion finds the cards' history where it was. Only the changed columns are
kept, so undoing "add tags" does not take back an edit of the note's text made since.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from studyapp.core.clock import Clock
from studyapp.core.deck_names import deck_name_problem
from studyapp.core.flags import flag_name, valid_flag
from studyapp.core.ids import new_id
from studyapp.core.model import CardState, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.due_date import DueDateError, due_after, parse_due_days
from studyapp.services.decks.decks import study_day
from studyapp.storage import Collection
from studyapp.storage.codec import SCHEDULE_FIELDS, schedule_from_row, to_ms
from studyapp.storage.notes.bulk_store import BulkStore, Snapshot
from studyapp.storage.review.schedule_changes_store import StaleScheduleError

_RESET_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "position")


class BulkActionError(Exception):
    """An action that cannot run (an empty deck name, say); the message is one line for the user."""


@dataclass(frozen=True)
class Change:
    """What one action changed, enough to take it back."""

    label: str
    count: int  # cards acted on, for the status line
    restore: tuple[Snapshot, ...] = ()  # column values to write back
    reinsert: tuple[Snapshot, ...] = ()  # deleted rows to insert again, notes before cards
    created_decks: tuple[int, ...] = ()
    schedule_changes: tuple[int, ...] = ()  # logged schedule changes (a reset's) that an undo removes
    left_alone: int = 0  # cards the action did not apply to (set due date: new cards)
    why_left: str = ""


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed: separated by spaces or commas, without repeats."""
    seen: dict[str, None] = {}
    for tag in text.replace(",", " ").split():
        seen.setdefault(tag, None)
    return tuple(seen)


class BrowserActions:
    """The bulk actions of one browser window, and its undo stack."""

    def __init__(self, collection: Collection, clock: Clock, rng: random.Random) -> None:
        self.collection = collection
        self.clock = clock
        self.rng = rng
        self.store = BulkStore.of(collection)
        self._undo: list[Change] = []

    # -- undo --------------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    def undo(self) -> Change | None:
        """Take back the latest action, in one transaction; None if there is nothing to undo."""
        if not self._undo:
            return None
        change = self._undo[-1]
        with self.collection.transaction():
            try:
                self.collection.schedule_changes.delete(change.schedule_changes)
            except StaleScheduleError:
                self._undo.pop()  # it can never be undone now: let the undo before it be reached
                raise BulkActionError(
                    f"{change.label} cannot be undone: cards were studied or rescheduled since"
                ) from None
            for snapshot in change.reinsert:
                self.store.insert(snapshot)
            for snapshot in change.restore:
                self.store.restore(snapshot)
            for deck_id in change.created_decks:
                self.store.delete_empty_deck(deck_id)
        self._undo.pop()
        return change

    def _done(self, change: Change) -> Change:
        self._undo.append(change)
        return change

    # -- card actions ------------------------------------------------------------------------------

    def _set_cards(self, label: str, card_ids: Sequence[int], values: dict[str, object]) -> Change | None:
        if not card_ids:
            return None
        with self.collection.transaction():
            before = self.store.snapshot("cards", tuple(values), card_ids)
            self.store.set_values("cards", card_ids, values)
        return self._done(Change(label, len(before.rows), restore=(before,)))

    def set_suspended(self, card_ids: Sequence[int], suspended: bool) -> Change | None:
        return self._set_cards("Suspend" if suspended else "Unsuspend", card_ids, {"suspended": int(suspended)})

    def toggle_suspended(self, card_ids: Sequence[int]) -> Change | None:
        """Suspend the cards, or unsuspend them if every one already is (Ctrl+J)."""
        current = self.store.snapshot("cards", ("suspended",), card_ids).rows
        all_suspended = bool(current) and all(row[1] for row in current)
        return self.set_suspended(card_ids, not all_suspended)

    def bury(self, card_ids: Sequence[int]) -> Change | None:
        """Hide the cards from study until the end of today's study day."""
        _start, end = study_day(self.collection, self.clock)
        return self._set_cards("Bury", card_ids, {"buried_until": to_ms(end)})

    def set_flag(self, card_ids: Sequence[int], flag: int) -> Change | None:
        """Flag the cards with a colour (1-7), or clear their flag (0)."""
        if not valid_flag(flag):
            raise BulkActionError(f"there is no flag {flag}: flags go from 1 to 7, 0 clears")
        label = f"{flag_name(flag)} flag" if flag else "Remove flag"
        return self._set_cards(label, card_ids, {"flag": flag})

    def set_due_date(self, card_ids: Sequence[int], typed: str) -> Change | None:
        """Give the cards a due date as typed (``0`` today, ``1`` tomorrow, ``1-7`` a random day in that range, a
        trailing ``!`` also makes that the interval), each a logged ``set_due`` change that an undo removes.
        New cards have no schedule to move (as in Anki with FSRS, they keep their place): they are left alone and
        counted; a learning card becomes a review card due that day."""
        try:
            days = parse_due_days(typed)
        except DueDateError as error:
            raise BulkActionError(str(error)) from None
        if not card_ids:
            return None
        now = self.clock.now()
        now -= timedelta(microseconds=now.microsecond % 1000)  # stored to the millisecond
        with self.collection.transaction():
            before = self.store.snapshot("cards", SCHEDULE_FIELDS, card_ids)
            changes = []
            for row in before.rows:
                schedule = schedule_from_row(dict(zip(SCHEDULE_FIELDS, row[1:], strict=True)))
                if schedule.state is CardState.NEW or schedule.stability is None:
                    continue
                at = now
                latest = schedule.last_review
                if latest is not None and at <= latest:  # after the card's last answer, in time order
                    at = latest + timedelta(milliseconds=1)
                after = replace(schedule, state=CardState.REVIEW, step=None, due=due_after(at, days.draw(self.rng)))
                if days.reset_interval:
                    after = replace(after, last_review=at)
                changes.append(
                    ScheduleChange(new_id(self.rng), row[0], at, ScheduleChangeKind.SET_DUE, schedule, after)
                )
            try:
                self.collection.schedule_changes.apply(changes)
            except StaleScheduleError as error:
                raise BulkActionError(str(error)) from None
        left = len(before.rows) - len(changes)
        why = f"{left:,} new card{'s have' if left != 1 else ' has'} no due date to set" if left else ""
        if not changes:
            raise BulkActionError(why or "no card to set a due date for")
        logged = tuple(change.id for change in changes)
        change = Change("Set due date", len(changes), restore=(before,), schedule_changes=logged, left_alone=left,
                        why_left=why)  # fmt: skip
        return self._done(change)

    def reset(self, card_ids: Sequence[int]) -> Change | None:
        """Make the cards new again, after the last card of their deck's new order. The review log stays,
        and each card that had progress gets a logged ``reset`` change, so its state follows from its history."""
        if not card_ids:
            return None
        with self.collection.transaction():
            before = self.store.snapshot("cards", _RESET_COLUMNS, card_ids)
            next_position: dict[int, int] = {}
            rows = []
            for card_id, deck_id, _position in self.store.deck_and_position(card_ids):
                if deck_id not in next_position:
                    next_position[deck_id] = self.collection.notes.next_position(deck_id)
                rows.append((card_id, int(CardState.NEW), None, None, None, None, None, 0, 0, next_position[deck_id]))
                next_position[deck_id] += 1
            self.store.set_rows("cards", _RESET_COLUMNS, rows)
            now = self.clock.now()
            changes = []
            for row in before.rows:
                schedule = schedule_from_row(dict(zip(SCHEDULE_FIELDS, row[1:], strict=False)))
                if schedule != Schedule():
                    changes.append(
                        ScheduleChange(new_id(self.rng), row[0], now, ScheduleChangeKind.RESET, schedule, Schedule())
                    )
            self.collection.schedule_changes.record(changes)
        logged = tuple(change.id for change in changes)
        return self._done(Change("Reset progress", len(before.rows), restore=(before,), schedule_changes=logged))

    def change_deck(self, card_ids: Sequence[int], deck_name: str) -> Change | None:
        """Move the cards (and their notes) to a deck, made if there is none of that name.

        Moved cards go to the end of the new deck's order, keeping their order among themselves.
        """
        name = " ".join(deck_name.split())
        if not name:
            raise BulkActionError("the deck name is empty")
        problem = deck_name_problem(name)
        if problem is not None:
            raise BulkActionError(problem)
        if not card_ids:
            return None
        with self.collection.transaction():
            created: tuple[int, ...] = ()
            deck = self.collection.decks.by_name(name)
            if deck is None:
                deck = self.collection.decks.create(new_id(self.rng), name, "", self.clock.now())
                created = (deck.id,)
            note_ids = self.store.note_ids_of_cards(card_ids)
            cards_before = self.store.snapshot("cards", ("deck_id", "position"), card_ids)
            notes_before = self.store.snapshot("notes", ("deck_id",), note_ids)
            position = self.collection.notes.next_position(deck.id)
            ordered = self.store.deck_and_position(card_ids)
            self.store.set_rows(
                "cards", ("deck_id", "position"), ((row[0], deck.id, position + i) for i, row in enumerate(ordered))
            )
            self.store.set_values("notes", note_ids, {"deck_id": deck.id})
        change = Change(f"Change deck to {name}", len(cards_before.rows), (cards_before, notes_before), (), created)
        return self._done(change)

    # -- note actions ------------------------------------------------------------------------------

    def _edit_tags(self, label: str, card_ids: Sequence[int], edit: Callable[[str], str]) -> Change | None:
        if not card_ids:
            return None
        with self.collection.transaction():
            note_ids = self.store.note_ids_of_cards(card_ids)
            before = self.store.snapshot("notes", ("tags", "modified_at"), note_ids)
            stamp = to_ms(self.clock.now())
            changed = [(row[0], edit(row[1]), stamp) for row in before.rows if edit(row[1]) != row[1]]
            self.store.set_rows("notes", ("tags", "modified_at"), changed)
        return self._done(Change(label, len(card_ids), restore=(before,)))

    def add_tags(self, card_ids: Sequence[int], tags: Iterable[str]) -> Change | None:
        """Add tags to the notes of the cards (a tag they already have is not repeated)."""
        wanted = parse_tags(" ".join(tags))
        if not wanted:
            raise BulkActionError("no tags given")

        def edit(stored: str) -> str:
            have = stored.split()
            known = {tag.casefold() for tag in have}
            return " ".join(have + [tag for tag in wanted if tag.casefold() not in known])

        return self._edit_tags("Add tags", card_ids, edit)

    def remove_tags(self, card_ids: Sequence[int], tags: Iterable[str]) -> Change | None:
        """Remove tags (ignoring case) from the notes of the cards."""
        unwanted = {tag.casefold() for tag in parse_tags(" ".join(tags))}
        if not unwanted:
            raise BulkActionError("no tags given")

        def edit(stored: str) -> str:
            return " ".join(tag for tag in stored.split() if tag.casefold() not in unwanted)

        return self._edit_tags("Remove tags", card_ids, edit)

    def delete_notes(self, card_ids: Sequence[int]) -> Change | None:
        """Delete the notes of the cards, with all their cards. Their review log rows stay."""
        if not card_ids:
            return None
        with self.collection.transaction():
            note_ids = self.store.note_ids_of_cards(card_ids)
            notes = self.store.whole_rows("notes", note_ids)
            cards = self.store.whole_rows("cards", self.store.card_ids_of_notes(note_ids))
            self.store.delete_notes(note_ids)
        return self._done(Change("Delete", len(cards.rows), reinsert=(notes, cards)))
