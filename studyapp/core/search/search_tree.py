"""The vocabulary of the card search language: its errors, sort keys, the tree a query parses into,
and deck/tag name matching. ``search_query`` reads query text into this tree; ``storage.search.search_sql``
turns the tree into SQL.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache


class SearchError(Exception):
    """A query that cannot be understood; the message is one line for the user."""


class SortKey(str, enum.Enum):
    """The orders a search can be listed in (the browser's columns)."""

    ADDED = "added"
    SORT_FIELD = "sort_field"  # the note type's sort field (Anki's "Sort Field" column)
    QUESTION = "question"
    ANSWER = "answer"
    DECK = "deck"
    TAGS = "tags"
    NOTETYPE = "notetype"
    DUE = "due"
    INTERVAL = "interval"
    STABILITY = "stability"
    DIFFICULTY = "difficulty"
    RETRIEVABILITY = "retrievability"
    REVIEWS = "reviews"
    LAPSES = "lapses"


class CardIsKind(str, enum.Enum):
    """``is:`` values. As in Anki, ``learn`` and ``review`` both include relearning (lapsed) cards."""

    NEW = "new"
    LEARN = "learn"
    REVIEW = "review"
    DUE = "due"
    SUSPENDED = "suspended"
    BURIED = "buried"


class PropName(str, enum.Enum):
    """``prop:`` properties."""

    INTERVAL = "ivl"  # days between the last review and the due date, for review cards
    REVIEWS = "reps"
    LAPSES = "lapses"
    RETRIEVABILITY = "r"  # the chance of recall now, 0..1
    STABILITY = "s"  # days
    DIFFICULTY = "d"  # 1..10


COMPARISONS = ("<=", ">=", "!=", "<", ">", "=")
MAX_DAYS = 36500  # added:/rated: further back than a hundred years mean "ever"
MAX_DEPTH = 50  # nested parentheses and negations
MAX_TERMS = 500  # search terms in one query


# -- the tree ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Words or a phrase to find in any field of the note (the search index: accents and case ignored)."""

    text: str
    prefix: bool = False  # the last word is a prefix (``calc*``)


@dataclass(frozen=True)
class FieldIs:
    """``name:pattern``, Anki's field search: notes whose field called ``name`` (case ignored, ``*`` a wildcard
    in it) holds exactly ``pattern``, where ``*`` is any run of characters and ``_`` any one character (``\\*``,
    ``\\_`` and ``\\\\`` the characters themselves); case is ignored, the field's text is read as stored (HTML
    and all). An empty pattern finds the notes whose field is empty.

    ``words``: the whole term as words, searched instead when no note type has a field of that name (``http://x``,
    ``9:30``), as such a term was before note types had named fields; ``None`` if it has no letter or digit."""

    field: str
    pattern: str
    words: Text | None = None


@dataclass(frozen=True)
class InDeck:
    pattern: str  # a deck name, ``*`` a wildcard; matches the deck and its subdecks


@dataclass(frozen=True)
class HasTag:
    pattern: str  # a tag, ``*`` a wildcard; matches the tag and its child tags


@dataclass(frozen=True)
class NotetypeIs:
    pattern: str  # a note type's name, ``*`` a wildcard, case ignored (``note:Basic``)


@dataclass(frozen=True)
class TemplateIs:
    pattern: str  # a card template's name (``*`` a wildcard, case ignored), or its number from 1 (``card:2``)


@dataclass(frozen=True)
class FlagIs:
    flag: int  # 0 (no flag) to 7 (``flag:1`` red ... ``flag:7`` purple)


@dataclass(frozen=True)
class CardIs:
    kind: CardIsKind


@dataclass(frozen=True)
class Prop:
    name: PropName
    comparison: str  # one of COMPARISONS
    value: float


@dataclass(frozen=True)
class Added:
    days: int  # 1: today's study day


@dataclass(frozen=True)
class Rated:
    days: int  # 1: today's study day
    rating: int | None = None  # 1..4


@dataclass(frozen=True)
class Not:
    term: Node


@dataclass(frozen=True)
class And:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Node, ...]


Node = (
    Text | FieldIs | InDeck | HasTag | NotetypeIs | TemplateIs | CardIs | FlagIs | Prop | Added | Rated | Not | And | Or
)


@dataclass(frozen=True)
class Query:
    """A parsed query. ``root`` is ``None`` for an empty query, which matches every card."""

    text: str
    root: Node | None


# -- matching names ------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _pieces(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.casefold().split("*"))


def _glob(pieces: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` matches the pattern split at its ``*``s, each ``*`` any run of characters.

    The pieces between stars are found left to right, which is always the best choice, so a pattern
    with many stars takes linear time (a regular expression could take exponential time).
    """
    if len(pieces) == 1:
        return text == pieces[0]
    first, *middle, last = pieces
    if not text.startswith(first):
        return False
    position = len(first)
    for piece in middle:
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return len(text) - len(last) >= position and text.endswith(last)


def _name_matches(pieces: tuple[str, ...], name: str) -> bool:
    """Whether the name (casefolded), or a parent of it (``parent::name``), matches the pattern."""
    if len(pieces) == 1:
        return name == pieces[0] or name.startswith(pieces[0] + "::")
    end = len(name)
    while end >= 0:
        if _glob(pieces, name[:end]):
            return True
        end = name.rfind("::", 0, end)
    return False


def deck_matches(pattern: str, deck_name: str) -> bool:
    """Whether ``deck:pattern`` takes in the deck called ``deck_name``: that deck or a subdeck, ignoring case."""
    return _name_matches(_pieces(pattern), deck_name.casefold())


def tags_match(pattern: str, tags: str) -> bool:
    """Whether ``tag:pattern`` takes in one of ``tags`` (space-separated, as stored): that tag or a child tag."""
    pieces = _pieces(pattern)
    return any(_name_matches(pieces, tag) for tag in tags.casefold().split())


def field_name_matches(pattern: str, name: str) -> bool:
    """Whether ``name:`` names the field ``name``: the same name ignoring case, ``*`` any run of characters."""
    return _glob(_pieces(pattern), name.casefold())


# -- field patterns ------------------------------------------------------------------------------------

_ANY, _ONE = "\x00*", "\x00_"  # a pattern's wildcards, as pieces that no field text holds (NUL)


@lru_cache(maxsize=64)
def pattern_pieces(pattern: str) -> tuple[str, ...]:
    """A field pattern as pieces: literal text (casefolded), ``_ANY`` and ``_ONE``; escapes resolved."""
    pieces: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            literal.append(pattern[i + 1])
            i += 2
            continue
        if ch in "*_":
            if literal:
                pieces.append("".join(literal).casefold())
                literal = []
            wildcard = _ANY if ch == "*" else _ONE
            if not (wildcard == _ANY and pieces and pieces[-1] == _ANY):
                pieces.append(wildcard)
        else:
            literal.append(ch)
        i += 1
    if literal:
        pieces.append("".join(literal).casefold())
    return tuple(pieces)


def like_pattern(pattern: str) -> str | None:
    """The pattern as SQLite ``LIKE ... ESCAPE '\\'`` text, when LIKE gives the same answer (an ASCII pattern:
    LIKE ignores only ASCII case); else ``None``."""
    if not pattern.isascii():
        return None
    out: list[str] = []
    for piece in pattern_pieces(pattern):
        if piece == _ANY:
            out.append("%")
        elif piece == _ONE:
            out.append("_")
        else:
            out.append(piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    return "".join(out)


def needs_non_ascii(pattern: str) -> bool:
    """Whether only a text with a character beyond ASCII can match the pattern: one of its literal characters is
    beyond ASCII even case folded (an ASCII character folds to an ASCII one, so cannot match it)."""
    return any(piece not in (_ANY, _ONE) and not piece.isascii() for piece in pattern_pieces(pattern))


def field_matches(pattern: str, text: str) -> bool:
    """Whether a field's ``text`` matches the field pattern (see :class:`FieldIs`), ignoring case.

    Literal pieces are found left to right, a ``_`` taking one character: linear in the text for each piece,
    never the exponential backtracking a regular expression of many ``*`` can take."""
    return _match_pieces(pattern_pieces(pattern), 0, text.casefold(), 0)


def _match_pieces(pieces: tuple[str, ...], index: int, text: str, position: int) -> bool:
    # Runs of literal text and ``_`` between two ``*`` form one segment, found at its leftmost place.
    segments: list[tuple[str, ...]] = [()]
    for piece in pieces[index:]:
        if piece == _ANY:
            segments.append(())
        else:
            segments[-1] += (piece,)
    anchored_start, anchored_end = pieces[:1] != (_ANY,), pieces[-1:] != (_ANY,)
    if len(segments) == 1:
        return _segment_at(segments[0], text, position) == len(text)
    first, *middle, last = segments
    if anchored_start:
        end = _segment_at(first, text, position)
        if end is None:
            return False
        position = end
    for segment in middle:
        found = _find_segment(segment, text, position)
        if found is None:
            return False
        position = found
    if not last:
        return True
    width = _segment_width(last)
    start = len(text) - width
    return start >= position and _segment_at(last, text, start) == len(text) if anchored_end else True


def _segment_width(segment: tuple[str, ...]) -> int:
    return sum(1 if piece == _ONE else len(piece) for piece in segment)


def _segment_at(segment: tuple[str, ...], text: str, position: int) -> int | None:
    """Where the segment ends if it matches ``text`` at ``position``, else ``None``."""
    for piece in segment:
        if piece == _ONE:
            if position >= len(text):
                return None
            position += 1
        elif text.startswith(piece, position):
            position += len(piece)
        else:
            return None
    return position


def _find_segment(segment: tuple[str, ...], text: str, position: int) -> int | None:
    """Where the leftmost match of the segment at or after ``position`` ends, else ``None``."""
    if not segment:
        return position
    literal = next((piece for piece in segment if piece != _ONE), None)
    if literal is None:  # only ``_``: any characters will do
        end = position + len(segment)
        return end if end <= len(text) else None
    offset = _segment_width(segment[: segment.index(literal)])
    start = text.find(literal, position + offset)
    while start >= 0:
        end = _segment_at(segment, text, start - offset)
        if end is not None:
            return end
        start = text.find(literal, start + 1)
    return None
