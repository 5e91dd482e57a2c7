"""The note type manager's use cases (Tools → Note Types, ``studyapp notetypes``), without Qt.

- A note type is added as a copy of a stock type or of one in the collection, renamed, styled, or removed
  when no note uses it (else the error says how many do).
- Fields are added, renamed, moved and removed. Renaming a field renames its ``{{…}}`` references in the
  templates, as Anki does; removing one drops its references (a section's content stays) and, when notes
  have text in it, is refused with the number of those notes until the caller confirms. Moving or removing a
  field rewrites every note of the type in one statement batch; the search index follows (its triggers).
- Templates are added, renamed, edited and removed. Adding or editing one adds the cards its question now
  makes for the notes already there (never removes one); removing one deletes its cards only when the caller
  confirms, after ``template_removal`` said how many (and how many were studied); a note is never left
  without a card, and a cloze type keeps its one template.

Every change is one transaction: a failure leaves the collection as it was. Messages are one line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from studyapp.core.clock import Clock
from studyapp.core.ids import new_id
from studyapp.core.notetypes.cardgen import cards_for
from studyapp.core.notetypes.field_refs import remove_field_refs, rename_field_refs
from studyapp.core.notetypes.model import STOCK, CardTemplate, FieldDef, NoteType, stock_type
from studyapp.core.notetypes.template import field_is_empty
from studyapp.core.wording import plural
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.notes_store import NewCard, field_columns, stored_fields
from studyapp.storage.notes.notetype_edit_store import NotetypeEditStore, TemplateCards, TypedNote

_FORBIDDEN = set(':{}"')


class NotetypeError(Exception):
    """A change that cannot be made; the message is one line for the user. Nothing was changed."""


class ConfirmationNeeded(NotetypeError):  # noqa: N818 (a question, not a failure)
    """The change would lose text or cards: ask, then call again with ``confirm=True``."""

    def __init__(self, message: str, count: int, studied: int = 0) -> None:
        super().__init__(message)
        self.count = count
        self.studied = studied


@dataclass(frozen=True)
class NotetypeSummary:
    notetype: NoteType
    notes: int
    cards: int


@dataclass(frozen=True)
class Change:
    """What a change did: the note type as stored now, and what it did to notes and cards."""

    notetype: NoteType
    notes_rewritten: int = 0
    cards_added: int = 0
    cards_removed: int = 0


@dataclass(frozen=True)
class SampleNote:
    """A real note of a type, for the live preview."""

    note_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    html: bool
    deck_name: str


def _check_name(name: str, what: str, taken: list[str]) -> str:
    name = " ".join(name.split())
    if not name:
        raise NotetypeError(f"a {what} needs a name")
    if name.casefold() in {other.casefold() for other in taken}:
        raise NotetypeError(f'there is already a {what} called "{name}"')
    return name


def _check_field_name(name: str, taken: list[str]) -> str:
    name = _check_name(name, "field", taken)
    if set(name) & _FORBIDDEN or name[0] in "#/^":
        raise NotetypeError(f'a field name cannot hold : {{ }} " or start with # / ^ ("{name}")')
    return name


class NotetypeManager:
    def __init__(self, collection: Collection, rng: random.Random, clock: Clock) -> None:
        self._collection = collection
        self._rng = rng
        self._clock = clock
        self._store = NotetypeEditStore.of(collection)

    # -- reading -----------------------------------------------------------------------------------

    def overview(self) -> list[NotetypeSummary]:
        """Every note type by name, with how many notes and cards it has."""
        notes = self._collection.notetypes.note_counts()
        cards = self._store.card_counts()
        return [
            NotetypeSummary(nt, notes.get(nt.id, 0), cards.get(nt.id, 0)) for nt in self._collection.notetypes.all()
        ]

    def get(self, notetype_id: int) -> NoteType:
        found = self._collection.notetypes.get(notetype_id)
        if found is None:
            raise NotetypeError("that note type no longer exists")
        return found

    def sample_note(self, notetype_id: int) -> SampleNote | None:
        """The type's first note (by id), or None when it has none."""
        notetype = self.get(notetype_id)
        for note in self._store.notes(notetype_id):
            deck = self._collection.decks.get(note.deck_id)
            return SampleNote(note.id, self._padded(note, len(notetype.fields)), tuple(note.tags.split()),
                              bool(note.html), deck.name if deck is not None else "")  # fmt: skip
        return None

    def field_text_count(self, notetype_id: int, index: int) -> int:
        """How many notes of the type have text in field ``index``."""
        notetype = self.get(notetype_id)
        return sum(
            not field_is_empty(self._padded(note, len(notetype.fields))[index], bool(note.html))
            for note in self._store.notes(notetype_id)
        )

    def template_removal(self, notetype_id: int, ord_: int) -> TemplateCards:
        return self._store.template_cards(notetype_id, ord_)

    # -- note types --------------------------------------------------------------------------------

    def _names(self, but: int | None = None) -> list[str]:
        return [nt.name for nt in self._collection.notetypes.all() if nt.id != but]

    def add_stock(self, key: str, name: str | None = None) -> NoteType:
        """A new note type made as the stock type ``key`` (Basic, Cloze...), under ``name`` or a free name."""
        if key not in STOCK:
            raise NotetypeError(f"there is no stock note type '{key}'")
        wanted = name if name is not None else self._collection.notetypes.unique_name(STOCK[key].name)
        return self._add(stock_type(key, 0, _check_name(wanted, "note type", self._names())))

    def clone(self, notetype_id: int, name: str | None = None) -> NoteType:
        """A copy of a note type of the collection (fields, templates, styling), with no notes."""
        source = self.get(notetype_id)
        wanted = name if name is not None else self._collection.notetypes.unique_name(f"{source.name} copy")
        return self._add(replace(source, name=_check_name(wanted, "note type", self._names())))

    def _add(self, notetype: NoteType) -> NoteType:
        notetype = replace(notetype, id=new_id(self._rng))
        with self._collection.transaction():
            return self._collection.notetypes.add(notetype, self._clock.now())

    def rename(self, notetype_id: int, name: str) -> Change:
        notetype = self.get(notetype_id)
        return self._save(replace(notetype, name=_check_name(name, "note type", self._names(but=notetype_id))))

    def set_css(self, notetype_id: int, css: str) -> Change:
        return self._save(replace(self.get(notetype_id), css=css))

    def remove(self, notetype_id: int) -> None:
        """Remove a note type no note uses."""
        notetype = self.get(notetype_id)
        used = self._collection.notetypes.note_count(notetype_id)
        if used:
            raise NotetypeError(
                f'"{notetype.name}" is used by {plural(used, "note")}: '
                f"delete or move {'it' if used == 1 else 'them'} first"
            )
        with self._collection.transaction():
            self._collection.notetypes.remove(notetype_id)

    def _save(self, notetype: NoteType) -> Change:
        with self._collection.transaction():
            self._collection.notetypes.update(notetype, self._clock.now())
        return Change(notetype)

    # -- fields ------------------------------------------------------------------------------------

    def add_field(self, notetype_id: int, name: str) -> Change:
        """A new empty field at the end (notes need no rewrite: missing last fields read as empty)."""
        notetype = self.get(notetype_id)
        name = _check_field_name(name, list(notetype.field_names))
        return self._save(replace(notetype, fields=(*notetype.fields, FieldDef(name))))

    def rename_field(self, notetype_id: int, index: int, name: str) -> Change:
        notetype = self.get(notetype_id)
        self._check_index(notetype, index)
        old = notetype.fields[index].name
        others = [n for i, n in enumerate(notetype.field_names) if i != index]
        name = _check_field_name(name, others)
        fields = list(notetype.fields)
        fields[index] = replace(fields[index], name=name)
        templates = tuple(
            replace(t, question=rename_field_refs(t.question, old, name), answer=rename_field_refs(t.answer, old, name))
            for t in notetype.templates
        )
        return self._save(replace(notetype, fields=tuple(fields), templates=templates))

    def move_field(self, notetype_id: int, index: int, to: int) -> Change:
        notetype = self.get(notetype_id)
        self._check_index(notetype, index)
        order = list(range(len(notetype.fields)))
        order.insert(max(0, min(to, len(order) - 1)), order.pop(index))
        return self.reorder_fields(notetype_id, order)

    def reorder_fields(self, notetype_id: int, order: list[int]) -> Change:
        """Put the fields in ``order`` (the old index of each field, new order); every note follows."""
        notetype = self.get(notetype_id)
        if sorted(order) != list(range(len(notetype.fields))):
            raise NotetypeError("the new order must name every field once")
        if order == sorted(order):
            return Change(notetype)
        changed = replace(
            notetype, fields=tuple(notetype.fields[i] for i in order), sort_field=order.index(notetype.sort_field)
        )
        return self._rewrite(changed, len(notetype.fields), lambda values: [values[i] for i in order])

    def remove_field(self, notetype_id: int, index: int, confirm: bool = False) -> Change:
        """Remove a field, its text in every note and its references in the templates.

        Notes with text in it: ``ConfirmationNeeded`` (with their number) unless ``confirm``."""
        notetype = self.get(notetype_id)
        self._check_index(notetype, index)
        if len(notetype.fields) == 1:
            raise NotetypeError("a note type needs at least one field")
        name = notetype.fields[index].name
        if not confirm:
            losing = self.field_text_count(notetype_id, index)
            if losing:
                raise ConfirmationNeeded(
                    f'{plural(losing, "note")} of "{notetype.name}" {"has" if losing == 1 else "have"} '
                    f'text in "{name}": it would be deleted',
                    losing,
                )
        sort_field = notetype.sort_field
        sort_field = 0 if sort_field == index else sort_field - (sort_field > index)
        templates = tuple(
            replace(t, question=remove_field_refs(t.question, name), answer=remove_field_refs(t.answer, name))
            for t in notetype.templates
        )
        changed = replace(
            notetype,
            fields=notetype.fields[:index] + notetype.fields[index + 1 :],
            templates=templates,
            sort_field=sort_field,
        )
        return self._rewrite(changed, len(notetype.fields), lambda values: values[:index] + values[index + 1 :])

    @staticmethod
    def _check_index(notetype: NoteType, index: int) -> None:
        if not 0 <= index < len(notetype.fields):
            raise NotetypeError(f'"{notetype.name}" has no field {index + 1}')

    @staticmethod
    def _padded(note: TypedNote, count: int) -> tuple[str, ...]:
        values = stored_fields(note.front, note.back, note.rest)
        return values + ("",) * (count - len(values)) if len(values) < count else values

    def _rewrite(self, changed: NoteType, old_count: int, shape) -> Change:  # type: ignore[no-untyped-def]
        """Store the changed type and every note's fields reshaped by ``shape`` (a list of the old values)."""
        stamp = to_ms(self._clock.now()) or 0
        notes = 0
        with self._collection.transaction(), self._store.reindexing(changed.id):
            self._collection.notetypes.update(changed, self._clock.now())
            batch: list[tuple[str, str, str, int, int]] = []
            for note in self._store.notes(changed.id):
                values = list(self._padded(note, old_count))
                extra = values[old_count:]  # more fields than the type: kept after the type's own
                values = shape(values[:old_count]) + extra
                batch.append((*field_columns(values), stamp, note.id))
                if len(batch) >= 2000:
                    notes += self._store.set_fields(batch)
                    batch.clear()
            notes += self._store.set_fields(batch)
        return Change(changed, notes_rewritten=notes)

    # -- templates ---------------------------------------------------------------------------------

    def add_template(self, notetype_id: int, name: str | None = None, question: str | None = None,
                     answer: str | None = None) -> Change:  # fmt: skip
        """A new template (by default asking the second field and answering the first); the notes already
        there get the cards it makes."""
        notetype = self.get(notetype_id)
        if notetype.is_cloze:
            raise NotetypeError(f'"{notetype.name}" is a cloze type: its cards come from the cloze numbers')
        taken = [t.name for t in notetype.templates]
        if name is None:
            number = len(taken) + 1
            while f"Card {number}" in taken:
                number += 1
            name = f"Card {number}"
        name = _check_name(name, "card template", taken)
        names = notetype.field_names
        asked = names[1] if len(names) > 1 else names[0]
        question = question if question is not None else "{{" + asked + "}}"
        answer = answer if answer is not None else "{{FrontSide}}\n\n<hr id=answer>\n\n{{" + names[0] + "}}"
        changed = replace(notetype, templates=(*notetype.templates, CardTemplate(name, question, answer)))
        return self._save_and_generate(changed)

    def rename_template(self, notetype_id: int, ord_: int, name: str) -> Change:
        notetype = self.get(notetype_id)
        self._check_ord(notetype, ord_)
        taken = [t.name for i, t in enumerate(notetype.templates) if i != ord_]
        templates = list(notetype.templates)
        templates[ord_] = replace(templates[ord_], name=_check_name(name, "card template", taken))
        return self._save(replace(notetype, templates=tuple(templates)))

    def edit_template(self, notetype_id: int, ord_: int, question: str, answer: str) -> Change:
        """New question and answer formats; notes whose question now shows text get the card."""
        notetype = self.get(notetype_id)
        self._check_ord(notetype, ord_)
        templates = list(notetype.templates)
        templates[ord_] = replace(templates[ord_], question=question, answer=answer)
        return self._save_and_generate(replace(notetype, templates=tuple(templates)))

    def remove_template(self, notetype_id: int, ord_: int, confirm: bool = False) -> Change:
        """Remove a template and its cards (the review log keeps their history). Cards there:
        ``ConfirmationNeeded`` (how many, how many studied) unless ``confirm``."""
        notetype = self.get(notetype_id)
        self._check_ord(notetype, ord_)
        if len(notetype.templates) == 1:
            raise NotetypeError("a note type needs at least one card template")
        name = notetype.templates[ord_].name
        impact = self._store.template_cards(notetype_id, ord_)
        if impact.orphaned_notes:
            raise NotetypeError(f'removing "{name}" would leave {plural(impact.orphaned_notes, "note")} without a card')
        if impact.cards and not confirm:
            studied = f" ({impact.studied:,} studied, their progress too)" if impact.studied else ""
            raise ConfirmationNeeded(
                f'removing "{name}" deletes its {plural(impact.cards, "card")}{studied}', impact.cards, impact.studied
            )
        changed = replace(notetype, templates=notetype.templates[:ord_] + notetype.templates[ord_ + 1 :])
        with self._collection.transaction():
            self._collection.notetypes.update(changed, self._clock.now())
            removed = self._store.remove_template_cards(notetype_id, ord_)
        return Change(changed, cards_removed=removed)

    @staticmethod
    def _check_ord(notetype: NoteType, ord_: int) -> None:
        if not 0 <= ord_ < len(notetype.templates):
            raise NotetypeError(f'"{notetype.name}" has no card template {ord_ + 1}')

    def _save_and_generate(self, changed: NoteType) -> Change:
        """Store the type, then add to its notes the cards its templates now make that they have not got."""
        with self._collection.transaction():
            self._collection.notetypes.update(changed, self._clock.now())
            notes = list(self._store.notes(changed.id))
            have = self._collection.notes.card_ords(note.id for note in notes)
            count = len(changed.fields)
            new_cards: list[NewCard] = []
            positions: dict[int, int] = {}
            for note in notes:
                ords = cards_for(changed, self._padded(note, count)[:count], tuple(note.tags.split()),
                                 is_html=bool(note.html), ensure_one=False)  # fmt: skip
                for ord_ in ords:
                    if ord_ in have.get(note.id, ()):
                        continue
                    if note.deck_id not in positions:
                        positions[note.deck_id] = self._collection.notes.next_position(note.deck_id)
                    new_cards.append(NewCard(new_id(self._rng), note.id, note.deck_id, ord_, positions[note.deck_id]))
                    positions[note.deck_id] += 1
            if new_cards:
                self._collection.notes.add_cards(new_cards)
        return Change(changed, cards_added=len(new_cards))
