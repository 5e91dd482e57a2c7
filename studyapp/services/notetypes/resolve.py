"""Which stored note type a note belongs to: the stock type of a kind, or a file's note type matched by name."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime

from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import (
    BASIC,
    BASIC_REVERSED,
    CLOZE,
    SOURCE_ID,
    STOCK,
    CardTemplate,
    FieldDef,
    NoteType,
    NotetypeKind,
)
from studyapp.storage import Collection

STOCK_OF_KIND = {NoteKind.BASIC: BASIC, NoteKind.REVERSED: BASIC_REVERSED, NoteKind.CLOZE: CLOZE}
_STOCK_BY_NAME = {stock.name.casefold(): key for key, stock in STOCK.items()}


def legacy_kind(notetype: NoteType) -> NoteKind:
    """The kind stored beside a note for code that reads it (cloze or not, reversed stock or not)."""
    if notetype.is_cloze:
        return NoteKind.CLOZE
    return NoteKind.REVERSED if notetype.stock == BASIC_REVERSED else NoteKind.BASIC


def stock_for_kind(collection: Collection, kind: NoteKind, rng: random.Random, now: datetime) -> NoteType:
    return collection.notetypes.stock(STOCK_OF_KIND[kind], rng, now)


def _ref(field_name: str) -> str:
    return "{{" + field_name + "}}"


def generic_notetype(name: str, field_count: int, notetype_id: int) -> NoteType:
    """A note type for rows that name a type nobody defined: "Field 1".."Field N", the first asked, the rest told."""
    names = [f"Field {index}" for index in range(1, max(1, field_count) + 1)]
    answer = "<br>\n".join(_ref(n) for n in names[1:])
    return NoteType(
        id=notetype_id,
        name=name,
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(n) for n in names),
        templates=(CardTemplate("Card 1", _ref(names[0]), "{{FrontSide}}\n\n<hr id=answer>\n\n" + answer),),
    )


class NotetypeResolver:
    """Turns the note types an import names into the collection's note types (made once per import)."""

    def __init__(self, collection: Collection, defined: tuple[NoteType, ...], rng: random.Random, now: datetime):
        self._collection = collection
        self._defined = {notetype.name: notetype for notetype in defined}
        self._rng = rng
        self._now = now
        self._resolved: dict[str | NoteKind, NoteType] = {}
        self.added: list[str] = []  # names of the note types this import added

    def for_kind(self, kind: NoteKind) -> NoteType:
        found = self._resolved.get(kind)
        if found is None:
            found = self._resolved[kind] = stock_for_kind(self._collection, kind, self._rng, self._now)
        return found

    def by_name(self, name: str, field_count: int) -> NoteType:
        """The collection's note type for ``name``: the same name with the same fields, else the file's definition
        added (under a free name if the name is taken by other fields), else a stock type of that name, else a
        generic one with ``field_count`` fields."""
        found = self._resolved.get(name)
        if found is not None:
            return found
        store = self._collection.notetypes
        defined = self._defined.get(name)
        existing = store.by_name(name)
        if defined is not None:
            if existing is not None and existing.field_names == defined.field_names:
                found = existing
            else:  # the file's id is kept beside ours: an export gives it back, so Anki knows its own type again
                source = {**defined.extra_dict(), SOURCE_ID: defined.id}
                found = self._add(replace(defined, name=store.unique_name(name), extra=json.dumps(source)))
        elif existing is not None:
            found = existing
        elif name.casefold() in _STOCK_BY_NAME:
            found = store.stock(_STOCK_BY_NAME[name.casefold()], self._rng, self._now)
        else:
            found = self._add(generic_notetype(name, field_count, 0))
        self._resolved[name] = found
        return found

    def _add(self, notetype: NoteType) -> NoteType:
        notetype = replace(notetype, id=self._rng.getrandbits(63) or 1)
        self._collection.notetypes.add(notetype, self._now)
        self.added.append(notetype.name)
        return notetype
