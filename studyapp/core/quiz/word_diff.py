"""A typed reply against the answer word by word, the way a teacher marks it.

Each word of the answer is either typed (``EQUAL``), typed with a slip (``MISSPELT``: the typed word is
near the answer's, and only inside it is the difference shown letter by letter), or not typed
(``MISSING``); a typed word that matches none is ``EXTRA``. Words are compared as ``answer_match``
compares text: case, accents and punctuation do not count.

The words are aligned by a weighted edit distance over words (a misspelt word costs less than a missing
one plus an extra one), so a word left out or added does not throw the rest out of step as a letter diff
did. Where several words in a row differ, the extra ones are listed before the missing ones.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from studyapp.core.quiz.answer_match import DiffSegment, char_diff, normalize

# A typed word at least this near (ratio 0-100) the answer's word is that word misspelt: "Pari" for "Paris"
# (89), "teh" for "the" (67), "Roma" for "Rome" (75); "Berlin" for "Madrid" (17) is another word.
MISSPELT_RATIO = 60.0
# Bounds, so that any reply is compared at once: an answer's words past ``WORDS_ALIGNED`` are missing unless
# typed in step, a reply's words past the answer's count plus ``EXTRA_WORDS_ALIGNED`` are extra, and a word
# longer than ``LONGEST_MISSPELT`` characters (a pasted code, a sequence) is the same or another word.
WORDS_ALIGNED = 60
EXTRA_WORDS_ALIGNED = 40
LONGEST_MISSPELT = 60

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class WordOp(str, enum.Enum):
    EQUAL = "equal"
    MISSPELT = "misspelt"
    EXTRA = "extra"  # typed, not in the answer
    MISSING = "missing"  # in the answer, not typed


@dataclass(frozen=True)
class WordDiff:
    op: WordOp
    expected: str = ""  # the answer's word (not for EXTRA)
    typed: str = ""  # the typed word (not for MISSING)
    letters: tuple[DiffSegment, ...] = ()  # MISSPELT: the typed word against the answer's, letter by letter


def words_of(text: str) -> list[tuple[str, str]]:
    """The words of ``text`` as (compared key, as written); punctuation dropped."""
    found = []
    for match in _TOKEN.finditer(text):
        key = normalize(match.group())
        if key:
            found.append((key, match.group()))
    return found


def word_diff(expected: str, typed: str) -> list[WordDiff]:
    """The reply against the answer, word by word, in the answer's order."""
    want, got = words_of(expected), words_of(typed)
    missing_tail, want = want[WORDS_ALIGNED:], want[:WORDS_ALIGNED]
    tail = got[len(want) + EXTRA_WORDS_ALIGNED :]
    got = got[: len(want) + EXTRA_WORDS_ALIGNED]
    n, m = len(want), len(got)

    def near(i: int, j: int) -> float | None:
        """The cost of answer word i typed as word j: 0 the same, under 1 misspelt, None another word."""
        if want[i][0] == got[j][0]:
            return 0.0
        if max(len(want[i][0]), len(got[j][0])) > LONGEST_MISSPELT:
            return None
        ratio = fuzz.ratio(want[i][0], got[j][0])
        return None if ratio < MISSPELT_RATIO else 1.0 - ratio / 200  # always cheaper than missing + extra

    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                cost[i][j] = float(i + j)
                continue
            best = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1)
            step = near(i - 1, j - 1)
            if step is not None:
                best = min(best, cost[i - 1][j - 1] + step)
            cost[i][j] = best
    steps: list[WordDiff] = []
    i, j = n, m
    while i or j:
        step = near(i - 1, j - 1) if i and j else None
        if step is not None and abs(cost[i][j] - (cost[i - 1][j - 1] + step)) < 1e-9:
            a_word, t_word = want[i - 1][1], got[j - 1][1]
            if step == 0:
                steps.append(WordDiff(WordOp.EQUAL, a_word, t_word))
            else:
                steps.append(WordDiff(WordOp.MISSPELT, a_word, t_word, tuple(char_diff(a_word, t_word))))
            i, j = i - 1, j - 1
        elif i and abs(cost[i][j] - (cost[i - 1][j] + 1)) < 1e-9:
            steps.append(WordDiff(WordOp.MISSING, expected=want[i - 1][1]))
            i -= 1
        else:
            steps.append(WordDiff(WordOp.EXTRA, typed=got[j - 1][1]))
            j -= 1
    steps.reverse()
    steps += [WordDiff(WordOp.EXTRA, typed=word) for _, word in tail]
    steps += [WordDiff(WordOp.MISSING, expected=word) for _, word in missing_tail]
    return _extras_first(steps)


def _extras_first(steps: list[WordDiff]) -> list[WordDiff]:
    """In each run of words that are neither typed right nor misspelt: the extra ones, then the missing ones."""
    ordered: list[WordDiff] = []
    run: list[WordDiff] = []
    for step in [*steps, None]:
        if step is not None and step.op in (WordOp.EXTRA, WordOp.MISSING):
            run.append(step)
            continue
        ordered += [s for s in run if s.op is WordOp.EXTRA] + [s for s in run if s.op is WordOp.MISSING]
        run = []
        if step is not None:
            ordered.append(step)
    return ordered
