"""A session's learning cards, kept in memory between answers, as Anki keeps its intraday learning queue.

Which learning card comes next is the one due soonest (then the lowest id) among those that can be studied by a
moment: due by then and not buried past it. Asking the collection each time walks an index per deck and state,
about a tenth of a millisecond on a fifth of all answers (a learning card comes back minutes after its answer);
most of those cards were answered in this very session, so their new schedule is already known here.

The queue is read once (the ids and due times of the first ``limit`` learning cards by the moment each can be
studied) and then kept up to date by the session's own answers. It is only as good as the session's knowledge:
the session drops it whenever anything else was written to the collection (its figures' key), and reads it
again past its ``horizon``, beyond which cards that were not read may be waiting.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime

from studyapp.core.model import Card, CardState, Schedule

_LEARNING_STATES = (CardState.LEARNING, CardState.RELEARNING)


class LearningQueue:
    """The learning cards of a session's decks: ``first_by(moment)`` names the one to study next."""

    def __init__(self, cards: Iterable[tuple[int, datetime, datetime]], horizon: datetime | None) -> None:
        """``cards``: each card's id, due time and the first moment it can be studied (its burial's end if that is
        later); ``horizon``: every learning card that can be studied before it is among them (None: every
        learning card is)."""
        self.horizon = horizon
        self._entries: dict[int, tuple[datetime, datetime, Card | None]] = {}
        for card_id, due, start in cards:
            self._entries[card_id] = (due, start, None)
        self._heap = [(due, card_id) for card_id, (due, _start, _card) in self._entries.items()]
        heapq.heapify(self._heap)

    def covers(self, moment: datetime) -> bool:
        """Whether ``first_by(moment)`` is the collection's answer (else the queue must be read again)."""
        return self.horizon is None or moment < self.horizon

    def first_by(self, moment: datetime) -> int | None:
        """The id of the card due soonest (then the lowest id) among those that can be studied by ``moment``."""
        heap, entries = self._heap, self._entries
        while heap:
            due, card_id = heap[0]
            entry = entries.get(card_id)
            if entry is not None and entry[0] == due:
                break
            heapq.heappop(heap)  # answered, or due at another time since it was pushed
        else:
            return None
        if due > moment:
            return None
        if entry[1] <= moment:
            return card_id
        # The soonest is buried past the moment (rare): the soonest of those that are not.
        ready = [(due, card_id) for card_id, (due, start, _card) in entries.items() if due <= moment >= start]
        return min(ready)[1] if ready else None

    def soonest(self, moment: datetime, limit: int) -> list[int]:
        """The ids of up to ``limit`` cards that can be studied by ``moment``, soonest due first (a guess at what
        comes next: it walks every card, so it is not for the answer path)."""
        ready = ((due, card_id) for card_id, (due, start, _card) in self._entries.items() if due <= moment >= start)
        return [card_id for _due, card_id in heapq.nsmallest(limit, ready)]

    def card(self, card_id: int) -> Card | None:
        """The card as this session last answered it, if it did (else it must be read)."""
        entry = self._entries.get(card_id)
        return None if entry is None else entry[2]

    def forget(self, card_id: int) -> None:
        """The card is gone (deleted, or no longer in these decks)."""
        self._entries.pop(card_id, None)

    def answered(self, card: Card, after: Schedule) -> None:
        """The session saved an answer to ``card``, which now has the schedule ``after``."""
        entries = self._entries
        entries.pop(card.id, None)
        due = after.due
        if after.state in _LEARNING_STATES and due is not None:
            answered = card.__class__.__new__(card.__class__)  # the card with its new schedule (a fast replace)
            object.__setattr__(answered, "__dict__", {**card.__dict__, "schedule": after})
            entries[card.id] = (due, due, answered)
            heapq.heappush(self._heap, (due, card.id))
