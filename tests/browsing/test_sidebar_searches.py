"""What the sidebar lists and what its items find: decks and tags as trees, note types with their card
templates (``note:`` and ``card:``), and how a click joins the search in the box."""

from __future__ import annotations

import pytest

from studyapp.core.search.search_tree import SearchError
from studyapp.services.app import App
from studyapp.services.browsing.sidebar import Combine, Item, combined, quoted, sidebar_items
from studyapp.services.notes.search import search_card_ids

from .conftest import Made


def found(app: App, query: str) -> set[int]:
    return set(search_card_ids(app.collection, app.clock, query))


def cards_of(app: App, *note_ids: int) -> set[int]:
    marks = ",".join("?" * len(note_ids))
    return {row[0] for row in app.collection.db.execute(f"SELECT id FROM cards WHERE note_id IN ({marks})", note_ids)}


def section(items: list[Item], name: str) -> Item:
    return next(item for item in items if item.text == name)


def test_the_sections_and_their_trees(app: App, made: Made) -> None:
    items = sidebar_items(app.collection)
    assert [item.text for item in items] == ["Saved searches", "Decks", "Note types", "Tags"]
    decks = section(items, "Decks").children
    assert [(d.text, d.search, [c.text for c in d.children]) for d in decks] == [
        ("Calcinosis", 'deck:"Calcinosis"', ["Organs"])
    ]
    assert decks[0].children[0].search == 'deck:"Calcinosis::Organs"'
    tags = section(items, "Tags").children
    assert [(t.text, t.search) for t in tags] == [("anatomy", "tag:anatomy"), ("exam", "tag:exam"),
                                                  ("Pathology", "tag:Pathology")]  # fmt: skip
    assert [(t.text, t.search) for t in tags[0].children] == [("heart", "tag:anatomy::heart"),
                                                              ("skin", "tag:anatomy::skin")]  # fmt: skip
    reversed_type = next(t for t in section(items, "Note types").children if t.text == "Basic (and reversed card)")
    assert reversed_type.search == 'note:"Basic (and reversed card)"'
    assert [(t.text, t.search) for t in reversed_type.children] == [
        ("Card 1", 'note:"Basic (and reversed card)" card:"Card 1"'),
        ("Card 2", 'note:"Basic (and reversed card)" card:"Card 2"'),
    ]
    assert [item.kind for item in section(items, "Saved searches").children] == ["save"]


def test_each_item_finds_its_cards(app: App, made: Made) -> None:
    items = sidebar_items(app.collection)
    organs = section(items, "Decks").children[0].children[0]
    in_sub = {row[0] for row in app.collection.db.execute("SELECT id FROM cards WHERE deck_id = ?", [made.sub_deck])}
    assert len(in_sub) == 4 and found(app, organs.search) == in_sub
    heart = section(items, "Tags").children[0].children[0]
    assert found(app, heart.search) == cards_of(app, *made.heart_notes)
    reversed_type = next(t for t in section(items, "Note types").children if t.text == "Basic (and reversed card)")
    both = cards_of(app, made.reversed_note)
    assert len(both) == 2 and found(app, reversed_type.search) == both
    second = found(app, reversed_type.children[1].search)
    assert len(second) == 1 and second == {
        row[0]
        for row in app.collection.db.execute(
            "SELECT id FROM cards WHERE note_id = ? AND ord = 1", [made.reversed_note]
        )  # fmt: skip
    }
    assert found(app, 'note:"Cloze"') == cards_of(app, made.cloze_note) and len(cards_of(app, made.cloze_note)) == 3
    assert found(app, 'card:"Cloze"') == cards_of(app, made.cloze_note)  # the template makes every deletion
    cloze_2 = {row[0] for row in app.collection.db.execute("SELECT id FROM cards WHERE note_id = ? AND ord = 1",
                                                           [made.cloze_note])}  # fmt: skip
    assert found(app, "card:2") == second | cloze_2  # the second template, or deletion 2 (Calcinosis is Basic)
    assert found(app, "note:basic*") >= both  # case ignored, * a wildcard
    assert found(app, "note:Nothing") == set() and found(app, "card:9") == set()


@pytest.mark.parametrize("query", ["note:", "card:", 'note:""'])
def test_note_and_card_need_a_name(app: App, query: str) -> None:
    with pytest.raises(SearchError, match="needs a name"):
        found(app, query)


def test_names_that_need_quoting_are_found_as_they_are(app: App, calcinosis_id: int) -> None:
    from studyapp.services.decks.deck_ops import create_deck

    odd = create_deck(app.collection, app.rng, app.clock, 'Say "hi" (or) -not \\ here')
    assert quoted("deck", odd.name) == 'deck:"Say \\"hi\\" (or) -not \\\\ here"'
    item = section(sidebar_items(app.collection), "Decks").children
    term = next(d.search for d in item if d.text == odd.name)
    app.collection.db.execute("UPDATE cards SET deck_id = ? WHERE id IN (SELECT id FROM cards LIMIT 2)", [odd.id])
    assert len(found(app, term)) == 2
    assert quoted("tag", "-x") == 'tag:"-x"' and quoted("tag", "a::b") == "tag:a::b"


def test_clicks_combine_as_in_anki() -> None:
    assert combined("heart", "tag:x", Combine.REPLACE) == "tag:x"
    assert combined("heart", "tag:x", Combine.AND) == "heart tag:x"
    assert combined("a or b", "tag:x", Combine.AND) == "(a or b) tag:x"  # the 'or' stays inside
    assert combined("heart", "tag:x", Combine.OR) == "heart or tag:x"
    assert combined("  ", "tag:x", Combine.AND) == "tag:x"
    assert combined("(heart", "tag:x", Combine.AND) == "tag:x"  # a search that cannot be read is replaced
