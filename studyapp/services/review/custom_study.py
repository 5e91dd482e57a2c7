"""Custom study, as Anki's basics: more new cards or reviews today (an extension of the day's limits, see
``services.decks.limit_extensions``), reviewing ahead the cards due in the next days, and the cards forgotten lately.

Reviewing ahead and the forgotten cards are a ``CustomSession``: a study session over a fixed list of cards, each
answered as any answer is (one log row with its real time, so FSRS sees the real elapsed time since the last review
and a card answered early gets the smaller gain it deserves; Check replays it like any other). Nothing else changes:
the cards stay in their decks, and an answer counts in today's figures as usual.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from studyapp.core.clock import Clock
from studyapp.core.model import Card, CardState, ReviewMode
from studyapp.core.wording import plural
from studyapp.services.decks.decks import study_day
from studyapp.services.decks.limit_extensions import MAX_EXTRA, extend_limits, extended_figures
from studyapp.services.decks.tree import build_tree, walk
from studyapp.services.review.review import LEARN_AHEAD, QueueCounts, ReviewSession
from studyapp.storage import Collection
from studyapp.storage.review.custom_study_store import cards_forgotten_since, review_cards_due_between, studyable

MAX_CARDS = 9999  # cards in one custom session
MAX_DAYS = 365


@dataclass(frozen=True)
class Leftover:
    """What today's limits hold back in a deck and its subdecks: new cards not yet seen and reviews due today."""

    new: int
    review: int


def _subtree_ids(collection: Collection, deck_id: int) -> list[int]:
    deck = collection.decks.get(deck_id)
    if deck is None:
        raise KeyError(f"no deck with id {deck_id}")
    prefix = deck.name + "::"
    return [deck.id] + [d.id for d in collection.decks.all() if d.name.startswith(prefix)]


def leftover(collection: Collection, deck_id: int, clock: Clock) -> Leftover:
    """New cards and reviews of the deck (with its subdecks) that are there today but beyond its limits."""
    ids = _subtree_ids(collection, deck_id)
    start, end = study_day(collection, clock)
    figures = extended_figures(collection, start, collection.decks.figures(start, end, ids))
    root = collection.decks.get(deck_id)
    assert root is not None
    tree = build_tree(figures, root=root.name)
    node = next(n for n in walk(tree) if n.name == root.name)
    new = sum(f.new_available for f in figures) - node.new
    review = sum(f.review_due_today for f in figures) - node.due
    return Leftover(max(0, new), max(0, review))


def _checked(count: int, what: str, most: int) -> int:
    if not 1 <= count <= most:
        raise ValueError(f"{what} must be 1 to {most:,}, not {count:,}")
    return count


def increase_new_limit(collection: Collection, deck_id: int, clock: Clock, count: int) -> str:
    """Allow ``count`` more new cards today in the deck and its subdecks; returns what was done, in a sentence."""
    start, _end = study_day(collection, clock)
    extend_limits(collection, deck_id, start, new=_checked(count, "new cards", MAX_EXTRA))
    return f"Today's limit of new cards is raised by {count:,}, until the day ends."


def increase_review_limit(collection: Collection, deck_id: int, clock: Clock, count: int) -> str:
    """Allow ``count`` more reviews today in the deck and its subdecks; returns what was done, in a sentence."""
    start, _end = study_day(collection, clock)
    extend_limits(collection, deck_id, start, review=_checked(count, "reviews", MAX_EXTRA))
    return f"Today's limit of reviews is raised by {count:,}, until the day ends."


def ahead_cards(collection: Collection, deck_id: int, clock: Clock, days: int) -> list[int]:
    """The review cards due in the ``days`` study days after today (today's are in the deck's own queue)."""
    _start, end = study_day(collection, clock)
    until = end + timedelta(days=_checked(days, "days", MAX_DAYS))
    ids = _subtree_ids(collection, deck_id)
    return review_cards_due_between(collection.db, ids, end, until, clock.now(), MAX_CARDS)


def forgotten_cards(collection: Collection, deck_id: int, clock: Clock, days: int) -> list[int]:
    """The cards answered Again today or in the ``days - 1`` study days before."""
    start, _end = study_day(collection, clock)
    since = start - timedelta(days=_checked(days, "days", MAX_DAYS) - 1)
    ids = _subtree_ids(collection, deck_id)
    return cards_forgotten_since(collection.db, ids, since, clock.now(), MAX_CARDS)


class CustomSession(ReviewSession):
    """A study session over a fixed list of cards (reviewing ahead, forgotten cards), in their order.

    A card answered Again comes back in the session when its relearning step is due (as in a deck's own session,
    shown up to 20 minutes early when nothing else is left). A card suspended, buried or deleted meanwhile is
    skipped. The answers are normal answers: limits, the log and undo work as in any session.
    """

    def __init__(
        self,
        collection: Collection,
        deck_id: int,
        clock: Clock,
        rng: random.Random,
        card_ids: list[int],
        title: str,
        mode: ReviewMode = ReviewMode.FLIP,
    ) -> None:
        super().__init__(collection, deck_id, clock, rng, mode=mode)
        self.card_ids = list(dict.fromkeys(card_ids))
        self.title = title  # what the session is, for the reviewer and the summary: "Review ahead"

    def _pending(self) -> list[int]:
        answered = self.summary.answers_by_card
        return [card_id for card_id in self.card_ids if card_id not in answered]

    def _learning_members(self, now: datetime) -> list[Card]:
        """The session's answered cards now in (re)learning and studyable, soonest due first."""
        answered = list(self.summary.answers_by_card)
        ids = studyable(self._collection.db, answered, now) if answered else set()
        cards = [card for card_id in answered if card_id in ids and (card := self._reviews.card(card_id)) is not None]
        learning = [c for c in cards if c.schedule.state in (CardState.LEARNING, CardState.RELEARNING)]
        return sorted(learning, key=lambda c: (c.schedule.due or now, c.id))

    def _compute_counts(self, start: datetime, end: datetime, stamp: tuple[int, int] | None = None) -> QueueCounts:
        now = self._clock.now()
        pending = self._pending()
        left = len(studyable(self._collection.db, pending, now)) if pending else 0
        learning = sum(1 for c in self._learning_members(now) if c.schedule.due is None or c.schedule.due < end)
        return QueueCounts(new=0, learning=learning, review=left)

    def _next_card(self, day_start: datetime, day_end: datetime, stamp: tuple[int, int] | None = None) -> Card | None:
        now = self._clock.now()
        self._counts = self._compute_counts(day_start, day_end, stamp)
        learning = self._learning_members(now)
        card = next((c for c in learning if c.schedule.due is None or c.schedule.due <= now), None)
        if card is None:
            pending = self._pending()
            ids = studyable(self._collection.db, pending[:50], now) if pending else set()
            card = next((c for i in pending[:50] if i in ids and (c := self._reviews.card(i)) is not None), None)
        if card is None:
            card = next(
                (c for c in learning if c.schedule.due is not None and c.schedule.due <= now + LEARN_AHEAD), None
            )
        self.current = card
        self._shown_at = now if card is not None else None
        if card is None:
            self.summary.next_due = min((c.schedule.due for c in learning if c.schedule.due is not None), default=None)
            if self.summary.next_due is None:
                self.summary.next_due = self._reviews.next_due_after(self.deck_ids, now)
        return card

    def upcoming(self, limit: int = 2) -> list[Card]:
        """The next cards of the list (for the window's picture prefetch)."""
        if self.current is None or limit <= 0:
            return []
        ahead = [i for i in self._pending() if i != self.current.id][:limit]
        return [card for i in ahead if (card := self._reviews.card(i)) is not None]


def review_ahead_session(
    collection: Collection, deck_id: int, clock: Clock, rng: random.Random, days: int, mode: ReviewMode
) -> CustomSession:
    ids = ahead_cards(collection, deck_id, clock, days)
    return CustomSession(collection, deck_id, clock, rng, ids, f"Review ahead ({plural(days, 'day')})", mode)


def forgotten_session(
    collection: Collection, deck_id: int, clock: Clock, rng: random.Random, days: int, mode: ReviewMode
) -> CustomSession:
    ids = forgotten_cards(collection, deck_id, clock, days)
    what = "today" if days == 1 else f"in the last {days:,} days"
    return CustomSession(collection, deck_id, clock, rng, ids, f"Forgotten {what}", mode)
