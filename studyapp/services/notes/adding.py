"""Adding one note to a deck by name, for ``studyapp add``: the deck is created if it does not exist.

The GUI picks an existing deck and calls ``studyapp.services.notes.notes`` directly; the command line names
the deck and the note type, so finding them (or creating the deck, or a stock type the collection lacks
yet), filling the fields from values in order or ``Name=text`` pairs, and telling whether the first field
is a duplicate, lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.core.deck_names import DeckNameError, clean_name
from studyapp.core.ids import new_id
from studyapp.core.notetypes.model import STOCK, NoteType
from studyapp.core.scheduling.deck_options import Deck
from studyapp.services.app import App
from studyapp.services.notes.notes import (
    AddedNote,
    NoteError,
    NoteFields,
    NoteText,
    add_note,
    add_note_fields,
    find_duplicate,
)


@dataclass(frozen=True)
class AddOutcome:
    added: AddedNote
    deck: Deck
    duplicate_of: int | None  # a note of the deck with the same front (it was added anyway)
    deck_created: bool


def deck_named(app: App, name: str) -> tuple[Deck, bool]:
    """The deck called ``name`` (exactly, else ignoring case), created if there is none; and whether it was."""
    try:
        clean = clean_name(name)
    except DeckNameError as error:
        raise NoteError(error.reason) from None
    deck = app.find_deck(clean)
    if deck is not None:
        return deck, False
    with app.collection.transaction():
        return app.collection.decks.create(new_id(app.rng), clean, "", app.clock.now()), True


def add_to_deck(app: App, deck_name: str, text: NoteText) -> AddOutcome:
    """Add a note to the deck named ``deck_name``. An empty front raises ``NoteError`` before the deck is made."""
    if not text.front.strip():
        raise NoteError("the front is empty")
    with app.collection.transaction():  # a note that cannot be added leaves no new deck behind
        deck, created = deck_named(app, deck_name)
        duplicate = None if created else find_duplicate(app.collection, deck.id, text.front, text.html)
        added = add_note(app.collection, app.rng, app.clock, deck.id, text)
    return AddOutcome(added, deck, duplicate, created)


def notetype_named(app: App, name: str) -> NoteType:
    """The collection's note type called ``name`` (exactly, else ignoring case), or a stock type by its name
    (added to the collection if it has none yet); else a ``NoteError`` listing the names there are."""
    found = app.collection.notetypes.by_name(name.strip())
    if found is not None:
        return found
    for key, stock in STOCK.items():
        if stock.name.casefold() == name.strip().casefold():
            return app.collection.notetypes.stock(key, app.rng, app.clock.now())
    taken = {n.name for n in app.collection.notetypes.all()} | {stock.name for stock in STOCK.values()}
    names = sorted(taken, key=str.casefold)
    raise NoteError(f"there is no note type called {name!r} (there are: {', '.join(names)})")


def fill_fields(notetype: NoteType, values: list[str], named: list[tuple[str, str]]) -> tuple[str, ...]:
    """The note's fields from ``values`` in the type's field order, then ``named`` (field name, text) pairs.

    A name the type does not have, a field given twice or more values than fields is a ``NoteError``."""
    count = len(notetype.fields)
    if len(values) > count:
        raise NoteError(
            f"{notetype.name} has {count} field{'s' if count != 1 else ''} "
            f"({', '.join(notetype.field_names)}); {len(values)} values were given"
        )
    fields = list(values) + [""] * (count - len(values))
    given = set(range(len(values)))
    for name, text in named:
        index = notetype.field_index(name.strip())
        if index is None:
            raise NoteError(f"{notetype.name} has no field {name!r} (its fields: {', '.join(notetype.field_names)})")
        if index in given:
            raise NoteError(f"the field {notetype.field_names[index]!r} is given twice")
        given.add(index)
        fields[index] = text
    return tuple(fields)


def add_fields_to_deck(
    app: App,
    deck_name: str,
    notetype_name: str,
    values: list[str],
    named: list[tuple[str, str]] = (),  # type: ignore[assignment]
    tags: tuple[str, ...] = (),
) -> tuple[AddOutcome, NoteType]:
    """Add a note of the note type ``notetype_name`` to the deck named ``deck_name`` (see ``notetype_named`` and
    ``fill_fields``). One transaction: a refused note leaves no new deck or note type behind."""
    try:
        return _add_fields(app, deck_name, notetype_name, values, named, tags)
    except Exception:
        app.collection.notetypes.refresh()  # a stock type added in the rolled-back transaction is not there
        raise


def _add_fields(
    app: App, deck_name: str, notetype_name: str, values: list[str], named: list[tuple[str, str]],
    tags: tuple[str, ...],
) -> tuple[AddOutcome, NoteType]:  # fmt: skip
    with app.collection.transaction():
        notetype = notetype_named(app, notetype_name)
        fields = fill_fields(notetype, list(values), list(named))
        if not fields or not fields[0].strip():
            first = notetype.field_names[0] if notetype.fields else "first"
            raise NoteError(f"the first field ({first}) is empty")
        deck, created = deck_named(app, deck_name)
        duplicate = None if created else find_duplicate(app.collection, deck.id, fields[0], False)
        added = add_note_fields(app.collection, app.rng, app.clock, deck.id, NoteFields(notetype.id, fields, tags))
    return AddOutcome(added, deck, duplicate, created), notetype
