"""Importing the real review log, and fitting the user's own FSRS-6 parameters to it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.model import CardState
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.services.app import App
from studyapp.services.fsrs.fit_data import item_count
from studyapp.services.fsrs.optimizer import (
    FEW_REVIEWS_NOTE,
    Evaluation,
    NotEnoughHistory,
    OptimizeError,
    apply,
    checked_parameters,
    fit_parameters,
)
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


def test_fitting_the_real_log_is_scored_on_its_last_fifth_and_the_review_session_uses_a_kept_fit(
    app: App, real_log: Path
) -> None:
    import_review_log(app, real_log, "Real")
    result = fit_parameters(app, "Real")
    assert (result.reviews, result.warning, result.items) == (12580, None, 6276)
    assert result.held_out is not None
    assert (result.held_out.items, result.held_out.training, result.held_out.since) == (1279, 4997, date(2024, 9, 27))
    assert result.old_parameters == tuple(DEFAULT_PARAMETERS)
    assert len(result.parameters) == 21 and result.parameters != tuple(DEFAULT_PARAMETERS)
    # On this student's last 1,279 answers the fit and the defaults predict about as well (log loss 0.4372 vs
    # 0.4365 when measured): the one that scores better there is the one kept.
    assert abs(result.after.log_loss - result.before.log_loss) < 0.005
    assert result.better == (result.after.log_loss < result.before.log_loss)
    assert apply(app, result) is result.better

    kept = replace(result, before=Evaluation(1.0, 1.0))  # as if the fit had won: the session then uses it
    assert apply(app, kept) is True
    deck = app.find_deck("Real")
    assert deck is not None and deck.options.parameters == result.parameters
    session = app.review_session(deck.id)
    card = session.next_card()
    assert card is not None
    assert tuple(session.scheduler_for(card).config.parameters) == result.parameters
    assert tuple(session.scheduler_for(card)._fsrs.parameters) == result.parameters

    # Fitting again from the fitted parameters: they are the old ones now, scored on the same held-out part.
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


def test_a_deck_never_reviewed_has_nothing_to_fit_yet(app: App) -> None:
    with pytest.raises(NotEnoughHistory) as raised:
        fit_parameters(app, "Calcinosis")
    assert str(raised.value) == (
        "Calcinosis: nothing to fit yet. Optimize learns from cards reviewed on at least two different days: it "
        "needs 8 answers given a day or more after the card's previous answer, and there are 0 so far."
    )
    assert isinstance(raised.value, OptimizeError)  # the command line reports it as before


def write_days_log(tmp_path: Path, days_of_cards: list[list[float]]) -> Path:
    """A review log: card ``n`` answered Good on each of its (fractional) days from 1 January 2025, 10:00 UTC."""
    rows = ["card_id,review_rating,review_time,review_duration"]
    for card, days in enumerate(days_of_cards):
        for day in days:
            hours = 10 + round((day % 1) * 10)  # same-day answers: 10:00 to 20:00, far from the 04:00 boundary
            rows.append(f"{card},3,2025-01-{1 + int(day):02d}T{hours:02d}:00:00+00:00,1000")
    path = tmp_path / "days.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_cards_answered_several_times_on_one_day_only_are_no_history_to_fit(app: App, tmp_path: Path) -> None:
    """Two and three answers a card, all on the same day: fsrs-rs learns nothing from them (it predicts recall
    after days), so the message says what is missing instead of "no card was answered twice"."""
    import_review_log(app, write_days_log(tmp_path, [[0, 0.3], [0, 0.3, 0.6]] * 5 + [[2, 5]] * 3), "Same day")
    with pytest.raises(NotEnoughHistory) as raised:
        fit_parameters(app, "Same day")
    assert (raised.value.items, raised.value.same_day_cards) == (3, 10)
    assert str(raised.value) == (
        "Same day: nothing to fit yet. Optimize learns from cards reviewed on at least two different days: it "
        "needs 8 answers given a day or more after the card's previous answer, and there are 3 so far. 10 cards "
        "were answered more than once, but on one day only: same-day repeats do not count."
    )


def test_eight_answers_on_later_days_are_enough_to_fit(app: App, tmp_path: Path) -> None:
    import_review_log(app, write_days_log(tmp_path, [[0, 0.5, 1, 4]] * 4), "Eight")  # two items a card
    result = fit_parameters(app, "Eight")
    assert (result.items, result.cards, result.reviews) == (8, 4, 16)


def test_item_count_counts_answers_a_day_after_the_one_before() -> None:
    good = 3
    day = [(d << 3) | good for d in range(20_000, 20_010)]
    histories = [
        f"{day[0]}",  # answered once
        f"{day[0]} {day[0]}",  # twice, one day
        f"{day[0]} {day[0]} {day[1]} {day[1]} {day[4]}",  # two items
        f"{day[2]} {day[1]}",  # a clock turned back: no item, not "one day only" either
    ]
    assert item_count(histories) == (2, 1)
    assert item_count(histories, stop_at=1) == (2, 1)  # stops after the card that reached it


def test_out_of_bounds_parameters_are_clamped_and_a_wrong_count_refused() -> None:
    wild = [1000.0] * 21
    clamped = checked_parameters(wild)
    fsrs.Scheduler(parameters=clamped)  # accepted by the reference scheduler
    assert all(value < 1000.0 for value in clamped)
    with pytest.raises(OptimizeError, match="needs 21"):
        checked_parameters([0.5] * 19)
