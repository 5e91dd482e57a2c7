"""Adding and editing notes by fields, for any note type: cards from its templates, nothing dropped, nothing deleted."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from studyapp.cli.main import build_parser, run_command
from studyapp.core.model import Rating
from studyapp.core.notetypes.model import FIELD_SEPARATOR, CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.services.app import App
from studyapp.services.notes.adding import deck_named
from studyapp.services.notes.notes import (
    NoteError,
    NoteFields,
    NoteText,
    add_note,
    add_note_fields,
    update_note,
    update_note_fields,
)
from studyapp.services.notes.notetype_choice import add_note_of_choice, notetype_choices
from studyapp.services.settings import notetype_for_deck, remember_notetype
from tests.conftest import T0, collection_fingerprint

FIVE = ("Word", "Meaning", "Example", "Audio", "Notes")


def five_field_type(notetype_id: int = 4242) -> NoteType:
    """Five fields, two templates: the second only when Example has text (a conditional), Notes in a section."""
    return NoteType(
        id=notetype_id,
        name="Vocab (5 fields)",
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(name) for name in FIVE),
        templates=(
            CardTemplate(
                "Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}{{#Notes}}<br>{{Notes}}{{/Notes}}"
            ),
            CardTemplate("Use", "{{#Example}}Use it: {{Example}}{{/Example}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
        ),
    )  # fmt: skip


@pytest.fixture
def vocab(app: App) -> NoteType:
    with app.collection.transaction():
        return app.collection.notetypes.add(five_field_type(), T0)


def ords(app: App, note_id: int) -> list[int]:
    return sorted(app.collection.notes.card_ords([note_id]).get(note_id, set()))


def test_every_field_is_stored_in_order_and_the_templates_make_the_cards(
    app: App, calcinosis_id: int, vocab: NoteType
) -> None:
    without = add_note_fields(
        app.collection, app.rng, app.clock, calcinosis_id,
        NoteFields(vocab.id, ("Hund", "dog", "", "[sound:hund.mp3]", "masculine"), ("de",)),
    )  # fmt: skip
    with_example = add_note_fields(
        app.collection, app.rng, app.clock, calcinosis_id,
        NoteFields(vocab.id, ("Katze", "cat", "Die Katze schläft.", "", "")),
    )  # fmt: skip
    note = app.collection.notes.get(without.note_id)
    assert note is not None and note.notetype_id == vocab.id
    assert note.fields == ("Hund", "dog", "", "[sound:hund.mp3]", "masculine")
    assert (note.front, note.back, note.rest) == (
        "Hund",
        "dog",
        FIELD_SEPARATOR.join(("", "[sound:hund.mp3]", "masculine")),
    )
    assert note.tags == "de"
    assert (len(without.card_ids), ords(app, without.note_id)) == (1, [0])
    assert (len(with_example.card_ids), ords(app, with_example.note_id)) == (2, [0, 1])
    card = app.collection.reviews.card(with_example.card_ids[1])
    assert card is not None and card.fields[2] == "Die Katze schläft." and card.notetype == vocab


def test_fewer_values_are_padded_and_the_separator_never_reaches_storage(
    app: App, calcinosis_id: int, vocab: NoteType
) -> None:
    added = add_note_fields(
        app.collection, app.rng, app.clock, calcinosis_id, NoteFields(vocab.id, (f"a{FIELD_SEPARATOR}b", "x"))
    )
    note = app.collection.notes.get(added.note_id)
    assert note is not None and note.padded(5) == ("a b", "x", "", "", "")


def test_html_fields_are_each_sanitized(app: App, calcinosis_id: int, vocab: NoteType) -> None:
    values = ("<b>Hund</b>", "dog", '<img src="x.png" onerror="boom()">', "<script>x()</script>", "<i>n</i>")
    added = add_note_fields(app.collection, app.rng, app.clock, calcinosis_id, NoteFields(vocab.id, values, (), True))
    note = app.collection.notes.get(added.note_id)
    assert note is not None and note.html
    assert note.fields == ("<b>Hund</b>", "dog", '<img src="x.png">', "", "<i>n</i>")


def test_bad_notes_are_refused_in_one_line_and_change_nothing(
    app: App, calcinosis_id: int, vocab: NoteType, collection_path: Path
) -> None:
    cloze = app.collection.notetypes.stock("cloze", app.rng, T0)
    before = collection_fingerprint(collection_path)
    cases = [
        (NoteFields(vocab.id, ("  ", "dog")), "the first field (Word) is empty"),
        (NoteFields(vocab.id, ("<br>", "dog"), (), True), "the first field (Word) is empty"),
        (NoteFields(vocab.id, ("a", "b", "c", "d", "e", "sixth")), "Vocab (5 fields) has 5 fields, 6 were given"),
        (NoteFields(cloze.id, ("no deletion here", "")), "a cloze note needs a deletion"),
        (NoteFields(987654321, ("x",)), "that note type no longer exists"),
    ]
    for note, message in cases:
        with pytest.raises(NoteError, match=message.replace("(", r"\(").replace(")", r"\)")) as raised:
            add_note_fields(app.collection, app.rng, app.clock, calcinosis_id, note)
        assert "\n" not in str(raised.value)
    assert collection_fingerprint(collection_path) == before


@pytest.fixture
def vocab_deck(app: App) -> int:
    return deck_named(app, "Vocab")[0].id


def study_all(app: App, deck_id: int) -> dict[int, object]:
    """Answer every card of the deck Good once; the schedules after."""
    session = app.review_session(deck_id)
    schedules = {}
    while (card := session.next_card()) is not None and card.id not in schedules:
        schedules[card.id] = session.answer(Rating.GOOD).after
    return schedules


def test_editing_keeps_a_studied_card_its_text_no_longer_makes_and_says_so(
    app: App, vocab_deck: int, vocab: NoteType
) -> None:
    added = add_note_fields(
        app.collection, app.rng, app.clock, vocab_deck, NoteFields(vocab.id, ("Haus", "house", "Das Haus.", "", ""))
    )
    studied = study_all(app, vocab_deck)
    assert set(studied) == set(added.card_ids)
    edited = update_note_fields(
        app.collection, app.rng, app.clock, added.note_id, ("Haus", "house", "", "", "old"), ("de",), False
    )
    assert edited.note.fields == ("Haus", "house", "", "", "old") and edited.note.tags == "de"
    assert edited.added_ords == () and edited.kept_ords == (1,) and edited.kept_names == ("Use",)
    assert edited.summary() == "1 card (Use) no longer has content and was kept with its progress"
    assert ords(app, added.note_id) == [0, 1]
    for card_id, schedule in studied.items():
        card = app.collection.reviews.card(card_id)
        assert card is not None and card.schedule == schedule
    again = update_note_fields(
        app.collection, app.rng, app.clock, added.note_id, ("Haus", "house", "Ein Haus.", "", "old"), ("de",), False
    )
    assert (again.added_ords, again.kept_ords, again.summary()) == ((), (), "")


def test_a_new_conditional_field_adds_its_card_and_progress_stays(app: App, vocab_deck: int, vocab: NoteType) -> None:
    added = add_note_fields(
        app.collection, app.rng, app.clock, vocab_deck, NoteFields(vocab.id, ("Baum", "tree", "", "", ""))
    )
    studied = study_all(app, vocab_deck)
    edited = update_note_fields(
        app.collection, app.rng, app.clock, added.note_id, ("Baum", "tree", "Der Baum ist grün.", "", ""), (), False
    )
    assert edited.added_ords == (1,) and edited.summary() == "1 new card"
    assert ords(app, added.note_id) == [0, 1]
    first = app.collection.reviews.card(added.card_ids[0])
    assert first is not None and first.schedule == studied[added.card_ids[0]]


def test_a_cloze_note_by_fields_and_a_removed_deletion_keeps_its_card(app: App, calcinosis_id: int) -> None:
    cloze = app.collection.notetypes.stock("cloze", app.rng, T0)
    added = add_note_fields(
        app.collection, app.rng, app.clock, calcinosis_id,
        NoteFields(cloze.id, ("{{c1::Lima}} is the capital of {{c2::Peru}}", "South America")),
    )  # fmt: skip
    assert ords(app, added.note_id) == [0, 1]
    edited = update_note_fields(
        app.collection, app.rng, app.clock, added.note_id, ("{{c1::Lima}} is in Peru", "South America"), (), False
    )
    assert edited.kept_ords == (1,) and edited.kept_names == ("Cloze 2",)
    assert ords(app, added.note_id) == [0, 1]


def test_the_two_field_form_still_makes_stock_notes_and_keeps_other_fields(
    app: App, calcinosis_id: int, vocab: NoteType
) -> None:
    reversed_ = add_note(
        app.collection, app.rng, app.clock, calcinosis_id, NoteText("hola", "hello", reversed_card=True)
    )
    note = app.collection.notes.get(reversed_.note_id)
    notetype = app.collection.notetypes.get(note.notetype_id) if note and note.notetype_id else None
    assert notetype is not None and notetype.name == "Basic (and reversed card)" and len(reversed_.card_ids) == 2

    five = add_note_fields(
        app.collection, app.rng, app.clock, calcinosis_id, NoteFields(vocab.id, ("Hund", "dog", "ex", "a", "n"))
    )
    updated = update_note(app.collection, app.rng, app.clock, five.note_id, NoteText("Hund", "the dog"))
    assert updated.fields == ("Hund", "the dog", "ex", "a", "n") and updated.notetype_id == vocab.id


def test_the_add_dialog_offers_stock_types_and_adds_one_with_its_first_note(
    app: App, calcinosis_id: int, collection_path: Path
) -> None:
    removed = app.collection.notetypes.by_name("Basic (type in the answer)")
    assert removed is not None  # every collection starts with the stock types; a student may remove one
    with app.collection.transaction():
        app.collection.notetypes.remove(removed.id)
    names = [choice.name for choice in notetype_choices(app.collection)]
    for stock in ("Basic", "Basic (and reversed card)", "Basic (optional reversed card)",
                  "Basic (type in the answer)", "Cloze"):  # fmt: skip
        assert names.count(stock) == 1
    typing = next(c for c in notetype_choices(app.collection) if c.name == "Basic (type in the answer)")
    assert typing.stock_key == "basic_typing" and app.collection.notetypes.by_name(typing.name) is None
    before = collection_fingerprint(collection_path)
    with pytest.raises(NoteError, match="first field"):  # refused: the type is not added either
        add_note_of_choice(app.collection, app.rng, app.clock, calcinosis_id, typing, NoteFields(0, ("", "x")))
    assert collection_fingerprint(collection_path) == before
    assert app.collection.notetypes.by_name(typing.name) is None
    added, notetype = add_note_of_choice(
        app.collection, app.rng, app.clock, calcinosis_id, typing, NoteFields(0, ("2+2?", "4"))
    )
    assert notetype.stock == "basic_typing" and app.collection.notetypes.by_name(typing.name) == notetype
    assert len(added.card_ids) == 1
    assert [c.name for c in notetype_choices(app.collection)].count("Basic (type in the answer)") == 1


def test_the_note_type_is_remembered_per_deck(app: App, calcinosis_id: int, vocab: NoteType) -> None:
    assert notetype_for_deck(app.collection, calcinosis_id) is None
    remember_notetype(app.collection, calcinosis_id, vocab.id)
    other = 12345
    assert notetype_for_deck(app.collection, calcinosis_id) == vocab.id
    assert notetype_for_deck(app.collection, other) == vocab.id  # a deck not used yet: the last one used
    remember_notetype(app.collection, other, 777)
    assert (notetype_for_deck(app.collection, calcinosis_id), notetype_for_deck(app.collection, other)) == (
        vocab.id,
        777,
    )


# -- studyapp add ---------------------------------------------------------------------------------------


def cli(path: Path, *args: str) -> tuple[int, str]:
    parsed = build_parser().parse_args(["--collection", str(path), *args])
    out = io.StringIO()
    return run_command(parsed, io.StringIO(), out), out.getvalue()


def stored(path: Path) -> list[tuple[str, str, str, str, int]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT t.name, n.front, n.back, n.rest, (SELECT count(*) FROM cards c WHERE c.note_id = n.id) "
            "FROM notes n JOIN notetypes t ON t.id = n.notetype_id JOIN decks d ON d.id = n.deck_id "
            "WHERE d.name = 'Vocab' ORDER BY n.created_at, n.id"
        ).fetchall()


def test_cli_add_by_note_type_with_values_in_order_and_by_name(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "c.db"
    code, out = cli(path, "add", "--deck", "Vocab", "--notetype", "basic (optional reversed card)", "Hund", "dog", "y")
    assert (code, out.strip()) == (0, "Added 1 note of Basic (optional reversed card) (2 cards) to Vocab")
    code, out = cli(path, "add", "--deck", "Vocab", "--notetype", "Cloze", "--field", "Text={{c1::Berlin}} is big",
                    "--field", "back extra=Germany")  # fmt: skip
    assert (code, out.strip()) == (0, "Added 1 note of Cloze (1 card) to Vocab")
    code, out = cli(path, "add", "--deck", "Vocab", "Katze", "cat")  # the two-field form still works
    assert (code, out.strip()) == (0, "Added 1 note (1 card) to Vocab")
    assert stored(path) == [
        ("Basic (optional reversed card)", "Hund", "dog", "y", 2),
        ("Cloze", "{{c1::Berlin}} is big", "Germany", "", 1),
        ("Basic", "Katze", "cat", "", 1),
    ]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--notetype", "Nope", "x"], "there is no note type called 'Nope' (there are: Basic, "),
        (["--notetype", "Basic", "--field", "Answer=x", "q"], "Basic has no field 'Answer' (its fields: Front, Back)"),
        (["--notetype", "Basic", "a", "b", "c"], "Basic has 2 fields (Front, Back); 3 values were given"),
        (["--notetype", "Basic", "--field", "Front=a", "q"], "the field 'Front' is given twice"),
        (["--notetype", "Basic", "--field", "Back"], "--field 'Back': write it as NAME=TEXT"),
        (["--notetype", "Cloze", "no deletion"], "a cloze note needs a deletion"),
        (["--notetype", "Basic", "--field", "Back=only a back"], "the first field (Front) is empty"),
        (["--notetype", "Basic", "--reversed", "a", "b"], "--reversed is for FRONT BACK"),
        (["only a front"], "give FRONT and BACK, or --notetype TYPE with its fields"),
    ],
)
def test_cli_add_refuses_in_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture, args: list[str], message: str
) -> None:
    path = tmp_path / "c.db"
    assert cli(path, "decks")[0] == 0
    before = collection_fingerprint(path)
    code, out = cli(path, "add", "--deck", "Vocab", *args)
    err = capsys.readouterr().err
    assert code == 1 and out == ""
    assert err.startswith("studyapp add: ") and message in err and err.count("\n") == 1
    assert collection_fingerprint(path) == before  # no deck, note type or note


def test_cli_search_json_sees_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    assert cli(path, "add", "--deck", "Vocab", "--notetype", "Basic (type in the answer)", "2+2", "4")[0] == 0
    code, out = cli(path, "search", "deck:Vocab", "--json")
    assert code == 0
    text = json.dumps(json.loads(out))
    assert "2+2" in text and "Basic (type in the answer)" in text
