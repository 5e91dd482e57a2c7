"""Suggesting a desired retention: how much work each setting costs, and what it buys.

The FSRS simulator of ``fsrs-rs`` studies a deck like this one (its number of cards, its new cards and
reviews a day, its maximum interval and steps, its parameters: fitted or the defaults) for a year at
each desired retention from 0.70 to 0.97, with fixed seeds (the same ones for every retention, so the
curve is smooth and the result repeatable). Where the deck's log has enough answers, the simulated
student rates as this one does.

Lower retention is always less work per card remembered (``fsrs-rs``'s ``optimal_retention``, which
minimises that, gives the lowest value it allows for most decks); what changes is how much you forget.
So the suggestion is the point of diminishing returns: on the curve of cards remembered against reviews
a day (both scaled to the range studied), the setting farthest above the straight line joining its
ends. Above it each extra card remembered costs many more reviews; below it the reviews saved cost many
forgotten cards.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import fsrs_rs_python
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.days import DEFAULT_ROLLOVER_HOUR
from studyapp.services.decks.decks import ROLLOVER_SETTING
from studyapp.services.fsrs.fit_data import rating_counts, read_answers
from studyapp.storage.deck_ops_store import DeckOpsStore

if TYPE_CHECKING:
    from studyapp.services.app import App

RETENTIONS = tuple(round(0.70 + step / 100, 2) for step in range(28))  # 0.70 ... 0.97
DAYS = 365
SEEDS = (1, 2, 3)
MIN_RATINGS = 100  # answers needed before the deck's own rating habits replace the simulator's defaults
DEFAULT_NEW_PER_DAY = 20


class RetentionError(Exception):
    """The simulation cannot run; the message is one line for the user."""


@dataclass(frozen=True)
class SimulationInput:
    """What the simulation needs, read from the collection on the thread that owns it."""

    deck: str
    current: float
    parameters: tuple[float, ...]
    fitted: bool
    deck_size: int
    new_per_day: int
    reviews_per_day: int
    maximum_interval_days: int
    learning_steps: int
    relearning_steps: int
    first_rating_prob: tuple[float, ...] | None = None  # the deck's own, when its log is big enough
    review_rating_prob: tuple[float, ...] | None = None


@dataclass(frozen=True)
class RetentionPoint:
    retention: float
    reviews_per_day: float  # reviews of learned cards, on average over the simulated days
    memorized: float  # cards remembered at the end (the sum of their recall probabilities)
    minutes_per_day: float
    cost_per_card: float  # seconds of study per card remembered


@dataclass(frozen=True)
class RetentionSuggestion:
    deck: str
    current: float
    suggested: float
    fitted: bool
    deck_size: int
    new_per_day: int
    days: int
    points: tuple[RetentionPoint, ...] = field(repr=False)
    seconds: float = 0.0

    def at(self, retention: float) -> RetentionPoint:
        return min(self.points, key=lambda point: abs(point.retention - retention))

    @property
    def explanation(self) -> str:
        return explain(self)

    def to_json(self) -> dict[str, object]:
        return {
            "deck": self.deck,
            "current": self.current,
            "suggested": self.suggested,
            "parameters": "fitted" if self.fitted else "default",
            "deck_size": self.deck_size,
            "new_per_day": self.new_per_day,
            "days": self.days,
            "seconds": round(self.seconds, 3),
            "explanation": self.explanation,
            "points": [
                {
                    "retention": p.retention,
                    "reviews_per_day": round(p.reviews_per_day, 1),
                    "memorized": round(p.memorized, 1),
                    "minutes_per_day": round(p.minutes_per_day, 1),
                    "seconds_per_card_remembered": round(p.cost_per_card, 1),
                }
                for p in self.points
            ],
        }


def _rating_habits(first: Sequence[int], later: Sequence[int]) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """How often this student presses each button on a new card, and Hard/Good/Easy on a recalled one, from
    ``fit_data.rating_counts`` (counts indexed by rating)."""
    first_total, passed_total = sum(first[1:5]), sum(later[2:5])
    if first_total < MIN_RATINGS or passed_total < MIN_RATINGS:
        return None
    first_prob = tuple(first[r] / first_total for r in (1, 2, 3, 4))
    review_prob = tuple(later[r] / passed_total for r in (2, 3, 4))
    return first_prob, review_prob


def prepare_simulation(app: App, deck_name: str) -> SimulationInput:
    deck = app.find_deck(deck_name)
    if deck is None:
        raise RetentionError(f"no deck named '{deck_name}'")
    deck_ids = DeckOpsStore(app.collection.db).subtree_ids(deck.name)
    size = len(app.collection.schedule_changes.card_schedules(deck_ids))
    if size == 0:
        raise RetentionError(f"{deck.name}: the deck has no cards to simulate")
    options = deck.options
    hour = int(app.setting(ROLLOVER_SETTING, DEFAULT_ROLLOVER_HOUR))
    habits = _rating_habits(
        *rating_counts(read_answers(app.collection.reviews, deck_ids, app.clock.local_zone(), hour).histories)
    )
    return SimulationInput(
        deck.name,
        options.desired_retention,
        tuple(options.parameters or DEFAULT_PARAMETERS),
        options.parameters is not None,
        size,
        options.new_per_day or DEFAULT_NEW_PER_DAY,
        options.reviews_per_day,
        options.maximum_interval_days,
        len(options.learning_steps),
        len(options.relearning_steps),
        habits[0] if habits else None,
        habits[1] if habits else None,
    )


def _config(data: SimulationInput) -> fsrs_rs_python.SimulatorConfig:
    config = fsrs_rs_python.default_simulator_config()
    config.deck_size = data.deck_size
    config.learn_span = DAYS
    config.learn_limit = data.new_per_day
    config.review_limit = data.reviews_per_day or 9999
    config.max_ivl = float(data.maximum_interval_days)
    config.learning_step_count = data.learning_steps
    config.relearning_step_count = data.relearning_steps
    if data.first_rating_prob is not None and data.review_rating_prob is not None:
        config.first_rating_prob = list(data.first_rating_prob)
        config.review_rating_prob = list(data.review_rating_prob)
    return config


def _knee(points: Sequence[RetentionPoint]) -> float:
    """The setting farthest above the line from the least to the most work, both axes scaled to 0..1."""
    low, high = points[0], points[-1]
    work = (high.reviews_per_day - low.reviews_per_day) or 1.0
    kept = (high.memorized - low.memorized) or 1.0

    def gain(point: RetentionPoint) -> float:
        return (point.memorized - low.memorized) / kept - (point.reviews_per_day - low.reviews_per_day) / work

    return max(points, key=gain).retention


def simulate(data: SimulationInput, retentions: Sequence[float] = RETENTIONS) -> RetentionSuggestion:
    """Simulate every retention (reads no collection: it may run on a worker thread)."""
    started = time.perf_counter()
    config = _config(data)
    parameters = list(data.parameters)
    points = []
    for retention in retentions:
        reviews = memorized = cost = 0.0
        for seed in SEEDS:
            try:
                result = fsrs_rs_python.simulate(parameters, retention, config, seed)
            except Exception as error:  # the Rust side raises plain exceptions
                raise RetentionError(f"{data.deck}: the simulation failed ({error})") from None
            reviews += sum(result.review_cnt_per_day) / DAYS
            memorized += result.memorized_cnt_per_day[-1]
            cost += sum(result.cost_per_day)
        runs = len(SEEDS)
        points.append(
            RetentionPoint(
                retention,
                reviews / runs,
                memorized / runs,
                cost / runs / DAYS / 60,
                cost / memorized if memorized else float("inf"),
            )
        )
    suggested = _knee(points)
    return RetentionSuggestion(
        data.deck,
        data.current,
        suggested,
        data.fitted,
        data.deck_size,
        data.new_per_day,
        DAYS,
        tuple(points),
        time.perf_counter() - started,
    )


def suggest_retention(app: App, deck_name: str) -> RetentionSuggestion:
    return simulate(prepare_simulation(app, deck_name))


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _forget(retention: float) -> str:
    """'one card in seven' for 0.85: how often a card that comes up has been forgotten."""
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    count = round(1 / max(1 - retention, 0.01))
    return f"one card in {words.get(count, str(count))}"


def _reviews(count: float) -> str:
    rounded = round(count)
    return f"{rounded} review{'s' * (rounded != 1)}"


def explain(suggestion: RetentionSuggestion) -> str:
    """The trade-off in plain words."""
    now, best = suggestion.at(suggestion.current), suggestion.at(suggestion.suggested)
    size = suggestion.deck_size

    def remember(point: RetentionPoint) -> str:
        return f"remember about {_percent(point.memorized / size)} of the cards"

    lines = [
        f"At {_percent(now.retention)} (your setting) you would do about {_reviews(now.reviews_per_day)} a day "
        f"and {remember(now)}, forgetting {_forget(now.retention)} when it comes up."
    ]
    if best.retention == now.retention:
        lines.append("That is where extra reviews stop paying off: keep it.")
    else:
        lines.append(
            f"At {_percent(best.retention)}, about {_reviews(best.reviews_per_day)} a day; you would "
            f"{remember(best)} and forget {_forget(best.retention)}."
        )
        lines.append(f"{_percent(best.retention)} is where extra reviews stop paying off.")
    top = suggestion.points[-1]
    lines.append(
        f"Going up to {_percent(top.retention)} would mean about {_reviews(top.reviews_per_day)} a day. "
        f"(Simulated: {size} cards, {suggestion.new_per_day} new a day, one year, "
        f"{'your fitted' if suggestion.fitted else 'the default'} FSRS parameters.)"
    )
    return "\n".join(lines)
