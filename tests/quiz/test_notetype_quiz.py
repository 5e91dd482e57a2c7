"""The quiz modes follow the note type: what a card expects, what is typed, and where options come from.

Real sessions on a temporary collection, from a genanki package (``notetype_decks``): a five-field type with
``{{type:Back}}`` inside its question, the stock Basic (type in the answer), a cloze with ``{{type:cloze:Text}}``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.model import Card, Rating, ReviewMode
from studyapp.core.quiz.answer_match import AnswerSource, answer_source, normalize
from studyapp.services.app import App
from studyapp.services.review.review import ReviewSession

from .notetype_decks import TYPING, WORDS, make_quiz_package


@pytest.fixture
def quiz_app(app: App, tmp_path: Path) -> App:
    (tmp_path / "package").mkdir()
    app.import_file(make_quiz_package(tmp_path / "package"))
    return app


def deck_id(app: App, name: str) -> int:
    deck = app.find_deck(name)
    assert deck is not None
    return deck.id


def every_card(app: App, session: ReviewSession) -> list[Card]:
    """Every card of the session, answered Easy one after another (each read back from the collection)."""
    cards = []
    card = session.next_card()
    while card is not None:
        stored = app.collection.reviews.card(card.id)
        assert stored is not None
        cards.append(stored)
        session.answer(Rating.EASY, mode=session.quiz.mode_for(stored))
        card = session.current
    return cards


def test_each_card_expects_its_templates_typed_field_or_its_answer_sides_main_field(quiz_app: App) -> None:
    session = quiz_app.review_session(deck_id(quiz_app, "Quiz"))
    cards = every_card(quiz_app, session)
    found = {(card.notetype.name, card.ord, card.all_fields[0]): answer_source(card) for card in cards}
    words = next(nt for nt in quiz_app.collection.notetypes.all() if nt.name == "German words")
    assert found["German words", 0, "Hund"] == (AnswerSource(words.id, "Back", typed=True), "dog")
    assert found["German words", 0, "Fisch"][1] == "fish"  # HTML and the sound tag are not typed
    assert found["German words", 1, "Hund"] == (AnswerSource(words.id, "Word"), "Hund")  # not Gender: it comes later
    assert ("German words", 1, "Katze") not in found  # Notes empty: no Produce card
    typed_cloze = next(nt for nt in quiz_app.collection.notetypes.all() if nt.name == "Typed cloze")
    source = AnswerSource(typed_cloze.id, "Text", cloze=True, typed=True)
    left = "The {{c1::left ventricle}} pumps blood into the {{c2::aorta}}."
    assert found["Typed cloze", 0, left] == (source, "left ventricle")
    assert found["Typed cloze", 1, left] == (source, "aorta")
    assert found["Typed cloze", 0, "The {{c1::mitral valve::valve}} closes."] == (source, "mitral valve")
    typing = [key for key in found if key[0].startswith("Basic (type in the answer)")]
    assert len(typing) == 3 and {found[key][1] for key in typing} == {back for _, back in TYPING}
    assert all(found[key][0].field == "Back" and found[key][0].typed for key in typing)


def test_type_mode_checks_the_typed_field_and_the_cloze_deletion(quiz_app: App) -> None:
    session = quiz_app.review_session(deck_id(quiz_app, "Quiz"), ReviewMode.TYPE)
    checked = 0
    for card in every_card(quiz_app, quiz_app.review_session(deck_id(quiz_app, "Quiz"), ReviewMode.TYPE)):
        assert session.quiz.mode_for(card) is ReviewMode.TYPE  # every card has something to type
        right = answer_source(card)
        assert right is not None
        assert session.quiz.check(card, right[1].upper() + "!").rating is Rating.GOOD
        if card.notetype.name == "German words" and card.ord == 0 and card.all_fields[0] == "Hund":
            assert session.quiz.check(card, "Hund").rating is Rating.AGAIN  # the Word is not the Back
        if card.notetype.name == "Typed cloze" and card.ord == 0 and "aorta" in card.all_fields[0]:
            assert session.quiz.check(card, "left ventrikle").rating is Rating.HARD
            assert session.quiz.check(card, "aorta").rating is Rating.AGAIN  # the other deletion
        checked += 1
    assert checked == 5 + 2 + 3 + 6


def test_a_flip_session_types_the_cards_whose_template_asks_for_it(quiz_app: App) -> None:
    session = quiz_app.review_session(deck_id(quiz_app, "Quiz"), ReviewMode.FLIP)
    modes: dict[tuple[str, int], set[ReviewMode]] = {}
    for card in every_card(quiz_app, session):
        modes.setdefault((card.notetype.name.split(" (genanki)")[0], card.ord), set()).add(session.quiz.mode_for(card))
    assert modes == {
        ("German words", 0): {ReviewMode.TYPE},
        ("German words", 1): {ReviewMode.FLIP},  # its template has no {{type:}}
        ("Basic (type in the answer)", 0): {ReviewMode.TYPE},
        ("Typed cloze", 0): {ReviewMode.TYPE},
        ("Typed cloze", 1): {ReviewMode.TYPE},
    }
    assert {entry.mode for entry in quiz_app.collection.reviews.log()} == {ReviewMode.TYPE, ReviewMode.FLIP}


def test_choice_draws_wrong_options_from_the_same_field_of_other_notes_of_the_type(quiz_app: App) -> None:
    session = quiz_app.review_session(deck_id(quiz_app, "Quiz"), ReviewMode.CHOICE)
    backs = {"dog", "cat", "horse", "bird", "fish"}  # the options show text, without markup or sound tags
    words = {normalize(word) for word, *_ in WORDS}
    produce = {normalize(word) for word, _, _, _, notes in WORDS if notes}
    deletions = {"left ventricle", "aorta", "right atrium", "venae cavae", "lungs", "mitral valve"}
    shown = 0
    for card in every_card(quiz_app, session):
        options = session.quiz.options(card)
        name = card.notetype.name
        if name == "German words" and card.ord == 0:
            assert options is not None and {normalize(o) for o in options.options} <= backs
        elif name == "German words":  # two Produce cards: one other note's Word each, too few
            assert options is None and normalize(answer_source(card)[1]) in produce
            continue
        elif name.startswith("Basic (type in the answer)"):  # three notes: two wrong answers each
            assert options is None
            continue
        else:
            assert options is not None and {normalize(o) for o in options.options} <= deletions
            own = {normalize(text) for text in ("left ventricle", "aorta")}
            if "aorta" in card.all_fields[0]:  # never the note's other deletion, which the question shows
                assert len({normalize(o) for o in options.options} & own) == 1
        assert normalize(options.right) == normalize(answer_source(card)[1])
        assert len({normalize(o) for o in options.options}) == 4
        assert not {normalize(o) for o in options.options} & (words - backs)  # never another field
        shown += 1
    assert shown == 5 + 6
    assert session.notice == (
        "5 of 16 cards have fewer than 3 different wrong answers in the same field of other notes: shown with Flip."
    )


def test_choice_on_a_deck_where_no_card_has_options_is_flip_and_says_why(quiz_app: App) -> None:
    session = quiz_app.review_session(deck_id(quiz_app, "Quiz::Typing"), ReviewMode.CHOICE)
    assert session.mode is ReviewMode.FLIP
    assert session.notice == (
        "Quiz::Typing has only 3 different answers; multiple choice needs at least 4. Studying with Flip instead."
    )
    card = session.next_card()
    assert card is not None and session.quiz.mode_for(card) is ReviewMode.FLIP


def test_the_terminal_shows_cards_through_their_templates_and_types_where_they_ask(quiz_app: App) -> None:
    import io

    from studyapp.cli.terminal_review import review_in_terminal

    session = quiz_app.review_session(deck_id(quiz_app, "Quiz::Words"), ReviewMode.FLIP)
    out = io.StringIO()
    review_in_terminal(session, io.StringIO("dogg\n\nq\n"), out)  # typed, accepted; then the Produce card
    text = out.getvalue()
    assert "  Hund (der)\n  \n  type the meaning\nType the answer (:u undo, :q quit): " in text
    assert "Almost: Hard suggested.\n  dog[-g]\n  Hund\n  \n  dog\n  Der Hund bellt.\n" in text
    assert "\n  dog\n[Enter] show answer" in text  # Produce: the Back asked (Notes has text), flipped
    assert "{{" not in text and "type-answer" not in text
    assert [(e.rating, e.mode) for e in quiz_app.collection.reviews.log()] == [(Rating.HARD, ReviewMode.TYPE)]
