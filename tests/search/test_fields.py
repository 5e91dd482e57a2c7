"""Finding notes by any field, as Anki: ``name:text``, ``"Back Extra":word``, ``front:*dog*``, ``front:``.

Before note types had named fields only ``front:`` and ``back:`` narrowed a search (a word in the first or
second field), any other ``name:`` was two words, and a note's third and later fields could not be asked for
by name. Here two note types share field names at different places, fields hold characters that mean
something to LIKE, FTS5 or the field separator's neighbours, and one note was stored with fewer fields than
its type has.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.ids import new_id
from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind, join_fields
from studyapp.core.search.search_tree import SearchError, SortKey
from studyapp.services.app import App
from studyapp.services.notes.search import CardRow, card_rows, search_card_ids
from studyapp.storage.notes.notes_store import NewCard, NewNote

from ..conftest import T0
from ..test_cli import studyapp

LONG = "Ein sehr langer Beispielsatz. " * 20  # 600 characters: more than a row shows, all of it in --json

VOCAB = NoteType(
    id=501,
    name="Vocabulary",
    kind=NotetypeKind.STANDARD,
    fields=tuple(FieldDef(n) for n in ("Word", "Meaning", "Example", "Notes", "Back Extra")),
    templates=(CardTemplate("Recognition", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}"),),
    sort_field=2,  # the browser shows and sorts by Example
)
# The same names at other places: "Example" is field 1 here, "Word" field 2.
PHRASE = NoteType(
    id=502,
    name="Phrase",
    kind=NotetypeKind.STANDARD,
    fields=tuple(FieldDef(n) for n in ("Phrase", "Example", "word")),
    templates=(CardTemplate("Card 1", "{{Phrase}}", "{{FrontSide}}<hr id=answer>{{Example}}"),),
)

NOTES = [  # (note type, fields, deck)
    (VOCAB, ("Hund", "dog", "Der Hund bellt.", "", "animals"), "German"),
    (VOCAB, ("Straße", "street", "Die STRASSE ist lang.", "100% sure", "a_b"), "German"),
    (VOCAB, ("Katze", "cat", LONG, 'say "miau" \\ *really*', ""), "German"),
    (VOCAB, ("Σίσυφος", "Sisyphus", "ΣΊΣΥΦΟΣ", "line one\nline two", "δ"), "Greek"),
    (PHRASE, ("Guten Tag", "Guten Tag, Frau Müller!", "Hund"), "German"),
    (PHRASE, ("Bis bald", "", "see you"), "German"),
]
SHORT = ("Maus", "mouse", "Die Maus.")  # a Vocabulary note stored with three of its five fields


@dataclass
class Fields:
    app: App
    path: Path
    word_of: dict[int, str]  # card id -> the note's first field


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fields]:
    path = tmp_path_factory.mktemp("fields") / "collection.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(7))
    collection = app.collection
    word_of: dict[int, str] = {}
    with collection.transaction():
        for notetype in (VOCAB, PHRASE):
            collection.notetypes.add(notetype, T0)
        decks = {name: collection.decks.create(new_id(app.rng), name, "", T0).id for name in ("German", "Greek")}
        rows, cards = [], []
        for number, (notetype, fields, deck) in enumerate([*NOTES, (VOCAB, SHORT, "German")]):
            note_id, card_id = 1000 + number, 2000 + number
            rest = join_fields(list(fields[2:]))
            rows.append(NewNote(note_id, f"g{number}", decks[deck], fields[0], fields[1], "", "basic", 0,
                                number, number, rest, notetype.id))  # fmt: skip
            cards.append(NewCard(card_id, note_id, decks[deck], 0, number))
            word_of[card_id] = fields[0]
        collection.notes.add(rows, cards)
    yield Fields(app, path, word_of)
    app.close()


def words(world: Fields, query: str, sort: SortKey = SortKey.ADDED) -> list[str]:
    ids = search_card_ids(world.app.collection, world.app.clock, query, sort)
    return [world.word_of[card_id] for card_id in ids if card_id in world.word_of]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a field by name, whichever place it has in each note type; the whole field, case ignored
        ("word:hund", ["Hund", "Guten Tag"]),  # Vocabulary's first field, Phrase's third
        ("example:hund", []),
        ("example:*hund*", ["Hund"]),
        ("word:*", ["Hund", "Straße", "Katze", "Σίσυφος", "Guten Tag", "Bis bald", "Maus"]),
        ("word:_*", ["Hund", "Straße", "Katze", "Σίσυφος", "Guten Tag", "Bis bald", "Maus"]),
        ("example:*Tag*", ["Guten Tag"]),  # Phrase's Example is its second field
        ("Word:see*", ["Bis bald"]),  # Phrase's "word" is its third: names ignore case
        ("EXAMPLE:*müller*", ["Guten Tag"]),
        # empty fields: written empty, and missing from a note stored with fewer fields than its type
        ("notes:", ["Hund", "Maus"]),
        ('"Back Extra":', ["Katze", "Maus"]),
        ("example:", ["Bis bald"]),
        ('-"back extra": deck:German', ["Hund", "Straße", "Guten Tag", "Bis bald"]),
        # a quoted name with a space, and a quoted value
        ('"Back Extra":animals', ["Hund"]),
        ('"back extra":"anim*"', ["Hund"]),
        # wildcards: * any run, _ one character; escaped, and characters LIKE or FTS5 would read
        ("notes:100%*", ["Straße"]),
        ("notes:100_*", ["Straße"]),
        ("notes:1000*", []),
        ('"back extra":a_b', ["Straße"]),
        ('"back extra":a\\_b', ["Straße"]),
        ('"back extra":aXb', []),
        ('"back extra":a\\_X', []),
        ("notes:*\\*really\\**", ["Katze"]),
        ("notes:*\\\\*", ["Katze"]),
        ('notes:*"miau"*', ["Katze"]),
        ("notes:*one?line*", []),
        ("notes:line_one*", ["Σίσυφος"]),  # _ is any one character, a space too
        ("notes:line__one*", []),
        ("notes:line*two", ["Σίσυφος"]),  # across a line break
        # case beyond ASCII, as Python folds it
        ("word:straße", ["Straße"]),
        ("example:*strasse*", ["Straße"]),
        ("example:*straße*", ["Straße"]),  # ß folds to ss: "Die STRASSE ist lang."
        ("example:*ß*", ["Straße"]),  # so does the pattern
        ("example:*ç*", []),
        ("example:σίσυφος", ["Σίσυφος"]),
        ('"back extra":Δ', ["Σίσυφος"]),
        # field names with wildcards; a name no type has is words, as before
        ("w*:hund", ["Hund", "Guten Tag"]),
        ("wo*:hund deck:German example:_*", ["Hund", "Guten Tag"]),
        ("*a*:sisyphus", ["Σίσυφος"]),  # Meaning
        ("nosuchfield:hund", []),
        ("hund:", ["Hund", "Guten Tag"]),
        # words: every field is in the search index
        ("bellt", ["Hund"]),
        ("animals", ["Hund"]),
        ("miau", ["Katze"]),
        ("Müller", ["Guten Tag"]),
        ("hund", ["Hund", "Guten Tag"]),
        ("bellt -word:hund", []),
        ("hund -example:*hund*", ["Guten Tag"]),
        ("(word:hund or example:*tag*) deck:German", ["Hund", "Guten Tag"]),
    ],
)
def test_a_field_by_name(world: Fields, query: str, expected: list[str]) -> None:
    assert words(world, query) == expected


def test_negation_is_the_exact_complement_even_for_notes_missing_the_field(world: Fields) -> None:
    everything = words(world, "")
    for query in ("notes:*e*", "example:", "word:hund", '"back extra":_*', "nosuchfield:x"):
        found, rest = words(world, query), words(world, f"-{query}")
        assert sorted(found + rest) == sorted(everything), query
        assert not set(found) & set(rest), query


def test_the_sort_field_is_shown_and_sorted_by(world: Fields) -> None:
    ids = search_card_ids(world.app.collection, world.app.clock, "deck:German", SortKey.SORT_FIELD)
    rows = card_rows(world.app.collection, world.app.clock, ids)
    # Vocabulary sorts by Example (its third field), Phrase by Phrase (its first).
    assert [row.sort_field for row in rows] == [
        "Bis bald", "Der Hund bellt.", "Die Maus.", "Die STRASSE ist lang.", LONG.strip()[:199] + "…", "Guten Tag",
    ]  # fmt: skip
    assert [row.notetype for row in rows] == [
        "Phrase",
        "Vocabulary",
        "Vocabulary",
        "Vocabulary",
        "Vocabulary",
        "Phrase",
    ]
    backwards = search_card_ids(world.app.collection, world.app.clock, "deck:German", SortKey.SORT_FIELD, True)
    assert backwards == ids[::-1]


def rows_of(world: Fields, query: str) -> list[CardRow]:
    collection, clock = world.app.collection, world.app.clock
    return card_rows(collection, clock, search_card_ids(collection, clock, query))


def test_rows_show_the_rendered_question_and_answer(world: Fields) -> None:
    [hund] = rows_of(world, "meaning:dog")
    assert (hund.question, hund.answer) == ("Hund", "dog Der Hund bellt.")
    [katze] = rows_of(world, "word:katze")
    assert katze.answer.startswith("cat Ein sehr langer") and len(katze.answer) == 200
    assert katze.fields == ()  # the browser's rows do not carry every field


def test_a_field_search_is_cheap_in_sql(world: Fields) -> None:
    """The SQL of a field search names note types by id and fields by place: no text of the user's in it."""
    from studyapp.core.search.search_query import parse
    from studyapp.storage.search.search_sql import SearchTime, _Where

    where = _Where(world.app.collection.db, SearchTime(T0, T0, lambda days: T0))
    sql = where.condition(parse('"Back Extra":x word:y%').root)  # type: ignore[arg-type]
    assert "Back Extra" not in sql and "y%" not in sql and "note_field(n.rest, 2)" in sql
    assert sorted(v for v in where.params.values() if isinstance(v, str)) == ["x", "y\\%"]


def test_bad_field_searches_say_so(world: Fields) -> None:
    with pytest.raises(SearchError, match="NUL"):
        words(world, "word:a\x00b")


def test_json_gives_the_note_type_and_every_field_in_full(world: Fields) -> None:
    world.app.close()
    try:
        result = studyapp("--collection", str(world.path), "search", "--json", "deck:German")
    finally:
        world.app = App.open(world.path, clock=FixedClock(T0), rng=random.Random(8))
    assert result.returncode == 0, result.stderr
    by_word = {row["fields"].get("Word") or row["fields"]["Phrase"]: row for row in json.loads(result.stdout)}
    katze = by_word["Katze"]
    assert katze["notetype"] == "Vocabulary"
    assert katze["fields"] == {"Word": "Katze", "Meaning": "cat", "Example": LONG, "Notes": 'say "miau" \\ *really*',
                               "Back Extra": ""}  # fmt: skip
    assert list(katze["fields"]) == ["Word", "Meaning", "Example", "Notes", "Back Extra"]  # the type's order
    assert by_word["Maus"]["fields"] == {"Word": "Maus", "Meaning": "mouse", "Example": "Die Maus.", "Notes": "",
                                         "Back Extra": ""}  # fmt: skip
    assert by_word["Guten Tag"]["notetype"] == "Phrase"
    assert by_word["Guten Tag"]["fields"] == {
        "Phrase": "Guten Tag",
        "Example": "Guten Tag, Frau Müller!",
        "word": "Hund",
    }
    assert by_word["Straße"]["sort_field"] == "Die STRASSE ist lang."
