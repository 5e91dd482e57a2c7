"""The review session: card order, daily limits, the day boundary, undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating, ReviewMode
from studyapp.importers.plaintext_qa import read_qa
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck, create_preset, save_deck_options
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteText

from .conftest import SEED_DECK


def _qa_file(tmp_path: Path, count: int, name: str = "mini.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(1, count + 1)), encoding="utf-8")
    return path


def test_new_cards_come_in_deck_order(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    expected = [note.front for note in read_qa(SEED_DECK).notes[:5]]
    seen = []
    card = session.next_card()
    for _ in range(5):
        assert card is not None
        seen.append(card.front)
        session.answer(Rating.EASY)
        card = session.current
    assert seen == expected


def test_new_cards_stop_at_the_daily_limit_and_come_back_after_the_rollover(
    app: App, calcinosis_id: int, clock: FixedClock
) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    answered = 0
    while card is not None:
        session.answer(Rating.EASY)  # straight to review, days away
        answered += 1
        card = session.current
    assert answered == 20
    [counts] = app.deck_counts()
    assert (counts.new, counts.learning, counts.due, counts.total) == (0, 0, 0, 29)
    assert session.summary.answered == 20 and session.summary.ratings[Rating.EASY] == 20
    assert session.next_due_in() is not None and session.next_due_in() > timedelta(days=1)

    clock.advance(timedelta(hours=16))  # 04:00 UTC the next day: a new study day
    [counts] = app.deck_counts()
    assert counts.new == 9


def test_the_day_boundary_follows_the_rollover_setting(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    for _ in range(20):
        session.answer(Rating.EASY)
    app.collection.set_setting("rollover_hour", 13)  # the day now starts at 13:00 UTC
    assert app.deck_counts()[0].new == 0
    clock.advance(timedelta(hours=1))
    assert app.deck_counts()[0].new == 9


def test_learning_cards_return_when_due_and_reviews_when_due_today(app: App, tmp_path: Path, clock: FixedClock) -> None:
    app.import_file(_qa_file(tmp_path, 2))
    deck = app.find_deck("Mini")
    assert deck is not None
    session = app.review_session(deck.id)
    first = session.next_card()
    assert first is not None and first.front == "Question 1?"

    def answer(rating: Rating) -> str | None:
        session.answer(rating)
        clock.advance(timedelta(seconds=10))
        session.next_card()
        return session.current.front if session.current else None

    assert answer(Rating.AGAIN) == "Question 2?"  # Question 1 comes back in 1 minute
    # Only learning cards due within 20 minutes are left: shown early rather than waiting.
    assert answer(Rating.GOOD) == "Question 1?"  # Question 2 in 10 minutes
    assert answer(Rating.GOOD) == "Question 2?"  # Question 1 at its second step, due after Question 2
    assert answer(Rating.GOOD) == "Question 1?"  # Question 2 graduates: a review card, days away
    assert answer(Rating.GOOD) is None
    assert session.current is None
    counts = session.counts()
    assert (counts.new, counts.learning, counts.review) == (0, 0, 0)
    wait = session.next_due_in()
    assert wait is not None and wait > timedelta(hours=23)

    clock.advance(wait)
    [mini] = [c for c in app.deck_counts() if c.name == "Mini"]
    assert mini.due >= 1
    assert session.next_card() is not None
    assert session.current.schedule.state is CardState.REVIEW


def test_review_limit_caps_due_cards(app: App, tmp_path: Path, clock: FixedClock) -> None:
    app.import_file(_qa_file(tmp_path, 6))
    deck = app.find_deck("Mini")
    assert deck is not None
    preset = app.collection.presets.get(deck.preset_id)
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, reviews_per_day=2))
    session = app.review_session(deck.id)
    session.next_card()
    while session.current is not None:
        session.answer(Rating.EASY)
    clock.advance(timedelta(days=60))
    session = app.review_session(deck.id)
    assert session.counts().review == 2
    session.next_card()
    session.answer(Rating.GOOD)
    session.answer(Rating.GOOD)
    assert session.current is None


def test_undo_restores_the_card_and_the_log_exactly(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    before_counts = session.counts()
    clock.advance(timedelta(seconds=7))
    entry = session.answer(Rating.HARD)
    assert entry.duration_ms == 7000 and entry.mode is ReviewMode.FLIP
    assert entry.before == card.schedule and entry.after.state is CardState.LEARNING
    assert session.can_undo
    undone = session.undo()
    assert undone == card
    assert session.current == card
    assert app.collection.reviews.card(card.id) == card
    assert app.collection.reviews.log_count() == 0
    assert session.counts() == before_counts
    assert session.summary.answered == 0 and not session.can_undo
    with pytest.raises(LookupError):
        session.undo()


def test_undo_goes_back_several_answers(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    cards = []
    for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY):
        cards.append(session.current)
        session.answer(rating)
    for card in reversed(cards):
        assert session.undo() == card
    assert app.collection.reviews.log_count() == 0


def test_button_labels_are_the_intervals_the_card_really_gets(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    assert session.interval_labels()[Rating.AGAIN] == "1m"
    assert session.interval_labels()[Rating.GOOD] == "10m"
    promised = session.intervals()[Rating.EASY]
    entry = session.answer(Rating.EASY)
    assert entry.after.due - entry.reviewed_at == promised


def test_answer_time_is_capped_at_a_minute(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    session = app.review_session(calcinosis_id)
    session.next_card()
    clock.advance(timedelta(hours=2))
    assert session.answer(Rating.GOOD).duration_ms == 60_000


def test_a_parent_deck_is_studied_with_its_subdecks(app: App, tmp_path: Path) -> None:
    from studyapp.services.decks.tree import deck_tree

    app.import_file(_qa_file(tmp_path, 2, "parent.txt"), deck_name="Languages")
    app.import_file(_qa_file(tmp_path, 3, "child.txt"), deck_name="Languages::German")
    parent = app.find_deck("Languages")
    assert parent is not None
    session = app.review_session(parent.id)
    [node] = [n for n in deck_tree(app.collection, app.clock) if n.name == "Languages"]
    assert (session.counts().new, node.new, node.total) == (5, 5, 5)
    seen = set()
    session.next_card()
    while session.current is not None:
        seen.add(session.current.deck_id)
        session.answer(Rating.EASY)
    german = app.find_deck("Languages::German")
    assert german is not None and seen == {parent.id, german.id}
    assert session.summary.answered == 5


def test_a_subdeck_card_is_scheduled_with_its_own_decks_options(app: App) -> None:
    create_deck(app.collection, app.rng, app.clock, "Parent")
    add_to_deck(app, "Parent::Child", NoteText("Child question?", "Child answer"))
    child = app.find_deck("Parent::Child")
    parent = app.find_deck("Parent")
    assert child is not None and parent is not None
    slow = replace(child.options, learning_steps=(timedelta(minutes=25),))
    preset = create_preset(app.collection, app.rng, app.clock, "Slow steps", slow)
    save_deck_options(app.collection, child.id, preset.id, slow)
    session = app.review_session(parent.id)
    card = session.next_card()
    assert card is not None and card.deck_id == child.id
    assert session.intervals()[Rating.AGAIN] == timedelta(minutes=25)  # the child's step, not the parent's 1m
    entry = session.answer(Rating.AGAIN)
    assert entry.after.due == entry.reviewed_at + timedelta(minutes=25)


def test_answers_to_one_card_within_a_millisecond_stay_in_strict_time_order(app: App, tmp_path: Path) -> None:
    """A script piping answers can answer the card the session shows again (learning ahead) within the same
    millisecond: each answer is logged a millisecond after the one before, so "the latest answer" (undo) is
    always one row. (The crash harness found this once answering got fast enough.)"""
    summary = app.import_file(_qa_file(tmp_path, 1), deck_name="One")
    assert summary.new == 1
    deck = app.find_deck("One")
    assert deck is not None
    session = app.review_session(deck.id)  # the clock never moves in this test
    card = session.next_card()
    assert card is not None
    for rating in (Rating.AGAIN, Rating.AGAIN, Rating.GOOD):
        assert session.current is not None and session.current.id == card.id  # shown again at once
        session.answer(rating)
    times = [entry.reviewed_at for entry in app.collection.reviews.log() if entry.card_id == card.id]
    assert times == [times[0] + timedelta(milliseconds=n) for n in range(3)]
    session.undo()
    assert [entry.reviewed_at for entry in app.collection.reviews.log()] == times[:2]


def test_a_queued_card_edited_mid_session_shows_its_new_text(app: App, calcinosis_id: int) -> None:
    """The session reads its queue's next cards ahead (with the queue): an edit of one of them meanwhile must show."""
    from studyapp.services.notes.notes import update_note

    session = app.review_session(calcinosis_id)
    first = session.next_card()
    assert first is not None
    session.answer(Rating.GOOD)  # the queue and its cards' rows are read now
    upcoming = session.current
    assert upcoming is not None
    later_ids = [row[0] for row in app.collection.db.execute(
        "SELECT note_id FROM cards WHERE deck_id = ? AND state = 0 ORDER BY position LIMIT 3 OFFSET 1",
        [calcinosis_id])]  # fmt: skip
    note_id = later_ids[-1]
    update_note(app.collection, app.rng, app.clock, note_id, NoteText("Edited question?", "Edited answer"))
    seen = []
    while session.current is not None and len(seen) < 10:
        seen.append((session.current.note_id, session.current.front))
        session.answer(Rating.GOOD)
    assert (note_id, "Edited question?") in seen
