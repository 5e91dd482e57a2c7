"""Typed answers: what a card expects, how close a typed reply is, and a diff that shows the difference.

Text is compared normalized: case, accents, punctuation and extra spaces are ignored. A short answer is
compared as a whole (a fuzzy ratio from rapidfuzz); a long one on its key terms, the content words
left once the filler words of its language are dropped (``stop_words``), each found fuzzily anywhere in
the reply and in any order. The reviewer shows a short answer's difference word by word (``word_diff``).

The grade that is suggested:

* exact (the same normalized text, or nearly every key term of a long answer) gives Good;
* close (a ratio of at least ``CLOSE_RATIO``: a typo or two; the same content words; or half the key
  terms of a long answer) gives Hard;
* anything else, an empty reply included, gives Again.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from studyapp.core.model import Card, Rating
from studyapp.core.notetypes.model import NoteType
from studyapp.core.notetypes.template import template_for
from studyapp.core.notetypes.template_parse import Node, cloze_fields, parse_template, shown_fields, type_answer_field
from studyapp.core.quiz.stop_words import stop_words_for
from studyapp.core.text.cloze import active_clozes
from studyapp.core.text.plain_text import html_to_text
from studyapp.core.text.render import notetype_of

# A short answer within this ratio (0-100, insertions and deletions) is close: "Pari" for "Paris" is 89,
# "Pariss" 91, "Lodnon" for "London" 83, while "Rome" for "Paris" is 22. A ratio this high also keeps a
# one-letter answer from being "close" to another one-letter answer.
CLOSE_RATIO = 80.0
# A key term counts as present when a typed word (or two typed words run together) is this near it:
# one slip in a word of six letters or more, none in a short word.
TERM_RATIO = 84.0
# A long answer: this share of its key terms is as good as exact (Good: nobody retypes a paragraph word for
# word), and this share is close (Hard).
GOOD_TERM_SHARE = 0.8
CLOSE_TERM_SHARE = 0.5
# A reply further than this (ratio) from the answer is shown as wrong as a whole, not letter by letter.
WHOLE_DIFF_BELOW = 50.0
# An answer is compared on its key terms when it has more words than this (and at least two key terms).
LONG_ANSWER_WORDS = 6
# Of an answer, the characters compared (nobody types more; a 2.5 MB field took seconds to compare whole).
COMPARED_CHARS = 5_000


_WORD = re.compile(r"\w+")


class Verdict(str, enum.Enum):
    EXACT = "exact"
    CLOSE = "close"
    WRONG = "wrong"

    @property
    def rating(self) -> Rating:
        return {Verdict.EXACT: Rating.GOOD, Verdict.CLOSE: Rating.HARD, Verdict.WRONG: Rating.AGAIN}[self]


class DiffOp(str, enum.Enum):
    EQUAL = "equal"  # typed as expected
    WRONG = "wrong"  # typed, but not in the answer (a wrong or an extra character)
    MISSING = "missing"  # in the answer, not typed


DiffSegment = tuple[DiffOp, str]


@dataclass(frozen=True)
class AnswerMatch:
    """How a typed reply compares with the expected answer."""

    verdict: Verdict
    score: float  # 0-100: the fuzzy ratio of a short answer, the share of key terms found in a long one
    diff: tuple[DiffSegment, ...]
    by_terms: bool  # compared on key terms (a long answer); the diff then lists the key terms
    expected: str
    typed: str = ""  # the reply (for ``word_diff``, which the reviewer shows)

    @property
    def rating(self) -> Rating:
        return self.verdict.rating


# -- text --------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, character for character where Unicode allows (``Café`` -> ``cafe``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold()


def normalize(text: str) -> str:
    """Text as compared: folded, punctuation dropped, words separated by single spaces."""
    return " ".join(_WORD.findall(fold(text).replace("_", " ")))


def key_terms(text: str) -> list[str]:
    """The content words of ``text`` (normalized, the filler words of its language dropped: ``stop_words``),
    each once, in order."""
    words = normalize(text).split()
    stop = stop_words_for(text, words)
    seen: dict[str, None] = {}
    for word in words:
        if word not in stop:
            seen.setdefault(word, None)
    return list(seen)


def answer_terms(expected: str, question: str = "") -> list[str]:
    """The key terms a long answer is checked on: its own, less those the question already gives away."""
    terms = key_terms(expected)
    asked = set(key_terms(question))
    narrowed = [term for term in terms if term not in asked]
    return narrowed if len(narrowed) >= 2 else terms


def is_long(expected: str) -> bool:
    """Whether ``expected`` is compared on its key terms rather than as a whole."""
    return len(normalize(expected).split()) > LONG_ANSWER_WORDS and len(key_terms(expected)) >= 2


@dataclass(frozen=True)
class AnswerSource:
    """Where a card's expected answer comes from: a field of its note type, whole or its cloze deletions.

    ``typed``: the card's template asks for it with ``{{type:…}}`` (the card is typed in any flip session).
    Cards whose answers come from the same source share a multiple-choice pool (``key``).
    """

    notetype_id: int
    field: str
    cloze: bool = False
    typed: bool = False

    @property
    def key(self) -> tuple[int, str, bool]:
        return (self.notetype_id, self.field, self.cloze)


_SPECIAL = frozenset(("FrontSide", "Card", "CardFlag", "Deck", "Subdeck", "Tags", "Type", "CardID"))
_SOUND_TAG = re.compile(r"\[sound:[^\[\]]*\]")


@lru_cache(maxsize=512)
def answer_side_fields(question_format: str, answer_format: str) -> tuple[str, ...]:
    """The names the answer format shows that the question format does not, in reading order."""
    asked = shown_fields(question_format)
    found: list[str] = []
    stack: list[Iterator[Node]] = [iter(parse_template(answer_format).nodes)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif node[0] == "section":
            stack.append(iter(node[3]))
        elif node[0] == "field" and node[1] not in asked and node[1] not in _SPECIAL and node[1] not in found:
            found.append(node[1])
    return tuple(found)


def _field_value(notetype: NoteType, fields: Sequence[str], name: str) -> str | None:
    index = notetype.field_index(name)
    if index is None:
        return None
    return fields[index] if index < len(fields) else ""


def _plain(card: Card, text: str) -> str:
    if "[sound:" in text:
        text = _SOUND_TAG.sub(" ", text)
    return html_to_text(text) if card.html else " ".join(text.split())


def _clozes(card: Card, text: str) -> str:
    parts = (_plain(card, part) for part in active_clozes(text, card.ord + 1, question=False))
    return ", ".join(part for part in parts if part)


def answer_source(card: Card) -> tuple[AnswerSource, str] | None:
    """Where ``card``'s answer comes from and its plain text; ``None`` if the card has nothing to answer.

    The ``{{type:Field}}`` of the card's question format (``{{type:cloze:Text}}``: the card's cloze
    deletions); else, for a cloze note type, the card's deletions in the fields its ``cloze:`` filters
    read; else the first field with text that the answer format shows and the question format does not.
    """
    notetype = notetype_of(card)
    template = template_for(notetype, card.ord)
    if template is None:
        return None
    fields = card.all_fields
    typed = type_answer_field(template.question)
    if typed is not None:
        value = _field_value(notetype, fields, typed.field)
        if value is None:
            return None
        text = _clozes(card, value) if typed.cloze else _plain(card, value)
        return AnswerSource(notetype.id, typed.field, typed.cloze, typed=True), text
    if notetype.is_cloze:
        for name in cloze_fields(template.question):
            value = _field_value(notetype, fields, name)
            if value and (text := _clozes(card, value)):
                return AnswerSource(notetype.id, name, cloze=True), text
        return None
    for name in answer_side_fields(template.question, template.answer):
        value = _field_value(notetype, fields, name)
        if value and (text := _plain(card, value)):
            return AnswerSource(notetype.id, name), text
    return None


def expected_answer(card: Card) -> str:
    """The plain text a student should type for ``card`` (see ``answer_source``); empty if none.

    For the stock types: a cloze card expects its own deletions (several are joined by ", "); the reverse
    card of a reversed note expects the front; every other card its back. HTML is reduced to its text and
    sound tags are left out.
    """
    found = answer_source(card)
    return found[1] if found is not None else ""


# -- grading -----------------------------------------------------------------------------------------


def _term_found(term: str, typed_words: Sequence[str]) -> bool:
    if term in typed_words:
        return True
    candidates = list(typed_words) + [a + b for a, b in zip(typed_words, typed_words[1:], strict=False)]
    return any(fuzz.ratio(term, word) >= TERM_RATIO for word in candidates)


def match_answer(expected: str, typed: str, question: str = "") -> AnswerMatch:
    """Compare a typed reply with the expected answer; the verdict, its score and the diff.

    ``question`` is the card's question: a long answer's terms that it already names are not asked for.
    """
    expected, typed = expected[:COMPARED_CHARS], typed[:COMPARED_CHARS]
    want, got = normalize(expected), normalize(typed)
    if is_long(expected):
        terms = answer_terms(expected, question)
        typed_words = got.split()
        found = [_term_found(term, typed_words) for term in terms]
        share = sum(found) / len(terms)
        if want == got or share >= GOOD_TERM_SHARE:
            verdict = Verdict.EXACT
        elif share >= CLOSE_TERM_SHARE:
            verdict = Verdict.CLOSE
        else:
            verdict = Verdict.WRONG
        diff = tuple((DiffOp.EQUAL if hit else DiffOp.MISSING, term) for term, hit in zip(terms, found, strict=True))
        return AnswerMatch(verdict, round(100 * share, 1), diff, True, expected, typed)
    score = max(fuzz.ratio(want, got), fuzz.token_sort_ratio(want, got)) if got else 0.0
    if got and want == got:
        verdict = Verdict.EXACT
    elif got and (score >= CLOSE_RATIO or key_terms(want) == key_terms(got) != []):  # "Nile" for "the Nile"
        verdict = Verdict.CLOSE
    else:
        verdict = Verdict.WRONG
    if score < WHOLE_DIFF_BELOW:  # another answer altogether: letter by letter would only be noise
        diff = [(DiffOp.WRONG, _display(typed)), (DiffOp.MISSING, _display(expected))]
        return AnswerMatch(verdict, round(score, 1), tuple((op, t) for op, t in diff if t), False, expected, typed)
    return AnswerMatch(verdict, round(score, 1), tuple(char_diff(expected, typed)), False, expected, typed)


# -- the diff ----------------------------------------------------------------------------------------


def _comparable(text: str) -> list[tuple[str, str]]:
    """The characters that count, as (folded key, original character): letters and digits, single spaces."""
    chars: list[tuple[str, str]] = []
    for char in " ".join(text.split()):
        key = fold(char)
        if char.isspace():
            if chars and chars[-1][0] != " ":
                chars.append((" ", " "))
        elif _WORD.fullmatch(key or "_") and key != "_":
            chars.append((key, char))
    while chars and chars[-1][0] == " ":
        chars.pop()
    return chars


def _display(text: str) -> str:
    return "".join(original for _, original in _comparable(text))


def char_diff(expected: str, typed: str) -> list[DiffSegment]:
    """The typed reply against the answer, character by character, ignoring case, accents and punctuation.

    Segments run in reading order: ``EQUAL`` and ``WRONG`` text is what was typed, ``MISSING`` text is
    the answer's. Joined ``EQUAL`` and ``MISSING`` segments spell the answer (without its punctuation).
    """
    want, got = _comparable(expected), _comparable(typed)
    segments: list[DiffSegment] = []

    def add(op: DiffOp, chars: Sequence[tuple[str, str]]) -> None:
        text = "".join(original for _, original in chars)
        if not text:
            return
        if segments and segments[-1][0] is op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    for code in Levenshtein.opcodes([k for k, _ in got], [k for k, _ in want]):
        typed_part, answer_part = got[code.src_start : code.src_end], want[code.dest_start : code.dest_end]
        if code.tag == "equal":
            add(DiffOp.EQUAL, typed_part)
        else:  # replace, delete (typed too much), insert (typed too little)
            add(DiffOp.WRONG, typed_part)
            add(DiffOp.MISSING, answer_part)
    return segments
