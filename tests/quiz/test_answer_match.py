"""Typed answers against the grade they earn: normalization, fuzzy closeness, key terms, and the diff."""

from __future__ import annotations

import pytest

from studyapp.core.model import Card, NoteKind, Rating
from studyapp.core.quiz.answer_match import (
    DiffOp,
    Verdict,
    char_diff,
    expected_answer,
    key_terms,
    match_answer,
    normalize,
)

LONG = (
    "Calcinosis may be caused by trauma, inflammation, varicose veins, tumors, infections, connective tissue "
    "disease, hyperphosphatemia, and hypercalcemia."
)


@pytest.mark.parametrize(
    ("expected", "typed", "grade"),
    [
        ("Paris", "Paris", Rating.GOOD),
        ("Paris", "paris", Rating.GOOD),  # case
        ("café", "cafe", Rating.GOOD),  # accents, both ways
        ("cafe", "Café", Rating.GOOD),
        ("Crème brûlée", "creme brulee", Rating.GOOD),
        ("Paris, France.", "Paris France", Rating.GOOD),  # punctuation
        ("rock-'n'-roll!", "rock n roll", Rating.GOOD),
        ("the left ventricle", "  the   left\tventricle ", Rating.GOOD),  # extra spaces
        ("Mitochondria", "mitocondria", Rating.HARD),  # a typo
        ("London", "Lodnon", Rating.HARD),  # swapped letters
        ("Paris", "Pari", Rating.HARD),
        ("the Nile", "Nile", Rating.HARD),  # the same content words
        ("Paris", "Rome", Rating.AGAIN),  # wrong
        ("Rome", "Roma", Rating.AGAIN),  # a short word with a wrong letter is another word
        ("cat", "cot", Rating.AGAIN),
        ("guilty", "not guilty", Rating.AGAIN),  # a negation is not a stop word
        ("Paris", "", Rating.AGAIN),  # empty
        ("Paris", "  ?! ", Rating.AGAIN),  # nothing but punctuation
        (LONG, LONG, Rating.GOOD),
        (
            LONG,  # key terms in another order, stop words and punctuation left out
            "hypercalcemia hyperphosphatemia connective tissue disease infections tumors varicose veins "
            "inflammation trauma",
            Rating.GOOD,
        ),
        (LONG, "Trauma, tumours, infections, inflammation, varicose veins cause it", Rating.HARD),  # most terms
        (LONG, "trauma and tumors", Rating.AGAIN),  # too few
        (LONG, "", Rating.AGAIN),
    ],
)
def test_a_typed_answer_earns_its_grade(expected: str, typed: str, grade: Rating) -> None:
    assert match_answer(expected, typed, "What causes calcinosis?").rating is grade


def test_the_verdicts_name_the_grades() -> None:
    assert [v.rating for v in Verdict] == [Rating.GOOD, Rating.HARD, Rating.AGAIN]


def test_normalize_folds_case_accents_punctuation_and_spaces() -> None:
    assert normalize("  Ça   VA, Zoë?!  Straße ") == "ca va zoe strasse"


def test_key_terms_drop_stop_words_and_repeats_but_keep_negations() -> None:
    assert key_terms("The cat is NOT on the mat, the cat!") == ["cat", "not", "mat"]


def test_a_long_answer_is_compared_on_its_terms_less_those_the_question_names() -> None:
    match = match_answer(LONG, "trauma", "What causes calcinosis?")
    assert match.by_terms
    terms = [text for _, text in match.diff]
    assert "calcinosis" not in terms and terms[:3] == ["caused", "trauma", "inflammation"]
    assert dict((text, op) for op, text in match.diff)["trauma"] is DiffOp.EQUAL
    assert dict((text, op) for op, text in match.diff)["tumors"] is DiffOp.MISSING


def test_the_diff_marks_wrong_and_missing_characters_in_the_typists_spelling() -> None:
    assert char_diff("Paris", "pari") == [(DiffOp.EQUAL, "pari"), (DiffOp.MISSING, "s")]
    assert char_diff("London", "Lodnon") == [
        (DiffOp.EQUAL, "Lo"),
        (DiffOp.MISSING, "n"),
        (DiffOp.EQUAL, "d"),
        (DiffOp.WRONG, "n"),
        (DiffOp.EQUAL, "on"),
    ]
    assert char_diff("Rome", "Roma") == [(DiffOp.EQUAL, "Rom"), (DiffOp.WRONG, "a"), (DiffOp.MISSING, "e")]
    assert char_diff("café, au lait", "Cafe au  lait!") == [(DiffOp.EQUAL, "Cafe au lait")]
    assert char_diff("Paris", "") == [(DiffOp.MISSING, "Paris")]


def test_a_different_answer_altogether_is_shown_wrong_as_a_whole() -> None:
    assert match_answer("Madrid", "Berlin!").diff == ((DiffOp.WRONG, "Berlin"), (DiffOp.MISSING, "Madrid"))
    assert match_answer("Madrid", "").diff == ((DiffOp.MISSING, "Madrid"),)
    assert match_answer("Rome", "Roma").diff == ((DiffOp.EQUAL, "Rom"), (DiffOp.WRONG, "a"), (DiffOp.MISSING, "e"))


def test_equal_and_missing_segments_spell_the_answer() -> None:
    diff = char_diff("the left ventricle", "teh lfet ventricel")
    assert "".join(text for op, text in diff if op is not DiffOp.WRONG) == "the left ventricle"
    assert "".join(text for op, text in diff if op is not DiffOp.MISSING) == "teh lfet ventricel"


def card(kind: NoteKind, front: str, back: str, ord_: int = 0, html: bool = False) -> Card:
    return Card(id=1, note_id=1, deck_id=1, front=front, back=back, ord=ord_, kind=kind, html=html)


def test_the_expected_answer_of_each_kind_of_card() -> None:
    assert expected_answer(card(NoteKind.BASIC, "Capital of France?", "Paris")) == "Paris"
    assert expected_answer(card(NoteKind.REVERSED, "der Hund", "the dog", 0)) == "the dog"
    assert expected_answer(card(NoteKind.REVERSED, "der Hund", "the dog", 1)) == "der Hund"
    cloze = "The {{c1::left ventricle}} pumps blood into the {{c2::aorta::vessel}}, {{c1::then}} on."
    assert expected_answer(card(NoteKind.CLOZE, cloze, "extra", 0)) == "left ventricle, then"
    assert expected_answer(card(NoteKind.CLOZE, cloze, "extra", 1)) == "aorta"
    html = card(NoteKind.BASIC, "Q", "A <b>red</b>&nbsp;box<br>", html=True)
    assert expected_answer(html) == "A red box"
    assert expected_answer(card(NoteKind.CLOZE, "{{c1::<i>mitral</i> valve}}", "", html=True)) == "mitral valve"
