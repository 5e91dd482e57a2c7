"""The vocabulary of the card search language: its errors, sort keys, the tree a query parses into,
and deck/tag name matching. ``search_query`` reads query text into this tree; ``storage.search_sql``
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
    QUESTION = "question"
    ANSWER = "answer"
    DECK = "deck"
    TAGS = "tags"
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
    """Words or a phrase to find in the note's text; ``field`` is ``"front"``, ``"back"`` or ``None`` (either)."""

    text: str
    field: str | None = None
    prefix: bool = False  # the last word is a prefix (``calc*``)


@dataclass(frozen=True)
class InDeck:
    pattern: str  # a deck name, ``*`` a wildcard; matches the deck and its subdecks


@dataclass(frozen=True)
class HasTag:
    pattern: str  # a tag, ``*`` a wildcard; matches the tag and its child tags


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


Node = Text | InDeck | HasTag | CardIs | Prop | Added | Rated | Not | And | Or


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
