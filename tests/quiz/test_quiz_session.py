"""The quiz side of a study session: the mode a deck remembers, the fall-back to flip, options per card."""

from __future__ import annotations

from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import NoteKind, Rating, ReviewMode
from studyapp.core.quiz.answer_match import normalize
from studyapp.services.app import App
from studyapp.services.review.quiz import remembered_mode

from .conftest import CAPITALS


def test_a_deck_remembers_its_mode_across_sessions_and_reopening(
    app: App, capitals_id: int, collection_path: Path, clock: FixedClock
) -> None:
    assert remembered_mode(app.collection, capitals_id) is ReviewMode.FLIP
    assert app.review_session(capitals_id).mode is ReviewMode.FLIP
    assert app.review_session(capitals_id, ReviewMode.TYPE).mode is ReviewMode.TYPE
    assert app.review_session(capitals_id).mode is ReviewMode.TYPE
    calcinosis = app.find_deck("Calcinosis")
    assert calcinosis is not None and app.review_session(calcinosis.id).mode is ReviewMode.FLIP  # per deck
    app.close()
    reopened = App.open(collection_path, clock=clock)
    try:
        assert reopened.review_session(capitals_id).mode is ReviewMode.TYPE
    finally:
        reopened.close()


def test_choice_on_a_deck_of_three_answers_falls_back_to_flip_and_says_why(app: App, tiny_id: int) -> None:
    session = app.review_session(tiny_id, ReviewMode.CHOICE)
    assert session.mode is ReviewMode.FLIP
    assert session.notice == (
        "Tiny has only 3 different answers; multiple choice needs at least 4. Studying with Flip instead."
    )
    card = session.next_card()
    assert card is not None and session.quiz.mode_for(card) is ReviewMode.FLIP
    session.answer(Rating.GOOD)
    assert [entry.mode for entry in app.collection.reviews.log()] == [ReviewMode.FLIP]
    assert remembered_mode(app.collection, tiny_id) is ReviewMode.CHOICE  # it may have more cards next time
    assert app.review_session(tiny_id, ReviewMode.TYPE).notice is None


def test_a_card_keeps_its_options_for_the_session(app: App, capitals_id: int) -> None:
    session = app.review_session(capitals_id, ReviewMode.CHOICE)
    card = session.next_card()
    assert card is not None
    options = session.quiz.options(card)
    assert options is not None and options.right == "Paris" and len(set(options.options)) == 4
    assert set(options.options) <= set(CAPITALS.values())
    session.answer(Rating.AGAIN, mode=ReviewMode.CHOICE)
    assert session.undo().id == card.id
    assert session.quiz.options(card) == options


def test_a_choice_answer_is_logged_with_its_mode(app: App, capitals_id: int) -> None:
    session = app.review_session(capitals_id, ReviewMode.CHOICE)
    session.next_card()
    session.answer(Rating.GOOD)
    session.answer(Rating.AGAIN, mode=ReviewMode.FLIP)  # a card that could only be flipped
    assert {(e.rating, e.mode) for e in app.collection.reviews.log()} == {  # one instant: the log order is by id
        (Rating.GOOD, ReviewMode.CHOICE),
        (Rating.AGAIN, ReviewMode.FLIP),
    }


def test_cloze_and_reverse_cards_get_options_of_their_own_field_from_other_notes(app: App, heart_id: int) -> None:
    session = app.review_session(heart_id, ReviewMode.CHOICE)
    assert session.mode is ReviewMode.CHOICE
    # Two cloze notes: a deletion has one other note's two deletions to be wrong with, not three.
    assert session.notice == (
        "4 of 12 cards have fewer than 3 different wrong answers in the same field of other notes: shown with Flip."
    )
    cards = app.collection.reviews  # every card of the deck, one by one
    seen = {ReviewMode.CHOICE: 0, ReviewMode.FLIP: 0}
    card = session.next_card()
    while card is not None:
        card = cards.card(card.id) or card
        mode = session.quiz.mode_for(card)
        seen[mode] += 1
        options = session.quiz.options(card)
        if card.kind is NoteKind.CLOZE:
            assert options is None and mode is ReviewMode.FLIP
        else:
            assert options is not None
            keys = {normalize(option) for option in options.options}
            if card.ord == 1:
                assert keys == {"der hund", "die katze", "das pferd", "der vogel"}
            else:
                assert keys == {"the dog", "the cat", "the horse", "the bird"}
        session.answer(Rating.EASY, mode=mode)
        card = session.current
    assert seen == {ReviewMode.CHOICE: 8, ReviewMode.FLIP: 4}


def test_a_typed_answer_is_checked_against_the_cloze_deletion(app: App, heart_id: int) -> None:
    session = app.review_session(heart_id, ReviewMode.TYPE)
    card = session.next_card()
    while card is not None and card.kind is not NoteKind.CLOZE:
        session.answer(Rating.EASY)
        card = session.current
    assert card is not None and card.ord == 0
    assert session.quiz.check(card, "left ventricle").rating is Rating.GOOD
    assert session.quiz.check(card, "left ventrikle").rating is Rating.HARD
    assert session.quiz.check(card, "aorta").rating is Rating.AGAIN
