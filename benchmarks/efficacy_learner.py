"""The simulated learner of ``efficacy.py``: a memory that follows FSRS-6 with parameters of its own, and the
fsrs-rs simulator run on the same settings for comparison.

The learner's "true" parameters (``TRUE_PARAMETERS``) were fitted once, by hand, with fsrs-rs (``fsrs_rs_python``,
``compute_parameters`` with ``studyapp.services.fsrs.fit_data.build_items`` and ``training_config``, study days
rolling over at 04:00 UTC) on the real review log of 12,580 answers to 1,203 cards that the py-fsrs project ships
in its tests (MIT licence; the team's shared copy is ``../shared/data/fsrs-review-log-12580.csv``, which is neither
copied nor read here). On that log they score log loss 0.4453 and RMSE(bins) 0.052, where FSRS-6's defaults score
0.4542 and 0.076: a real student's memory, different enough from the defaults that an Optimize has something
to learn (a faster forgetting curve, decay 0.238 instead of 0.154, and slower-growing stability).

The memory model, per card, in continuous time:

- the first answer to a new card is not a recall: its rating is drawn from ``FIRST_RATING`` and sets the
  stability S = w[rating - 1] and the difficulty D = D0(rating);
- at every later answer the card is recalled with the true retrievability R = (1 + F t / S) ^ -decay, t the
  days since the card's last answer, to the second (an answer at 21:00 after one at 08:00 is later than one
  at 09:00); a lapse is rated Again, a recall Hard, Good or Easy with ``REVIEW_RATING``;
- the memory then moves as FSRS-6 says: an answer on the same study day as the one before (a learning step) by
  the short-term formula, one on a later day by the recall or forget formula at that R; D by mean reversion.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs_rs_python

# Fitted on the py-fsrs test log (see the module): w0..w20.
TRUE_PARAMETERS = (
    0.1707, 0.8259, 2.4698, 6.2794, 6.5423, 0.5303, 3.1722, 0.0254, 1.6684, 0.2644, 0.6234,
    1.5751, 0.0415, 0.3804, 1.7817, 0.6012, 1.8729, 0.8469, 0.1045, 0.1448, 0.2384,
)  # fmt: skip

# The learner's buttons, fsrs-rs's own defaults (measured by it on Anki users' logs), so its simulator and this
# learner press them alike: the first answer to a new card Again, Hard, Good, Easy; a recalled card Hard, Good,
# Easy. (A card not recalled is always Again.)
FIRST_RATING = (0.24, 0.094, 0.495, 0.171)
REVIEW_RATING = (0.224, 0.631, 0.145)

DAY_SECONDS = 86_400.0
ROLLOVER = timedelta(hours=4)  # the collection's default rollover hour, with the clock's zone UTC


def study_day(moment: datetime) -> int:
    return (moment - ROLLOVER).toordinal()


@dataclass
class Memory:
    stability: float
    difficulty: float
    last: datetime


class Learner:
    """A student's memory of every card (keyed by card id), answering with the true retrievability."""

    def __init__(self, rng: random.Random, parameters: tuple[float, ...] = TRUE_PARAMETERS) -> None:
        self.rng = rng
        self.w = w = parameters
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.cards: dict[int, Memory] = {}

    # -- FSRS-6, as its papers and py-fsrs write it ---------------------------------------------------

    def _initial_difficulty(self, rating: int, clamp: bool = True) -> float:
        value = self.w[4] - math.exp(self.w[5] * (rating - 1)) + 1
        return min(10.0, max(1.0, value)) if clamp else value

    def _next_difficulty(self, difficulty: float, rating: int) -> float:
        w = self.w
        moved = difficulty + (10.0 - difficulty) * -(w[6] * (rating - 3)) / 9.0
        reverted = w[7] * self._initial_difficulty(4, clamp=False) + (1 - w[7]) * moved
        return min(10.0, max(1.0, reverted))

    def _short_term(self, stability: float, rating: int) -> float:
        w = self.w
        increase = math.exp(w[17] * (rating - 3 + w[18])) * stability ** -w[19]
        if rating > 1:
            increase = max(increase, 1.0)
        return max(0.001, stability * increase)

    def _long_term(self, memory: Memory, recall: float, rating: int) -> float:
        w, s, d = self.w, memory.stability, memory.difficulty
        if rating == 1:
            long_term = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - recall) * w[14])
            return max(0.001, min(long_term, s / math.exp(w[17] * w[18])))
        bonus = (w[15] if rating == 2 else 1.0) * (w[16] if rating == 4 else 1.0)
        growth = math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - recall) * w[10]) - 1) * bonus
        return max(0.001, s * (1 + growth))

    # -- answering ------------------------------------------------------------------------------------

    def retrievability(self, card_id: int, now: datetime) -> float:
        memory = self.cards.get(card_id)
        if memory is None:
            return 0.0
        days = max(0.0, (now - memory.last).total_seconds() / DAY_SECONDS)
        return (1 + self.factor * days / memory.stability) ** self.decay

    def answer(self, card_id: int, now: datetime) -> tuple[int, bool | None]:
        """The button pressed for the card now, and whether it was recalled (None: first sight of a new card)."""
        rng = self.rng
        memory = self.cards.get(card_id)
        if memory is None:
            rating = rng.choices((1, 2, 3, 4), FIRST_RATING)[0]
            self.cards[card_id] = Memory(self.w[rating - 1], self._initial_difficulty(rating), now)
            return rating, None
        recall = self.retrievability(card_id, now)
        recalled = rng.random() < recall
        rating = rng.choices((2, 3, 4), REVIEW_RATING)[0] if recalled else 1
        if study_day(now) == study_day(memory.last):
            memory.stability = self._short_term(memory.stability, rating)
        else:
            memory.stability = self._long_term(memory, recall, rating)
        memory.difficulty = self._next_difficulty(memory.difficulty, rating)
        memory.last = now
        return rating, recalled

    def memorized(self, now: datetime) -> float:
        """The expected number of cards recalled now: the sum of every studied card's true retrievability."""
        return sum(self.retrievability(card_id, now) for card_id in self.cards)


# -- the fsrs-rs simulator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    reviews_per_day: float  # answers to review cards (fsrs-rs's review_cnt_per_day), mean over the days
    retention: float  # its review answers recalled
    memorized: float  # its expected cards recalled at the end


def fsrs_rs_reference(retention: float, cards: int, days: int, new_per_day: int, review_limit: int,
                      seed: int) -> Reference:  # fmt: skip
    """fsrs-rs's simulator on the same settings, scheduling with the learner's true parameters all along (what a
    perfect Optimize on the first day would give); its learning steps and costs are its defaults, with no limit
    on a day's time."""
    config = fsrs_rs_python.default_simulator_config()
    config.deck_size = cards
    config.learn_span = days
    config.learn_limit = new_per_day
    config.review_limit = review_limit
    config.max_cost_perday = math.inf
    config.first_rating_prob = list(FIRST_RATING)
    config.review_rating_prob = list(REVIEW_RATING)
    result = fsrs_rs_python.simulate(list(TRUE_PARAMETERS), retention, config, seed)
    reviews = sum(result.review_cnt_per_day)
    correct = sum(result.correct_cnt_per_day)
    return Reference(reviews / days, correct / reviews if reviews else float("nan"), result.memorized_cnt_per_day[-1])
