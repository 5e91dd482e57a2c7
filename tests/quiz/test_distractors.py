"""Multiple-choice options: fixed by the seed, never the right text twice, and plausible."""

from __future__ import annotations

import random

import pytest

from studyapp.core.quiz.answer_match import normalize
from studyapp.core.quiz.distractors import choose_options, distinct_answers, plausibility

CAPITALS = ["Paris", "Rome", "Madrid", "Lisbon", "Berlin", "Vienna", "Brussels", "Cairo"]


def test_the_options_for_a_seed_are_always_the_same() -> None:
    golden = choose_options("Paris", CAPITALS, random.Random(7))
    assert golden is not None
    assert golden.options == ("Berlin", "Madrid", "Paris", "Lisbon")
    assert golden.right_index == 2 and golden.right == "Paris"
    assert choose_options("Paris", CAPITALS, random.Random(7)) == golden
    assert choose_options("Paris", list(reversed(CAPITALS)), random.Random(7)) == golden  # order of the deck


def test_another_seed_may_give_other_options() -> None:
    drawn = {choose_options("Paris", CAPITALS, random.Random(seed)) for seed in range(20)}
    assert len(drawn) > 1


@pytest.mark.parametrize("seed", range(30))
def test_no_option_repeats_and_none_but_one_is_the_right_text(seed: int) -> None:
    candidates = ["Paris", "paris!", " PARIS ", "Páris", "Rome", "rome", "Madrid", "Madrid.", "Lisbon", "Oslo"]
    chosen = choose_options("Paris", candidates, random.Random(seed))
    assert chosen is not None
    keys = [normalize(option) for option in chosen.options]
    assert len(chosen.options) == 4 and len(set(keys)) == 4
    assert keys.count("paris") == 1 and chosen.options[chosen.right_index] == "Paris"


def test_too_few_distinct_answers_give_no_options() -> None:
    assert choose_options("Paris", ["Paris", "Rome", "rome", "Madrid", "MADRID!"], random.Random(1)) is None
    assert choose_options("", CAPITALS, random.Random(1)) is None
    assert distinct_answers(["b", "B.", "a", "", "  "]) == ["a", "b"]


def test_similar_length_and_shared_terms_are_preferred() -> None:
    right = "the left ventricle"
    assert plausibility(right, "the right ventricle") > plausibility(right, "the aorta")
    assert plausibility(right, "the left atrium") > plausibility(right, "x")
    assert plausibility(right, "the aorta") > plausibility(right, "a mitochondrion in the liver cells of all mammals")
    plausible = {"the right ventricle", "the left atrium", "the right atrium", "the left auricle"}
    unlikely = [f"an unrelated and much longer answer number {n} about something else" for n in range(10)]
    candidates = [*sorted(plausible), *unlikely, "x"]
    for seed in range(40):
        chosen = choose_options(right, candidates, random.Random(seed))
        assert chosen is not None
        assert set(chosen.options) - {right} <= plausible


def test_a_big_deck_is_ranked_on_a_fixed_sample() -> None:
    answers = [f"answer {n}" for n in range(5000)]
    first = choose_options("answer 42", answers, random.Random(3))
    assert first is not None and first == choose_options("answer 42", answers, random.Random(3))
