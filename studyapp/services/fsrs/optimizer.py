"""Fitting a deck's own FSRS-6 parameters to its review history (the "Optimize" of Anki).

The fit is done by ``fsrs-rs`` (Rust, the optimizer Anki ships), never by the torch one. It learns from
the answers before a study day that leaves about a fifth of them after it (the held-out part,
:mod:`studyapp.services.fsrs.fit_data`); the current parameters and the fitted ones are both scored on that
held-out part only (log loss and RMSE(bins), as ``fsrs-rs`` evaluates them), and the fitted ones are kept only if
their log loss there is lower: scored on the answers it learnt from, a fit nearly always "wins", even one on a few
noisy reviews that predicts next month worse than the defaults. The parameters saved are the ones scored (fitted
without the held-out part): a second fit on everything would double the time and be untested. A log too small to
hold answers back is fitted and scored on all of it, for the report, and the old parameters are kept.

After a fit is saved, :func:`save_and_reschedule` recomputes the due dates of the cards of every deck
that uses the preset (:mod:`studyapp.services.fsrs.reschedule`), as Anki's "reschedule cards on change" does.

Days between reviews are counted in study days (the collection's rollover hour in the local zone), as
FSRS expects: two answers on the same study day are 0 days apart. Every answer a study day or more after
the card's answer before is one training item holding the card's history up to and including it; same-day
repeats are none (fsrs-rs predicts recall after days). With fewer than ``MIN_ITEMS`` items there is nothing to
fit yet: :class:`NotEnoughHistory` says so, a normal state rather than a failure.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import fsrs
import fsrs_rs_python
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp.core.clock import Clock
from studyapp.services.cancellation import Cancellation
from studyapp.services.decks.decks import find_deck, rollover_hour
from studyapp.services.fsrs.fit_data import (
    HELD_OUT_SHARE,
    MIN_HELD_OUT,
    MIN_TRAIN,
    Answers,
    answer_count,
    build_items,
    cards_answered_twice,
    item_count,
    read_histories,
    training_config,
)
from studyapp.services.fsrs.fit_scoring import PARALLEL_FROM, Fitting, Scoring
from studyapp.services.fsrs.reschedule import RescheduleResult, reschedule_preset
from studyapp.storage import Collection
from studyapp.storage.codec import from_ms, to_ms
from studyapp.storage.decks.deck_ops_store import DeckOpsStore

if TYPE_CHECKING:
    from studyapp.services.app import App

# Below these, the fitted figures say little about next month's reviews; we fit anyway and say so.
FEW_REVIEWS = 1000
FEW_CARDS = 100
FEW_REVIEWS_NOTE = "too few reviews for the fit to mean much"
ALL_DECKS = "All decks"


class OptimizeError(Exception):
    """The parameters cannot be fitted or saved; the message is one line for the user."""


# fsrs-rs fits nothing from fewer training items (it hands back the defaults unchanged), and fewer still are
# left once it has dropped its outliers.
MIN_ITEMS = 8


class NotEnoughHistory(OptimizeError):
    """A normal state, not a failure: the deck has too few answers on later days for a fit yet."""

    def __init__(self, deck: str, items: int, same_day_cards: int) -> None:
        self.deck, self.items, self.same_day_cards = deck, items, same_day_cards
        text = (
            f"{deck}: nothing to fit yet. Optimize learns from cards reviewed on at least two different days: "
            f"it needs {MIN_ITEMS} answers given a day or more after the card's previous answer, and there "
            f"{'is' if items == 1 else 'are'} {items} so far."
        )
        if same_day_cards:
            cards = f"{same_day_cards:,} card{'s were' if same_day_cards != 1 else ' was'}"
            text += f" {cards} answered more than once, but on one day only: same-day repeats do not count."
        super().__init__(text)


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float

    def __str__(self) -> str:
        return f"log loss {self.log_loss:.4f}, RMSE(bins) {self.rmse_bins:.4f}"


@dataclass(frozen=True)
class HeldOut:
    """The part of the history the fit never saw, on which old and new parameters are scored."""

    items: int  # training items scored (answers a study day or more after the card's answer before)
    training: int  # the items before it, which the fit learnt from
    since: date  # the study day it starts on

    def __str__(self) -> str:
        return (
            f"scored on answers the fit never saw: the {self.items:,} from {self.since:%d %b %Y} on "
            f"(the fit learnt from the {self.training:,} before)"
        )


def held_out_of(items: int, training: int, day: int | None) -> HeldOut | None:
    """The held-out part of ``items`` training items whose first ``training`` the fit learnt from, starting on
    study ``day`` (days from 1970; None: there is none)."""
    return None if day is None else HeldOut(items - training, training, date(1970, 1, 1) + timedelta(days=day))


NO_HELD_OUT_NOTE = (
    f"too few answers to hold some back and test the fit on them (it needs {MIN_HELD_OUT} on later days after a "
    f"cut that leaves {MIN_TRAIN} before it, about {HELD_OUT_SHARE:.0%} of them): scored on the answers it "
    "learnt from, which prove nothing, so the old parameters are kept"
)


@dataclass(frozen=True)
class FitResult:
    deck: str
    reviews: int  # review-log rows of the deck and its subdecks
    cards: int  # cards answered at least twice (the ones that teach the model anything)
    old_parameters: tuple[float, ...]  # the preset's, or the defaults
    parameters: tuple[float, ...]  # fitted (within py-fsrs's bounds), on the items before the held-out part
    before: Evaluation  # the old parameters on the held-out part (on all items if there is none)
    after: Evaluation  # the fitted ones, on the same
    seconds: float
    warning: str | None = None
    items: int = 0  # training items: answers a study day or more after the card's answer before
    held_out: HeldOut | None = None  # None: too few items to hold some back

    @property
    def better(self) -> bool:
        """Whether the fitted parameters are to be kept: a lower log loss on the held-out part (none: never)."""
        return self.held_out is not None and self.after.log_loss < self.before.log_loss

    @property
    def verdict(self) -> str:
        """What was scored on, and why the fitted parameters were kept or not, in a line."""
        if self.held_out is None:
            return f"No held-out part: {NO_HELD_OUT_NOTE}."
        scored = f"{str(self.held_out)[0].upper()}{str(self.held_out)[1:]}"
        if self.better:
            return f"{scored}: the fitted parameters predict them better (lower log loss)."
        return (
            f"{scored}: the fitted parameters predict them no better (log loss {self.after.log_loss:.4f} vs "
            f"{self.before.log_loss:.4f}), so the old ones are kept (a fit on few or noisy answers learns their noise)."
        )

    @property
    def chosen(self) -> tuple[float, ...]:
        """What the deck should use: the fitted parameters only if they predict the history better."""
        return self.parameters if self.better else self.old_parameters


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


@dataclass(frozen=True)
class FitInput:
    """What the fit needs, read from the collection (on the thread that owns it); the fit itself reads nothing."""

    deck: str
    reviews: int
    cards: int
    old_parameters: tuple[float, ...]
    histories: list[str] = field(repr=False, compare=False)  # each card's answers (``fit_data``)


def prepare_fit(app: App, deck_name: str | None) -> FitInput:
    """The deck's answers (with subdecks) and its current parameters; ``OptimizeError`` if there is nothing to fit.

    ``deck_name`` None: the whole collection, starting from the default parameters."""
    return _prepare(app.collection, app.clock, deck_name)


def _prepare(collection: Collection, clock: Clock, deck_name: str | None) -> FitInput:
    if deck_name is None:
        name, deck_ids, old = ALL_DECKS, None, tuple(DEFAULT_PARAMETERS)
    else:
        deck = find_deck(collection, deck_name)
        if deck is None:
            raise OptimizeError(f"no deck named '{deck_name}'")
        name, deck_ids = deck.name, DeckOpsStore(collection.db).subtree_ids(deck.name)
        old = tuple(deck.options.parameters or DEFAULT_PARAMETERS)
    histories = read_histories(collection.reviews, deck_ids, clock.local_zone(), rollover_hour(collection))
    items, same_day = item_count(histories, stop_at=MIN_ITEMS)
    if items < MIN_ITEMS:
        raise NotEnoughHistory(name, items, same_day)
    return FitInput(name, answer_count(histories), cards_answered_twice(histories), old, histories)


def optimize_on_worker(
    path: Path, clock: Clock, seed: int, deck_name: str, cancellation: Cancellation
) -> tuple[FitResult, Saved]:
    """Fit, save and reschedule (``fit_parameters`` + ``save_and_reschedule``) for a worker thread, through a
    connection of the worker's own (the window's belongs to the UI thread): reading a million answers takes
    a second and rescheduling the cards of a big preset most of a minute, and the window must not freeze.

    ``cancellation`` stops it between cards and before the commit (``Cancelled``: nothing written); the fit
    itself (fsrs-rs) cannot be stopped, so a cancel during it takes effect when it returns."""
    from studyapp.services.app import App  # noqa: PLC0415 (the App imports this module)

    with App.on_own_connection(path, clock, seed) as app:
        result = compute_fit(_prepare(app.collection, clock, deck_name), check=cancellation.check, responsive=True)
        cancellation.check()
        with cancellation.committing():
            saved = save_and_reschedule(app, result, check=cancellation.check, before_commit=cancellation.last_check)
        return result, saved


def compute_fit(data: FitInput, check: Callable[[], None] | None = None, responsive: bool = False) -> FitResult:
    """Fit FSRS-6 to the answers before the held-out part and score old and new parameters on that part (see the
    module). Touches no collection: it may run on a worker thread. On a big log (``fit_scoring``):

    - ``responsive`` (a window's worker thread): two child processes do all the work, so this process, and its
      window, stay free (fsrs-rs holds the GIL), and ``check`` (called while waiting; an exception from it goes
      up) stops them at once. It costs about 0.3 s of a million-answer fit: the children start up and read.
    - otherwise (the command line, a script): the fit runs here, the fastest way, while a child scores the
      current parameters beside it.

    Small logs, and any failure of a child, are done here alone (the fit itself cannot be interrupted)."""
    big = data.reviews >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
    if big and responsive:
        with Fitting(data.histories) as fitting, Scoring(data.histories, data.old_parameters) as scoring:
            fitted = fitting.result(check)
            parameters = checked_parameters(fitted.parameters) if fitted is not None else None
            scored = scoring.result(parameters, check)
        if fitted is not None and parameters is not None and scored is not None and scored[1] is not None:
            before, after = Evaluation(*scored[0]), Evaluation(*scored[1])
            held_out = held_out_of(fitted.items, fitted.training, fitted.held_out_day)
            return _result(data, parameters, before, after, fitted.seconds, fitted.items, held_out)
    with contextlib.ExitStack() as stack:
        scoring_here = (
            stack.enter_context(Scoring(data.histories, data.old_parameters)) if big and not responsive else None
        )
        answers = build_items(data.histories)
        training, held_out_items = answers.training, answers.held_out
        started = time.perf_counter()
        try:
            fitted_here = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
                training, training_config=training_config(len(training))
            )
        except Exception as error:  # the Rust side raises plain exceptions ("not enough data", ...)
            raise OptimizeError(f"{data.deck}: the fit failed ({error})") from None
        seconds = time.perf_counter() - started
        parameters = checked_parameters(fitted_here)
        after = _evaluate(parameters, held_out_items)
        scored_here = scoring_here.result(None, check) if scoring_here is not None else None
    before = Evaluation(*scored_here[0]) if scored_here is not None else _evaluate(data.old_parameters, held_out_items)
    return _result(data, parameters, before, after, seconds, len(answers.items), _held_out(answers))


def _held_out(answers: Answers) -> HeldOut | None:
    return held_out_of(len(answers.items), answers.held_out_from, answers.held_out_day)


def _result(data: FitInput, parameters: tuple[float, ...], before: Evaluation, after: Evaluation, seconds: float,
            items: int, held_out: HeldOut | None) -> FitResult:  # fmt: skip
    warning = FEW_REVIEWS_NOTE if data.reviews < FEW_REVIEWS or data.cards < FEW_CARDS else None
    return FitResult(data.deck, data.reviews, data.cards, data.old_parameters, parameters, before, after, seconds,
                     warning, items, held_out)  # fmt: skip


def fit_parameters(app: App, deck_name: str) -> FitResult:
    """Fit FSRS-6 to the deck's history (with subdecks) and score old and new parameters on its held-out part."""
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


def save_and_reschedule(
    app: App,
    result: FitResult,
    reschedule: bool = True,
    check: Callable[[], None] | None = None,
    before_commit: Callable[[], None] | None = None,
) -> Saved:
    """Save the fitted parameters if better and reschedule every deck of the preset, in one transaction.

    ``check`` is called between cards and ``before_commit`` last (see ``services.cancellation``)."""
    with app.collection.transaction():
        saved = apply(app, result)
        deck = app.find_deck(result.deck)
        rescheduled = None
        if saved and reschedule and deck is not None and deck.preset_id is not None:
            rescheduled = reschedule_preset(app.collection, app.rng, app.clock, deck.preset_id, check)
        if before_commit is not None:
            before_commit()
    return Saved(saved, preset_use(app, result.deck), rescheduled)


def apply(app: App, result: FitResult) -> bool:
    """Save the fitted parameters into the deck's preset if they are better on the held-out part; whether they were
    saved.

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
