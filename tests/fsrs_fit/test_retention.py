"""Suggesting a desired retention from simulations of the deck: repeatable, with the trade-off in words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.services.app import App
from studyapp.services.fsrs.optimizer import Evaluation, fit_parameters, save_and_reschedule
from studyapp.services.fsrs.retention import (
    RETENTIONS,
    RetentionError,
    RetentionPoint,
    RetentionSuggestion,
    SimulationInput,
    _knee,
    explain,
    prepare_simulation,
    seeds_for,
    shown_share,
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


def point(retention: float, reviews: float, memorized: float, limited: float = 0.0) -> RetentionPoint:
    return RetentionPoint(retention, reviews, memorized, 0.0, 0.0, 1000.0, limited)


def test_the_suggestion_is_where_extra_reviews_stop_paying_off() -> None:
    points = [point(0.70, 10, 820), point(0.80, 15, 900), point(0.90, 45, 950), point(0.97, 100, 990)]
    assert _knee(points) == 0.80
    suggestion = RetentionSuggestion("D", 0.90, 0.80, True, 1000, 20, 365, tuple(points), reviews_limit=200)
    assert explain(suggestion).splitlines() == [
        "At 90% (your setting): about 45 reviews a day. 10% of cards are forgotten by the day they are due, yet on "
        "a given day you would recall about 95% of the 1,000 cards learned, because a card falls to 90% only on "
        "its due day.",
        "At 80%: about 15 reviews a day, 20% forgotten by the due day, about 90% recalled on a given day. 80% is "
        "where extra reviews stop paying off.",
        "Going up to 97% would mean about 100 reviews a day, with about 99% recalled on a given day.",
        "(Simulated: 1,000 cards, 20 new a day, one year, your fitted FSRS parameters; “recalled on a given day” "
        "is the average over the year’s last month.)",
    ]
    kept = replace(suggestion, current=0.80)
    assert "That is where extra reviews stop paying off: keep it." in explain(kept)


def test_a_review_limit_that_holds_reviews_back_is_named_where_it_lowers_what_is_recalled() -> None:
    points = [point(0.70, 10, 820), point(0.80, 15, 890, 3), point(0.90, 45, 900, 40), point(0.97, 50, 860, 200)]
    suggestion = RetentionSuggestion("D", 0.90, 0.80, False, 1000, 20, 365, tuple(points), reviews_limit=50)
    lines = explain(suggestion).splitlines()
    assert lines[0].endswith("and on a given day you would recall about 90% of the 1,000 cards learned.")
    assert lines[3] == (
        "From 80% up, on some days more reviews fall due than your limit of 50 a day; the rest wait, and "
        "meanwhile some are forgotten, so above 90% fewer cards are recalled, not more."
    )
    assert _knee(points) == 0.80  # the top remembers less than the middle: never suggested


def test_what_is_recalled_never_falls_as_the_desired_retention_rises() -> None:
    """The shown "recalled on a given day" figure over every setting: it never decreases while the reviews
    due stay within the deck's limit, and it is above the desired retention (a card is that weak only on
    its due day). Small decks get more seeds: with three, a 40-card deck showed 86% at 75% and 85% at 76%."""
    for size in (40, 400):
        data = SimulationInput("D", 0.90, tuple(DEFAULT_PARAMETERS), False, size, 20, 200, 36500, 2, 1)
        suggestion = simulate(data)
        assert not any(p.limited_days for p in suggestion.points), size
        shown = [shown_share(suggestion, p) for p in suggestion.points]
        assert shown == sorted(shown), (size, shown)
        assert all(share > round(p.retention * 100) for share, p in zip(shown, suggestion.points, strict=True))
        assert all(p.learned == size for p in suggestion.points)
        assert "From " not in explain(suggestion)  # no limit line


def test_a_limit_that_is_reached_is_explained_where_more_retention_recalls_less() -> None:
    data = SimulationInput("D", 0.90, tuple(DEFAULT_PARAMETERS), False, 1500, 20, 40, 36500, 2, 1)
    suggestion = simulate(data)
    shown = [shown_share(suggestion, p) for p in suggestion.points]
    assert shown[-1] < max(shown)  # held-back reviews: the top setting recalls less than the best one
    peak = max(p.retention for p, share in zip(suggestion.points, shown, strict=True) if share == max(shown))
    assert (
        f"your limit of 40 a day; the rest wait, and meanwhile some are forgotten, so above {peak:.0%} fewer "
        "cards are recalled, not more." in explain(suggestion)
    )


def test_small_decks_get_more_seeds() -> None:
    assert (
        seeds_for(29) == tuple(range(1, 31)) and seeds_for(1205) == (1, 2, 3) and seeds_for(400) == tuple(range(1, 9))
    )


def test_an_empty_deck_cannot_be_simulated(app: App) -> None:
    app.collection.decks.create(99, "Empty", "", app.clock.now())
    with pytest.raises(RetentionError, match="no cards"):
        prepare_simulation(app, "Empty")
    with pytest.raises(RetentionError, match="no deck named"):
        prepare_simulation(app, "Nope")


def test_the_real_log_uses_its_fit_and_its_rating_habits(app: App, real_log: Path) -> None:
    import_review_log(app, real_log, "Real")
    # Saved whatever its held-out score (the two are about even on this log): this is about the simulation.
    assert save_and_reschedule(app, replace(fit_parameters(app, "Real"), before=Evaluation(1.0, 1.0))).saved
    data = prepare_simulation(app, "Real")
    assert data.fitted and data.deck_size == 1205
    assert data.first_rating_prob is not None and sum(data.first_rating_prob) == pytest.approx(1.0)
    suggestion = suggest_retention(app, "Real")
    assert 0.80 <= suggestion.suggested <= 0.95
    now = suggestion.at(0.90)
    assert 20 < now.reviews_per_day < 120
    assert suggestion.seconds < 10  # generous: a loaded two-core machine; about 1 s when idle
