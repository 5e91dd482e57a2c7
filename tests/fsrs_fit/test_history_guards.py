"""A card's answers and schedule changes are one history: neither is taken back from under a later one."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App, StaleCardError
from studyapp.services.fsrs.reschedule import reschedule_deck
from studyapp.services.notes.browser_actions import BrowserActions, BulkActionError
from tests.conftest import collection_fingerprint


def _lower_retention(app: App, deck_name: str) -> None:
    deck = app.find_deck(deck_name)
    assert deck is not None and deck.preset_id is not None
    preset = app.collection.presets.get(deck.preset_id)
    assert preset is not None
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, desired_retention=0.80))


def test_an_answer_rescheduled_since_cannot_be_undone(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    first = app.review_session(calcinosis_id)
    card = first.next_card()
    assert card is not None
    first.answer(Rating.GOOD, 1000)
    clock.advance(timedelta(days=1))
    session = app.review_session(calcinosis_id)
    shown = session.next_card()
    assert shown is not None and shown.id == card.id  # the learning card, due again
    session.answer(Rating.GOOD, 1000)  # graduates: a review card with days of interval
    _lower_retention(app, "Calcinosis")
    assert reschedule_deck(app.collection, app.rng, app.clock, "Calcinosis").changed == 1
    before = collection_fingerprint(app.path)
    with pytest.raises(StaleCardError, match="changed since that answer"):
        session.undo()
    assert collection_fingerprint(app.path) == before
    assert len(app.collection.reviews.log(card.id)) == 2


def test_a_reset_answered_since_cannot_be_undone(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    session.answer(Rating.GOOD, 1000)
    actions = BrowserActions(app.collection, app.clock, app.rng)
    actions.reset([card.id])
    again = app.review_session(calcinosis_id)
    again.current = app.collection.reviews.card(card.id)  # the reset card, new again, studied once more
    assert again.current is not None and again.current.schedule.reps == 0
    again.answer(Rating.GOOD, 1000)
    before = collection_fingerprint(app.path)
    with pytest.raises(BulkActionError, match="Reset progress cannot be undone"):
        actions.undo()
    assert collection_fingerprint(app.path) == before
    assert not actions.can_undo  # dropped, so an older undo can be reached
