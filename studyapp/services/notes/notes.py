"""Adding and editing notes by hand (the Add dialog, the editor in the browser, E while reviewing).

A note is stored by fields, in its note type's order (``NoteFields``, ``add_note_fields``,
``update_note_fields``); its cards are the ones the type's templates make (``core.notetypes.cardgen``).
Editing adds the cards new content calls for and never deletes one: a card whose template no longer
shows anything stays, with its progress, and the result says so. The two-field ``NoteText`` form is
kept for callers that think in front and back: its kind follows its text (a front with ``{{c1::...}}``
is a Cloze note; otherwise Basic, or Basic (and reversed card) when asked). HTML from the editor is
sanitized before it is stored. Each change is one transaction; the cards of an edited note keep their
progress.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from studyapp.core.clock import Clock
from studyapp.core.ids import content_guid, new_id
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.cardgen import cards_for
from studyapp.core.notetypes.model import BASIC, BASIC_REVERSED, NoteType, clean_field, stock_type
from studyapp.core.text.cloze import cloze_numbers
from studyapp.core.text.plain_text import html_to_text
from studyapp.core.text.sanitize import clean_html
from studyapp.services.notetypes.resolve import STOCK_OF_KIND, legacy_kind, stock_for_kind
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.notes_store import NewCard, NewNote, StoredNote, field_columns


class NoteError(Exception):
    """A note that cannot be saved; the message is one line for the user."""


@dataclass(frozen=True)
class NoteText:
    front: str
    back: str
    tags: tuple[str, ...] = ()
    html: bool = False
    reversed_card: bool = False

    def kind(self) -> NoteKind:
        if cloze_numbers(self.front):
            return NoteKind.CLOZE
        return NoteKind.REVERSED if self.reversed_card else NoteKind.BASIC

    def cleaned(self) -> NoteText:
        if not self.html:
            return self
        return NoteText(clean_html(self.front), clean_html(self.back), self.tags, True, self.reversed_card)


@dataclass(frozen=True)
class AddedNote:
    note_id: int
    card_ids: tuple[int, ...]


def _comparable(text: str, html: bool) -> str:
    plain = html_to_text(text) if html else text
    return " ".join(plain.casefold().split())


def find_duplicate(
    collection: Collection, deck_id: int, front: str, html: bool = False, ignore: int | None = None
) -> int | None:
    """The id of a note of the deck with the same front (ignoring case, spacing and markup), if any."""
    wanted = _comparable(front, html)
    if not wanted:
        return None
    for note_id, other in collection.notes.fronts_in_deck(deck_id):
        if note_id != ignore and _comparable(other, True) == wanted:
            return note_id
    return None


def _check(text: NoteText) -> None:
    if not _comparable(text.front, text.html):
        raise NoteError("the front is empty")
    if text.front.count("{{c") and not cloze_numbers(text.front):
        raise NoteError("a cloze deletion is written {{c1::answer}} or {{c1::answer::hint}}")


@dataclass(frozen=True)
class NoteFields:
    """A note as the editor gives it: its note type, every field by that type's order, tags, HTML or plain."""

    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()
    html: bool = False

    def cleaned(self) -> NoteFields:
        values = tuple(clean_field(clean_html(v) if self.html else v) for v in self.fields)
        return NoteFields(self.notetype_id, values, self.tags, self.html)


@dataclass(frozen=True)
class EditedNote:
    """An edited note as stored, the cards its new content added, and the cards it no longer makes (kept)."""

    note: StoredNote
    added_ords: tuple[int, ...] = ()
    kept_ords: tuple[int, ...] = ()  # cards whose template or cloze number no longer makes them: never deleted here
    kept_names: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for the student about the cards, or "" when the note's cards are as they were."""
        parts = []
        if self.added_ords:
            count = len(self.added_ords)
            parts.append(f"{count} new card{'s' if count != 1 else ''}")
        if self.kept_ords:
            count = len(self.kept_ords)
            names = ", ".join(self.kept_names)
            parts.append(
                f"{count} card{'s' if count != 1 else ''} ({names}) no longer "
                f"{'have' if count != 1 else 'has'} content and {'were' if count != 1 else 'was'} kept "
                f"with {'their' if count != 1 else 'its'} progress"
            )
        return "; ".join(parts)


def notetype_of(collection: Collection, note: StoredNote, rng: random.Random, now: datetime) -> NoteType:
    """The note type of a stored note (a note stored without one is the stock type of its kind)."""
    if note.notetype_id is not None:
        found = collection.notetypes.get(note.notetype_id)
        if found is not None:
            return found
    return stock_for_kind(collection, note.kind, rng, now)


def shown_notetype(collection: Collection, note: StoredNote) -> NoteType:
    """The note type to show a stored note with, without writing (a stock type not stored yet: its definition)."""
    if note.notetype_id is not None:
        found = collection.notetypes.get(note.notetype_id)
        if found is not None:
            return found
    return stock_type(STOCK_OF_KIND[note.kind], 0)


def editor_field_names(notetype: NoteType, note: StoredNote) -> tuple[str, ...]:
    """The names to edit a note's fields under: its type's, and a name for any stored field the type lacks."""
    names = notetype.field_names
    extra = len(note.fields) - len(names)
    return names + tuple(f"Field {len(names) + i + 1} (not in {notetype.name})" for i in range(max(0, extra)))


def _card_name(notetype: NoteType, ord_: int) -> str:
    if notetype.is_cloze:
        return f"Cloze {ord_ + 1}"
    return notetype.templates[ord_].name if ord_ < len(notetype.templates) else f"Card {ord_ + 1}"


def _shaped(notetype: NoteType, values: tuple[str, ...]) -> tuple[str, ...]:
    """``values`` as many as the note type has fields; text beyond them is refused, never dropped."""
    count = len(notetype.fields)
    if len(values) > count and any(_comparable(v, True) for v in values[count:]):
        raise NoteError(f"{notetype.name} has {count} field{'s' if count != 1 else ''}, {len(values)} were given")
    return tuple(values[:count]) + ("",) * (count - len(values))


def _check_fields(notetype: NoteType, note: NoteFields) -> None:
    first = notetype.fields[0].name if notetype.fields else "first"
    if not note.fields or not _comparable(note.fields[0], note.html):
        raise NoteError(f"the first field ({first}) is empty")
    if notetype.is_cloze and not any(cloze_numbers(value) for value in note.fields):
        raise NoteError("a cloze note needs a deletion: write {{c1::answer}} or {{c1::answer::hint}}")


def _unique_guid(collection: Collection, deck_name: str, front: str) -> str:
    guid = content_guid(deck_name, front)
    taken = collection.notes.guids_like(guid)
    if guid in taken:
        number = 2
        while f"{guid}#{number}" in taken:
            number += 1
        guid = f"{guid}#{number}"
    return guid


def add_note_fields(
    collection: Collection, rng: random.Random, clock: Clock, deck_id: int, note: NoteFields
) -> AddedNote:
    """Add a note of any note type with the cards its templates make (new, at the end of the deck's order).

    Duplicates are allowed (warn first with ``find_duplicate``); an empty first field, a cloze note without a
    deletion or more fields than the type has are refused with a ``NoteError``."""
    notetype = collection.notetypes.get(note.notetype_id)
    if notetype is None:
        raise NoteError("that note type no longer exists")
    note = note.cleaned()
    note = NoteFields(note.notetype_id, _shaped(notetype, note.fields), note.tags, note.html)
    _check_fields(notetype, note)
    return _insert(collection, rng, clock, deck_id, notetype, note)


def _insert(
    collection: Collection, rng: random.Random, clock: Clock, deck_id: int, notetype: NoteType, note: NoteFields
) -> AddedNote:
    deck = collection.decks.get(deck_id)
    if deck is None:
        raise NoteError("that deck no longer exists")
    stamp = to_ms(clock.now())
    note_id = new_id(rng)
    front, back, rest = field_columns(note.fields)
    ords = cards_for(notetype, note.fields, note.tags, is_html=note.html)
    with collection.transaction():
        guid = _unique_guid(collection, deck.name, front)
        position = collection.notes.next_position(deck_id)
        cards = [NewCard(new_id(rng), note_id, deck_id, ord_, position + index) for index, ord_ in enumerate(ords)]
        row = NewNote(note_id, guid, deck_id, front, back, " ".join(note.tags), legacy_kind(notetype).value,
                      int(note.html), stamp, stamp, rest, notetype.id)  # fmt: skip
        collection.notes.add([row], cards)
    return AddedNote(note_id, tuple(card.id for card in cards))


def add_note(collection: Collection, rng: random.Random, clock: Clock, deck_id: int, text: NoteText) -> AddedNote:
    """Add a two-field note: Basic, Basic (and reversed card) with ``reversed_card``, Cloze when the front has one."""
    text = text.cleaned()
    _check(text)
    try:
        with collection.transaction():
            notetype = stock_for_kind(collection, text.kind(), rng, clock.now())
            note = NoteFields(notetype.id, _shaped(notetype, (clean_field(text.front), clean_field(text.back))),
                              text.tags, text.html)  # fmt: skip
            return _insert(collection, rng, clock, deck_id, notetype, note)
    except Exception:
        collection.notetypes.refresh()  # a stock type added in the rolled-back transaction is not there
        raise


def note_of_card(collection: Collection, card_id: int) -> StoredNote:
    note = collection.notes.of_card(card_id)
    if note is None:
        raise NoteError("that card no longer exists")
    return note


def update_note_fields(
    collection: Collection,
    rng: random.Random,
    clock: Clock,
    note_id: int,
    fields: tuple[str, ...],
    tags: tuple[str, ...],
    html: bool,
    notetype_id: int | None = None,
) -> EditedNote:
    """Change a note's fields (its note type's order) and tags. Its cards keep their progress; the cards the new
    content calls for are added; a card it no longer makes is kept, and the result says so.

    ``notetype_id`` is only for the two-field ``update_note`` (a basic note becoming cloze or reversed)."""
    stored = collection.notes.get(note_id)
    if stored is None:
        raise NoteError("that note no longer exists")
    now = clock.now()
    with collection.transaction():
        current = notetype_of(collection, stored, rng, now)
        notetype = current if notetype_id is None else collection.notetypes.get(notetype_id)
        if notetype is None:
            raise NoteError("that note type no longer exists")
        note = NoteFields(notetype.id, fields, tags, html).cleaned()
        note = NoteFields(notetype.id, _shaped(notetype, note.fields), note.tags, note.html)
        _check_fields(notetype, note)
        values: dict[str, object] = {"fields": note.fields, "tags": " ".join(note.tags), "html": note.html}
        if notetype.id != stored.notetype_id:
            values["notetype_id"] = notetype.id
            values["kind"] = legacy_kind(notetype)
        collection.notes.update(note_id, values, now)
        have = collection.notes.card_ords([note_id]).get(note_id, set())
        wanted = cards_for(notetype, note.fields, note.tags, is_html=note.html, ensure_one=not have)
        missing = [ord_ for ord_ in wanted if ord_ not in have]
        if missing:
            position = collection.notes.next_position(stored.deck_id)
            collection.notes.add_cards(
                [NewCard(new_id(rng), note_id, stored.deck_id, ord_, position + i) for i, ord_ in enumerate(missing)]
            )
    kept = tuple(sorted(have - set(wanted)))
    updated = collection.notes.get(note_id)
    assert updated is not None
    return EditedNote(updated, tuple(missing), kept, tuple(_card_name(notetype, ord_) for ord_ in kept))


def update_note(collection: Collection, rng: random.Random, clock: Clock, note_id: int, text: NoteText) -> StoredNote:
    """Change the first two fields and the tags of a note (its other fields stay). Its cards keep their progress;
    a new cloze number adds its card.

    A note of the stock Basic type becomes a Cloze note when its front gains a deletion, and a Basic (and
    reversed card) note with ``text.reversed_card``; a reversed note stays reversed."""
    text = text.cleaned()
    _check(text)
    stored = collection.notes.get(note_id)
    if stored is None:
        raise NoteError("that note no longer exists")
    now = clock.now()
    with collection.transaction():
        current = notetype_of(collection, stored, rng, now)
        kind = text.kind()
        notetype_id = None
        becomes = kind is NoteKind.CLOZE or (kind is NoteKind.REVERSED and current.stock == BASIC)
        if current.stock in (BASIC, BASIC_REVERSED) and becomes:
            notetype_id = stock_for_kind(collection, kind, rng, now).id
        values = (text.front, text.back, *stored.fields[2:])
        try:
            edited = update_note_fields(collection, rng, clock, note_id, values, text.tags, text.html, notetype_id)
        except Exception:
            collection.notetypes.refresh()
            raise
    return edited.note
