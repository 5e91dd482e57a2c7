"""Properties of the search: any text gives card ids or a one-line SearchError, and "-(q)" is exactly what q is not.

``STUDYAPP_FUZZ_EXAMPLES`` raises the number of examples for a longer fuzz run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.services.notes.search import SearchError, SortKey, parse, search_card_ids

from .world import World

FUZZ_EXAMPLES = max(200, int(os.environ.get("STUDYAPP_FUZZ_EXAMPLES", "200")))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces the parser and the SQL look at, mixed with any characters at all.
PIECES = [
    " ", "  ", "(", ")", "-", '"', "\\", "*", ":", "::", "or", "OR", "and", "not", "NEAR", "{front}", "^",
    "deck:", "tag:", "is:", "prop:", "added:", "rated:", "front:", "back:", "ivl", "r", "s", "d", "reps",
    "lapses", "<", "<=", ">", ">=", "=", "!=", "0", "0.8", "1", "-1", "99999999999999999999", "new", "due",
    "learn", "review", "suspended", "buried", "Parent", "cell", "café", "'", ";", "%", "_", "\x00", "\n",
    "\t", "\u0301", "\ufeff", "\u2028", "DROP TABLE notes", "--",
]  # fmt: skip
QUERIES = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=3), st.characters(codec="utf-8").map(str)),
    max_size=25,
).map("".join)


@FUZZ
@given(query=QUERIES, sort=st.sampled_from(list(SortKey)), descending=st.booleans())
def test_any_text_gives_ids_or_a_one_line_search_error(
    world: World, query: str, sort: SortKey, descending: bool
) -> None:
    try:
        ids = search_card_ids(world.app.collection, world.clock, query, sort, descending)
    except SearchError as error:
        message = str(error)
        assert message and "\n" not in message and "\r" not in message and message.isprintable()
        assert not message.startswith("the search could not be run"), message  # SQLite never refuses our SQL
    else:
        assert len(ids) == len(set(ids)) and set(ids) <= all_ids(world)


def all_ids(world: World) -> set[int]:
    return set(search_card_ids(world.app.collection, world.clock, ""))


# Queries that parse, built from the grammar.
ATOMS = st.sampled_from(
    [
        "cell",
        "café",
        "dog",
        "mito*",
        '"lipid bilayer"',
        "front:cell",
        "back:appl*",
        "milk",
        "calcinosis",
        "deck:Parent",
        "deck:par*",
        'deck:"My deck"',
        "deck:Calcinosis",
        "tag:a",
        "tag:bio",
        "tag:*",
        "is:new",
        "is:learn",
        "is:review",
        "is:due",
        "is:suspended",
        "is:buried",
        "prop:r<0.9",
        "prop:ivl>5",
        "prop:reps=0",
        "prop:lapses!=0",
        "prop:s>=1",
        "prop:d<=5",
        "added:1",
        "added:31",
        "rated:2",
        "rated:31:4",
    ]  # fmt: skip
)
VALID = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        inner.map(lambda q: f"-{q}" if not q.startswith("-") else f"-({q})"),
        st.tuples(inner, inner).map(lambda pair: f"{pair[0]} {pair[1]}"),
        st.tuples(inner, inner).map(lambda pair: f"({pair[0]} or {pair[1]})"),
        inner.map(lambda q: f"({q})"),
    ),
    max_leaves=8,
)


@FUZZ
@given(query=VALID)
def test_a_search_and_its_negation_split_the_cards(world: World, query: str) -> None:
    parse(query)
    found = search_card_ids(world.app.collection, world.clock, query)
    left_out = search_card_ids(world.app.collection, world.clock, f"-({query})")
    assert set(found).isdisjoint(left_out)
    assert set(found) | set(left_out) == all_ids(world)
    assert sorted(search_card_ids(world.app.collection, world.clock, f"({query}) or ({query})")) == sorted(found)
