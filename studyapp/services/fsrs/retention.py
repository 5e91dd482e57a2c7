"""Suggesting a desired retention: how much work each setting costs, and what it buys.

The FSRS simulator of ``fsrs-rs`` studies a deck like this one (its number of cards, its new cards and
reviews a day, its maximum interval and steps, its parameters: fitted or the defaults) for a year at
each desired retention from 0.70 to 0.97, with fixed seeds (the same ones for every retention, so the
curve is smooth and the result repeatable). Where the deck's log has enough answers, the simulated
student rates as this one does. The simulated student does every review the deck's limits allow: the
simulator's own cap of 30 minutes of study a day is lifted, as studyapp has no such cap (with it, a big
deck learned fewer new cards at a higher retention, and so remembered fewer: 89% seemed to beat 90%).

Three different numbers are easily confused, and the explanation names each one:

- **desired retention**, the setting: the chance of recalling a card on the day it is due. At 90%, one
  card in ten has been forgotten when it comes up.
- **recalled on a given day**: the share of the learned cards that would be recalled if tested at a
  moment picked at random. It is higher than the desired retention (about 95% at 90%), because a card is
  only that weak on its due day and stronger on every day before. The simulator gives the sum of the
  recall chances of the learned cards each day; it is averaged over the year's last month (one day
  alone is noisy) and divided by the cards learned. More retention never lowers it, unless the reviews
  due pass the deck's daily limit: then reviews wait and cards are forgotten meanwhile, and the
  explanation says from which setting on that happens.
- **the workload**: reviews of learned cards a day, averaged over the simulated year.

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

from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR
from studyapp.services.decks.decks import ROLLOVER_SETTING
from studyapp.services.fsrs.fit_data import rating_counts, read_answers
from studyapp.storage.decks.deck_ops_store import DeckOpsStore

if TYPE_CHECKING:
    from studyapp.services.app import App

RETENTIONS = tuple(round(0.70 + step / 100, 2) for step in range(28))  # 0.70 ... 0.97
DAYS = 365
SEEDS = (1, 2, 3)
SEED_CARDS = 3000  # a small deck is simulated with more seeds, up to MAX_SEEDS, until about this many cards in all
MAX_SEEDS = 30
LAST_DAYS = 30  # "recalled on a given day" is averaged over the simulated year's last month
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
    retention: float  # desired: the chance of recalling a card on the day it is due
    reviews_per_day: float  # reviews of learned cards, on average over the simulated days
    memorized: float  # cards recalled on a given day at the year's end (the sum of their recall chances)
    minutes_per_day: float
    cost_per_card: float  # seconds of study per card remembered
    learned: float = 0.0  # cards learned by the year's end (0: not known, the deck's size is used)
    limited_days: float = 0.0  # days on which the reviews due reached the deck's limit of reviews a day

    def recalled_share(self, deck_size: int) -> float:
        """The share of the learned cards recalled on a given day at the year's end."""
        learned = self.learned or deck_size
        return self.memorized / learned if learned else 0.0


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
    reviews_limit: int = 0  # the deck's reviews a day (0: no limit)

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
                    "recalled_share": round(p.recalled_share(self.deck_size), 4),
                    "days_at_review_limit": round(p.limited_days, 1),
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
    config.max_cost_perday = float("inf")  # no cap on minutes a day: studyapp has none (see the module)
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
    kept = (max(point.memorized for point in points) - low.memorized) or 1.0  # the top may remember less

    def gain(point: RetentionPoint) -> float:
        return (point.memorized - low.memorized) / kept - (point.reviews_per_day - low.reviews_per_day) / work

    return max(points, key=gain).retention


def seeds_for(deck_size: int) -> tuple[int, ...]:
    """The seeds of a deck's simulation: ``SEEDS``, or more for a small deck (its runs are quick, and one
    card more or less remembered moves its figures by whole percents)."""
    count = min(MAX_SEEDS, max(len(SEEDS), -(-SEED_CARDS // max(deck_size, 1))))
    return SEEDS + tuple(range(len(SEEDS) + 1, count + 1))


def simulate(data: SimulationInput, retentions: Sequence[float] = RETENTIONS) -> RetentionSuggestion:
    """Simulate every retention (reads no collection: it may run on a worker thread)."""
    started = time.perf_counter()
    config = _config(data)
    parameters = list(data.parameters)
    seeds = seeds_for(data.deck_size)
    limit = data.reviews_per_day or None
    points = []
    for retention in retentions:
        reviews = memorized = cost = learned = limited = 0.0
        for seed in seeds:
            try:
                result = fsrs_rs_python.simulate(parameters, retention, config, seed)
            except Exception as error:  # the Rust side raises plain exceptions
                raise RetentionError(f"{data.deck}: the simulation failed ({error})") from None
            per_day = result.review_cnt_per_day
            reviews += sum(per_day) / DAYS
            last = result.memorized_cnt_per_day[-LAST_DAYS:]
            memorized += sum(last) / len(last)
            cost += sum(result.cost_per_day)
            learned += sum(result.learn_cnt_per_day)
            limited += sum(1 for count in per_day if limit is not None and count >= limit)
        runs = len(seeds)
        points.append(
            RetentionPoint(
                retention,
                reviews / runs,
                memorized / runs,
                cost / runs / DAYS / 60,
                cost / memorized if memorized else float("inf"),
                learned / runs,
                limited / runs,
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
        data.reviews_per_day,
    )


def suggest_retention(app: App, deck_name: str) -> RetentionSuggestion:
    return simulate(prepare_simulation(app, deck_name))


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _reviews(count: float) -> str:
    rounded = round(count)
    return f"{rounded:,} review{'s' * (rounded != 1)}"


def shown_share(suggestion: RetentionSuggestion, point: RetentionPoint) -> int:
    """The "recalled on a given day" figure as the explanation shows it, in whole percent."""
    return round(point.recalled_share(suggestion.deck_size) * 100)


def _limit_line(suggestion: RetentionSuggestion) -> str | None:
    """Where the deck's limit of reviews a day starts to hold reviews back, and what that costs."""
    limited = [point for point in suggestion.points if point.limited_days >= 1]
    if not limited or not suggestion.reviews_limit:
        return None
    line = (
        f"From {_percent(limited[0].retention)} up, on some days more reviews fall due than your limit of "
        f"{suggestion.reviews_limit:,} a day; the rest wait, and meanwhile some are forgotten"
    )
    shares = [shown_share(suggestion, point) for point in suggestion.points]
    peak = len(shares) - 1 - shares[::-1].index(max(shares))  # the last setting at the top
    if min(shares[peak:]) < shares[peak]:
        line += f", so above {_percent(suggestion.points[peak].retention)} fewer cards are recalled, not more"
    return line + "."


def trade_off(suggestion: RetentionSuggestion) -> list[str]:
    """The trade-off in plain words, a line per setting, each number named for what it is (see the module)."""
    now, best, top = suggestion.at(suggestion.current), suggestion.at(suggestion.suggested), suggestion.points[-1]
    learned = round(now.learned or suggestion.deck_size)

    def recalled(point: RetentionPoint) -> str:
        return f"{shown_share(suggestion, point)}%"

    forgotten = f"{_percent(1 - now.retention)} of cards are forgotten by the day they are due"
    if shown_share(suggestion, now) > round(now.retention * 100):
        kept = (
            f"yet on a given day you would recall about {recalled(now)} of the {learned:,} cards learned, "
            f"because a card falls to {_percent(now.retention)} only on its due day"
        )
    else:  # reviews held back by the limit (see the limit line)
        kept = f"and on a given day you would recall about {recalled(now)} of the {learned:,} cards learned"
    work = f"At {_percent(now.retention)} (your setting): about {_reviews(now.reviews_per_day)} a day"
    lines = [f"{work}. {forgotten}, {kept}."]
    if best.retention == now.retention:
        lines.append("That is where extra reviews stop paying off: keep it.")
    else:
        lines.append(
            f"At {_percent(best.retention)}: about {_reviews(best.reviews_per_day)} a day, "
            f"{_percent(1 - best.retention)} forgotten by the due day, about {recalled(best)} recalled on a given "
            f"day. {_percent(best.retention)} is where extra reviews stop paying off."
        )
    lines.append(
        f"Going up to {_percent(top.retention)} would mean about {_reviews(top.reviews_per_day)} a day, "
        f"with about {recalled(top)} recalled on a given day."
    )
    limit = _limit_line(suggestion)
    if limit:
        lines.append(limit)
    return lines


def simulated_on(suggestion: RetentionSuggestion) -> str:
    """What was simulated, for the end of the explanation or a chart's caption."""
    return (
        f"Simulated: {suggestion.deck_size:,} cards, {suggestion.new_per_day} new a day, one year, "
        f"{'your fitted' if suggestion.fitted else 'the default'} FSRS parameters; "
        f"“recalled on a given day” is the average over the year’s last month."
    )


def explain(suggestion: RetentionSuggestion) -> str:
    """The trade-off in plain words, each number named for what it is (see the module), and what was simulated."""
    return "\n".join([*trade_off(suggestion), f"({simulated_on(suggestion)})"])
