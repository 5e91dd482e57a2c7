"""Suggesting a desired retention from simulations of the deck: repeatable, with the trade-off in words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.services.app import App
from studyapp.services.fsrs.optimizer import fit_parameters, save_and_reschedule
from studyapp.services.fsrs.retention import (
    RETENTIONS,
    RetentionError,
    RetentionPoint,
    RetentionSuggestion,
    _knee,
    explain,
    prepare_simulation,
    simulate,
    suggest_retention,
)
from studyapp.services.fsrs.review_log_import import import_review_log


def test_the_simulation_is_repeatable_and_more_retention_costs_more_work(app: App) -> None:
    data = prepare_simulation(app, "Calcinosis")
    assert (data.deck_size, data.new_per_day, data.fitted, data.current) == (29, 20, False, 0.90)
    assert data.first_rating_prob is None  # never studied: the simulator's own habits
    first, second = simulate(data), simulate(data)
    assert first.points == second.points and first.suggested == second.suggested
    assert [p.retention for p in first.points] == list(RETENTIONS)
    assert RETENTIONS[0] == 0.70 and RETENTIONS[-1] == 0.97
    assert first.points[-1].reviews_per_day > 2 * first.points[0].reviews_per_day
    assert first.points[-1].memorized > first.points[0].memorized


def test_the_suggestion_is_where_extra_reviews_stop_paying_off() -> None:
    def point(retention: float, reviews: float, memorized: float) -> RetentionPoint:
        return RetentionPoint(retention, reviews, memorized, 0.0, 0.0)

    points = [point(0.70, 10, 500), point(0.80, 15, 800), point(0.90, 45, 900), point(0.97, 100, 950)]
    assert _knee(points) == 0.80
    suggestion = RetentionSuggestion("D", 0.90, 0.80, True, 1000, 20, 365, tuple(points))
    assert explain(suggestion).splitlines() == [
        "At 90% (your setting) you would do about 45 reviews a day and remember about 90% of the cards, "
        "forgetting one card in ten when it comes up.",
        "At 80%, about 15 reviews a day; you would remember about 80% of the cards and forget one card in five.",
        "80% is where extra reviews stop paying off.",
        "Going up to 97% would mean about 100 reviews a day. (Simulated: 1000 cards, 20 new a day, one year, "
        "your fitted FSRS parameters.)",
    ]
    kept = replace(suggestion, current=0.80)
    assert "keep it" in explain(kept)


def test_an_empty_deck_cannot_be_simulated(app: App) -> None:
    app.collection.decks.create(99, "Empty", "", app.clock.now())
    with pytest.raises(RetentionError, match="no cards"):
        prepare_simulation(app, "Empty")
    with pytest.raises(RetentionError, match="no deck named"):
        prepare_simulation(app, "Nope")


def test_the_real_log_uses_its_fit_and_its_rating_habits(app: App, real_log: Path) -> None:
    import_review_log(app, real_log, "Real")
    save_and_reschedule(app, fit_parameters(app, "Real"))
    data = prepare_simulation(app, "Real")
    assert data.fitted and data.deck_size == 1205
    assert data.first_rating_prob is not None and sum(data.first_rating_prob) == pytest.approx(1.0)
    suggestion = suggest_retention(app, "Real")
    assert 0.80 <= suggestion.suggested <= 0.95
    now = suggestion.at(0.90)
    assert 20 < now.reviews_per_day < 120
    assert suggestion.seconds < 10  # generous: a loaded two-core machine; about 1 s when idle
