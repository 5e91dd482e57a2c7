"""A note type: a name, an ordered list of named fields, card templates, a kind and styling.

What Anki keeps of a note type that studyapp does not use (fonts of the editor, LaTeX preambles, the
``req`` table, a field's description...) rides along in ``extra`` (JSON text), so that an export gives
Anki back what it gave us. Ids are random 63-bit integers made by the caller, as everywhere.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

FIELD_SEPARATOR = "\x1f"  # between a note's fields when stored as one text (as Anki stores them)
# In a note type's ``extra``: the id it had in the file it came from (an Anki package's), given back on export.
SOURCE_ID = "sourceId"


class NotetypeKind(str, enum.Enum):
    """What cards a note type makes. Values are stored in the collection: never rename."""

    STANDARD = "standard"  # a card per template whose question side shows at least one non-empty field
    CLOZE = "cloze"  # a card per cloze number {{c1::...}} in the fields its first template's cloze: filters read
    IMAGE_OCCLUSION = "image_occlusion"  # a cloze-like card per occlusion (shown by a later version)


@dataclass(frozen=True)
class FieldDef:
    """One named field. ``extra``: Anki's other keys of the field (JSON object text), kept for export."""

    name: str
    extra: str = "{}"


@dataclass(frozen=True)
class CardTemplate:
    """One card template: ``question`` and ``answer`` are formats in Anki's template language."""

    name: str
    question: str
    answer: str
    extra: str = "{}"


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    kind: NotetypeKind
    fields: tuple[FieldDef, ...]
    templates: tuple[CardTemplate, ...]
    css: str = ""
    sort_field: int = 0  # the field the browser sorts and shows by (an index into ``fields``)
    extra: str = "{}"  # Anki's other keys of the note type (JSON object text), kept for export
    stock: str | None = None  # the stock type this one is (``STOCK`` key), or was cloned from; None: custom

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field_index(self, name: str) -> int | None:
        """The index of the field called ``name`` (exact first, then ignoring case, as Anki's templates)."""
        names = self.field_names
        if name in names:
            return names.index(name)
        folded = name.casefold()
        for index, candidate in enumerate(names):
            if candidate.casefold() == folded:
                return index
        return None

    @property
    def is_cloze(self) -> bool:
        return self.kind is not NotetypeKind.STANDARD

    def has_template(self, ord_: int) -> bool:
        """Whether a card of template number ``ord_`` can be shown: a standard type's template of that number, any
        number of a cloze or image occlusion type (a deletion's card)."""
        return ord_ >= 0 and (self.is_cloze or ord_ < len(self.templates))

    def extra_dict(self) -> dict[str, Any]:
        return _loads(self.extra)


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def join_fields(values: tuple[str, ...] | list[str]) -> str:
    """A note's fields as one stored text (a field never holds the separator: ``clean_field`` removes it)."""
    return FIELD_SEPARATOR.join(values)


def split_fields(text: str, count: int | None = None) -> tuple[str, ...]:
    """The fields of a stored text; with ``count``, padded with empty fields or cut to that many."""
    values = tuple(text.split(FIELD_SEPARATOR))
    return values if count is None else fit_fields(values, count)


def fit_fields(values: tuple[str, ...], count: int) -> tuple[str, ...]:
    """``values`` as ``count`` fields: padded with empty ones (a type's last empty fields are not stored), or cut."""
    return values + ("",) * (count - len(values)) if len(values) < count else values[:count]


def clean_field(text: str) -> str:
    """A field's text as it may be stored: the field separator (a control character) becomes a space."""
    return text.replace(FIELD_SEPARATOR, " ") if FIELD_SEPARATOR in text else text


# -- the stock note types -------------------------------------------------------------------------------

_CSS = """.card {
    font-family: arial;
    font-size: 20px;
    text-align: center;
    color: black;
    background-color: white;
}
"""
_CLOZE_CSS = (
    _CSS
    + """
.cloze {
    font-weight: bold;
    color: blue;
}
"""
)
_ANSWER_RULE = "{{FrontSide}}\n\n<hr id=answer>\n\n"
_TYPED_ANSWER = "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}"


@dataclass(frozen=True)
class StockType:
    key: str
    name: str
    kind: NotetypeKind
    field_names: tuple[str, ...]
    templates: tuple[CardTemplate, ...]
    css: str = _CSS

    def make(self, notetype_id: int, name: str | None = None) -> NoteType:
        return NoteType(
            id=notetype_id,
            name=name or self.name,
            kind=self.kind,
            fields=tuple(FieldDef(n) for n in self.field_names),
            templates=self.templates,
            css=self.css,
            stock=self.key,
        )


BASIC = "basic"
BASIC_REVERSED = "basic_reversed"
BASIC_OPTIONAL_REVERSED = "basic_optional_reversed"
BASIC_TYPING = "basic_typing"
CLOZE = "cloze"

STOCK: dict[str, StockType] = {
    stock.key: stock
    for stock in (
        StockType(BASIC, "Basic", NotetypeKind.STANDARD, ("Front", "Back"),
                  (CardTemplate("Card 1", "{{Front}}", _ANSWER_RULE + "{{Back}}"),)),
        StockType(BASIC_REVERSED, "Basic (and reversed card)", NotetypeKind.STANDARD, ("Front", "Back"),
                  (CardTemplate("Card 1", "{{Front}}", _ANSWER_RULE + "{{Back}}"),
                   CardTemplate("Card 2", "{{Back}}", _ANSWER_RULE + "{{Front}}"))),
        StockType(BASIC_OPTIONAL_REVERSED, "Basic (optional reversed card)", NotetypeKind.STANDARD,
                  ("Front", "Back", "Add Reverse"),
                  (CardTemplate("Card 1", "{{Front}}", _ANSWER_RULE + "{{Back}}"),
                   CardTemplate("Card 2", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}", _ANSWER_RULE + "{{Front}}"))),
        StockType(BASIC_TYPING, "Basic (type in the answer)", NotetypeKind.STANDARD, ("Front", "Back"),
                  (CardTemplate("Card 1", "{{Front}}\n\n{{type:Back}}", _TYPED_ANSWER),)),
        StockType(CLOZE, "Cloze", NotetypeKind.CLOZE, ("Text", "Back Extra"),
                  (CardTemplate("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}"),), _CLOZE_CSS),
    )
}  # fmt: skip


def stock_type(key: str, notetype_id: int, name: str | None = None) -> NoteType:
    return STOCK[key].make(notetype_id, name)


@dataclass(frozen=True)
class Note:
    """A note: its note type's fields in order, its tags, and whether its fields are HTML (else plain text)."""

    id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()
    html: bool = False
    deck_id: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
