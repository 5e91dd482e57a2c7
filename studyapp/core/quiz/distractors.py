"""Multiple choice: the right answer and three plausible wrong ones from the same deck, in a shuffled order.

A wrong option is never the right answer's text, nor any text equal to it once normalized (case,
accents, punctuation and spaces ignored), and no two options are the same normalized text. The most
plausible candidates are those of about the same length that share terms with the right answer;
three are drawn from the most plausible few, so that a card does not always show the same neighbours,
but never one far less plausible than the rest; the draw is fixed by the ``random.Random`` given.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from studyapp.core.quiz.answer_match import COMPARED_CHARS, key_terms, normalize

OPTION_COUNT = 4
# The wrong options are drawn from this many times the number needed of the most plausible candidates.
POOL_FACTOR = 2
# A candidate scoring under this share of the needed-th best is never drawn ("x" for "the left ventricle").
WEAKEST_SHARE = 0.5
# A big deck is ranked on a fixed random sample of its answers, so that a card's options come at once.
RANKED_AT_MOST = 400


@dataclass(frozen=True)
class ChoiceOptions:
    options: tuple[str, ...]
    right_index: int

    @property
    def right(self) -> str:
        return self.options[self.right_index]


def distinct_answers(answers: Iterable[str]) -> list[str]:
    """One text per normalized answer (the first seen), empty ones dropped, in a fixed order."""
    chosen: dict[str, str] = {}
    for answer in answers:
        key = normalize(answer[:COMPARED_CHARS])  # (a 2.5 MB field costs no more than a long answer)
        if key and key not in chosen:
            chosen[key] = answer
    return [chosen[key] for key in sorted(chosen)]


def plausibility(right: str, candidate: str) -> float:
    """0 to 1: how well ``candidate`` passes for ``right``: similar length, and shared key terms."""
    right, candidate = right[:COMPARED_CHARS], candidate[:COMPARED_CHARS]
    a, b = normalize(right), normalize(candidate)
    length = min(len(a), len(b)) / max(len(a), len(b), 1)
    terms_a, terms_b = set(key_terms(right)), set(key_terms(candidate))
    union = terms_a | terms_b
    shared = len(terms_a & terms_b) / len(union) if union else 0.0
    return 0.6 * length + 0.4 * shared


def choose_options(
    right: str, candidates: Iterable[str], rng: random.Random, count: int = OPTION_COUNT
) -> ChoiceOptions | None:
    """``count`` options, the right answer among them, or ``None`` if there are too few distinct candidates."""
    right_key = normalize(right)
    if not right_key:
        return None
    wrong = [c for c in distinct_answers(candidates) if normalize(c) != right_key]
    needed = count - 1
    if len(wrong) < needed:
        return None
    if len(wrong) > RANKED_AT_MOST:
        wrong = rng.sample(wrong, RANKED_AT_MOST)
    scored = sorted(((plausibility(right, c), normalize(c), c) for c in wrong), key=lambda s: (-s[0], s[1]))
    # Draw from the most plausible few, leaving out any far less plausible than the needed-th best.
    floor = WEAKEST_SHARE * scored[needed - 1][0]
    pool = [c for score, _, c in scored[: needed * POOL_FACTOR] if score >= floor]
    options = [*rng.sample(pool, needed), right]
    rng.shuffle(options)
    return ChoiceOptions(tuple(options), options.index(right))
