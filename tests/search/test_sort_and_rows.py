"""Sorting the results, and the rows the browser shows for a page of ids."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from studyapp.core.model import CardState
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.services.notes.search import CardRow, SortKey, card_rows, search_card_ids
from studyapp.storage.search.search_sql import retrievability

from ..conftest import T0
from .world import CLOZE, QUOTE, World

MINE = "-deck:Calcinosis"


def rows(world: World, query: str = MINE, sort: SortKey = SortKey.ADDED, descending: bool = False) -> list[CardRow]:
    ids = search_card_ids(world.app.collection, world.clock, query, sort, descending)
    found = card_rows(world.app.collection, world.clock, ids)
    assert [row.card_id for row in found] == ids
    return found


def notes(world: World) -> dict[int, tuple[str, str, int]]:
    """Note id -> (front, back, created_at)."""
    db = world.app.collection.db
    return {row[0]: tuple(row[1:]) for row in db.execute("SELECT id, front, back, created_at FROM notes")}


VALUES: dict[SortKey, Callable[[World, CardRow], Any]] = {
    SortKey.SORT_FIELD: lambda world, row: row.sort_field.casefold(),  # every note type here sorts by field 1
    SortKey.QUESTION: lambda world, row: notes(world)[row.note_id][0].casefold(),
    SortKey.ANSWER: lambda world, row: notes(world)[row.note_id][1].casefold(),
    SortKey.DECK: lambda world, row: row.deck.casefold(),
    SortKey.TAGS: lambda world, row: row.tags.casefold(),
    SortKey.NOTETYPE: lambda world, row: row.notetype.casefold(),
    SortKey.DUE: lambda world, row: row.due,
    SortKey.INTERVAL: lambda world, row: row.interval_days,
    SortKey.STABILITY: lambda world, row: row.stability,
    SortKey.DIFFICULTY: lambda world, row: row.difficulty,
    SortKey.RETRIEVABILITY: lambda world, row: row.retrievability,
    SortKey.REVIEWS: lambda world, row: row.reviews,
    SortKey.LAPSES: lambda world, row: row.lapses,
    SortKey.ADDED: lambda world, row: notes(world)[row.note_id][2],
}


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(SortKey), ids=[key.value for key in SortKey])
def test_each_sort_key_orders_the_cards_with_empty_values_last(world: World, sort: SortKey, descending: bool) -> None:
    found = rows(world, "", sort, descending)
    assert len(found) == 29 + 12
    values = [VALUES[sort](world, row) for row in found]
    present = [value for value in values if value is not None]
    assert values == present + [None] * (len(values) - len(present)), "cards without a value come last"
    assert present == sorted(present, reverse=descending)
    assert len(set(present)) > 1, "the collection has different values to sort"


@pytest.mark.parametrize("sort", [SortKey.ADDED, SortKey.REVIEWS, SortKey.DECK, SortKey.QUESTION])
def test_descending_is_exactly_the_reverse_where_every_card_has_a_value(world: World, sort: SortKey) -> None:
    ascending = search_card_ids(world.app.collection, world.clock, "", sort)
    descending = search_card_ids(world.app.collection, world.clock, "", sort, descending=True)
    assert descending == ascending[::-1]


def test_sort_keys_take_their_string_values(world: World) -> None:
    by_value = search_card_ids(world.app.collection, world.clock, MINE, "lapses", True)  # type: ignore[arg-type]
    assert by_value == search_card_ids(world.app.collection, world.clock, MINE, SortKey.LAPSES, True)
    assert by_value[0] == world.card("Calculus")


def test_the_default_order_is_by_when_the_note_was_added_then_card_order(world: World) -> None:
    fronts = [notes(world)[row.note_id][0] for row in rows(world, MINE)]
    assert set(fronts[:6]) == {"Café au lait", "Naïve question", "Calculus", "Mitochondria", "Ribosome", QUOTE}
    assert fronts[6:] == ["Apple pie", "The cell membrane", CLOZE, CLOZE, "Hund", "Hund"]
    cloze = [row for row in rows(world, "paris")]
    assert [row.question for row in cloze] == ["[...] is the capital of France", "Paris is the capital of [...]"]


def test_rows_carry_what_the_browser_shows(world: World) -> None:
    by_front = {notes(world)[row.note_id][0]: row for row in rows(world, MINE) if row.note_id}
    mito = by_front["Mitochondria"]
    assert (mito.question, mito.answer, mito.deck, mito.tags) == (
        "Mitochondria",
        "the powerhouse of the cell",
        "Party",
        "Bio",
    )
    assert mito.state is CardState.REVIEW and (mito.reviews, mito.lapses) == (1, 0)
    assert mito.due == T0 - timedelta(days=30) + timedelta(days=mito.interval_days or 0)
    assert mito.interval_days == 6 and mito.stability is not None and mito.difficulty is not None
    assert mito.retrievability is not None and 0.7 < mito.retrievability < 0.9
    assert not mito.suspended and not mito.buried

    calculus = by_front["Calculus"]
    assert (calculus.reviews, calculus.lapses, calculus.buried, calculus.suspended) == (3, 1, True, False)
    assert by_front["Ribosome"].suspended and not by_front["Ribosome"].buried
    assert by_front[QUOTE].state is CardState.LEARNING and by_front[QUOTE].interval_days is None
    assert by_front[QUOTE].retrievability == 1.0

    cafe = by_front["Café au lait"]
    assert (cafe.state, cafe.due, cafe.interval_days, cafe.stability, cafe.retrievability) == (
        CardState.NEW,
        None,
        None,
        None,
        None,
    )
    assert (cafe.deck, cafe.tags, cafe.reviews) == ("Parent", "drinks food::french", 0)

    front, back = world.cards["Hund"]
    reverse = card_rows(world.app.collection, world.clock, [back])[0]
    assert (reverse.question, reverse.answer) == ("dog", "Hund")
    assert by_front["Naïve question"].deck == "Parent::Child"


def test_rows_come_in_the_given_order_and_leave_out_missing_ids(world: World) -> None:
    wanted = [world.card("Calculus"), 12345, world.cards["Hund"][1], world.card("Mitochondria"), -1]
    found = card_rows(world.app.collection, world.clock, wanted)
    assert [row.card_id for row in found] == [
        world.card("Calculus"),
        world.cards["Hund"][1],
        world.card("Mitochondria"),
    ]
    assert card_rows(world.app.collection, world.clock, []) == []


def test_long_and_multi_line_text_is_cut_to_one_line(world: World) -> None:
    [row] = rows(world, "calcinosis cutis associated systemic sclerosis")
    assert "\n" not in row.answer and len(row.answer) <= 200 and row.answer.endswith("…")


def test_retrievability_is_the_schedulers(world: World) -> None:
    scheduler = Scheduler()
    studied = [row for row in rows(world) if row.state is not CardState.NEW]
    assert len(studied) == 5
    for row in studied:
        card = world.app.collection.reviews.card(row.card_id)
        assert card is not None
        assert row.retrievability == pytest.approx(
            scheduler.retrievability(card.schedule, world.clock.now()), abs=1e-12
        )
    assert retrievability(None, None, 0) is None
    assert retrievability(10.0, 0, 86_400_000 * 10) == pytest.approx((1 + (0.9 ** (1 / -0.1542) - 1)) ** -0.1542)
    assert retrievability(10.0, 86_400_000, 0) == 1.0  # reviewed "in the future": no time has passed
    assert retrievability("x", 0, 0) is None  # type: ignore[arg-type]


def test_many_ids_are_read_in_chunks(world: World) -> None:
    ids = search_card_ids(world.app.collection, world.clock, "")
    many = (ids * 40)[:1200]
    assert [row.card_id for row in card_rows(world.app.collection, world.clock, many)] == many
