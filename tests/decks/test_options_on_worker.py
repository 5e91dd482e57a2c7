"""Saving deck options that reschedule, on a worker thread's own connection, and cancelling that: nothing is
written unless it commits, and a cancel says truly whether it came in time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.model import ScheduleChangeKind
from studyapp.core.scheduling.deck_options import Deck
from studyapp.services.app import App
from studyapp.services.cancellation import Cancellation, Cancelled
from studyapp.services.fsrs import options_save
from studyapp.services.fsrs.review_log_import import import_review_log

from ..conftest import collection_fingerprint
from ..fsrs_fit.test_reschedule import mismatches, write_log


def logged(app: App, tmp_path: Path) -> Deck:
    import_review_log(app, write_log(tmp_path, cards=40), "Log")
    deck = app.find_deck("Log")
    assert deck is not None and deck.preset_id is not None
    return deck


def test_the_worker_saves_and_reschedules_through_its_own_connection(app: App, tmp_path: Path) -> None:
    deck = logged(app, tmp_path)
    assert deck.preset_id is not None
    options = replace(deck.options, desired_retention=0.8)
    # the dialog sends it to the worker
    assert options_save.rescheduled_decks(app.collection, deck.id, deck.preset_id, options)
    cancellation = Cancellation()
    result = options_save.save_options_on_worker(app.path, app.clock, 5, deck.id, deck.preset_id, options, cancellation)
    assert result is not None and result.cards == 40 and result.changed > 0
    seen = app.find_deck("Log")  # by the window's connection
    assert seen is not None and seen.options.desired_retention == 0.8
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESCHEDULE) == result.changed
    assert mismatches(app, "Log") == []
    assert cancellation.cancel() is False  # too late: it had committed


def test_a_change_that_schedules_nothing_anew_is_a_quick_save(app: App, tmp_path: Path) -> None:
    deck = logged(app, tmp_path)
    assert deck.preset_id is not None
    options = replace(deck.options, new_per_day=3)
    assert options_save.rescheduled_decks(app.collection, deck.id, deck.preset_id, options) == []
    assert (
        options_save.save_options_and_reschedule(app.collection, app.rng, app.clock, deck.id, deck.preset_id, options)
        is None
    )
    assert app.collection.schedule_changes.count() == 0


def test_cancelled_before_it_starts_writes_nothing(app: App, tmp_path: Path) -> None:
    deck = logged(app, tmp_path)
    assert deck.preset_id is not None
    before = collection_fingerprint(app.path)
    cancellation = Cancellation()
    assert cancellation.cancel() is True
    options = replace(deck.options, desired_retention=0.8)
    with pytest.raises(Cancelled):
        options_save.save_options_on_worker(app.path, app.clock, 5, deck.id, deck.preset_id, options, cancellation)
    assert collection_fingerprint(app.path) == before


def test_cancelled_in_the_middle_of_the_reschedule_rolls_everything_back(app: App, tmp_path: Path) -> None:
    deck = logged(app, tmp_path)
    assert deck.preset_id is not None
    before = collection_fingerprint(app.path)

    class CancelInTheReschedule(Cancellation):
        calls = 0

        def check(self) -> None:
            self.calls += 1
            if self.calls == 2:  # the first check is before the transaction; the second, the reschedule's first card
                assert self.cancel() is True
            super().check()

    cancellation = CancelInTheReschedule()
    options = replace(deck.options, desired_retention=0.8, maximum_interval_days=100)
    with pytest.raises(Cancelled):
        options_save.save_options_on_worker(app.path, app.clock, 5, deck.id, deck.preset_id, options, cancellation)
    assert cancellation.calls == 2
    assert collection_fingerprint(app.path) == before  # the preset too: saved in the same transaction


def test_the_plain_save_takes_the_same_hooks(app: App, tmp_path: Path) -> None:
    deck = logged(app, tmp_path)
    assert deck.preset_id is not None
    before = collection_fingerprint(app.path)
    checks: list[int] = []

    def refuse() -> None:
        raise Cancelled("cancelled: nothing was changed")

    options = replace(deck.options, desired_retention=0.8)
    with pytest.raises(Cancelled):
        options_save.save_options_and_reschedule(
            app.collection,
            app.rng,
            app.clock,
            deck.id,
            deck.preset_id,
            options,
            check=lambda: checks.append(1),
            before_commit=refuse,
        )
    assert checks and collection_fingerprint(app.path) == before
