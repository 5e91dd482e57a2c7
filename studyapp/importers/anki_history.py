"""An Anki review log as review drafts: every kind of entry, answers and schedule changes made by hand.

Anki's ``revlog.type`` (rslib ``RevlogReviewKind``): 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual,
5 rescheduled. What each becomes, following how Anki itself reads its log for FSRS:

- an answer (``ease`` 1-4) of type 0-3: an answer with that rating. Of type 3 with ease factor 0, it was given
  in a filtered deck that does not reschedule (a preview): logged, the schedule left as it was
  (``affects_schedule=False``);
- type 4 with ease factor 0 (Anki 2.1.50+) or interval 0 (before: it kept the card's factor): Forget / Reset,
  the card made new again (``RESET``);
- type 4 otherwise (Set Due Date, whose interval is at least a day), and type 5 (FSRS rescheduling the card):
  ``RESCHEDULE`` with the interval Anki set (and, when it is the card's last entry, the due date the card has in
  the file);
- any other entry that is not an answer (ease 0): as type 4.

A collection of Anki's v1 scheduler (``schedVer`` 1, or none) logged learning and relearning answers with three
buttons: there 2 is Good and 3 Easy, read as Anki reads them when it imports such a package (``v1=True``).

Anki before 2.1.50 wrote nothing on Forget. As Anki does, a learning answer right after a review or
relearning answer (nothing between them) means the card was reset: a ``RESET`` is added just before it, and
counted, so that the replay starts the card anew instead of lapsing a review card.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from studyapp.core.drafts import MAX_REVIEW_MS, ReviewDraft
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.core.scheduling.days import DayNumbering
from studyapp.importers.anki_collection import AnkiReview

LEARNING, REVIEW, RELEARNING, FILTERED, MANUAL, RESCHEDULED = range(6)
_RATINGS = {int(rating): rating for rating in Rating}
REVIEW_CARD = 2  # cards.type of a card in review
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class HistoryCounts:
    """What the log held, for the summary: each kind of entry read, and those left out as impossible."""

    answers: int = 0
    previews: int = 0  # answers in a filtered deck that did not reschedule
    resets: int = 0
    reschedules: int = 0
    inferred_resets: int = 0  # resets old Anki did not log, added before a learning answer after a review
    bad: int = 0
    v1_answers: int = 0  # learning answers of the v1 scheduler's three buttons, read as Good or Easy
    cards: set[int] = field(default_factory=set)

    def describe(self) -> str:
        parts = [f"{self.answers:,} answer{'s' * (self.answers != 1)}"]
        if self.previews:
            parts.append(f"{self.previews:,} in filtered decks without rescheduling")
        if self.resets:
            parts.append(f"{self.resets:,} reset{'s' * (self.resets != 1)} to new")
        if self.reschedules:
            parts.append(f"{self.reschedules:,} due date{'s' * (self.reschedules != 1)} set by hand")
        return f"{', '.join(parts)} on {len(self.cards):,} card{'s' * (len(self.cards) != 1)}"


def review_drafts(
    reviews: Iterable[AnkiReview],
    review_dues: Mapping[int, int],
    days: DayNumbering,
    counts: HistoryCounts,
    *,
    v1: bool = False,
) -> tuple[ReviewDraft, ...]:
    """One note's log entries (oldest first, any of its cards) as drafts; ``counts`` is added to.

    ``review_dues``: the due day of each review card, by id (for a card whose last entry set it), ``days`` the
    collection's day numbering (from its ``crt``). Impossible entries (a time before 1970 or past the year 9999, a
    duration over a day, a button over 4, a negative card number) are counted in ``counts.bad`` and left out. A
    time ahead of the clock is left out later, by the import service, which knows the time.
    """
    drafts: list[ReviewDraft] = []
    last_kind: dict[int, int] = {}  # card id -> type of its last answer (None after a change: key removed)
    last_index: dict[int, int] = {}  # card id -> index in drafts of its last entry
    for review in reviews:
        try:
            if not isinstance(review.card_ord, int) or review.card_ord < 0:
                raise ValueError(review.card_ord)
            if not isinstance(review.at_ms, int) or review.at_ms < 0 or not 0 <= review.ease <= 4:
                raise ValueError(review.at_ms)
            if review.duration_ms > MAX_REVIEW_MS:
                raise ValueError(review.duration_ms)
            at = _EPOCH + timedelta(milliseconds=review.at_ms)
        except (ValueError, OverflowError):
            counts.bad += 1
            continue
        counts.cards.add(review.card_id)
        duration = max(review.duration_ms, 0)
        if review.ease == 0 or review.type in (MANUAL, RESCHEDULED):
            last_kind.pop(review.card_id, None)
            if review.type != RESCHEDULED and (review.factor == 0 or review.interval == 0):
                counts.resets += 1
                draft = ReviewDraft(review.card_ord, at, None, duration, change=ScheduleChangeKind.RESET)
            else:
                counts.reschedules += 1
                interval = review.interval if review.interval > 0 else 0
                draft = ReviewDraft(
                    review.card_ord, at, None, duration, change=ScheduleChangeKind.RESCHEDULE, interval_days=interval
                )
        else:
            previous = last_kind.get(review.card_id)
            if review.type == LEARNING and previous in (REVIEW, RELEARNING):
                counts.inferred_resets += 1
                counts.resets += 1
                before = at - timedelta(milliseconds=1)
                drafts.append(ReviewDraft(review.card_ord, before, None, 0, change=ScheduleChangeKind.RESET))
            preview = review.type == FILTERED and review.factor == 0
            if preview:
                counts.previews += 1
            else:
                last_kind[review.card_id] = review.type
            counts.answers += 1
            ease = review.ease
            if v1 and review.type in (LEARNING, RELEARNING) and ease in (2, 3):
                ease += 1  # three buttons: Again, Good, Easy
                counts.v1_answers += 1
            logged = review.interval if review.interval > 0 else None  # days: the due the answering device gave
            draft = ReviewDraft(
                review.card_ord, at, _RATINGS[ease], duration, interval_days=logged, affects_schedule=not preview
            )
        last_index[review.card_id] = len(drafts)
        drafts.append(draft)
    for card_id, index in last_index.items():
        draft = drafts[index]
        card_due = review_dues.get(card_id)
        if draft.change is ScheduleChangeKind.RESCHEDULE and card_due is not None:
            due = _due_day(days, card_due)
            if due is not None:
                drafts[index] = ReviewDraft(
                    draft.card_ord, draft.reviewed_at, None, draft.duration_ms,
                    change=draft.change, interval_days=draft.interval_days, due=due,
                )  # fmt: skip
    return tuple(drafts)


def _due_day(days: DayNumbering, due: int) -> datetime | None:
    """A review card's due day (days since the collection's first day) as the start of that study day, if it is
    a possible one."""
    when = days.start(due)
    return when if when.year < 9999 else None
