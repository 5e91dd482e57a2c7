"""Schema v7: a collection of version 6 (notes of a kind: basic, reversed, cloze) upgrades to note types with
the same notes, text, cards, schedules and history; note types are stored and read back whole."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import Rating
from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.services.app import App
from studyapp.storage import Collection
from studyapp.storage.schema import MIGRATIONS
from tests.schema_support import collection_at_version

from .conftest import T0

_NOTES = [  # id, guid, kind, front, back (texts with what must survive byte for byte)
    (101, "g-basic", "basic", "Größe?\n\nzwei  Leerzeichen", "<b>bold</b> & ampersand"),
    (102, "g-rev", "reversed", "chat", "cat"),
    (103, "g-cloze", "cloze", "The {{c1::heart}} pumps {{c2::blood}}.", "extra\ttab"),
]
_CARDS = [(201, 101, 0), (202, 102, 0), (203, 102, 1), (204, 103, 0), (205, 103, 1)]


def _v6_collection(path: Path) -> None:
    db = collection_at_version(path, 6)
    now = int(T0.timestamp() * 1000)
    [preset] = [row[0] for row in db.execute("SELECT id FROM presets")]
    db.execute("INSERT INTO decks (id, name, created_at, preset_id) VALUES (7, 'Old', ?, ?)", [now, preset])
    for note_id, guid, kind, front, back in _NOTES:
        db.execute(
            "INSERT INTO notes (id, guid, deck_id, front, back, tags, created_at, modified_at, kind, html) "
            "VALUES (?, ?, 7, ?, ?, 'old tag', ?, ?, ?, 0)",
            [note_id, guid, front, back, now, now, kind],
        )
    for position, (card_id, note_id, ord_) in enumerate(_CARDS):
        db.execute(
            "INSERT INTO cards (id, note_id, deck_id, ord, position) VALUES (?, ?, 7, ?, ?)",
            [card_id, note_id, ord_, position],
        )
    db.conn.commit()
    db.conn.close()


def test_a_version_6_collection_keeps_every_note_card_and_answer(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v6_collection(path)
    clock = FixedClock(T0)
    app = App.open(path, clock)  # answer a few cards of the old kinds after the upgrade
    try:
        deck = app.collection.decks.by_name("Old")
        assert deck is not None
        session = app.review_session(deck.id)
        session.next_card()
        answered = 0
        while session.current is not None and answered < 5:
            clock.advance(timedelta(seconds=30))
            session.answer(Rating.GOOD)
            answered += 1
    finally:
        app.close()
    with Collection.open(path) as collection:
        assert collection.schema_version == len(MIGRATIONS)
        stock = {notetype.id: notetype.stock for notetype in collection.notetypes.all()}
        rows = collection.db.execute(
            "SELECT id, guid, front, back, rest, notetype_id FROM notes WHERE deck_id = 7 ORDER BY id"
        )
        expected = {"basic": "basic", "reversed": "basic_reversed", "cloze": "cloze"}
        for (note_id, guid, kind, front, back), row in zip(_NOTES, rows, strict=True):
            # byte for byte (a guid not studyapp's own is Anki's since version 11, marked as a package's are)
            assert row[:5] == (note_id, from_anki_guid(guid), front, back, "")
            assert stock[row[5]] == expected[kind]
        cards = collection.db.execute("SELECT id, note_id, ord FROM cards WHERE deck_id = 7 ORDER BY id")
        assert [tuple(row) for row in cards] == _CARDS
        assert collection.reviews.log_count() == answered == 5
        for card_id, _, _ in _CARDS:  # each card's schedule is the replay of its log
            card = collection.reviews.card(card_id)
            assert card is not None and card.notetype is not None
            assert card.fields == (card.front, card.back) and card.tags == ("old", "tag") and card.deck_name == "Old"
        reversed_card = collection.reviews.card(203)
        assert reversed_card is not None and reversed_card.notetype is not None
        assert [t.name for t in reversed_card.notetype.templates] == ["Card 1", "Card 2"]
        hits = collection.db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'pumps'").fetchall()
        assert hits == [(103,)]


def test_a_note_type_and_its_notes_with_many_fields_are_stored_whole(tmp_path: Path) -> None:
    notetype = NoteType(
        id=991,
        name="Lecture",
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(name, '{"font": "Arial"}') for name in ("Text", "Extra", "Lecture notes", "Source", "X")),
        templates=(CardTemplate("Card 1", "{{Text}}", "{{FrontSide}}<hr id=answer>{{Extra}}"),),
        css=".card { color: red; }",
        sort_field=2,
        extra='{"latexPre": "\\\\documentclass"}',
    )
    with Collection.open(tmp_path / "c.db") as collection, collection.transaction():
        collection.notetypes.add(notetype, T0)
    with Collection.open(tmp_path / "c.db") as collection:
        assert collection.notetypes.get(991) == notetype
        assert collection.notetypes.by_name("lecture") == notetype
        with collection.transaction():
            collection.db.execute(
                "INSERT INTO decks (id, name, created_at) VALUES (5, 'D', 0)",
            )
            collection.db.execute(
                "INSERT INTO notes (id, guid, deck_id, front, back, tags, created_at, modified_at, rest, notetype_id)"
                " VALUES (1, 'g', 5, 'a', 'b', '', 0, 0, ?, 991)",
                ["c\x1f\x1fe"],
            )
            collection.db.execute("INSERT INTO cards (id, note_id, deck_id, ord, position) VALUES (2, 1, 5, 0, 0)")
        card = collection.reviews.card(2)
        assert card is not None and card.fields == ("a", "b", "c", "", "e")
        note = collection.notes.get(1)
        assert note is not None and note.padded(5) == ("a", "b", "c", "", "e")
        collection.notes.update(1, {"fields": ("a", "b", "", "", "")}, T0)
        card = collection.reviews.card(2)
        assert card is not None and card.fields == ("a", "b", "", "", "")
        assert collection.db.execute("SELECT rest FROM notes WHERE id = 1").fetchone()[0] == "\x1f\x1f"
