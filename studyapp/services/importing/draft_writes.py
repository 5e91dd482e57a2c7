"""One import's writes, inside ``store_draft``'s transaction: a note in its note type's shape, its cards, new
ids drawn in one go and handed out in file order, rows written in chunks, and the review history kept.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice, repeat

from studyapp.core.drafts import NoteDraft, ReviewDraft, Skip
from studyapp.core.ids import new_id
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.cardgen import cards_for
from studyapp.core.notetypes.model import NoteType, clean_field
from studyapp.core.scheduling.fast_replay import FastReplay
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.core.text.cloze import cloze_numbers
from studyapp.services.importing.history import fast_history, future_reason, history_events, split_future
from studyapp.services.notetypes.resolve import legacy_kind
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.notes_store import BulkInsert, CardRow, NewCard, NoteRow, StoredNote, field_columns
from studyapp.storage.review.card_marks_store import CardMarksStore
from studyapp.storage.review.imported_history import ImportedHistory

_CHUNK = 10_000  # new notes written at a time: the rows of a big file are never all in memory


def card_ords(note: NoteDraft) -> list[int]:
    """Which cards a note gives: 0; 0 and 1 for a reversed note; n-1 for each cloze cn."""
    if note.kind is NoteKind.CLOZE:
        return [number - 1 for number in cloze_numbers(note.front)]
    return [0, 1] if note.kind is NoteKind.REVERSED else [0]


@dataclass(frozen=True)
class ShapedNote:
    """A note as it will be stored: its note type, every field (as many as the type has), its cards."""

    notetype: NoteType
    fields: tuple[str, ...]
    ords: tuple[int, ...]


def shape_note(note: NoteDraft, notetype: NoteType, lengthened: list[int]) -> ShapedNote:
    """``note`` in ``notetype``'s shape. A note with more fields than its type keeps the extra text at the end of
    the type's last field (``lengthened`` counts it); the field separator never reaches storage."""
    values = [clean_field(value) for value in (note.fields or (note.front, note.back))]
    count = len(notetype.fields)
    if len(values) > count:
        extra = [value for value in values[count - 1 :] if value.strip()]
        joiner = "<br>" if note.html else "\n"
        values = values[: count - 1] + [joiner.join(extra)]
        lengthened.append(note.line)
    elif len(values) < count:
        values += [""] * (count - len(values))
    fields = tuple(values)
    if note.card_ords:
        ords = tuple(ord_ for ord_ in note.card_ords if ord_ >= 0)
    elif notetype.is_cloze and not note.fields:
        ords = tuple(card_ords(note))
    else:
        ords = tuple(cards_for(notetype, fields))
    return ShapedNote(notetype, fields, ords)


BASIC_ORDS = (0,)  # a basic note's one card


def sorted_ids(rng: random.Random, count: int) -> list[int]:
    """``count`` draws of ``new_id`` (the very same draws, without a call per id), sorted."""
    ids = list(map(rng.getrandbits, repeat(63, count)))
    if 0 in ids:  # ``new_id`` never gives 0 (one draw in 2**63)
        ids = [draw or 1 for draw in ids]
    ids.sort()
    return ids


class DraftWrites:
    """One import's writes. Used only inside ``store_draft``'s transaction.

    Ids are random 63-bit draws, but this import draws them all first, sorts them and hands them out
    in file order, so note ids, card ids and new-card positions all ascend together: every B-tree is
    appended to instead of being written at random places (1.6x faster for 100,000 notes), and the ids
    are exactly as random as ever. Draws left over (notes skipped or already there) are simply unused.
    New rows are plain tuples in column order (see ``NewNote`` and ``NewCard``): 100,000 of them.
    """

    def __init__(
        self,
        collection: Collection,
        rng: random.Random,
        now: datetime,
        notes: int,
        cards: int,
        basic: NoteType,
        bulk: BulkInsert,
    ) -> None:
        self.collection = collection
        self.rng = rng
        self.now = now
        self.stamp = to_ms(now)
        self.basic_id = basic.id  # the stock Basic type: a note without fields of its own is one of it
        self.deck_ids: dict[str, int] = {}
        self.created: set[str] = set()  # the decks this import made
        self.positions: dict[int, int] = {}
        self.note_ids = iter(sorted_ids(rng, notes))
        # (a note type's cards are known only as each note is shaped: past the estimate, ids are drawn one by one)
        self.card_ids = chain(sorted_ids(rng, cards), iter(lambda: new_id(rng), 0))
        self.notes: list[NoteRow] = []
        self.cards: list[CardRow] = []
        # (note, guid, deck id, shape) queued for the next flush; shape None: a basic note (front, back), one card
        self.pending: list[tuple[NoteDraft, str, int, ShapedNote | None]] = []
        self.with_history: set[int] = set()  # indexes into ``pending`` of notes whose history is kept
        self.bulk = bulk  # (the caller's: it puts the page cache back if the import fails)
        self.history: list[tuple[int, NoteDraft, int]] = []  # (card id, note, ord)
        self.previews_left_out = 0
        self.suspended: list[int] = []  # new cards the file has suspended
        self.flags: dict[int, int] = {}  # new cards the file has flagged: card id -> flag

    def deck_id(self, name: str, description: str = "") -> int:
        """The deck called ``name``, made if needed with every parent it lacks (``A::B`` makes ``A`` too)."""
        if name not in self.deck_ids:
            deck = self.collection.decks.by_name(name)
            if deck is None:
                name_here = self.collection.decks.in_tree_case(name)  # (a level named in another case: the one here)
                if name_here != name:
                    self.deck_ids[name] = self.deck_id(name_here, description)
                    return self.deck_ids[name]
                parts = name.split("::")
                for depth in range(1, len(parts)):  # the parents first, so the tree has every level
                    parent = "::".join(parts[:depth])
                    if parent not in self.deck_ids and self.collection.decks.by_name(parent) is None:
                        self.deck_ids[parent] = self.collection.decks.create(new_id(self.rng), parent, "", self.now).id
                deck = self.collection.decks.create(new_id(self.rng), name, description, self.now)
                self.created.add(name)
            elif description and description != deck.description:
                self.collection.decks.set_description(deck.id, description)
            self.deck_ids[name] = deck.id
        return self.deck_ids[name]

    def position(self, deck_id: int) -> int:
        position = self.positions.get(deck_id)
        if position is None:
            position = self.collection.notes.next_position(deck_id)
        self.positions[deck_id] = position + 1
        return position

    def new_cards(self, note_id: int, deck_id: int, ords: list[int]) -> list[NewCard]:
        return [NewCard(new_id(self.rng), note_id, deck_id, ord_, self.position(deck_id)) for ord_ in ords]

    def add(self, note: NoteDraft, guid: str, deck_id: int, shape: ShapedNote | None, with_history: bool) -> None:
        """Queue a new note and its cards; they get the next ids of the sorted draws when the queue is written."""
        self.pending.append((note, guid, deck_id, shape))
        if with_history and note.history:
            self.with_history.add(len(self.pending) - 1)
        if len(self.pending) >= _CHUNK:
            self.flush()

    def _rows(self) -> None:
        """Turn the queued notes into rows. The common case (basic notes of one deck, no history) is one
        comprehension per table; anything else takes the general loop."""
        pending, stamp, basic = self.pending, self.stamp, self.basic_id
        note_ids = list(islice(self.note_ids, len(pending)))
        notes = self.notes
        if all(shape is None for *_, shape in pending):  # basic notes only (a text file): one comprehension
            notes += [
                (note_id, guid, deck_id, note.front, note.back, " ".join(note.tags), "basic", int(note.html), stamp,
                 stamp, "", basic)
                for note_id, (note, guid, deck_id, _) in zip(note_ids, pending, strict=True)
            ]  # fmt: skip
        else:
            for note_id, (note, guid, deck_id, shape) in zip(note_ids, pending, strict=True):
                if shape is None:
                    notes.append((note_id, guid, deck_id, note.front, note.back, " ".join(note.tags), "basic",
                                  int(note.html), stamp, stamp, "", basic))  # fmt: skip
                else:
                    front, back, rest = field_columns(shape.fields)
                    notes.append((note_id, guid, deck_id, front, back, " ".join(note.tags),
                                  legacy_kind(shape.notetype).value, int(note.html), stamp, stamp, rest,
                                  shape.notetype.id))  # fmt: skip
        first_deck = pending[0][2]
        if not self.with_history and all(
            shape is None and deck_id == first_deck for _, _, deck_id, shape in pending
        ):  # fmt: skip
            start = self.positions.get(first_deck)
            if start is None:
                start = self.collection.notes.next_position(first_deck)
            self.positions[first_deck] = start + len(pending)
            card_ids, positions = islice(self.card_ids, len(pending)), range(start, start + len(pending))
            self.cards = [
                (card_id, note_id, first_deck, 0, position)
                for card_id, note_id, position in zip(card_ids, note_ids, positions, strict=True)
            ]
            return
        cards, history = self.cards, self.history
        for index, (note_id, (note, _, deck_id, shape)) in enumerate(zip(note_ids, pending, strict=True)):
            keep_history = index in self.with_history
            ords = BASIC_ORDS if shape is None else shape.ords
            decks, suspended, flags = note.card_decks, note.card_suspended, note.card_flags
            for number, ord_ in enumerate(ords):
                card_deck = decks[number] if number < len(decks) else None
                home = self.deck_id(card_deck) if card_deck else deck_id
                card_id = next(self.card_ids)
                cards.append((card_id, note_id, home, ord_, self.position(home)))
                if number < len(suspended) and suspended[number]:
                    self.suspended.append(card_id)
                if number < len(flags) and flags[number]:
                    self.flags[card_id] = flags[number]
                if keep_history:
                    history.append((card_id, note, ord_))

    def update(self, stored: StoredNote, note: NoteDraft, shape: ShapedNote, existing_ords: set[int]) -> None:
        self.collection.notes.update(
            stored.id,
            {"fields": shape.fields, "tags": " ".join(note.tags), "kind": legacy_kind(shape.notetype),
             "html": note.html, "notetype_id": shape.notetype.id},
            self.now,
        )  # fmt: skip
        missing = [ord_ for ord_ in shape.ords if ord_ not in existing_ords]
        if missing:
            self.flush()  # the queued notes' cards come first in the deck's new order, as in the file
        self.collection.notes.add_cards(self.new_cards(stored.id, stored.deck_id, missing))

    def flush(self) -> None:
        """Write the queued notes and their cards."""
        if self.pending:
            self._rows()
            self.bulk.add(self.notes, self.cards)
        self.pending, self.notes, self.cards = [], [], []
        self.with_history = set()

    def finish(self) -> None:
        """Write what is still queued and complete the bulk insert (its search index, its indexes)."""
        self.flush()
        self.bulk.finish()
        if self.suspended:
            self.collection.notes.suspend_cards(self.suspended)
        if self.flags:
            CardMarksStore(self.collection.db).set_flags(self.flags)

    def history_for_existing(self, notes: list[tuple[int, NoteDraft]]) -> tuple[int, int]:
        """Queue the history of notes already in the collection for their cards that were never studied (their
        history is written with the new notes'); returns (cards given history, cards left alone: studied here)."""
        free = self.collection.notes.cards_without_history(note_id for note_id, _ in notes)
        given = studied = 0
        for note_id, note in notes:
            for ord_ in sorted({review.card_ord for review in note.history}):
                card_id = free.get((note_id, ord_))
                if card_id is None:
                    studied += 1
                else:
                    self.history.append((card_id, note, ord_))
                    given += 1
        return given, studied

    def store_history(self, scheduler: Scheduler) -> list[Skip]:
        """Write each new card's past reviews; a ``Skip`` for each note whose history ran into the future."""
        future: dict[str, tuple[NoteDraft, list[ReviewDraft], int]] = {}
        fast = FastReplay(scheduler.config)
        written = ImportedHistory(self.collection.db)
        for card_id, note, ord_ in self.history:
            past, ahead = split_future([r for r in note.history if r.card_ord == ord_], self.now)
            if ahead:
                _, left_out, kept = future.setdefault(note.guid, (note, [], 0))
                future[note.guid] = (note, left_out + ahead, kept + len(past))
            self.previews_left_out += sum(
                1 for review in past if review.rating is not None and not review.affects_schedule
            )
            quick = fast_history(fast, card_id, past, self.rng) if fast.supported else None
            if quick is not None:
                written.card_rows(card_id, *quick)
                continue
            counts = dict(zip(note.card_ords, note.card_counts, strict=False)).get(ord_)
            entries, changes, final = history_events(scheduler, card_id, past, self.rng, counts)
            written.card_entries(card_id, entries, final)
            if changes:
                self.collection.schedule_changes.record(changes)
        written.finish()
        now = self.now
        return [Skip(f"note {note.line}", future_reason(ahead, kept, now)) for note, ahead, kept in future.values()]
