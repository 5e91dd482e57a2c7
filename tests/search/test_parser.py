"""The parser's tree: precedence, negation, fields, prefixes, quoting; and how deck and tag names match."""

from __future__ import annotations

import time

import pytest

from studyapp.core.search.search_query import parse
from studyapp.core.search.search_tree import (
    Added,
    And,
    CardIs,
    CardIsKind,
    FieldIs,
    HasTag,
    InDeck,
    Not,
    Or,
    Prop,
    PropName,
    Rated,
    Text,
    deck_matches,
    tags_match,
)


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("", None),
        ("  \t\n ", None),
        ("cell", Text("cell")),
        ("a b c", And((Text("a"), Text("b"), Text("c")))),
        ("a and b", And((Text("a"), Text("b")))),
        ("a or b c", Or((Text("a"), And((Text("b"), Text("c")))))),
        ("a b or c", Or((And((Text("a"), Text("b"))), Text("c")))),
        ("a or b or c", Or((Text("a"), Text("b"), Text("c")))),
        ("(a or b) c", And((Or((Text("a"), Text("b"))), Text("c")))),
        ("a (b c)", And((Text("a"), Text("b"), Text("c")))),
        ("-a", Not(Text("a"))),
        ("-(a or b)", Not(Or((Text("a"), Text("b"))))),
        ("--a", Not(Not(Text("a")))),
        ("x-ray", Text("x-ray")),
        ('"a phrase"', Text("a phrase")),
        ('"or"', Text("or")),
        ('-"a b"', Not(Text("a b"))),
        ('"say \\"hi\\""', Text('say "hi"')),
        ('"back\\\\slash"', Text("back\\slash")),
        ('"a (b) c"', Text("a (b) c")),
        ("calc*", Text("calc", prefix=True)),
        ('"new yo"*', Text("new yo", prefix=True)),
        ('"calc*"', Text("calc*")),
        # field searches, as Anki's: the pattern is kept as written (``*``, ``_`` and escapes are the SQL's)
        ("front:cell", FieldIs("front", "cell", Text("front:cell"))),
        ('back:"a phrase"*', FieldIs("back", "a phrase*", Text("back:a phrase", prefix=True))),
        ('front:"a"b', FieldIs("front", "ab", Text("front:ab"))),
        ('"Back Extra":word', FieldIs("Back Extra", "word", Text("Back Extra:word"))),
        ('"Back Extra":"two words"', FieldIs("Back Extra", "two words", Text("Back Extra:two words"))),
        ("front:", FieldIs("front", "", Text("front:"))),
        ("front:*dog*", FieldIs("front", "*dog*", Text("front:*dog", prefix=True))),
        ("fr*:d_g", FieldIs("fr*", "d_g", Text("fr*:d_g"))),
        ("a\\:b:c", FieldIs("a:b", "c", Text("a\\:b:c"))),
        ("Wort:straße", FieldIs("Wort", "straße", Text("Wort:straße"))),
        ('"deck:My deck"', Text("deck:My deck")),  # a quoted whole is words, as before
        ("deck:Parent::Child", InDeck("Parent::Child")),
        ('deck:"My deck"', InDeck("My deck")),
        ('deck:"My "deck', InDeck("My deck")),
        ("tag:a::b", HasTag("a::b")),
        ("is:DUE", CardIs(CardIsKind.DUE)),
        ("prop:ivl>=10", Prop(PropName.INTERVAL, ">=", 10.0)),
        ("prop:R<.8", Prop(PropName.RETRIEVABILITY, "<", 0.8)),
        ("prop:lapses!=-2", Prop(PropName.LAPSES, "!=", -2.0)),
        ("added:7", Added(7)),
        ("added:1000000", Added(36500)),
        ("rated:3:1", Rated(3, 1)),
        ("rated:3", Rated(3)),
        # a name no note type has is searched as words (the SQL decides): a URL, a time
        ("http://example.com", FieldIs("http", "//example.com", Text("http://example.com"))),
        ("9:30", FieldIs("9", "30", Text("9:30"))),
    ],
)
def test_parse_tree(query: str, tree: object) -> None:
    parsed = parse(query)
    assert parsed.root == tree and parsed.text == query


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("Parent", "Parent", True),
        ("parent", "PARENT", True),
        ("Parent", "Parent::Child", True),
        ("Parent", "Parent::Child::Grandchild", True),
        ("Parent", "Parents", False),
        ("Child", "Parent::Child", False),
        ("Par*", "Party", True),
        ("*Child", "Parent::Child", True),
        ("*", "anything", True),
        ("a.b", "axb", False),
        ("Élan", "élan::x", True),
        ("straße", "STRASSE", True),
    ],
)
def test_deck_names(pattern: str, name: str, matches: bool) -> None:
    assert deck_matches(pattern, name) is matches


@pytest.mark.parametrize(
    ("pattern", "tags", "matches"),
    [
        ("a", "a", True),
        ("a", "x a y", True),
        ("a", "ab", False),
        ("a", "a::b", True),
        ("a::b", "a", False),
        ("b", "a::b", False),
        ("A", "a", True),
        ("a*", "ab", True),
        ("*b", "a::b", True),
        ("a*b", "ax yb", False),  # a wildcard stays inside one tag
        ("x", "", False),
        ("%", "%", True),
        ("_", "a", False),
    ],
)
def test_tags(pattern: str, tags: str, matches: bool) -> None:
    assert tags_match(pattern, tags) is matches


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("a*b*c", "axxbyyc", True),
        ("a*b*c", "axxbyy", False),
        ("*a*", "bab", True),
        ("a*a", "a", False),  # the two a's cannot be the same character
        ("a*a", "aa", True),
        ("**", "", True),
        ("x*::y", "x1::y::z", True),
        ("x*::y", "x1::y2", False),
    ],
)
def test_wildcards(pattern: str, name: str, matches: bool) -> None:
    assert deck_matches(pattern, name) is matches


def test_many_wildcards_take_no_time() -> None:
    pattern = "*a" * 300 + "*b"
    started = time.perf_counter()
    assert not tags_match(pattern, "a" * 2000 + " " + "a::" * 500)
    assert not deck_matches(pattern, "a" * 5000)
    assert time.perf_counter() - started < 1.0
