"""A review log made ready for FSRS: the training items, built from each card's answers.

The fit reads every answer of a deck (a million, for a student of some years), so nothing here makes an object
per answer that it does not have to. SQLite hands over one row per card: its answers in time order, each as the
number ``day * 8 + rating`` (the study day counted from 1970), joined by spaces. These strings are the
:class:`Answers`' ``histories``: cheap to hand to another process (:mod:`studyapp.services.fsrs.fit_scoring`), which
builds the very same items from them with the same function, :func:`build_items`.

One training item per answer after a card's first that came a study day or more after the one before: the
card's answers up to and including it, each with its gap in days. fsrs-rs predicts recall after a gap of days,
so an item ending in a same-day answer cannot be scored (``evaluate`` refuses it); as in Anki, only items ending
a day or more later count. The items are in time order of their last answer (by study day, card by card within
a day), as Anki hands them over: fsrs-rs weighs later items more, in the fit and in its scores.

Days between answers are counted in study days (the collection's rollover hour in the local zone), as FSRS
expects; SQLite computes the study day from the zone's offsets (:func:`studyapp.core.scheduling.days.study_day_pieces`).

The held-out part: the fit is scored on answers it never saw. The items are cut in time at a study day, the one
that leaves the latest ``HELD_OUT_SHARE`` of them (about a fifth) after it: the fit learns from the items before
that day, and the current and the fitted parameters are both scored on the items from it on (the past predicting
the next weeks, as a student uses them). A log too small to cut (fewer than ``MIN_HELD_OUT`` items after the cut,
or fewer before it than after it, or all on one day) has no held-out part: ``held_out_from`` is then the
number of items.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from itertools import chain
from typing import TYPE_CHECKING

import fsrs_rs_python

from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR, study_day_pieces

if TYPE_CHECKING:
    from studyapp.storage.review.reviews_store import ReviewStore


@dataclass(frozen=True)
class Answers:
    """A log's answers, card by card (``day * 8 + rating`` numbers joined by spaces), and their items."""

    histories: list[str]
    items: list[fsrs_rs_python.FSRSItem]
    reviews: int  # answers
    cards: int  # cards answered at least twice (the ones that teach the model anything)
    held_out_from: int = 0  # the first held-out item (see the module); ``len(items)``: no held-out part
    held_out_day: int | None = None  # the study day (days from 1970) the held-out part starts on

    @property
    def training(self) -> list[fsrs_rs_python.FSRSItem]:
        """The items the fit learns from: those before the held-out part (all of them if there is none)."""
        return self.items[: self.held_out_from] if self.held_out_day is not None else self.items

    @property
    def held_out(self) -> list[fsrs_rs_python.FSRSItem]:
        """The items both parameters are scored on: the held-out part (all of them if there is none)."""
        return self.items[self.held_out_from :] if self.held_out_day is not None else self.items


HELD_OUT_SHARE = 0.2
MIN_HELD_OUT = 20  # fewer held-out items than this say nothing about which parameters predict better
MIN_TRAIN = 8  # as ``optimizer.MIN_ITEMS``: fsrs-rs fits nothing from fewer


def held_out_cut(day_counts: Sequence[int]) -> int | None:
    """Where the held-out part starts, given how many items end on each study day in order: the index of the
    day whose start leaves closest to ``HELD_OUT_SHARE`` of the items after it (the later day on a tie), or
    None if no day leaves ``MIN_HELD_OUT`` items after it and as many or more (``MIN_TRAIN`` at least) before it."""
    total = sum(day_counts)
    best: tuple[float, int] | None = None
    before = 0
    for day, count in enumerate(day_counts):
        after = total - before
        if before >= max(MIN_TRAIN, after) and after >= MIN_HELD_OUT:
            distance = abs(after - HELD_OUT_SHARE * total)
            if best is None or distance <= best[0]:
                best = (distance, day)
        before += count
    return None if best is None else best[1]


def build_items(histories: Iterable[str]) -> Answers:
    """The training items of these histories (see the module), in time order.

    The work is done a card at a time in list comprehensions rather than an answer at a time: a million answers
    cost about a second. The items are sorted into one bin per study day as they are made. A day earlier than
    the card's answer before (a zone that turns its clock back past the rollover hour) counts as 0 days: FSRS
    has no negative gaps."""
    kept = list(histories)
    cards = [list(map(int, history.split())) for history in kept]
    if not cards:
        return Answers(kept, [], 0, 0, 0, None)
    first_day, last_day = min(map(min, cards)) >> 3, max(map(max, cards)) >> 3
    bins: list[list[fsrs_rs_python.FSRSItem]] = [[] for _ in range(last_day - first_day + 1)]
    make_review, make_item = fsrs_rs_python.FSRSReview, fsrs_rs_python.FSRSItem
    review_of: dict[int, fsrs_rs_python.FSRSReview] = {}  # a few hundred distinct (gap, rating) pairs

    def new_review(key: int) -> fsrs_rs_python.FSRSReview:
        review = review_of[key] = make_review(key & 7, key >> 3)
        return review

    reviews_count = twice = 0
    for values in cards:
        reviews_count += len(values)
        if len(values) < 2:
            continue
        twice += 1
        # Each later answer's key, gap << 3 | rating, is its number less the day part of the one before's.
        keys = [value - (before & -8) for before, value in zip(values, values[1:])]  # noqa: B905 (one shorter)
        if min(keys) < 1:  # a day earlier than the one before: a gap of 0
            keys = [key if key > 0 else value & 7 for key, value in zip(keys, values[1:])]  # noqa: B905
        first = values[0] & 7
        reviews = [review_of.get(first) or new_review(first)]
        reviews += [review_of.get(key) or new_review(key) for key in keys]
        for end, key in enumerate(keys, 2):
            if key >= 8:  # an item: the first ``end`` reviews, filed under the day of the last
                bins[(values[end - 1] >> 3) - first_day].append(make_item(reviews[:end]))
    items = list(chain.from_iterable(bins))
    cut = held_out_cut([len(day) for day in bins])
    if cut is None:
        return Answers(kept, items, reviews_count, twice, len(items), None)
    return Answers(kept, items, reviews_count, twice, sum(len(day) for day in bins[:cut]), first_day + cut)


def read_histories(
    reviews: ReviewStore, deck_ids: Sequence[int] | None, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> list[str]:
    """The history of every card of these decks (``None``: every deck) that was ever answered (see the module)."""
    span = reviews.answer_span()
    if span is None or deck_ids == []:
        return []
    pieces = study_day_pieces(zone, span[0], span[1], rollover_hour)
    wanted = reviews.card_ids(deck_ids) if deck_ids is not None else None
    return [history for card_id, history in reviews.card_answers(pieces) if wanted is None or card_id in wanted]


def read_answers(
    reviews: ReviewStore, deck_ids: Sequence[int] | None, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> Answers:
    """Every answer to the cards of these decks (``None``: every deck), with its items."""
    return build_items(read_histories(reviews, deck_ids, zone, rollover_hour))


def answer_count(histories: Iterable[str]) -> int:
    return sum(history.count(" ") + 1 for history in histories)


def cards_answered_twice(histories: Iterable[str]) -> int:
    return sum(1 for history in histories if " " in history)


def has_items(histories: Iterable[str]) -> bool:
    """Whether the histories give at least one training item: an answer a study day or more after the card's
    answer before."""
    return item_count(histories, stop_at=1)[0] > 0


def item_count(histories: Iterable[str], stop_at: int | None = None) -> tuple[int, int]:
    """How many training items the histories give (answers a study day or more after the card's answer
    before), and how many cards were answered more than once but all on one study day (their repeats are
    no item: see the module). Counting stops once ``stop_at`` items are found."""
    items = same_day = 0
    for history in histories:
        if " " not in history:
            continue
        days = [int(value) >> 3 for value in history.split()]
        later = sum(1 for earlier, day in zip(days, days[1:]) if day > earlier)  # noqa: B905 (one shorter)
        items += later
        same_day += not later and days[-1] == days[0]
        if stop_at is not None and items >= stop_at:
            break
    return items, same_day


def rating_counts(histories: Iterable[str]) -> tuple[list[int], list[int]]:
    """How often each button (index 1 to 4) was pressed on a card's first answer, and on each later one."""
    first, later = [0] * 5, [0] * 5
    for history in histories:
        values = history.split()
        first[int(values[0]) & 7] += 1
        for value in values[1:]:
            later[int(value) & 7] += 1
    return first, later


def training_config(items: int) -> fsrs_rs_python.TrainingConfig:
    """fsrs-rs's own settings (those Anki uses), with fewer passes over a very large log.

    A pass costs time in proportion to the items, while what the fit needs is enough optimizer steps. Past
    ``FULL_EPOCHS_UP_TO`` items the passes are cut so that the steps never fall below those of five passes over
    that many (about 2,400 steps of 512 items), and there are two passes at least. On the benchmark's log of
    1,000,000 answers (737,953 items) that is 2 passes instead of 5: the fit takes 2.0 s instead of 4.3 s, and
    scored on a time-series split (trained on the past, tested on the next months) its log loss is 0.39844
    instead of 0.39822 and its RMSE(bins) 0.0137 instead of 0.0131, where the defaults score 0.43."""
    epochs = FULL_EPOCHS
    if items > FULL_EPOCHS_UP_TO:
        epochs = max(MIN_EPOCHS, math.ceil(FULL_EPOCHS * FULL_EPOCHS_UP_TO / items))
    return fsrs_rs_python.TrainingConfig(num_epochs=epochs)


FULL_EPOCHS, MIN_EPOCHS, FULL_EPOCHS_UP_TO = 5, 2, 250_000
