"""Cards as the study loop, the browser and the quiz read them: a card's columns with its note's fields, its note
type, tags and deck, turned into ``core.model.Card``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studyapp.core.model import Card, CardState, NoteKind, make_card, make_schedule
from studyapp.core.notetypes.model import NoteType, fit_fields
from studyapp.storage.codec import SCHEDULE_FIELDS, from_ms, schedule_from_row
from studyapp.storage.notes.notes_store import stored_fields

# A card's columns by name, in the order ``_card`` reads them (the study loop reads a card per answer).
_CARD_SELECT = (
    f"SELECT c.id, c.note_id, c.deck_id, c.ord, {', '.join(f'c.{name}' for name in SCHEDULE_FIELDS)}, "
    "n.front, n.back, n.kind, n.html, n.rest, n.notetype_id, n.tags, d.name "
    "FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id"
)
_CARD_BY_ID = f"{_CARD_SELECT} WHERE c.id = :id"

NotetypeLookup = Callable[[int], NoteType | None]


def _no_notetypes(notetype_id: int) -> NoteType | None:
    return None


def _note_fields(notetype: NoteType | None, front: str, back: str, rest: str) -> tuple[str, ...]:
    """The note's fields, as many as its note type has (the last empty ones are not stored)."""
    values = stored_fields(front, back, rest)
    return values if notetype is None else fit_fields(values, len(notetype.fields))


def _card(row: Any, notetypes: NotetypeLookup = _no_notetypes) -> Card:
    """The card of a row with the card's columns and its note's, by name (the browser's search reads these)."""
    keys = row.keys()
    notetype = notetypes(row["notetype_id"]) if "notetype_id" in keys and row["notetype_id"] is not None else None
    rest = row["rest"] if "rest" in keys else ""
    return Card(
        id=row["id"],
        note_id=row["note_id"],
        deck_id=row["deck_id"],
        front=row["front"],
        back=row["back"],
        schedule=schedule_from_row(row),
        ord=row["ord"],
        kind=NoteKind(row["kind"]),
        html=bool(row["html"]),
        fields=_note_fields(notetype, row["front"], row["back"], rest),
        notetype=notetype,
        tags=tuple(row["tags"].split()) if "tags" in keys else (),
        deck_name=row["deck_name"] if "deck_name" in keys else "",
    )


# The enums' members by value, looked up rather than constructed (``CardState(value)`` runs the enum machinery);
# a value not in them is left to the enum, to raise its own error.
_STATES = {int(state): state for state in CardState}
_KINDS = {kind.value: kind for kind in NoteKind}


def _card_of_values(row: tuple[Any, ...], notetypes: NotetypeLookup = _no_notetypes) -> Card:
    """The card of a row of ``_CARD_SELECT``, by position (the study loop reads one per answer)."""
    card_id, note_id, deck_id, ord_, state, step, stability, difficulty, due, last, reps, lapses, *note = row
    front, back, kind, html, rest, notetype_id, tags, deck_name = note
    state = _STATES[state] if state in _STATES else CardState(state)
    kind = _KINDS[kind] if kind in _KINDS else NoteKind(kind)
    schedule = make_schedule(state, step, stability, difficulty, from_ms(due), from_ms(last), reps, lapses)
    notetype = notetypes(notetype_id) if notetype_id is not None else None
    fields = _note_fields(notetype, front, back, rest)
    return make_card(card_id, note_id, deck_id, front, back, schedule, ord_, kind, bool(html), fields, notetype,
                     tuple(tags.split()), deck_name)  # fmt: skip
