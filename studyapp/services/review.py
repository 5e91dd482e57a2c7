"""A study session over one deck: which card comes next, answering it, undoing, and the tally.

The GUI reviewer and ``studyapp review`` in the terminal both drive this class.

Order of cards: learning cards that are due now, then review cards due today (most overdue first),
then new cards in deck order, each within the deck's daily limits. When only learning cards due in the
next 20 minutes are left, they are shown early rather than making the student wait, as in Anki.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from studyapp.core.clock import Clock
from studyapp.core.deck_options import NewOrder
from studyapp.core.ids import new_id
from studyapp.core.intervals import format_interval
from studyapp.core.model import Card, Rating, ReviewEntry, ReviewMode
from studyapp.core.scheduling import Scheduler, fuzz_seed
from studyapp.services.deck_ops import build_tree
from studyapp.services.decks import study_day
from studyapp.services.quiz import Quiz
from studyapp.storage import Collection

LEARN_AHEAD = timedelta(minutes=20)
MAX_ANSWER_TIME_MS = 60_000  # a card left on screen over lunch should not count as an hour of study


@dataclass(frozen=True)
class QueueCounts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass
class SessionSummary:
    answered: int = 0
    ratings: Counter[Rating] = field(default_factory=Counter)
    time_ms: int = 0
    next_due: datetime | None = None


def _whole_ms(moment: datetime) -> datetime:
    """Times are stored to the millisecond; answer at a stored instant so a replay gives the same card."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ReviewSession:
    def __init__(
        self,
        collection: Collection,
        deck_id: int,
        clock: Clock,
        rng: random.Random,
        scheduler: Scheduler | None = None,
        mode: ReviewMode = ReviewMode.FLIP,
    ) -> None:
        deck = collection.decks.get(deck_id)
        if deck is None:
            raise KeyError(f"no deck with id {deck_id}")
        self.deck = deck
        # A deck is studied with its subdecks (Parent::Child), as the deck tree counts it.
        prefix = deck.name + "::"
        self.deck_ids = [deck.id] + [d.id for d in collection.decks.all() if d.name.startswith(prefix)]
        self._collection = collection
        self._reviews = collection.reviews
        self._clock = clock
        self._rng = rng
        # Each card is scheduled with its own deck's options: a subdeck may use another preset than the
        # deck being studied (``scheduler`` overrides them all, for tests and tools).
        self._fixed_scheduler = scheduler
        self._schedulers: dict[int, Scheduler] = {}
        # The quiz mode: multiple choice on a deck with too few answers falls back to flip (see ``notice``).
        self.quiz = Quiz(collection, self.deck_ids, deck.name, mode, rng)
        self._undo_stack: list[ReviewEntry] = []
        self._shown_at: datetime | None = None
        self.current: Card | None = None
        self.summary = SessionSummary()
        self._counts: QueueCounts | None = None  # for the card on screen; reset when it changes

    @property
    def mode(self) -> ReviewMode:
        """The session's quiz mode (after any fall-back to flip)."""
        return self.quiz.mode

    @property
    def notice(self) -> str | None:
        """Why the session is not in the mode asked for, if it is not."""
        return self.quiz.notice

    # -- the queue ---------------------------------------------------------------------------------

    def counts(self) -> QueueCounts:
        """Cards left today; computed once per card shown (the window asks again after each answer)."""
        if self._counts is None:
            self._counts = self._compute_counts()
        return self._counts

    def _compute_counts(self) -> QueueCounts:
        """Cards left to study today in the deck and its subdecks, under the daily limits.

        The same numbers as the deck's row in the deck tree: the subdecks' counts summed, each capped
        by its own limits, then the sum capped by this deck's limits.
        """
        start, end = study_day(self._collection, self._clock)
        figures = self._collection.decks.figures(start, end, self.deck_ids)
        [node] = [n for n in build_tree(figures, root=self.deck.name) if n.name == self.deck.name]
        return QueueCounts(new=node.new, learning=node.learning, review=node.due)

    def next_card(self) -> Card | None:
        """Pick the card to show now (``None`` when the session is done) and start timing it."""
        now = self._clock.now()
        self._counts = None
        counts = self.counts()
        _, day_end = study_day(self._collection, self._clock)
        card = self._reviews.next_learning(self.deck_ids, now)
        if card is None and counts.review > 0:
            card = self._reviews.next_review(self.deck_ids, day_end, now)
        if card is None and counts.new > 0:
            card = self._reviews.next_new(self.deck_ids, now, self.deck.options.new_order is NewOrder.RANDOM)
        if card is None:
            card = self._reviews.next_learning(self.deck_ids, now + LEARN_AHEAD)
        self.current = card
        self._shown_at = now if card is not None else None
        if card is None:
            self.summary.next_due = self._reviews.next_due_after(self.deck_ids, now)
        return card

    def next_due_in(self) -> timedelta | None:
        """How long until the deck's next card falls due, once the session has run out of cards."""
        due = self.summary.next_due
        return None if due is None else max(timedelta(0), due - self._clock.now())

    # -- answering ---------------------------------------------------------------------------------

    def scheduler_for(self, card: Card) -> Scheduler:
        """The scheduler of the card's own deck (its preset's options and parameters)."""
        if self._fixed_scheduler is not None:
            return self._fixed_scheduler
        scheduler = self._schedulers.get(card.deck_id)
        if scheduler is None:
            deck = self._collection.decks.get(card.deck_id) or self.deck
            scheduler = self._schedulers[card.deck_id] = Scheduler(deck.options.scheduler_config())
        return scheduler

    def _fuzz_rng(self, card: Card) -> random.Random:
        return random.Random(fuzz_seed(card.id, card.schedule.reps))

    def intervals(self) -> dict[Rating, timedelta]:
        """What each answer button would give the current card."""
        card = self._require_card()
        return self.scheduler_for(card).preview(
            card.schedule, _whole_ms(self._clock.now()), lambda: self._fuzz_rng(card)
        )

    def interval_labels(self) -> dict[Rating, str]:
        return {rating: format_interval(delta) for rating, delta in self.intervals().items()}

    def answer(self, rating: Rating, duration_ms: int | None = None, mode: ReviewMode | None = None) -> ReviewEntry:
        """Grade the current card, save it (one transaction), and move on to the next card.

        ``mode`` is how the card was quizzed, if not in the session's mode (a card shown with flip in a
        multiple-choice session); it is recorded in the log row.
        """
        card = self._require_card()
        now = _whole_ms(self._clock.now())
        if duration_ms is None:
            shown_at = self._shown_at or now
            duration_ms = int((now - shown_at).total_seconds() * 1000)
        duration_ms = max(0, min(duration_ms, MAX_ANSWER_TIME_MS))
        after = self.scheduler_for(card).answer(card.schedule, rating, now, self._fuzz_rng(card))
        entry = ReviewEntry(
            id=new_id(self._rng),
            card_id=card.id,
            reviewed_at=now,
            rating=rating,
            duration_ms=duration_ms,
            mode=mode or self.mode,
            before=card.schedule,
            after=after,
        )
        self._reviews.record(entry)
        self._undo_stack.append(entry)
        self.summary.answered += 1
        self.summary.ratings[rating] += 1
        self.summary.time_ms += duration_ms
        self.next_card()
        return entry

    @property
    def can_undo(self) -> bool:
        return bool(self._undo_stack)

    def undo(self) -> Card:
        """Take back the last answer of this session; that card is shown again."""
        if not self._undo_stack:
            raise LookupError("nothing to undo")
        entry = self._reviews.undo(self._undo_stack[-1].id)
        self._undo_stack.pop()
        self.summary.answered -= 1
        self.summary.ratings[entry.rating] -= 1
        self.summary.time_ms -= entry.duration_ms
        card = self._reviews.card(entry.card_id)
        assert card is not None
        self.current = card
        self._shown_at = self._clock.now()
        self._counts = None
        return card

    def _require_card(self) -> Card:
        if self.current is None:
            raise LookupError("no card is being studied")
        return self.current
