"""Fuzz the search language: parsing, and the SQL it compiles to, run on a small collection.

Any text gives a query (and card ids) or a ``SearchError`` whose message is one printable line; nothing
else may escape, whatever the nesting, the length or the characters.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.notes.search import SearchError, SortKey, parse, search_card_ids

from ..conftest import T0
from .counting import PARSE, count

PIECES = [
    " ", "(", ")", "-", '"', "\\", "*", "_", "%", ":", "::", "or", "OR", "and", "AND", "not", "deck:", "tag:",
    "is:", "prop:", "added:", "rated:", "front:", "back:", "ivl", "r", "s", "d", "reps", "lapses", "due", "<", "<=",
    ">", ">=", "=", "!=", "0", "0.8", "1", "-1", "1e309", "nan", "inf", "99999999999999999999", "4300" * 1200, "new",
    "learn", "review", "suspended", "buried", "Calcinosis", "café", "'", ";", "\x00", "\n", "\t", "\u0301", "\ufeff",
    "\u2028", "²", "١", "\U0001f600", "DROP TABLE notes", "--", "/*", "glob", "*" * 50, "deck:*", "tag:*::*",
]  # fmt: skip
QUERIES = st.one_of(
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=30).map("".join),
    st.tuples(st.integers(1, 400), st.sampled_from(["(", "-", "-(", "a or ", "a and ", "a ", '"'])).map(
        lambda pair: pair[1] * pair[0] + "a" + ")" * pair[0] * (pair[1] in ("(", "-("))
    ),
)


@pytest.fixture(scope="module")
def small_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The bundled deck and a few notes with decks, tags, accents and HTML."""
    clock = FixedClock(T0)
    app = App.open(tmp_path_factory.mktemp("fuzz-search") / "collection.db", clock, random.Random(3))
    deck = app.collection.decks.create(11, "Parent::Child", "", clock.now())
    for front, back, tags in [("Café", "coffee", ("food::fr",)), ("100% sure?", "50_50 'quote'", ("a", "b::c"))]:
        add_note(app.collection, app.rng, clock, deck.id, NoteText(front, back, tags))
    yield app
    app.close()


def check_message(error: SearchError) -> None:
    message = str(error)
    assert message and message.isprintable(), message
    assert not message.startswith("the search could not be run"), message  # SQLite never refuses our SQL


@PARSE
@given(query=QUERIES)
def test_search_parse(query: str) -> None:
    count("search (parse)")
    try:
        parse(query)
    except SearchError as error:
        check_message(error)


@PARSE
@given(query=QUERIES, sort=st.sampled_from(list(SortKey)), descending=st.booleans())
def test_search_runs(small_collection: App, query: str, sort: SortKey, descending: bool) -> None:
    count("search (run on a collection)")
    try:
        ids = search_card_ids(small_collection.collection, small_collection.clock, query, sort, descending)
    except SearchError as error:
        check_message(error)
    else:
        assert len(ids) == len(set(ids))
