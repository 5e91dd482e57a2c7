"""Importing the real review log, and fitting the user's own FSRS-6 parameters to it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.model import CardState
from studyapp.core.scheduling import Scheduler
from studyapp.services.app import App
from studyapp.services.fsrs.optimizer import FEW_REVIEWS_NOTE, OptimizeError, apply, checked_parameters, fit_parameters
from studyapp.services.fsrs.review_log_import import PLACEHOLDER_BACK, import_review_log

from ..conftest import collection_fingerprint


def test_the_real_log_imports_every_card_and_review_replayed_by_our_scheduler(app: App, real_log: Path) -> None:
    summary = import_review_log(app, real_log, "Real")
    assert (summary.cards, summary.reviews) == (1205, 12580)
    deck = app.find_deck("Real")
    assert deck is not None
    notes = app.collection.notes.in_decks([deck.id])
    assert len(notes) == 1205
    assert all(n.guid.startswith("log:") and n.front == f"Card {n.guid[4:]}" for n in notes)
    assert {n.back for n in notes} == {PLACEHOLDER_BACK}

    log = app.collection.reviews.log()
    assert len(log) == 12580
    by_card = defaultdict(list)
    for entry in log:
        by_card[entry.card_id].append(entry)
    assert len(by_card) == 1205
    scheduler = Scheduler(deck.options.scheduler_config())
    for card_id, entries in by_card.items():
        card = app.collection.reviews.card(card_id)
        assert card is not None
        assert card.schedule == scheduler.replay(card_id, [(e.rating, e.reviewed_at) for e in entries])
        assert card.schedule.state is not CardState.NEW

    before = collection_fingerprint(app.path)
    again = import_review_log(app, real_log, "Real")
    assert (again.cards, again.reviews, again.already_there) == (0, 0, 1205)
    assert collection_fingerprint(app.path) == before


def test_fitting_the_real_log_beats_the_defaults_and_the_review_session_uses_the_fit(app: App, real_log: Path) -> None:
    import_review_log(app, real_log, "Real")
    result = fit_parameters(app, "Real")
    assert (result.reviews, result.warning) == (12580, None)
    assert result.old_parameters == tuple(DEFAULT_PARAMETERS)
    assert result.after.log_loss < result.before.log_loss
    assert result.after.rmse_bins < result.before.rmse_bins
    assert len(result.parameters) == 21 and result.parameters != tuple(DEFAULT_PARAMETERS)

    assert apply(app, result) is True
    deck = app.find_deck("Real")
    assert deck is not None and deck.options.parameters == result.parameters
    session = app.review_session(deck.id)
    card = session.next_card()
    assert card is not None
    assert tuple(session.scheduler_for(card).config.parameters) == result.parameters
    assert tuple(session.scheduler_for(card)._fsrs.parameters) == result.parameters

    # Fitting again from the fitted parameters finds nothing better: they stay.
    again = fit_parameters(app, "Real")
    assert again.old_parameters == result.parameters
    assert again.before.log_loss == pytest.approx(result.after.log_loss)


def test_a_tiny_log_is_fitted_with_an_honest_warning(app: App, tmp_path: Path) -> None:
    rows = ["card_id,review_rating,review_time,review_duration"]
    for card in range(12):
        rows += [
            f"{card},{1 + card % 2},2025-01-01T10:00:00+00:00,1000",
            f"{card},3,2025-01-02T10:00:00+00:00,1000",
            f"{card},{3 if card % 3 else 1},2025-01-06T10:00:00+00:00,1000",
        ]
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_review_log(app, path, "Tiny")
    result = fit_parameters(app, "Tiny")
    assert result.warning == FEW_REVIEWS_NOTE
    assert (result.reviews, result.cards) == (36, 12)
    assert len(result.parameters) == 21


def test_a_deck_never_reviewed_cannot_be_fitted(app: App) -> None:
    with pytest.raises(OptimizeError, match="no card was answered twice"):
        fit_parameters(app, "Calcinosis")


def test_out_of_bounds_parameters_are_clamped_and_a_wrong_count_refused() -> None:
    wild = [1000.0] * 21
    clamped = checked_parameters(wild)
    fsrs.Scheduler(parameters=clamped)  # accepted by the reference scheduler
    assert all(value < 1000.0 for value in clamped)
    with pytest.raises(OptimizeError, match="needs 21"):
        checked_parameters([0.5] * 19)
