"""A study session over one deck: which card comes next, answering it, undoing, and the tally.

The GUI reviewer and ``studyapp review`` in the terminal both drive this class.

Order of cards: learning cards that are due now, then review cards due today (most overdue first),
then new cards in deck order, each within the deck's daily limits. When only learning cards due in the
next 20 minutes are left, they are shown early rather than making the student wait, as in Anki.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from studyapp.core.clock import Clock
from studyapp.core.ids import TimeOrderedIds
from studyapp.core.model import Card, Rating, ReviewEntry, ReviewMode, make_review_entry
from studyapp.core.scheduling.days import day_bounds
from studyapp.core.scheduling.deck_options import NewOrder
from studyapp.core.scheduling.intervals import format_interval
from studyapp.core.scheduling.load_balancer import DayLoads
from studyapp.core.scheduling.scheduling import CardFuzz, Scheduler
from studyapp.services.decks.decks import rollover_hour
from studyapp.services.decks.limit_extensions import extended_figures
from studyapp.services.decks.tree import DeckNode, build_tree, fill_nodes
from studyapp.services.review.day_loads import DayLoadBook
from studyapp.services.review.learning_queue import LearningQueue
from studyapp.services.review.queue_figures import QUEUES, after_answer, queue_of, tree_paths
from studyapp.services.review.quiz import Quiz
from studyapp.services.review.session_types import QueueCounts, SessionSummary
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms
from studyapp.storage.decks.decks_store import DeckFigures

LEARN_AHEAD = timedelta(minutes=20)
UPCOMING_LEARNING = timedelta(minutes=1)  # a learning card due within it may come next (``upcoming``)
LEARNING_IN_MEMORY = 1000  # learning cards the session keeps in memory (more: the rest is read when it is due)
MAX_ANSWER_TIME_MS = 60_000  # a card left on screen over lunch should not count as an hour of study


def _whole_ms(moment: datetime) -> datetime:
    """Times are stored to the millisecond; answer at a stored instant so a replay gives the same card."""
    extra = moment.microsecond % 1000
    return moment - timedelta(microseconds=extra) if extra else moment


# The review and new queues are read QUEUE_BATCH ids at a time, and the next CARDS_AHEAD cards' rows with them.
# Reading costs the same per card whatever the batch (about 4 us an id and 5 us a row at 100,000 cards), so a batch
# only decides how often an answer pays for the next one: with 50, one answer in 50 took 0.6 ms more, and those 2%
# of answers were most of the slowest 5% (benchmarks/engine_speed.py: a p95 0.1-0.2 ms above the others'); with 200,
# one in 200 takes 2 ms more. In the window the next batch is read early, while the student looks at a card
# (``upcoming``), so no answer waits for it.
QUEUE_BATCH = 200
CARDS_AHEAD = QUEUE_BATCH


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
        subdecks = [d for d in collection.decks.all() if d.name.startswith(prefix)]
        self.deck_ids = [deck.id] + [d.id for d in subdecks]
        self._decks = {d.id: d for d in (deck, *subdecks)}  # their options: no read at a subdeck's first answer
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
        self._fuzz: CardFuzz | None = None  # the fuzz of the card on screen (its buttons' labels draw it too)
        self._log_ids = TimeOrderedIds(rng)
        self._shown_at: datetime | None = None
        self.current: Card | None = None
        self.summary = SessionSummary()
        self._counts: QueueCounts | None = None  # for the card on screen; reset when it changes
        # Today's figures of each deck of the session, read once and then kept up to date answer by answer
        # (as Anki keeps its queue): valid while the study day and the collection's change stamp are the
        # ones they were made or updated at; anything else written (an edit, the browser, an undo) rereads them.
        self._figures: dict[int, DeckFigures] = {}
        self._figures_by_name: dict[str, DeckFigures] = {}  # the same figures, by deck name (the tree's key)
        self._figures_key: tuple[datetime, tuple[int, int]] | None = None
        self._queues: dict[str, list[int]] = {}  # the next ids of the review and new queues, kept with the figures
        # The rows of the queues' next cards, read with the queue (a few prepared queries for CARDS_AHEAD cards
        # instead of one per answer) and made into cards only when shown.
        self._queued_rows: dict[int, tuple[object, ...]] = {}
        self._hour: tuple[int, tuple[int, int]] | None = None  # the rollover hour, and the change stamp it was read at
        self._day: tuple[tzinfo, int, datetime, datetime] | None = None  # the last study day: zone, hour, bounds
        self._tree: list[DeckNode] | None = None  # the session's decks as a tree, made with the figures
        self._paths: dict[str, list[DeckNode]] = {}  # each deck's node and those above it in the tree, by name
        self._changed: set[int] = set()  # the decks whose figures changed since the tree was filled
        # The learning cards of the session's decks, read when first needed and then kept with the figures
        # (a learning card comes back minutes after its answer: asking the collection for it walks an index per
        # deck and state on a fifth of all answers, where this session already knows its new schedule).
        self._learning: LearningQueue | None = None
        self._fetchers: dict[str, Callable[[int], list[int]]] = {}  # the queues' readers for the day (``upcoming``)
        # The review cards due on each day per preset, for the load balancer: read at the first answer or label that
        # needs them, then moved along with the session's answers (no query per answer).
        self.day_loads = DayLoadBook(collection, lambda: self._study_day(self._reviews.change_stamp())[0])
        # Each answer is a commit synced to the disk: room in the log now keeps those syncs from growing the file.
        collection.make_room_for_answers()

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
            stamp = self._reviews.change_stamp()
            self._counts = self._compute_counts(*self._study_day(stamp), stamp)
        return self._counts

    def _compute_counts(self, start: datetime, end: datetime, stamp: tuple[int, int] | None = None) -> QueueCounts:
        """Cards left to study today in the deck and its subdecks, under the daily limits.

        The same numbers as the deck's row in the deck tree: the subdecks' counts summed, each capped
        by its own limits, then the sum capped by this deck's limits.
        """
        key = (end, stamp or self._reviews.change_stamp())
        if key != self._figures_key or self._tree is None:
            figures = extended_figures(
                self._collection, start, self._collection.decks.figures(start, end, self.deck_ids)
            )
            self._figures = {f.deck.id: f for f in figures}
            self._figures_by_name = {f.deck.name: f for f in self._figures.values()}
            self._figures_key = key
            self._queues = {}
            self._queued_rows = {}
            self._tree = build_tree(list(self._figures.values()), root=self.deck.name)
            self._paths = tree_paths(self._tree)
            self._learning = None
        elif self._changed:  # the same decks, and only the answered ones' counts changed: refill their branches
            figures = self._figures_by_name
            for deck_id in self._changed:  # a branch after another: the parents they share are refilled last
                fill_nodes(self._paths[self._figures[deck_id].deck.name], figures)
        self._changed.clear()
        node = self._paths[self.deck.name][0]
        return QueueCounts(new=node.new, learning=node.learning, review=node.due)

    def next_card(self) -> Card | None:
        """Pick the card to show now (``None`` when the session is done) and start timing it."""
        stamp = self._reviews.change_stamp()
        return self._next_card(*self._study_day(stamp), stamp)

    def _study_day(self, stamp: tuple[int, int]) -> tuple[datetime, datetime]:
        """Today's study day. The rollover hour is read again only if something was written since it was read
        (``stamp``: the collection's change stamp now); the session's own answers do not count."""
        if self._hour is None or self._hour[1] != stamp:
            self._hour = (rollover_hour(self._collection), stamp)
        now, zone, hour = self._clock.now(), self._clock.local_zone(), self._hour[0]
        day = self._day
        # The day last computed, while the clock is still in it (with the same zone and rollover hour).
        if day is not None and day[0] == zone and day[1] == hour and day[2] <= now < day[3]:
            return day[2], day[3]
        start, end = day_bounds(now, zone, hour)
        self._day = (zone, hour, start, end)
        return start, end

    def _next_card(self, day_start: datetime, day_end: datetime, stamp: tuple[int, int] | None = None) -> Card | None:
        now = self._clock.now()
        counts = self._counts = self._compute_counts(day_start, day_end, stamp)
        # No learning card due today means none is due now: skip the query.
        card = self._next_learning(now) if counts.learning > 0 else None
        random_order = self.deck.options.new_order is NewOrder.RANDOM
        fetchers = self._fetchers = {
            "review": lambda limit: self._reviews.review_queue(self.deck_ids, day_end, now, limit),
            "new": lambda limit: self._reviews.new_queue(self.deck_ids, now, random_order, limit),
        }
        if card is None and counts.review > 0:
            card = self._from_queue("review", fetchers["review"], day_end)
        if card is None and counts.new > 0:
            card = self._from_queue("new", fetchers["new"], day_end)
        if card is None:
            card = self._next_learning(now + LEARN_AHEAD)
        self.current = card
        self._shown_at = now if card is not None else None
        if card is None:
            self.summary.next_due = self._reviews.next_due_after(self.deck_ids, now)
        return card

    def _next_learning(self, by: datetime) -> Card | None:
        """The learning card to study by ``by``: from the session's learning queue, read again past its horizon."""
        learning = self._learning
        if learning is None or not learning.covers(by):
            learning = self._learning = self._read_learning()
        while (card_id := learning.first_by(by)) is not None:
            card = learning.card(card_id) or self._reviews.card(card_id)
            if card is not None:
                return card
            learning.forget(card_id)  # (deleted since it was read: the figures would have been read again)
        return None

    def _read_learning(self) -> LearningQueue:
        rows = self._reviews.learning_cards(self.deck_ids, LEARNING_IN_MEMORY)
        horizon = rows.pop()[2] if len(rows) > LEARNING_IN_MEMORY else None
        return LearningQueue(rows, horizon)

    def _from_queue(self, kind: str, fetch: Callable[[int], list[int]], day_end: datetime) -> Card | None:
        """The first card of the review or new queue. The queue's next ``QUEUE_BATCH`` ids are read at once and
        kept while only this session's answers were written (the figures' key): an answered card has left the
        queue (a review is due another day, a new card is no longer new), so it is dropped when seen again."""
        queue = self._queues.get(kind)
        for _ in range(2):
            if not queue:
                queue = self._queues[kind] = fetch(QUEUE_BATCH)
            while queue:
                rows = self._queued_rows
                if queue[0] not in rows:
                    rows.update(self._reviews.card_rows(queue[:CARDS_AHEAD]))
                row = rows.pop(queue[0], None)
                card = self._reviews.card_of_row(row) if row is not None else None
                if card is not None and queue_of(card.schedule, day_end) == QUEUES[kind]:
                    return card
                queue.pop(0)
        return None

    def upcoming(self, limit: int = 2) -> list[Card]:
        """A guess at the cards shown after the current one, for the window to get their pictures ready while the
        student thinks (it asks once the card is on screen, so this may read a few rows): the learning cards the
        session knows to be due soonest, then the next cards of the review and new queues, a queue's next batch
        read early when it is about to run out. (Which card really comes next depends on the answer.)"""
        current = self.current
        if current is None or limit <= 0:
            return []
        found: list[Card] = []
        seen = {current.id}
        learning, counts = self._learning, self._counts
        if learning is not None:
            # Learning cards come first once due (by the next answer, say within a minute); those due later in
            # the learn-ahead window only when nothing else is left.
            others = counts is None or counts.review + counts.new > 1
            soon = self._clock.now() + (UPCOMING_LEARNING if others else LEARN_AHEAD)
            for card_id in learning.soonest(soon, limit + 1):
                card = None if card_id in seen else learning.card(card_id) or self._reviews.card(card_id)
                if card is not None:
                    found.append(card)
                    seen.add(card_id)
        for kind in ("review", "new"):
            if len(found) >= limit:
                break
            if counts is not None and getattr(counts, kind) == 0:
                continue
            queue = self._queues.get(kind) or []
            fetch = self._fetchers.get(kind)
            if len(queue) <= limit and fetch is not None:  # the batch runs out within the guess: the next one now
                queue = self._queues[kind] = fetch(max(QUEUE_BATCH, limit + 1))
            ahead = [card_id for card_id in queue[: limit + 1] if card_id not in seen][: limit - len(found)]
            rows = self._queued_rows
            if any(card_id not in rows for card_id in ahead):
                start = queue.index(ahead[0])
                rows.update(self._reviews.card_rows(queue[start : start + CARDS_AHEAD]))
            for card_id in ahead:
                row = rows.get(card_id)
                if row is not None:
                    found.append(self._reviews.card_of_row(row))
                    seen.add(card_id)
        return found[:limit]

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
            deck = self._decks.get(card.deck_id) or self._collection.decks.get(card.deck_id) or self.deck
            scheduler = self._schedulers[card.deck_id] = Scheduler(deck.options.scheduler_config())
        return scheduler

    def _fuzz_rng(self, card: Card) -> CardFuzz:
        fuzz = self._fuzz
        if fuzz is None or fuzz.card_id != card.id or fuzz.reps != card.schedule.reps:
            fuzz = self._fuzz = CardFuzz(card.id, card.schedule.reps)
        return fuzz

    def _loads(self, card: Card, scheduler: Scheduler, now: datetime) -> DayLoads | None:
        """The days' loads for the card's answer at ``now``, if its options balance them."""
        return self.day_loads.loads(card.deck_id, now) if scheduler.config.load_balance else None

    def intervals(self) -> dict[Rating, timedelta]:
        """What each answer button would give the current card (the day the load balancer would pick, too)."""
        card = self._require_card()
        scheduler, now = self.scheduler_for(card), _whole_ms(self._clock.now())
        return scheduler.preview(card.schedule, now, lambda: self._fuzz_rng(card), self._loads(card, scheduler, now))

    def interval_labels(self) -> dict[Rating, str]:
        return {rating: format_interval(delta) for rating, delta in self.intervals().items()}

    def answer(self, rating: Rating, duration_ms: int | None = None, mode: ReviewMode | None = None) -> ReviewEntry:
        """Grade the current card, save it (one transaction), and move on to the next card.

        ``mode`` is how the card was quizzed, if not in the session's mode (a card shown with flip in a
        multiple-choice session); it is recorded in the log row.
        """
        card = self._require_card()
        now = _whole_ms(self._clock.now())
        last = card.schedule.last_review
        if last is not None and now <= last:
            # A second answer to the card within its millisecond (a script answering through a pipe): a card's
            # answers stay in strict time order, as the log's "latest answer" rules (undo) need them.
            now = last + timedelta(milliseconds=1)
        if duration_ms is None:
            shown_at = self._shown_at or now
            duration_ms = int((now - shown_at).total_seconds() * 1000)
        duration_ms = max(0, min(duration_ms, MAX_ANSWER_TIME_MS))
        scheduler = self.scheduler_for(card)
        after = scheduler.answer(card.schedule, rating, now, self._fuzz_rng(card), self._loads(card, scheduler, now))
        entry = make_review_entry(
            self._log_ids.next(to_ms(now)), card.id, now, rating, duration_ms, mode or self.mode, card.schedule, after
        )
        # One look at the collection's change stamp per answer: if nothing but this session wrote since the last
        # answer, today's figures and the rollover hour are still the ones read (see ``_figures``).
        stamp = self._reviews.change_stamp()
        day_start, day_end = self._study_day(stamp)
        current = self._figures_key == (day_end, stamp)
        self._reviews.record(entry)
        self.day_loads.moved(card.deck_id, card.schedule, after)
        written = self._reviews.stamp_after_own_write(stamp)  # our own commit leaves SQLite's data version alone
        if self._hour is not None and self._hour[1] == stamp:  # an answer leaves the rollover hour as it was
            self._hour = (self._hour[0], written)
        stamp = written
        figures = self._figures.get(card.deck_id)
        if current and figures is not None:  # only this answer was written since: count it in
            self._figures[card.deck_id] = self._figures_by_name[figures.deck.name] = after_answer(
                figures, entry, day_end
            )
            self._changed.add(card.deck_id)
            self._figures_key = (day_end, stamp)
            for queue in self._queues.values():  # the answered card has left its queue
                if queue and queue[0] == card.id:
                    queue.pop(0)
            if self._learning is not None:
                self._learning.answered(card, entry.after)
        self._undo_stack.append(entry)
        self.summary.answered += 1
        self.summary.count(card.id, 1)
        self.summary.ratings[rating] += 1
        self.summary.time_ms += duration_ms
        self._next_card(day_start, day_end, stamp)
        return entry

    @property
    def can_undo(self) -> bool:
        return bool(self._undo_stack)

    def parts(self) -> tuple[Collection, Clock, random.Random]:
        """The collection, clock and random source the session works with (the reviewer's card actions use them)."""
        return self._collection, self._clock, self._rng

    @property
    def answers_to_undo(self) -> int:
        """How many of this session's answers can be taken back (the reviewer's actions interleave with them)."""
        return len(self._undo_stack)

    def show_again(self, card_id: int) -> Card | None:
        """Make a card current again (an action on it was undone: unburied, unsuspended, restored); None if it is
        gone. The next ``next_card`` reads the queues afresh, as after any write not made by an answer."""
        card = self._reviews.card(card_id)
        if card is not None:
            self.current = card
            self._shown_at = self._clock.now()
            self._counts = None
        return card

    def undo(self) -> Card:
        """Take back the last answer of this session; that card is shown again."""
        if not self._undo_stack:
            raise LookupError("nothing to undo")
        entry = self._reviews.undo(self._undo_stack[-1].id)
        self._undo_stack.pop()
        self.summary.answered -= 1
        self.summary.count(entry.card_id, -1)
        self.summary.ratings[entry.rating] -= 1
        self.summary.time_ms -= entry.duration_ms
        card = self._reviews.card(entry.card_id)
        assert card is not None
        self.day_loads.moved(card.deck_id, entry.after, entry.before)
        self.current = card
        self._shown_at = self._clock.now()
        self._counts = None
        return card

    def _require_card(self) -> Card:
        if self.current is None:
            raise LookupError("no card is being studied")
        return self.current
