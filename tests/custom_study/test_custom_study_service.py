"""Custom study without Qt: today's limits extended (and expiring with the day), reviewing ahead, forgotten cards."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating, ReviewMode
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.decks.limit_extensions import EXTENSIONS_SETTING, todays_extensions
from studyapp.services.maintenance.check import run_check
from studyapp.services.review.custom_study import (
    ahead_cards,
    forgotten_cards,
    forgotten_session,
    increase_new_limit,
    increase_review_limit,
    leftover,
    review_ahead_session,
)


def _study_all(session, rating: Rating = Rating.EASY) -> int:  # type: ignore[no-untyped-def]
    answered = 0
    session.next_card()
    while session.current is not None:
        session.answer(rating)
        answered += 1
    return answered


def _qa_file(tmp_path: Path, count: int, name: str = "mini.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(1, count + 1)), encoding="utf-8")
    return path


def test_more_new_cards_today_then_the_extension_expires_with_the_day(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    assert _study_all(app.review_session(calcinosis_id)) == 20
    assert leftover(app.collection, calcinosis_id, app.clock).new == 9
    [counts] = app.deck_counts()
    assert counts.new == 0

    sentence = increase_new_limit(app.collection, calcinosis_id, app.clock, 5)
    assert sentence == "Today's limit of new cards is raised by 5, until the day ends."
    [counts] = app.deck_counts()
    assert counts.new == 5
    session = app.review_session(calcinosis_id)
    assert session.counts().new == 5
    assert _study_all(session) == 5
    assert leftover(app.collection, calcinosis_id, app.clock).new == 4
    increase_new_limit(app.collection, calcinosis_id, app.clock, 100)  # adds to today's: 105, only 4 are left
    assert app.deck_counts()[0].new == 4

    clock.advance(timedelta(hours=16))  # the next study day: the limit is 20 again, no extension
    assert todays_extensions(app.collection, *_day(app)) == {}
    assert app.deck_counts()[0].new == 4
    assert app.collection.setting(EXTENSIONS_SETTING)["decks"]  # still stored, ignored: another day's


def _day(app: App) -> tuple:  # type: ignore[type-arg]
    from studyapp.services.decks.decks import study_day

    return (study_day(app.collection, app.clock)[0],)


def test_an_extension_holds_for_the_subdecks_too(app: App, tmp_path: Path) -> None:
    parent = create_deck(app.collection, app.rng, app.clock, "Lang")
    app.import_file(_qa_file(tmp_path, 30, "a.txt"), deck_name="Lang::A")
    child = app.find_deck("Lang::A")
    assert child is not None
    assert _study_all(app.review_session(parent.id)) == 20
    increase_new_limit(app.collection, parent.id, app.clock, 3)
    counts = {c.name: c.new for c in app.deck_counts()}
    assert counts["Lang"] == 0  # the parent has no cards of its own
    assert counts["Lang::A"] == 3
    assert app.review_session(parent.id).counts().new == 3


def test_more_reviews_today(app: App, tmp_path: Path, clock: FixedClock) -> None:
    app.import_file(_qa_file(tmp_path, 6))
    deck = app.find_deck("Mini")
    assert deck is not None
    preset = app.collection.presets.get(deck.preset_id)
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, reviews_per_day=2))
    _study_all(app.review_session(deck.id))
    clock.advance(timedelta(days=60))
    assert _study_all(app.review_session(deck.id), Rating.GOOD) == 2
    assert leftover(app.collection, deck.id, app.clock).review == 4
    increase_review_limit(app.collection, deck.id, app.clock, 3)
    assert app.review_session(deck.id).counts().review == 3
    assert _study_all(app.review_session(deck.id), Rating.GOOD) == 3
    assert leftover(app.collection, deck.id, app.clock).review == 1


def test_review_ahead_answers_are_normal_answers_at_their_real_time(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    _study_all(app.review_session(calcinosis_id), Rating.GOOD)  # learning steps: come back within 20 minutes
    clock.advance(timedelta(hours=1))
    _study_all(app.review_session(calcinosis_id), Rating.GOOD)
    assert app.review_session(calcinosis_id).counts().total == 0
    assert ahead_cards(app.collection, calcinosis_id, app.clock, 1) == []  # a graduated card waits at least 2 days
    ahead = ahead_cards(app.collection, calcinosis_id, app.clock, 10)
    assert len(ahead) == 20

    session = review_ahead_session(app.collection, calcinosis_id, app.clock, app.rng, 10, ReviewMode.FLIP)
    assert session.title == "Review ahead (10 days)"
    assert session.counts().review == 20
    card = session.next_card()
    assert card is not None and card.id == ahead[0]
    before = card.schedule
    entry = session.answer(Rating.GOOD)
    # Logged as an answer now, days before the card was due; FSRS sees the real elapsed time (a small gain).
    assert entry.reviewed_at == clock.now() and before.due is not None and entry.reviewed_at < before.due
    assert entry.after.due is not None and entry.after.due > before.due
    assert session.counts().review == 19
    assert session.can_undo
    session.undo()
    assert session.counts().review == 20 and session.current is not None and session.current.id == ahead[0]
    assert _study_all(session, Rating.GOOD) == 20
    assert session.current is None and session.summary.cards == 20
    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert report.mismatches == [] and report.problems == 0  # every answer replays to the stored schedule


def test_forgotten_cards_come_back_and_relearn_within_the_session(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    forgotten = []
    for i in range(20):
        assert session.current is not None
        if i < 3:
            forgotten.append(session.current.id)
            session.answer(Rating.AGAIN)
        else:
            session.answer(Rating.EASY)
    clock.advance(timedelta(hours=1))
    _study_all(app.review_session(calcinosis_id), Rating.EASY)  # the three graduate
    clock.advance(timedelta(days=1))
    assert sorted(forgotten_cards(app.collection, calcinosis_id, app.clock, 1)) == []  # yesterday's
    found = forgotten_cards(app.collection, calcinosis_id, app.clock, 2)
    assert sorted(found) == sorted(forgotten)

    custom = forgotten_session(app.collection, calcinosis_id, app.clock, app.rng, 2, ReviewMode.FLIP)
    assert custom.title == "Forgotten in the last 2 days"
    first = custom.next_card()
    assert first is not None
    custom.answer(Rating.AGAIN)  # relearning: it comes back in this session once its step is due
    assert custom.counts().learning == 1 and custom.counts().review == 2
    custom.answer(Rating.GOOD)
    custom.answer(Rating.GOOD)
    assert custom.current is not None and custom.current.id == first.id  # shown early: nothing else left
    assert custom.current.schedule.state is CardState.RELEARNING
    custom.answer(Rating.GOOD)
    assert custom.current is None
    assert custom.summary.answered == 4 and custom.summary.cards == 3


def test_a_card_suspended_meanwhile_is_skipped(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    _study_all(app.review_session(calcinosis_id), Rating.EASY)
    ahead = ahead_cards(app.collection, calcinosis_id, app.clock, 60)
    session = review_ahead_session(app.collection, calcinosis_id, app.clock, app.rng, 60, ReviewMode.FLIP)
    app.collection.db.execute("UPDATE cards SET suspended = 1 WHERE id = ?", [ahead[0]])
    card = session.next_card()
    assert card is not None and card.id == ahead[1]
    assert session.counts().review == len(ahead) - 1


@pytest.mark.parametrize("days", [0, -1, 366])
def test_bad_numbers_are_refused(app: App, calcinosis_id: int, days: int) -> None:
    with pytest.raises(ValueError, match="days must be 1 to 365"):
        ahead_cards(app.collection, calcinosis_id, app.clock, days)
    with pytest.raises(ValueError, match="new cards must be 1 to 9,999"):
        increase_new_limit(app.collection, calcinosis_id, app.clock, days if days != 366 else 10_000)
    assert app.collection.setting(EXTENSIONS_SETTING) is None
