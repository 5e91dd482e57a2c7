"""Fitting a deck's own FSRS-6 parameters to its review history (the "Optimize" of Anki).

The fit is done by ``fsrs-rs`` (Rust, the optimizer Anki ships), never by the torch one. Both the
current parameters and the fitted ones are scored on the same history (log loss and RMSE(bins), as
``fsrs-rs`` evaluates them), and the fitted ones are kept only if they predict it better: a fit on
few reviews can be worse than the defaults, and then nothing changes.

After a fit is saved, :func:`save_and_reschedule` recomputes the due dates of the cards of every deck
that uses the preset (:mod:`studyapp.services.reschedule`), as Anki's "reschedule cards on change" does.

Days between reviews are counted in study days (the collection's rollover hour in the local zone), as
FSRS expects: two answers on the same study day are 0 days apart. Every review after a card's first
is one training item holding the card's history up to and including it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

import fsrs
import fsrs_rs_python
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp.core.days import DEFAULT_ROLLOVER_HOUR
from studyapp.core.model import ReviewEntry
from studyapp.services.decks import ROLLOVER_SETTING
from studyapp.services.reschedule import RescheduleResult, reschedule_preset
from studyapp.storage.codec import from_ms, to_ms
from studyapp.storage.deck_ops_store import DeckOpsStore

if TYPE_CHECKING:
    from studyapp.services.app import App

# Below these, the fitted figures say little about next month's reviews; we fit anyway and say so.
FEW_REVIEWS = 1000
FEW_CARDS = 100
FEW_REVIEWS_NOTE = "too few reviews for the fit to mean much"
ALL_DECKS = "All decks"


class OptimizeError(Exception):
    """The parameters cannot be fitted or saved; the message is one line for the user."""


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float

    def __str__(self) -> str:
        return f"log loss {self.log_loss:.4f}, RMSE(bins) {self.rmse_bins:.4f}"


@dataclass(frozen=True)
class FitResult:
    deck: str
    reviews: int  # review-log rows of the deck and its subdecks
    cards: int  # cards answered at least twice (the ones that teach the model anything)
    old_parameters: tuple[float, ...]  # the preset's, or the defaults
    parameters: tuple[float, ...]  # fitted (within py-fsrs's bounds)
    before: Evaluation  # the old parameters on this history
    after: Evaluation  # the fitted ones
    seconds: float
    warning: str | None = None

    @property
    def better(self) -> bool:
        return self.after.log_loss < self.before.log_loss

    @property
    def chosen(self) -> tuple[float, ...]:
        """What the deck should use: the fitted parameters only if they predict the history better."""
        return self.parameters if self.better else self.old_parameters


def _study_day(moment: datetime, zone: tzinfo, rollover_hour: int) -> int:
    return (moment.astimezone(zone) - timedelta(hours=rollover_hour)).date().toordinal()


def training_items(
    histories: Sequence[Sequence[ReviewEntry]], zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> list[fsrs_rs_python.FSRSItem]:
    """One item per review after a card's first: the card's reviews up to it, with days since the one before.

    Only items whose last answer came a study day or more after the one before are kept.
    """
    items = []
    for entries in histories:
        reviews = []
        previous: int | None = None
        for entry in entries:
            day = _study_day(entry.reviewed_at, zone, rollover_hour)
            delta_t = 0 if previous is None else day - previous
            reviews.append(fsrs_rs_python.FSRSReview(int(entry.rating), delta_t))
            previous = day
            # fsrs-rs predicts recall after a gap of days: an item ending in a same-day answer cannot be
            # scored (evaluate() refuses it), so, as Anki did, only items ending a day or more later count.
            if len(reviews) >= 2 and delta_t > 0:
                items.append(fsrs_rs_python.FSRSItem(list(reviews)))
    return items


class _StudyDays:
    """The study day of an instant in ms, as ``_study_day``, converting once per quarter hour: zone offsets and
    their changes, and the rollover hour, fall on quarter hours, so every instant of one has the same day."""

    QUARTER_MS = 900_000

    def __init__(self, zone: tzinfo, rollover_hour: int) -> None:
        self._zone, self._hour = zone, rollover_hour
        self._days: dict[int, int] = {}

    def __call__(self, moment_ms: int) -> int:
        quarter = moment_ms // self.QUARTER_MS
        day = self._days.get(quarter)
        if day is None:
            day = self._days[quarter] = _study_day(from_ms(quarter * self.QUARTER_MS), self._zone, self._hour)  # type: ignore[arg-type]
        return day


def answer_items(
    histories: Sequence[Sequence[tuple[int, int]]], zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> list[fsrs_rs_python.FSRSItem]:
    """``training_items`` of histories of (rating, reviewed_at ms), as ``ReviewStore.answer_history`` reads
    them: the same items, built in one pass without a ``ReviewEntry`` or a datetime per answer."""
    day_of = _StudyDays(zone, rollover_hour)
    review, item = fsrs_rs_python.FSRSReview, fsrs_rs_python.FSRSItem
    items = []
    for answers in histories:
        reviews: list[fsrs_rs_python.FSRSReview] = []
        previous: int | None = None
        for rating, reviewed_at in answers:
            day = day_of(reviewed_at)
            delta_t = 0 if previous is None else day - previous
            reviews.append(review(rating, delta_t))
            previous = day
            if delta_t > 0 and len(reviews) >= 2:
                items.append(item(list(reviews)))
    return items


def checked_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """The fitted values clamped into py-fsrs's bounds, and proved acceptable to ``fsrs.Scheduler``."""
    if len(parameters) != len(LOWER_BOUNDS_PARAMETERS):
        raise OptimizeError(
            f"the optimizer gave {len(parameters)} parameters, FSRS-6 needs {len(LOWER_BOUNDS_PARAMETERS)}"
        )
    clamped = tuple(
        min(max(float(value), low), high)
        for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
    try:
        fsrs.Scheduler(parameters=clamped)
    except ValueError as error:
        raise OptimizeError(f"the fitted parameters are not usable: {error}") from None
    return clamped


def _evaluate(parameters: Sequence[float], items: Sequence[fsrs_rs_python.FSRSItem]) -> Evaluation:
    result = fsrs_rs_python.FSRS(list(parameters)).evaluate(list(items))
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def deck_histories(app: App, deck_name: str) -> list[list[ReviewEntry]]:
    """The review log of each card of the deck and its subdecks that was ever answered, in time order."""
    deck_ids = DeckOpsStore(app.collection.db).subtree_ids(deck_name)
    card_ids = {row["id"] for row in DeckOpsStore(app.collection.db).snapshot(deck_ids).cards} if deck_ids else set()
    by_card: dict[int, list[ReviewEntry]] = {}
    for entry in app.collection.reviews.log():  # ordered by time
        if entry.card_id in card_ids:
            by_card.setdefault(entry.card_id, []).append(entry)
    return list(by_card.values())


@dataclass(frozen=True)
class FitInput:
    """What the fit needs, read from the collection (on the thread that owns it); the fit itself reads nothing."""

    deck: str
    reviews: int
    cards: int
    old_parameters: tuple[float, ...]
    items: tuple[fsrs_rs_python.FSRSItem, ...]


def prepare_fit(app: App, deck_name: str | None) -> FitInput:
    """The deck's training items (with subdecks) and its current parameters; ``OptimizeError`` if none.

    ``deck_name`` None: the whole collection, starting from the default parameters."""
    if deck_name is None:
        name, deck_ids, old = ALL_DECKS, None, tuple(DEFAULT_PARAMETERS)
    else:
        deck = app.find_deck(deck_name)
        if deck is None:
            raise OptimizeError(f"no deck named '{deck_name}'")
        name, deck_ids = deck.name, DeckOpsStore(app.collection.db).subtree_ids(deck.name)
        old = tuple(deck.options.parameters or DEFAULT_PARAMETERS)
    histories = app.collection.reviews.answer_history(deck_ids) if deck_ids != [] else []
    reviews = sum(len(answers) for answers in histories)
    cards = sum(1 for answers in histories if len(answers) >= 2)
    hour = int(app.setting(ROLLOVER_SETTING, DEFAULT_ROLLOVER_HOUR))
    items = answer_items(histories, app.clock.local_zone(), hour)
    if not items:
        raise OptimizeError(f"{name}: no card was answered twice, so there is nothing to fit")
    return FitInput(name, reviews, cards, old, tuple(items))


def compute_fit(data: FitInput) -> FitResult:
    """Fit FSRS-6 to the items and score old and new parameters on them. Touches no collection: it may
    run on a worker thread (it cannot be interrupted; a caller that gives up just ignores the result)."""
    items = list(data.items)
    started = time.perf_counter()
    try:
        fitted = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(items)
    except Exception as error:  # the Rust side raises plain exceptions ("not enough data", ...)
        raise OptimizeError(f"{data.deck}: the fit failed ({error})") from None
    seconds = time.perf_counter() - started
    parameters = checked_parameters(fitted)
    warning = FEW_REVIEWS_NOTE if data.reviews < FEW_REVIEWS or data.cards < FEW_CARDS else None
    before, after = _evaluate(data.old_parameters, items), _evaluate(parameters, items)
    return FitResult(
        data.deck, data.reviews, data.cards, data.old_parameters, parameters, before, after, seconds, warning
    )


def fit_parameters(app: App, deck_name: str) -> FitResult:
    """Fit FSRS-6 to the deck's history (with subdecks) and score old and new parameters on it."""
    return compute_fit(prepare_fit(app, deck_name))


@dataclass(frozen=True)
class PresetUse:
    """The preset a deck's parameters are saved in, and how many decks share it."""

    name: str
    decks: int

    def __str__(self) -> str:
        return f"preset '{self.name}', used by {self.decks} deck{'s' * (self.decks != 1)}"


def preset_use(app: App, deck_name: str) -> PresetUse | None:
    deck = app.find_deck(deck_name)
    preset = app.collection.presets.get(deck.preset_id) if deck is not None and deck.preset_id is not None else None
    if preset is None:
        return None
    return PresetUse(preset.name, app.collection.presets.decks_using(preset.id))


@dataclass(frozen=True)
class Saved:
    """What :func:`save_and_reschedule` did."""

    saved: bool  # the fitted parameters went into the preset
    preset: PresetUse | None
    rescheduled: RescheduleResult | None  # None: not asked for, or nothing saved


def save_and_reschedule(app: App, result: FitResult, reschedule: bool = True) -> Saved:
    """Save the fitted parameters if better and reschedule every deck of the preset, in one transaction."""
    with app.collection.transaction():
        saved = apply(app, result)
        deck = app.find_deck(result.deck)
        rescheduled = None
        if saved and reschedule and deck is not None and deck.preset_id is not None:
            rescheduled = reschedule_preset(app, deck.preset_id)
    return Saved(saved, preset_use(app, result.deck), rescheduled)


def apply(app: App, result: FitResult) -> bool:
    """Save the fitted parameters into the deck's preset if they are better; whether they were saved.

    The preset is shared: every deck that uses it is scheduled with them from the next answer on.
    """
    if not result.better:
        return False
    deck = app.find_deck(result.deck)
    if deck is None or deck.preset_id is None:
        raise OptimizeError(f"{result.deck}: the deck has no options preset to save the parameters in")
    preset = app.collection.presets.get(deck.preset_id)
    if preset is None:
        raise OptimizeError(f"{result.deck}: its options preset no longer exists")
    with app.collection.transaction():
        app.collection.presets.update(preset.id, preset.name, replace(preset.options, parameters=result.parameters))
        app.collection.set_setting(
            _FIT_SETTING.format(preset.id),
            {"at": to_ms(app.clock.now()), "deck": result.deck, "reviews": result.reviews},
        )
    return True


_FIT_SETTING = "fsrs_fit:{}"


@dataclass(frozen=True)
class ParameterOrigin:
    """Where a preset's FSRS parameters come from: the defaults, or a fit (when, on which deck)."""

    fitted: bool
    at: datetime | None = None
    deck: str = ""
    reviews: int = 0


def parameter_origin(app: App, preset_id: int) -> ParameterOrigin:
    preset = app.collection.presets.get(preset_id)
    if preset is None or preset.options.parameters is None:
        return ParameterOrigin(False)
    record = app.setting(_FIT_SETTING.format(preset_id)) or {}
    at = from_ms(record["at"]) if "at" in record else None
    return ParameterOrigin(True, at, str(record.get("deck", "")), int(record.get("reviews", 0)))
