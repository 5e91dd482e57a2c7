"""Which cards a note makes: golden cases, and the same notes given to Anki's own engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.core.notetypes.cardgen import cards_for
from studyapp.core.notetypes.model import (
    BASIC,
    BASIC_OPTIONAL_REVERSED,
    BASIC_REVERSED,
    BASIC_TYPING,
    CLOZE,
    CardTemplate,
    NoteType,
    stock_type,
)

from .support import custom, five_field_type

# (note type, fields, tags) -> the ords Anki makes. Every case is also checked against the engine below.
CASES: list[tuple[str, NoteType, tuple[str, ...], tuple[str, ...], list[int]]] = [
    ("basic", stock_type(BASIC, 1), ("q", "a"), (), [0]),
    ("basic, empty front", stock_type(BASIC, 1), ("", "a"), (), [0]),  # none made: card 0, as Anki
    ("reversed", stock_type(BASIC_REVERSED, 1), ("q", "a"), (), [0, 1]),
    ("reversed, empty back", stock_type(BASIC_REVERSED, 1), ("q", " <br> "), (), [0]),
    ("reversed, empty front", stock_type(BASIC_REVERSED, 1), ("<div></div>", "a"), (), [1]),
    ("optional reversed, off", stock_type(BASIC_OPTIONAL_REVERSED, 1), ("q", "a", ""), (), [0]),
    ("optional reversed, on", stock_type(BASIC_OPTIONAL_REVERSED, 1), ("q", "a", "y"), (), [0, 1]),
    ("optional reversed, no back", stock_type(BASIC_OPTIONAL_REVERSED, 1), ("q", "", "y"), (), [0]),
    ("typing", stock_type(BASIC_TYPING, 1), ("q", "a"), (), [0]),
    ("typing, front empty", stock_type(BASIC_TYPING, 1), ("", "a"), (), [0]),  # {{type:Back}} shows Back
    ("cloze", stock_type(CLOZE, 1), ("{{c1::a}} {{c3::b}} {{c3::c}}", ""), (), [0, 2]),
    ("cloze, none", stock_type(CLOZE, 1), ("no clozes", "x"), (), [0]),
    ("cloze, in Back Extra too", stock_type(CLOZE, 1), ("{{c1::a}}", "{{c2::b}}"), (), [0, 1]),
    ("cloze, shared and nested", stock_type(CLOZE, 1), ("{{c1,4::a {{c2::b}}}} {{c0::z}}", ""), (), [0, 1, 3]),
    ("cloze, unclosed", stock_type(CLOZE, 1), ("{{c1::a}} {{c2::b", ""), (), [0]),
    ("five fields, word only", five_field_type(), ("Hund", "", "", "", ""), (), [0]),
    ("five fields, meaning only", five_field_type(), ("", "dog", "", "", "x"), (), [1]),
    ("five fields, both", five_field_type(), ("Hund", "dog", "e", "", ""), (), [0, 1]),
    ("five fields, example only", five_field_type(), ("", "", "e", "", ""), (), [0]),  # {{#Example}} shows it
    ("negated section", custom("{{^Back}}{{Front}}{{/Back}}"), ("q", "a"), (), [0]),  # none: card 0
    ("deck always shows", custom("{{Deck}}"), ("", ""), (), [0]),
    ("tags only with tags", custom("{{Tags}}{{Back}}", fields=("Front", "Back", "Other")), ("q", "", ""), (),
     [0]),
    ("broken question", custom("{{#Front}}{{Front}}"), ("q", "a"), (), [0]),
    ("text without fields", custom("just text"), ("q", "a"), (), [0]),
]  # fmt: skip


def _two_templates(question_2: str) -> NoteType:
    base = stock_type(BASIC_REVERSED, 2)
    return NoteType(base.id, "Two", base.kind, base.fields,
                    (base.templates[0], CardTemplate("Card 2", question_2, "{{FrontSide}}")))  # fmt: skip


# Where the second template decides, so card 0 is always made and card 1 shows the rule.
SECOND_CARD: list[tuple[str, NoteType, tuple[str, ...], tuple[str, ...], list[int]]] = [
    ("tags make {{Tags}} non-empty", _two_templates("{{Tags}}"), ("q", ""), ("t",), [0, 1]),
    ("no tags, no card", _two_templates("{{Tags}}"), ("q", ""), (), [0]),
    ("FrontSide is never a field", _two_templates("{{FrontSide}}"), ("q", "a"), (), [0]),
    ("a negated section on an empty field", _two_templates("{{^Back}}{{Front}}{{/Back}}"), ("q", ""), (), [0, 1]),
    ("a section on a non-empty field", _two_templates("{{#Back}}{{Front}}{{/Back}}"), ("q", "a"), (), [0, 1]),
    ("nbsp is not white space to Anki", _two_templates("{{Back}}"), ("q", "&nbsp;"), (), [0, 1]),
    ("an unknown field shows nothing", _two_templates("{{Nope}}"), ("q", "a"), (), [0]),
    ("a filter still reads its field", _two_templates("{{text:hint:Back}}"), ("q", "a"), (), [0, 1]),
]  # fmt: skip
ALL = CASES + SECOND_CARD
ANKI_REFUSES = {"broken question", "text without fields", "an unknown field shows nothing"}


@pytest.mark.parametrize(("notetype", "fields", "tags", "expected"), [case[1:] for case in ALL],
                         ids=[case[0] for case in ALL])  # fmt: skip
def test_cards_for(notetype: NoteType, fields: tuple[str, ...], tags: tuple[str, ...], expected: list[int]) -> None:
    assert cards_for(notetype, fields, tags) == expected


def test_without_ensure_one_a_note_may_make_no_card() -> None:
    assert cards_for(stock_type(BASIC, 1), ("", "a"), ensure_one=False) == []
    assert cards_for(stock_type(CLOZE, 1), ("none", ""), ensure_one=False) == []


def test_plain_text_fields_count_their_text() -> None:
    # "<br>" typed as plain text is visible text; as HTML it is an empty field.
    assert cards_for(stock_type(BASIC_REVERSED, 1), ("q", "<br>"), is_html=False) == [0, 1]
    assert cards_for(stock_type(BASIC_REVERSED, 1), ("q", "<br>"), is_html=True) == [0]


# -- Anki's engine on the same notes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def anki_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from anki.collection import Collection

    col = Collection(str(Path(tmp_path_factory.mktemp("anki-cardgen")) / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def _anki_notetype(col: object, notetype: NoteType, key: str) -> dict:  # noqa: ANN001
    models = col.models  # type: ignore[attr-defined]
    if notetype.is_cloze:
        return models.by_name("Cloze")
    model = models.new(f"{notetype.name} {key}")
    for field in notetype.fields:
        models.add_field(model, models.new_field(field.name))
    for template in notetype.templates:
        anki_template = models.new_template(template.name)
        anki_template["qfmt"], anki_template["afmt"] = template.question, template.answer
        models.add_template(model, anki_template)
    models.add(model)
    return models.by_name(model["name"])


@pytest.mark.parametrize("case", ALL, ids=[case[0] for case in ALL])
def test_anki_makes_the_same_cards(anki_collection: object, case: tuple) -> None:  # noqa: ANN001
    from anki.errors import CardTypeError

    key, notetype, fields, tags, expected = case
    col = anki_collection
    if key in ANKI_REFUSES:
        # Anki will not save such a note type; ours are kept (an import must not lose them) and make card 0.
        with pytest.raises(CardTypeError):
            _anki_notetype(col, notetype, key)
        return
    model = _anki_notetype(col, notetype, key)
    note = col.new_note(model)  # type: ignore[attr-defined]
    for index, text in enumerate(fields):
        note.fields[index] = text
    note.tags = list(tags)
    col.add_note(note, col.decks.id("Default"))  # type: ignore[attr-defined]
    anki_ords = sorted(card.ord for card in note.cards())
    assert anki_ords == expected == cards_for(notetype, fields, tags)
