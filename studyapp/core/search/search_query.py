"""The card search language, an Anki-like subset: query text -> tokens -> a tree of search terms.

    calcinosis "soft tissue"     words and phrases, in any field (accents and case ignored)
    calc*                        a word that starts with "calc"
    -word   -(a or b)            leave out what matches
    a or b                       either (``or`` binds looser than the implicit "and")
    front:dog  "Back Extra":dog  the field called so (any note type, case ignored) holds exactly "dog";
    front:*dog*  front:d_g       ``*`` any run of characters, ``_`` one; front: an empty field; fr*:dog any
                                 field whose name starts with "fr". A name no note type has: the term is words
    deck:Name  deck:"My deck"    the deck and its subdecks (Name::...); ``*`` is a wildcard
    tag:name                     a whole tag, or a child tag (name::child); ``*`` is a wildcard
    note:Basic  note:"Basic*"    cards of the note type of that name (``*`` is a wildcard)
    card:"Card 2"  card:2        cards of the card template of that name, or the template's number (from 1)
    is:new is:learn is:review is:due is:suspended is:buried
    flag:1 ... flag:7  flag:0    cards with that flag (1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple)
    prop:ivl>10 prop:lapses>=3 prop:reps=0 prop:r<0.8 prop:s>30 prop:d>7   (< <= > >= = !=)
    added:7                      notes added in the last 7 study days
    rated:3  rated:3:1           cards answered in the last 3 study days (with that rating: 1 Again .. 4 Easy)

An empty query matches every card. A query that cannot be understood raises :class:`SearchError`, whose
message is one line that says what is wrong and where. This module only reads text: turning the tree
into SQL is ``studyapp.storage.search.search_sql``'s job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from studyapp.core.search.search_tree import (
    COMPARISONS,
    MAX_DAYS,
    MAX_DEPTH,
    MAX_TERMS,
    Added,
    And,
    CardIs,
    CardIsKind,
    FieldIs,
    FlagIs,
    HasTag,
    InDeck,
    Node,
    Not,
    NotetypeIs,
    Or,
    Prop,
    PropName,
    Query,
    Rated,
    SearchError,
    TemplateIs,
    Text,
)

# -- tokens --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "-", "or", "and" or "term"
    start: int
    end: int
    segments: tuple[tuple[str, bool], ...] = ()  # a term's pieces: (text, was quoted)


def _show(text: str, limit: int = 40) -> str:
    """A piece of the query for a one-line message: no line breaks or control characters, not too long."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _at(source: str, start: int, end: int) -> str:
    piece = _show(source[start:end])
    quote = "'" if '"' in piece else '"'
    return f"at {quote}{piece}{quote}"


def _quoted(source: str, start: int) -> tuple[str, int]:
    """The text of the quoted string opening at ``start`` (``\\"`` and ``\\\\`` are escapes) and where it ends."""
    chars: list[str] = []
    i = start + 1
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source) and source[i + 1] in '"\\':
            chars.append(source[i + 1])
            i += 2
        elif ch == '"':
            return "".join(chars), i + 1
        else:
            chars.append(ch)
            i += 1
    raise SearchError(f"unclosed quote {_at(source, start, len(source))}")


def _tokens(source: str) -> Iterator[_Token]:
    i = 0
    while i < len(source):
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            yield _Token(ch, i, i + 1)
            i += 1
        elif ch == "-":
            following = source[i + 1 : i + 2]
            if not following or following.isspace() or following == ")":
                raise SearchError(f"nothing to leave out after '-' {_at(source, i, i + 1)}")
            yield _Token("-", i, i + 1)
            i += 1
        else:
            start = i
            segments: list[tuple[str, bool]] = []
            plain: list[str] = []
            while i < len(source) and not source[i].isspace() and source[i] not in "()":
                if source[i] == '"':
                    if plain:
                        segments.append(("".join(plain), False))
                        plain = []
                    text, i = _quoted(source, i)
                    segments.append((text, True))
                else:
                    plain.append(source[i])
                    i += 1
            if plain:
                segments.append(("".join(plain), False))
            if len(segments) == 1 and not segments[0][1] and segments[0][0].lower() in ("or", "and"):
                yield _Token(segments[0][0].lower(), start, i)
            else:
                yield _Token("term", start, i, tuple(segments))


# -- terms ---------------------------------------------------------------------------------------------

_KEYED = re.compile(r"([A-Za-z]+):")
_FIELD_KEY = re.compile(r"((?:[^:\\]|\\.)+):")  # a field's name: anything before the first colon (``\:`` escapes one)
_NUMBER = re.compile(r"[+-]?(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15})")
_DAYS = re.compile(r"(\d{1,9})(?::(\d{1,9}))?")
_IS_VALUES = ", ".join(kind.value for kind in CardIsKind)
_PROP_NAMES = ", ".join(name.value for name in PropName)
_PROP_EXAMPLE = "like prop:ivl>10 or prop:r<0.8"


def _searchable(text: str) -> bool:
    """Whether the text has a letter or digit: the search index keeps nothing else."""
    return any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co" for ch in text)


class _TermReader:
    def __init__(self, source: str, token: _Token) -> None:
        self.source = source
        self.token = token

    def fail(self, what: str) -> SearchError:
        return SearchError(f"{what} {_at(self.source, self.token.start, self.token.end)}")

    def read(self) -> Node:
        segments = list(self.token.segments)
        first, first_quoted = segments[0]
        if first_quoted and len(segments) > 1 and not segments[1][1] and segments[1][0].startswith(":"):
            return self.field_is(first, [(segments[1][0][1:], False), *segments[2:]])  # "Back Extra":word
        keyed = None if first_quoted else _KEYED.match(first)
        if keyed is None or keyed.group(1).lower() not in _READERS:
            named = None if first_quoted else _FIELD_KEY.match(first)
            if named is not None:
                return self.field_is(named.group(1), [(first[named.end() :], False), *segments[1:]])
            return self.text(segments)
        key = keyed.group(1).lower()
        rest = [(first[keyed.end() :], False), *segments[1:]]
        rest = [(text, quoted) for text, quoted in rest if text or quoted]
        return _READERS[key](self, key, rest)

    def text(self, segments: list[tuple[str, bool]]) -> Node:
        prefix = not segments[-1][1] and segments[-1][0].endswith("*")
        if prefix:
            segments = [*segments[:-1], (segments[-1][0].rstrip("*"), False)]
        text = "".join(part for part, _ in segments)
        if not _searchable(text):
            if not text.strip():
                raise self.fail("nothing to search for")
            raise self.fail(f"no letters or digits to search for in '{_show(text)}'")
        return Text(text, prefix)

    def field_is(self, name: str, rest: list[tuple[str, bool]]) -> Node:
        """``name:pattern``. In the pattern a quoted ``*`` or ``_`` is a wildcard too, as in Anki."""
        pattern = "".join(text for text, _ in rest)
        if "\x00" in name or "\x00" in pattern:
            raise self.fail("a search cannot hold the NUL character")
        try:
            words: Text | None = self.text(list(self.token.segments))  # type: ignore[assignment]
        except SearchError:
            words = None
        return FieldIs(name.replace("\\:", ":"), pattern, words)

    def value(self, key: str, rest: list[tuple[str, bool]], example: str) -> str:
        value = "".join(text for text, _ in rest).strip()
        if not value:
            raise self.fail(f"{key}: needs a name, like {example}")
        return value

    def deck(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        return InDeck(self.value(key, rest, 'deck:Biology, or deck:"My deck" with a space'))

    def tag(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        return HasTag(self.value(key, rest, "tag:verbs"))

    def notetype(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        return NotetypeIs(self.value(key, rest, 'note:Basic, or note:"Basic (and reversed card)" with a space'))

    def template(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        return TemplateIs(self.value(key, rest, 'card:"Card 2", or card:2 for the second template'))

    def flag(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        value = "".join(text for text, _ in rest)
        if len(value) != 1 or value not in "01234567":
            raise self.fail(f"flag: needs a number from 0 (none) to 7, like flag:1 for red, not '{_show(value)}'")
        return FlagIs(int(value))

    def state(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        value = "".join(text for text, _ in rest)
        if not value:
            raise self.fail(f"is: needs one of {_IS_VALUES}")
        try:
            return CardIs(CardIsKind(value.lower()))
        except ValueError:
            raise self.fail(f"unknown is: value '{_show(value)}' (use {_IS_VALUES})") from None

    def prop(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        value = "".join(text for text, _ in rest)
        name_text = re.match(r"[A-Za-z]*", value).group(0)  # type: ignore[union-attr]
        if not name_text:
            raise self.fail(f"prop: needs a property ({_PROP_NAMES}), a comparison and a number, {_PROP_EXAMPLE}")
        try:
            name = PropName(name_text.lower())
        except ValueError:
            raise self.fail(f"unknown prop: property '{_show(name_text)}' (use {_PROP_NAMES})") from None
        tail = value[len(name_text) :]
        comparison = next((c for c in COMPARISONS if tail.startswith(c)), None)
        if comparison is None:
            raise self.fail(f"prop:{name.value} needs a comparison (< <= > >= = !=) and a number, {_PROP_EXAMPLE}")
        number = tail[len(comparison) :]
        if not _NUMBER.fullmatch(number):
            what = "a number" if not number else f"a number, not '{_show(number)}'"
            raise self.fail(f"prop:{name.value}{comparison} needs {what}")
        return Prop(name, comparison, float(number))

    def days(self, key: str, rest: list[tuple[str, bool]]) -> Node:
        value = "".join(text for text, _ in rest)
        match = _DAYS.fullmatch(value)
        example = "added:7" if key == "added" else "rated:7, or rated:7:1 for the cards you answered Again"
        if match is None or (key == "added" and match.group(2)):
            raise self.fail(f"{key}: needs a number of days, like {example}")
        days = int(match.group(1))
        if days < 1:
            raise self.fail(f"{key}: counts days from 1 (today), like {example}")
        days = min(days, MAX_DAYS)
        if key == "added":
            return Added(days)
        rating = int(match.group(2)) if match.group(2) else None
        if rating is not None and not 1 <= rating <= 4:
            raise self.fail(f"rated: takes a rating from 1 (Again) to 4 (Easy), not {rating}")
        return Rated(days, rating)


_READERS = {
    "deck": _TermReader.deck,
    "tag": _TermReader.tag,
    "note": _TermReader.notetype,
    "card": _TermReader.template,
    "is": _TermReader.state,
    "flag": _TermReader.flag,
    "prop": _TermReader.prop,
    "added": _TermReader.days,
    "rated": _TermReader.days,
}


# -- the grammar ---------------------------------------------------------------------------------------
#   query := or_expr
#   or_expr := and_expr ("or" and_expr)*
#   and_expr := unary (["and"] unary)*
#   unary := "-" unary | "(" or_expr ")" | term


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = list(_tokens(source))
        self.position = 0
        self.terms = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def fail(self, what: str, token: _Token, end: int | None = None) -> SearchError:
        return SearchError(f"{what} {_at(self.source, token.start, token.end if end is None else end)}")

    def parse(self) -> Node | None:
        node = self.or_expr(0)
        token = self.peek()
        if token is not None:  # only a ")" stops an expression early
            raise self.fail("')' without a '(' before it", token, len(self.source))
        return node

    def or_expr(self, depth: int) -> Node | None:
        first = self.and_expr(depth)
        terms = [] if first is None else [first]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            if not terms:
                raise self.fail("'or' needs a search before it", token)
            following = self.and_expr(depth)
            if following is None:
                raise self.fail("'or' needs a search after it", token)
            terms.append(following)
        return _combine(Or, terms)

    def and_expr(self, depth: int) -> Node | None:
        terms: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in (")", "or"):
            if token.kind == "and":
                self.take()
                following = self.peek()
                if not terms or following is None or following.kind in (")", "or", "and"):
                    raise self.fail("'and' needs a search on both sides", token)
                continue
            terms.append(self.unary(depth))
        return _combine(And, terms)

    def unary(self, depth: int) -> Node:
        token = self.take()
        if depth >= MAX_DEPTH:
            raise self.fail(f"too deeply nested (more than {MAX_DEPTH} levels)", token)
        if token.kind == "-":
            following = self.peek()
            if following is None or following.kind in ("or", "and"):
                raise self.fail("nothing to leave out after '-'", token, following.end if following else None)
            return Not(self.unary(depth + 1))
        if token.kind == "(":
            inner = self.or_expr(depth + 1)
            closing = self.peek()
            if closing is None:
                raise self.fail("'(' is never closed", token, len(self.source))
            self.take()
            if inner is None:
                raise self.fail("empty parentheses", token, closing.end)
            return inner
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.fail(f"too many search terms (more than {MAX_TERMS})", token)
        return _TermReader(self.source, token).read()


def _combine(kind: type[And] | type[Or], terms: list[Node]) -> Node | None:
    """One term as itself; several as one And/Or, nested ones of the same kind flattened."""
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    flat: list[Node] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else (term,))
    return kind(tuple(flat))


def parse(query: str) -> Query:
    """Parse a search; raises :class:`SearchError` with a one-line message if it cannot be understood."""
    if not isinstance(query, str):
        raise SearchError("a search is text")
    try:
        query.encode("utf-8")
    except UnicodeEncodeError:
        raise SearchError("the search has characters that are not text (unpaired surrogates)") from None
    root = _Parser(query).parse()
    if root is not None and _nesting(root) > MAX_NESTING:
        raise SearchError(f"too deeply nested (more than {MAX_NESTING} levels of '-' and 'or' inside each other)")
    return Query(query, root)


# Negations inside groups inside negations: each level nests the SQL, and SQLite's parser stops at
# about 30 (a query it refuses is a search that cannot be run). Nobody writes more than a few.
MAX_NESTING = 20


def _nesting(node: Node) -> int:
    """How deeply the terms of the tree sit inside negations and groups (a lone term is 1)."""
    if isinstance(node, Not):
        return 1 + _nesting(node.term)
    if isinstance(node, And | Or):
        return 1 + max(_nesting(term) for term in node.terms)
    return 1
