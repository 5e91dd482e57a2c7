"""Changing how a deck is scheduled reschedules its studied cards, so Check Collection finds no false mismatches."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from studyapp.core.clock import FixedClock
from studyapp.core.model import ScheduleChangeKind
from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.services.fsrs import options_save
from studyapp.services.maintenance.check import run_check

from .test_check import study


def mismatches(app: App) -> int:
    return len(run_check(app.collection, app.clock, app.rng, app.media_dir).mismatches)


def test_saving_only_the_options_would_leave_every_studied_card_a_mismatch(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    study(app, calcinosis_id, clock)
    deck = app.collection.decks.get(calcinosis_id)
    assert deck is not None and deck.preset_id is not None
    deck_ops.save_deck_options(app.collection, deck.id, deck.preset_id, replace(deck.options, desired_retention=0.8))
    assert mismatches(app) > 10  # what the rescheduling save below prevents


def test_a_new_retention_reschedules_the_decks_of_the_preset(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    study(app, calcinosis_id, clock)
    other = deck_ops.create_deck(app.collection, random.Random(2), clock, "Other")
    deck = app.collection.decks.get(calcinosis_id)
    assert deck is not None and deck.preset_id is not None and other.preset_id == deck.preset_id
    result = options_save.save_options_and_reschedule(
        app.collection, app.rng, app.clock, deck.id, deck.preset_id, replace(deck.options, desired_retention=0.8)
    )
    assert result is not None and result.decks == 2 and result.new_due > 10
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESCHEDULE) == result.changed
    assert mismatches(app) == 0
    clock.advance(timedelta(days=2))
    study(app, calcinosis_id, clock, days=2)
    assert mismatches(app) == 0


def test_steps_and_maximum_interval_count_too_but_daily_limits_do_not(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    study(app, calcinosis_id, clock)
    deck = app.collection.decks.get(calcinosis_id)
    assert deck is not None and deck.preset_id is not None
    limits = replace(deck.options, new_per_day=5, reviews_per_day=50)
    assert (
        options_save.save_options_and_reschedule(app.collection, app.rng, app.clock, deck.id, deck.preset_id, limits)
        is None
    )
    assert app.collection.schedule_changes.count() == 0
    steps = replace(limits, learning_steps=(timedelta(minutes=5),), maximum_interval_days=3)
    result = options_save.save_options_and_reschedule(
        app.collection, app.rng, app.clock, deck.id, deck.preset_id, steps
    )
    assert result is not None and result.changed > 0
    assert mismatches(app) == 0


def test_switching_a_deck_to_another_preset_reschedules_that_deck(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    study(app, calcinosis_id, clock)
    deck = app.collection.decks.get(calcinosis_id)
    assert deck is not None
    strict = deck_ops.create_preset(
        app.collection, random.Random(3), clock, "Strict", replace(deck.options, desired_retention=0.95)
    )
    result = options_save.save_options_and_reschedule(
        app.collection, app.rng, app.clock, deck.id, strict.id, strict.options
    )
    assert result is not None and result.decks == 1 and result.new_due > 10
    assert mismatches(app) == 0
    # Back to the old preset, unchanged: rescheduled again, from the log. (A minute later: two reschedules of
    # a card in the same millisecond have no order, see merged_history.)
    assert deck.preset_id is not None
    clock.advance(timedelta(minutes=1))
    back = options_save.save_options_and_reschedule(
        app.collection, app.rng, app.clock, deck.id, deck.preset_id, deck.options
    )
    assert back is not None and back.new_due > 10
    assert mismatches(app) == 0
