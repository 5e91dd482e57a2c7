"""The note types the Add dialog offers: the collection's own, and the stock types it has not got yet.

A stock type the collection lacks (a new collection has only what its notes use) is offered by its
definition and added to the collection with the first note of that type, in the same transaction, so
opening the dialog or a refused note writes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studyapp.core.clock import Clock
from studyapp.core.notetypes.model import STOCK, NoteType, stock_type
from studyapp.services.notes.notes import AddedNote, NoteFields, add_note_fields
from studyapp.storage import Collection


@dataclass(frozen=True)
class NotetypeChoice:
    notetype: NoteType  # a stock type not in the collection yet has id 0
    stock_key: str | None = None  # set for such a stock type: added with the first note

    @property
    def name(self) -> str:
        return self.notetype.name

    @property
    def key(self) -> str:
        """What identifies the choice in a list: the note type's id, or the stock key of one not added yet."""
        return str(self.notetype.id) if self.stock_key is None else f"stock:{self.stock_key}"


def notetype_choices(collection: Collection) -> list[NotetypeChoice]:
    """Every note type of the collection, then the stock types it has none of, each list by name."""
    have = collection.notetypes.all()
    stocked = {notetype.stock for notetype in have}
    own = [NotetypeChoice(notetype) for notetype in sorted(have, key=lambda n: (n.name.casefold(), n.id))]
    missing = [NotetypeChoice(stock_type(key, 0), key) for key in STOCK if key not in stocked]
    missing = [choice for choice in missing if collection.notetypes.by_name(choice.name) is None]
    return sorted([*own, *missing], key=lambda choice: choice.name.casefold())


def add_note_of_choice(
    collection: Collection, rng: random.Random, clock: Clock, deck_id: int, choice: NotetypeChoice, note: NoteFields
) -> tuple[AddedNote, NoteType]:
    """Add ``note`` as a note of ``choice`` (its ``notetype_id`` is ignored); the stock type is added if needed."""
    try:
        with collection.transaction():
            notetype = choice.notetype
            if choice.stock_key is not None:
                notetype = collection.notetypes.stock(choice.stock_key, rng, clock.now())
            added = add_note_fields(
                collection, rng, clock, deck_id, NoteFields(notetype.id, note.fields, note.tags, note.html)
            )
    except Exception:
        collection.notetypes.refresh()  # a stock type added in the rolled-back transaction is not there
        raise
    return added, notetype
