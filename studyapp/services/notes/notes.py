"""Adding and editing notes by hand (the Add dialog, the editor in the browser, E while reviewing).

A note's kind follows its text: a front with ``{{c1::...}}`` is a cloze note; otherwise it is basic,
or reversed when the student asks for the reversed card too. HTML from the editor is sanitized before
it is stored. Each change is one transaction; the cards of an edited note keep their progress.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studyapp.core.clock import Clock
from studyapp.core.cloze import cloze_numbers
from studyapp.core.drafts import NoteDraft
from studyapp.core.ids import content_guid, new_id
from studyapp.core.model import NoteKind
from studyapp.core.plain_text import html_to_text
from studyapp.core.sanitize import clean_html
from studyapp.services.importing.importing import card_ords
from studyapp.services.notetypes.resolve import stock_for_kind
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms
from studyapp.storage.notes_store import NewCard, NewNote, StoredNote


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


def add_note(collection: Collection, rng: random.Random, clock: Clock, deck_id: int, text: NoteText) -> AddedNote:
    """Add a note and its cards (new, at the end of the deck's order). Duplicates are allowed: warn first."""
    text = text.cleaned()
    _check(text)
    deck = collection.decks.get(deck_id)
    if deck is None:
        raise NoteError("that deck no longer exists")
    kind = text.kind()
    guid = content_guid(deck.name, text.front)
    taken = collection.notes.guids_like(guid)
    if guid in taken:
        number = 2
        while f"{guid}#{number}" in taken:
            number += 1
        guid = f"{guid}#{number}"
    now = clock.now()
    stamp = to_ms(now)
    note_id = new_id(rng)
    draft = NoteDraft(guid=guid, front=text.front, back=text.back, kind=kind)
    with collection.transaction():
        position = collection.notes.next_position(deck_id)
        cards = [
            NewCard(new_id(rng), note_id, deck_id, ord_, position + index)
            for index, ord_ in enumerate(card_ords(draft))
        ]
        notetype = stock_for_kind(collection, kind, rng, now)
        tags = " ".join(text.tags)
        note = NewNote(
            note_id,
            guid,
            deck_id,
            text.front,
            text.back,
            tags,
            kind.value,
            int(text.html),
            stamp,
            stamp,
            "",
            notetype.id,
        )
        collection.notes.add([note], cards)
    return AddedNote(note_id, tuple(card.id for card in cards))


def note_of_card(collection: Collection, card_id: int) -> StoredNote:
    note = collection.notes.of_card(card_id)
    if note is None:
        raise NoteError("that card no longer exists")
    return note


def update_note(collection: Collection, rng: random.Random, clock: Clock, note_id: int, text: NoteText) -> StoredNote:
    """Change a note's text and tags. Its cards keep their progress; a new cloze number adds its card.

    The note stays reversed if it was (``text.reversed_card`` can only add the reverse card).
    """
    text = text.cleaned()
    _check(text)
    stored = collection.notes.get(note_id)
    if stored is None:
        raise NoteError("that note no longer exists")
    kind = text.kind()
    if kind is NoteKind.BASIC and stored.kind is NoteKind.REVERSED:
        kind = NoteKind.REVERSED
    draft = NoteDraft(guid=stored.guid, front=text.front, back=text.back, kind=kind)
    with collection.transaction():
        values = {"front": text.front, "back": text.back, "tags": " ".join(text.tags), "kind": kind, "html": text.html}
        if kind is not stored.kind:  # a basic note that gained its reverse card, or became a cloze
            values["notetype_id"] = stock_for_kind(collection, kind, rng, clock.now()).id
        collection.notes.update(note_id, values, clock.now())
        have = collection.notes.card_ords([note_id]).get(note_id, set())
        missing = [ord_ for ord_ in card_ords(draft) if ord_ not in have]
        if missing:
            position = collection.notes.next_position(stored.deck_id)
            collection.notes.add_cards(
                [NewCard(new_id(rng), note_id, stored.deck_id, ord_, position + i) for i, ord_ in enumerate(missing)]
            )
    updated = collection.notes.get(note_id)
    assert updated is not None
    return updated
