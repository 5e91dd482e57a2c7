"""Adding one note to a deck by name, for ``studyapp add``: the deck is created if it does not exist.

The GUI picks an existing deck and calls ``studyapp.services.notes.notes`` directly; the command line names
the deck, so finding or creating it, and telling whether the front is a duplicate, lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.core.deck_names import DeckNameError, clean_name
from studyapp.core.deck_options import Deck
from studyapp.core.ids import new_id
from studyapp.services.app import App
from studyapp.services.notes.notes import AddedNote, NoteError, NoteText, add_note, find_duplicate


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
