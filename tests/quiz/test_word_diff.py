"""Golden tests: a typed reply against the answer word by word, and the filler words of each language."""

from __future__ import annotations

import time

import pytest

from studyapp.core.quiz.answer_match import DiffOp, answer_terms, key_terms, match_answer
from studyapp.core.quiz.stop_words import NEGATIONS, STOP_WORDS, is_latin, language_of
from studyapp.core.quiz.word_diff import WordDiff, WordOp, word_diff

EQ, MS, EX, MI = WordOp.EQUAL, WordOp.MISSPELT, WordOp.EXTRA, WordOp.MISSING


def ops(expected: str, typed: str) -> list[tuple[WordOp, str]]:
    """Each word's verdict with the word shown: the answer's (or, for an extra word, the typed one)."""
    return [(w.op, w.typed if w.op is EX else w.expected) for w in word_diff(expected, typed)]


# -- the word diff -----------------------------------------------------------------------------------


def test_a_word_left_out_does_not_throw_the_rest_out_of_step() -> None:
    assert ops("the right atrium and the left ventricle", "right atrium, left ventricle") == [
        (MI, "the"),
        (EQ, "right"),
        (EQ, "atrium"),
        (MI, "and"),
        (MI, "the"),
        (EQ, "left"),
        (EQ, "ventricle"),
    ]


def test_an_extra_word_is_extra_and_case_accents_and_punctuation_do_not_count() -> None:
    assert ops("Café au lait", "cafe AU, au lait!") == [(EQ, "Café"), (EX, "AU"), (EQ, "au"), (EQ, "lait")]


def test_a_misspelt_word_is_marked_inside_itself_only() -> None:
    (word,) = word_diff("Rome", "Roma")
    assert word == WordDiff(MS, "Rome", "Roma", ((DiffOp.EQUAL, "Rom"), (DiffOp.WRONG, "a"), (DiffOp.MISSING, "e")))
    words = word_diff("the left ventricle", "the lfet ventrikle")
    assert [w.op for w in words] == [EQ, MS, MS]
    for w in words[1:]:  # the letters spell the answer's word (without the wrong ones) and the typed word
        assert "".join(t for op, t in w.letters if op is not DiffOp.WRONG).lower() == w.expected.lower()
        assert "".join(t for op, t in w.letters if op is not DiffOp.MISSING).lower() == w.typed.lower()


def test_another_word_altogether_is_extra_then_missing_not_a_letter_soup() -> None:
    assert ops("Madrid", "Berlin") == [(EX, "Berlin"), (MI, "Madrid")]
    assert ops("mitral valve", "aortic valve") == [(EX, "aortic"), (MI, "mitral"), (EQ, "valve")]


def test_nothing_typed_is_every_word_missing() -> None:
    assert ops("Paris", "") == [(MI, "Paris")]
    assert ops("", "") == []


def test_any_reply_is_compared_at_once() -> None:
    started = time.perf_counter()
    words = word_diff("the left ventricle " * 400, "word " * 20_000 + "x" * 200_000)
    assert time.perf_counter() - started < 1.0
    assert sum(w.op is MI for w in words) >= 1_000 and sum(w.op is EX for w in words) >= 19_000


# -- filler words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("The mitochondria is the powerhouse of the cell", ["mitochondria", "powerhouse", "cell"]),
        ("Die Hauptstadt von Frankreich ist Paris", ["hauptstadt", "frankreich", "paris"]),
        ("Der Hund ist nicht über den Zaun gesprungen", ["hund", "nicht", "zaun", "gesprungen"]),
        ("La capitale de la France est Paris, pas Lyon", ["capitale", "france", "paris", "pas", "lyon"]),
        ("El perro come la carne con sus dientes", ["perro", "come", "carne", "dientes"]),
        (
            "Old soldiers never die, they simply fade away",
            ["old", "soldiers", "never", "die", "simply", "fade", "away"],
        ),
        ("Столица и крупнейший город России — Москва", ["столица", "и", "крупнеишии", "город", "россии", "москва"]),
    ],
)
def test_key_terms_drop_the_filler_words_of_the_answers_language(text: str, terms: list[str]) -> None:
    assert key_terms(text) == terms


def test_the_language_is_decided_from_the_answer() -> None:
    assert language_of(["die", "katze", "ist", "auf", "dem", "dach"]) == "de"
    assert language_of(["le", "chat", "est", "sur", "le", "toit"]) == "fr"
    assert language_of(["el", "gato", "esta", "en", "el", "tejado"]) == "es"
    assert language_of(["the", "cat", "is", "on", "the", "roof"]) == "en"
    assert language_of(["photosynthesis", "chlorophyll"]) == "en"
    assert is_latin("Ça va") and not is_latin("Москва") and not is_latin("東京")
    assert not any(words & NEGATIONS for words in STOP_WORDS.values())


def test_a_long_german_answer_is_not_failed_for_its_articles() -> None:
    expected = "Die Mitochondrien sind die Kraftwerke der Zelle und bilden das ATP"
    assert answer_terms(expected) == ["mitochondrien", "kraftwerke", "zelle", "bilden", "atp"]
    match = match_answer(expected, "Mitochondrien Kraftwerke Zelle bilden ATP")
    assert match.by_terms and match.rating.label == "Good"
    assert all(op is DiffOp.EQUAL for op, _ in match.diff)  # no filler word listed as a missed key term
