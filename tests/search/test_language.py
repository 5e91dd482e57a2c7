"""The search language case by case, on the known collection of ``world.py``: query -> the fronts it finds."""

from __future__ import annotations

import contextlib
import re

import pytest

from studyapp.services.notes.search import SearchError, parse, search_card_ids

from .world import ALL, CALCINOSIS, CLOZE, MINE, QUOTE, World

NEW_MINE = ["Café au lait", "Apple pie", "The cell membrane", CLOZE, CLOZE, "Hund", "Hund"]
STUDIED = ["Naïve question", "Calculus", "Mitochondria", "Ribosome", QUOTE]
OLD_MINE = ["Café au lait", *STUDIED]
RECENT_MINE = ["Apple pie", "The cell membrane", CLOZE, CLOZE, "Hund", "Hund"]
PARENT = ["Café au lait", CLOZE, CLOZE]
CHILD = ["Naïve question", "Apple pie"]
PARTY = ["Mitochondria", "Ribosome"]
MILK = "What causes calcium deposits under the skin?"  # Calcinosis notes with "milk" and "inside"
INSIDE = "Is calcification a form of arthritis?"


def fronts(world: World, query: str) -> list[str]:
    ids = search_card_ids(world.app.collection, world.clock, query)
    assert len(ids) == len(set(ids)), "a card is listed once"
    db = world.app.collection.db
    front_of = dict(db.execute("SELECT c.id, n.front FROM cards c JOIN notes n ON n.id = c.note_id").fetchall())
    return sorted(front_of[card_id] for card_id in ids)


CASES = [
    # everything
    ("", ALL),
    ("   ", ALL),
    # words, case and accents ignored both ways
    ("café", ["Café au lait"]),
    ("cafe", ["Café au lait"]),
    ("CAFÉ", ["Café au lait"]),
    ("naive", ["Naïve question"]),
    ("NAÏVE", ["Naïve question"]),
    ("cell", ["Mitochondria", "The cell membrane"]),
    ("milk", ["Café au lait", MILK]),  # and a Calcinosis answer
    ("dog", ["Hund", "Hund"]),  # both cards of the reversed note
    ("paris", [CLOZE, CLOZE]),
    ("nothingmatchesthis", []),
    # and, or, not, parentheses
    ("powerhouse cell", ["Mitochondria"]),
    ("powerhouse and cell", ["Mitochondria"]),
    ("powerhouse or dog", ["Mitochondria", "Hund", "Hund"]),
    ("powerhouse OR dog", ["Mitochondria", "Hund", "Hund"]),
    ("cell or dog is:new", ["Mitochondria", "The cell membrane", "Hund", "Hund"]),  # or binds looser than and
    ("(cell or dog) is:new", ["The cell membrane", "Hund", "Hund"]),
    ("(cell or dog) -is:new", ["Mitochondria"]),
    ("cell -powerhouse", ["The cell membrane"]),
    ("-cell -deck:Calcinosis", sorted(set(MINE) - {"Mitochondria", "The cell membrane"}) + [CLOZE, "Hund"]),
    ("-(deck:Parent or deck:Party) -deck:Calcinosis", ["Calculus", QUOTE, "The cell membrane", "Hund", "Hund"]),
    ("--dog", ["Hund", "Hund"]),
    ("-(-dog)", ["Hund", "Hund"]),
    ("((dog))", ["Hund", "Hund"]),
    ("dog or cell or paris", ["Hund", "Hund", "Mitochondria", "The cell membrane", CLOZE, CLOZE]),
    ("(dog or cell) (cell or paris)", ["Mitochondria", "The cell membrane"]),
    # phrases and prefixes
    ('"lipid bilayer"', ["The cell membrane"]),
    ('"LIPID   bilayer"', ["The cell membrane"]),
    ('"bilayer lipid"', []),
    ('"the cell"', ["Mitochondria", "The cell membrane"]),
    ('"is the capital"', [CLOZE, CLOZE]),
    ('"capital of france"', []),  # the index holds the cloze markup: "capital of c2 france"
    ("mito*", ["Mitochondria"]),
    ("appl*", ["Apple pie"]),
    ("bilay*", ["The cell membrane"]),
    ('"lipid bi"*', ["The cell membrane"]),
    ("bilay", []),
    # fields, as Anki: the whole field (case ignored), * any run of characters, _ one; the name ignoring case
    ("front:cell", []),
    ("front:*cell*", ["The cell membrane"]),
    ("back:*cell", ["Mitochondria"]),  # "the powerhouse of the cell"
    ("FRONT:*CELL*", ["The cell membrane"]),
    ('front:"the CELL membrane"', ["The cell membrane"]),
    ('back:"*cell membrane*"', []),
    ("front:appl*", ["Apple pie"]),
    ("back:appl*", []),  # "dessert with apples"
    ("back:*appl*", ["Apple pie"]),
    ("front:app_e*", ["Apple pie"]),
    ("front:app_*", ["Apple pie"]),
    ("front:ap_e*", []),
    ("front:dog", []),
    ("back:dog", ["Hund", "Hund"]),
    ("back:hund", []),
    ("front:hund or back:hund", ["Hund", "Hund"]),
    ("-front:*e* deck:Other", ["Hund", "Hund"]),
    ("text:*paris*", [CLOZE, CLOZE]),  # the cloze note's Text field
    ('"back extra":', [CLOZE, CLOZE]),  # an empty field
    ('"Back Extra":_*', []),
    ("f*:hund", ["Hund", "Hund"]),  # any field whose name starts with f
    # decks: subdecks, case, wildcards, quotes
    ("deck:Parent", PARENT + CHILD),
    ("deck:parent", PARENT + CHILD),
    ("deck:Parent::Child", CHILD),
    ("deck:parent::CHILD", CHILD),
    ("deck:Child", []),
    ("deck:Par*", PARENT + CHILD + PARTY),
    ("deck:*::Child", CHILD),
    ("deck:Part", []),
    ('deck:"My deck"', ["Calculus"]),
    ('deck:"my DECK"', ["Calculus"]),
    ('"deck:My deck"', []),  # a quoted whole is text
    ("deck:my*", ["Calculus"]),
    ("deck:Calcinosis", CALCINOSIS),
    ("deck:*", ALL),
    ("deck:nothing", []),
    ("-deck:Calcinosis", MINE),
    ("deck:Parent -deck:Parent::Child", PARENT),
    # tags: whole tags, children, case, wildcards
    ("tag:a", ["Naïve question", "Apple pie"]),  # a and a::b, not ab
    ("tag:A", ["Naïve question", "Apple pie"]),
    ("tag:a::b", ["Naïve question"]),
    ("tag:ab", ["Calculus"]),
    ("tag:a*", ["Naïve question", "Apple pie", "Calculus"]),
    ("tag:bio", ["Mitochondria", "Ribosome", "The cell membrane"]),
    ("tag:BIO::cell", ["The cell membrane"]),
    ("tag:b*", ["Mitochondria", "Ribosome", "The cell membrane"]),
    ("tag:food", ["Café au lait"]),
    ("tag:french", []),
    ("tag:*french", ["Café au lait"]),
    ("tag:*::french", ["Café au lait"]),
    ("tag:drink", []),
    ("tag:drinks", ["Café au lait"]),
    ("tag:math", ["Calculus"]),
    ("tag:*", sorted(set(MINE) - {QUOTE}) + [CLOZE, "Hund"]),
    ("-tag:*", CALCINOSIS + [QUOTE]),
    ("tag:%", []),
    ("tag:_", []),
    ("tag:a tag:math", []),
    ("tag:a or tag:math", ["Naïve question", "Apple pie", "Calculus"]),
    # card states
    ("is:new", CALCINOSIS + NEW_MINE),
    ("is:new -deck:Calcinosis", NEW_MINE),
    ("is:learn", ["Naïve question", QUOTE]),
    ("is:review", ["Calculus", "Mitochondria", "Ribosome"]),
    ("is:due", ["Naïve question", QUOTE, "Mitochondria"]),  # Calculus is buried, Ribosome suspended
    ("IS:DUE", ["Naïve question", QUOTE, "Mitochondria"]),
    ("is:suspended", ["Ribosome", "Apple pie"]),
    ("is:buried", ["Calculus", "The cell membrane"]),
    ("-is:new -is:due", ["Calculus", "Ribosome"]),
    ("is:review -is:suspended", ["Calculus", "Mitochondria"]),
    # properties
    ("prop:reps=0", CALCINOSIS + NEW_MINE),
    ("prop:reps>1", ["Calculus"]),
    ("prop:reps>=1", STUDIED),
    ("prop:reps!=0", STUDIED),
    ("prop:lapses>=1", ["Calculus"]),
    ("prop:lapses=0 deck:Party", PARTY),
    ("prop:ivl>5", PARTY),
    ("prop:ivl=7", ["Ribosome"]),
    ("prop:ivl=6", ["Mitochondria"]),
    ("prop:ivl<=1", ["Calculus"]),
    ("prop:ivl>0", ["Calculus", *PARTY]),  # review cards only
    ("prop:r<0.9", ["Calculus", *PARTY]),
    ("prop:r<2", STUDIED),
    ("prop:r=1", [QUOTE]),
    ("prop:r>0.9", ["Naïve question", QUOTE]),
    ("-prop:r<0.9 -deck:Calcinosis", ["Naïve question", QUOTE, *NEW_MINE]),  # no retrievability is not r<0.9
    ("prop:s>5", PARTY),
    ("prop:S<1", [QUOTE]),
    ("prop:d<1.5", PARTY),
    ("prop:d>5", ["Calculus", QUOTE]),
    ("prop:d>=0", STUDIED),
    ("prop:ivl>-1", ["Calculus", *PARTY]),
    ("prop:r<.9", ["Calculus", *PARTY]),
    # added and rated (study days: today is 1)
    ("added:1", RECENT_MINE),
    ("added:30", RECENT_MINE),
    ("added:31", ALL),
    ("added:99999999", ALL),
    ("-added:1", CALCINOSIS + OLD_MINE),
    ("rated:1", [QUOTE]),
    ("rated:2", ["Naïve question", QUOTE]),
    ("rated:1:1", [QUOTE]),
    ("rated:2:3", ["Naïve question"]),
    ("rated:2:4", []),
    ("rated:21", ["Naïve question", QUOTE, "Calculus"]),
    ("rated:31", STUDIED),
    ("rated:31:4", ["Calculus", *PARTY]),
    ("-rated:31 deck:Party", []),
    # text that looks like SQL or FTS5 syntax is only text
    ('"; DROP TABLE notes; --"', [QUOTE]),
    ("drop table", [QUOTE]),
    ("O'Brien", [QUOTE]),
    ('"inside"', [QUOTE, INSIDE]),
    ('"quote ""inside"""', [QUOTE]),
    ('"quote \\"inside\\""', [QUOTE]),
    ('deck:"x\'; DROP TABLE decks; --"', []),
    ("NEAR(cell dog)", []),
    ("cell NOT dog", []),
    ("cell AND NOT dog", []),
    ("front:cell:", []),  # a Front of exactly "cell:"
    ("{front}:cell", []),  # the phrase "front cell"
    ("unknownfield:cell", []),  # the phrase "unknownfield cell"
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[case[0] or "(empty)" for case in CASES])
def test_query_finds(world: World, query: str, expected: list[str]) -> None:
    assert fronts(world, query) == sorted(expected)


LIKE = "like prop:ivl>10 or prop:r<0.8"
ERRORS = [
    ("is:nw", "unknown is: value 'nw' (use new, learn, review, due, suspended, buried) at \"is:nw\""),
    ("deck:x is:", 'is: needs one of new, learn, review, due, suspended, buried at "is:"'),
    ('"unclosed phrase', "unclosed quote at '\"unclosed phrase'"),
    ('front:"a phrase', "unclosed quote at '\"a phrase'"),
    ('"; DROP TABLE notes; --', "unclosed quote at '\"; DROP TABLE notes; --'"),
    ("(cell or dog", "'(' is never closed at \"(cell or dog\""),
    ("cell) dog", "')' without a '(' before it at \") dog\""),
    ("Robert'); DROP TABLE notes;--", "')' without a '(' before it at \"); DROP TABLE notes;--\""),
    ("()", 'empty parentheses at "()"'),
    ("cell ( )", 'empty parentheses at "( )"'),
    ("deck:", 'deck: needs a name, like deck:Biology, or deck:"My deck" with a space at "deck:"'),
    ('deck:""', 'deck: needs a name, like deck:Biology, or deck:"My deck" with a space at \'deck:""\''),
    ("tag:", 'tag: needs a name, like tag:verbs at "tag:"'),
    ("prop:", f'prop: needs a property (ivl, reps, lapses, r, s, d), a comparison and a number, {LIKE} at "prop:"'),
    ("prop:ivl", f'prop:ivl needs a comparison (< <= > >= = !=) and a number, {LIKE} at "prop:ivl"'),
    ("prop:ivl10", f'prop:ivl needs a comparison (< <= > >= = !=) and a number, {LIKE} at "prop:ivl10"'),
    ("prop:ivl>>3", "prop:ivl> needs a number, not '>3' at \"prop:ivl>>3\""),
    ("prop:ivl=>3", "prop:ivl= needs a number, not '>3' at \"prop:ivl=>3\""),
    ("prop:r<", 'prop:r< needs a number at "prop:r<"'),
    ("prop:r<abc", "prop:r< needs a number, not 'abc' at \"prop:r<abc\""),
    ("prop:r<nan", "prop:r< needs a number, not 'nan' at \"prop:r<nan\""),
    ("prop:due>3", "unknown prop: property 'due' (use ivl, reps, lapses, r, s, d) at \"prop:due>3\""),
    ("added:", 'added: needs a number of days, like added:7 at "added:"'),
    ("added:x", 'added: needs a number of days, like added:7 at "added:x"'),
    ("added:0", 'added: counts days from 1 (today), like added:7 at "added:0"'),
    ("rated:7:5", 'rated: takes a rating from 1 (Again) to 4 (Easy), not 5 at "rated:7:5"'),
    ("or cell", "'or' needs a search before it at \"or\""),
    ("cell or", "'or' needs a search after it at \"or\""),
    ("cell or or dog", "'or' needs a search after it at \"or\""),
    ("(or cell)", "'or' needs a search before it at \"or\""),
    ("and cell", "'and' needs a search on both sides at \"and\""),
    ("-", "nothing to leave out after '-' at \"-\""),
    ("cell - dog", "nothing to leave out after '-' at \"-\""),
    ("-)", "nothing to leave out after '-' at \"-\""),
    ("-or dog", "nothing to leave out after '-' at \"-or\""),
    ("!!!", "no letters or digits to search for in '!!!' at \"!!!\""),
    ("*", 'nothing to search for at "*"'),
    ('""', "nothing to search for at '\"\"'"),
    ("cell ? dog", "no letters or digits to search for in '?' at \"?\""),
    ("is:nw\nmore", "unknown is: value 'nw' (use new, learn, review, due, suspended, buried) at \"is:nw\""),
    ("is:\x00", "unknown is: value '' (use new, learn, review, due, suspended, buried) at \"is:\""),  # not printable
    ("(" * 60 + "cell" + ")" * 60, 'too deeply nested (more than 50 levels) at "("'),
    ("-" * 60 + "cell", 'too deeply nested (more than 50 levels) at "-"'),
    ("cell " * 501, 'too many search terms (more than 500) at "cell"'),
    ("\ud800", "the search has characters that are not text (unpaired surrogates)"),
]


@pytest.mark.parametrize(("query", "message"), ERRORS, ids=[case[0][:30] for case in ERRORS])
def test_a_bad_query_says_what_and_where(world: World, query: str, message: str) -> None:
    with pytest.raises(SearchError) as parse_error:
        parse(query)
    assert str(parse_error.value) == message
    assert "\n" not in message
    with pytest.raises(SearchError, match="^" + re.escape(message) + "$"):
        search_card_ids(world.app.collection, world.clock, query)


def test_sql_injection_looking_input_changes_nothing(world: World) -> None:
    db = world.app.collection.db
    before = (db.execute("SELECT count(*) FROM notes").fetchone(), db.execute("SELECT count(*) FROM decks").fetchone())
    for query in (
        '"; DROP TABLE notes; --',
        '"; DROP TABLE notes; --"',
        "'; DROP TABLE notes; --",
        "x' OR '1'='1",
        'deck:"a\' OR 1=1; DELETE FROM decks; --"',
        "tag:' OR 1=1 --",
        "tag:%' OR '%'='",
        "prop:r<0.8); DROP TABLE cards; --",
        "added:1; DROP TABLE notes",
        'front:"x" OR 1=1',
        "\x00 DROP TABLE notes",
    ):
        with contextlib.suppress(SearchError):
            search_card_ids(world.app.collection, world.clock, query)
    after = (db.execute("SELECT count(*) FROM notes").fetchone(), db.execute("SELECT count(*) FROM decks").fetchone())
    assert after == before
    assert fronts(world, "x' OR '1'='1") == []
