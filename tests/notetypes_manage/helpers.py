"""Notes of any note type written straight into a test collection, and a look at what was stored."""

from __future__ import annotations

from studyapp.core.ids import new_id
from studyapp.core.notetypes.cardgen import cards_for
from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.services.app import App
from studyapp.services.notetypes.manage import NotetypeManager
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.notes_store import NewCard, NewNote, field_columns
from tests.conftest import T0


def manager(app: App) -> NotetypeManager:
    return NotetypeManager(app.collection, app.rng, app.clock)


def five_field_type(app: App) -> NoteType:
    """A custom type: five fields, a forward card and a reverse card shown only when "Reverse" has text."""
    notetype = NoteType(
        id=new_id(app.rng),
        name="Vocab",
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(n) for n in ("Word", "Meaning", "Hint", "Example", "Reverse")),
        templates=(
            CardTemplate("Forward", "{{Word}}{{#Hint}}<br>{{hint:Hint}}{{/Hint}}",
                         "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}"),
            CardTemplate("Backward", "{{#Reverse}}{{Meaning}}{{/Reverse}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
        ),
        css=".card { text-align: left; }",
        sort_field=0,
    )  # fmt: skip
    with app.collection.transaction():
        app.collection.notetypes.add(notetype, T0)
    return notetype


def add_notes(app: App, notetype: NoteType, rows: list[tuple[str, ...]], deck: str = "Calcinosis") -> list[int]:
    """Add a note per row (its fields) with the cards its templates make; returns the note ids."""
    found = app.find_deck(deck)
    assert found is not None
    stamp = to_ms(T0) or 0
    position = app.collection.notes.next_position(found.id)
    notes, cards = [], []
    for values in rows:
        note_id = new_id(app.rng)
        front, back, rest = field_columns(values)
        notes.append(NewNote(note_id, f"g{note_id}", found.id, front, back, "tag1", "basic", 0, stamp, stamp, rest,
                             notetype.id))  # fmt: skip
        for ord_ in cards_for(notetype, values):
            cards.append(NewCard(new_id(app.rng), note_id, found.id, ord_, position))
            position += 1
    with app.collection.transaction():
        app.collection.notes.add(notes, cards)
    return [note.id for note in notes]


def stored_fields(app: App, note_id: int) -> tuple[str, ...]:
    note = app.collection.notes.get(note_id)
    assert note is not None
    return note.fields


def card_ords(app: App, note_id: int) -> set[int]:
    return app.collection.notes.card_ords([note_id]).get(note_id, set())


def search_ids(app: App, word: str) -> set[int]:
    """Notes the full-text index finds for ``word`` (the index is kept in step by triggers)."""
    rows = app.collection.db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?", [word])
    return {row[0] for row in rows}
