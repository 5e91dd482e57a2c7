"""Anki note types as core ``NoteType``s: name, kind, fields, templates, styling and the keys we only keep.

Schema 11 collections keep note types as JSON in ``col.models``; schema 15+ keep them in the tables
``notetypes``, ``fields`` and ``templates`` whose settings are protobuf (``Notetype.Config``,
``Notetype.Field.Config``, ``Notetype.Template.Config``). Both come out the same: what studyapp uses goes
into the ``NoteType``'s own attributes, and every other key goes into ``extra`` (JSON object text) under the
name Anki's schema 11 JSON gives it (``latexPre``, ``req``, ``originalStockKind``...; a field's ``sticky``,
``font``, ``description``...; a template's ``bqfmt``, ``did``...), so that an export writes the note type
back as Anki gave it. Anki's note type id stays the ``NoteType``'s id (the import service gives new ids).

Every malformed input raises ``ValueError`` (``WireFormatError`` is one) with a short reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from studyapp.core.notetypes.model import (
    BASIC,
    BASIC_OPTIONAL_REVERSED,
    BASIC_REVERSED,
    BASIC_TYPING,
    CLOZE,
    CardTemplate,
    FieldDef,
    NoteType,
    NotetypeKind,
)
from studyapp.importers.anki_protobuf import WireField, parse_message, read_varint

CLOZE_TYPE = 1  # note type kind: 0 standard, 1 cloze
IMAGE_OCCLUSION_STOCK_KIND = 6  # originalStockKind of Anki's image occlusion note type
# Anki's OriginalStockKind -> our stock key (6, image occlusion, has none yet: its kind says what it is).
STOCK_KINDS = {1: BASIC, 2: BASIC_REVERSED, 3: BASIC_OPTIONAL_REVERSED, 4: BASIC_TYPING, 5: CLOZE}
_REQUIREMENT_KINDS = {0: "none", 1: "any", 2: "all"}
# Keys of the schema 11 JSON that the NoteType holds itself, or that only describe the source collection.
_OWN_KEYS = {"id", "name", "type", "flds", "tmpls", "css", "sortf", "mod", "usn"}
_OWN_FIELD_KEYS = {"name", "ord"}
_OWN_TEMPLATE_KEYS = {"name", "ord", "qfmt", "afmt"}

# Protobuf field number -> (schema 11 key, how to read it). Readers: "int", "sint" (int64), "bool", "text",
# "opt_int" (an ``optional int64``: absent stays absent).
_NOTETYPE_CONFIG = {
    4: ("did", "deck"),
    5: ("latexPre", "text"),
    6: ("latexPost", "text"),
    7: ("latexsvg", "bool"),
    9: ("originalStockKind", "int"),
    10: ("originalId", "opt_int"),
}
_FIELD_CONFIG = {
    1: ("sticky", "bool"),
    2: ("rtl", "bool"),
    3: ("font", "text"),
    4: ("size", "int"),
    5: ("description", "text"),
    6: ("plainText", "bool"),
    7: ("collapsed", "bool"),
    8: ("excludeFromSearch", "bool"),
    9: ("id", "opt_int"),
    10: ("tag", "opt_int"),
    11: ("preventDeletion", "bool"),
}
_TEMPLATE_CONFIG = {
    3: ("bqfmt", "text"),
    4: ("bafmt", "text"),
    5: ("did", "deck"),
    6: ("bfont", "text"),
    7: ("bsize", "int"),
    8: ("id", "opt_int"),
}
_DEFAULTS = {"int": 0, "bool": False, "text": "", "deck": None}


def notetype_from_json(key: str, model: dict[str, Any]) -> NoteType:
    """A note type of ``col.models`` (schema 11), stored there under ``key``."""
    if not isinstance(model, dict):
        raise ValueError("a note type is not a JSON object")
    fields = sorted(_objects(model.get("flds"), "flds"), key=lambda f: _int(f.get("ord", 0)))
    templates = sorted(_objects(model.get("tmpls"), "tmpls"), key=lambda t: _int(t.get("ord", 0)))
    extra = {k: v for k, v in model.items() if k not in _OWN_KEYS}
    return _notetype(
        notetype_id=_int(model.get("id", key)),
        name=_text(model.get("name"), "name"),
        is_cloze=model.get("type") == CLOZE_TYPE,
        fields=tuple(
            FieldDef(
                _text(f.get("name"), "field name"), _dump({k: v for k, v in f.items() if k not in _OWN_FIELD_KEYS})
            )
            for f in fields
        ),
        templates=tuple(
            CardTemplate(
                _text(t.get("name", ""), "template name"),
                _text(t.get("qfmt", ""), "question format"),
                _text(t.get("afmt", ""), "answer format"),
                _dump({k: v for k, v in t.items() if k not in _OWN_TEMPLATE_KEYS}),
            )
            for t in templates
        ),
        css=_text(model.get("css", ""), "css"),
        sort_field=_int(model.get("sortf", 0)),
        extra=extra,
    )


def notetype_from_tables(
    notetype_id: int,
    name: str,
    config: bytes,
    fields: Iterable[tuple[str, bytes]],
    templates: Iterable[tuple[str, bytes]],
) -> NoteType:
    """A note type of the schema 15+ tables: its row, and its fields' and templates' (name, config) in order."""
    settings = parse_message(config)
    extra = _keys(settings, _NOTETYPE_CONFIG)
    requirements = [_requirement(raw) for raw in _messages(settings, 8)]
    if requirements:
        extra["req"] = requirements
    extra.update(_other(settings))
    field_defs = []
    for field_name, field_config in fields:
        parsed = parse_message(field_config)
        field_defs.append(FieldDef(field_name, _dump({**_keys(parsed, _FIELD_CONFIG), **_other(parsed)})))
    card_templates = []
    for template_name, template_config in templates:
        parsed = parse_message(template_config)
        card_templates.append(
            CardTemplate(
                template_name,
                _string(parsed, 1),
                _string(parsed, 2),
                _dump({**_keys(parsed, _TEMPLATE_CONFIG), **_other(parsed)}),
            )
        )
    return _notetype(
        notetype_id=notetype_id,
        name=name,
        is_cloze=_number(settings, 1) == CLOZE_TYPE,
        fields=tuple(field_defs),
        templates=tuple(card_templates),
        css=_string(settings, 3),
        sort_field=_number(settings, 2),
        extra=extra,
    )


def _notetype(
    *,
    notetype_id: int,
    name: str,
    is_cloze: bool,
    fields: tuple[FieldDef, ...],
    templates: tuple[CardTemplate, ...],
    css: str,
    sort_field: int,
    extra: dict[str, Any],
) -> NoteType:
    if not fields:
        raise ValueError(f"note type {name!r} has no fields")
    if not templates:
        raise ValueError(f"note type {name!r} has no card templates")
    stock_kind = extra.get("originalStockKind")
    stock_kind = stock_kind if isinstance(stock_kind, int) else 0
    if stock_kind == IMAGE_OCCLUSION_STOCK_KIND:
        kind = NotetypeKind.IMAGE_OCCLUSION
    else:
        kind = NotetypeKind.CLOZE if is_cloze else NotetypeKind.STANDARD
    return NoteType(
        id=notetype_id,
        name=name,
        kind=kind,
        fields=fields,
        templates=templates,
        css=css,
        sort_field=sort_field if 0 <= sort_field < len(fields) else 0,
        extra=_dump(extra),
        stock=STOCK_KINDS.get(stock_kind),
    )


# -- JSON -----------------------------------------------------------------------------------------------


def _objects(value: object, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{what} is not a list of JSON objects")
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise ValueError(f"{value!r} is not a number")
    return int(value)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"the {what} is not text")
    return value


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else "{}"


# -- protobuf -------------------------------------------------------------------------------------------


def _last(fields: list[WireField], number: int) -> WireField | None:
    found = None
    for wire_field in fields:
        if wire_field.number == number:
            found = wire_field
    return found


def _number(fields: list[WireField], number: int) -> int:
    found = _last(fields, number)
    if found is None:
        return 0
    if not isinstance(found.value, int):
        raise ValueError(f"field {number} should be a number")
    return found.value


def _signed(value: int) -> int:
    """An ``int64`` from its varint (negative numbers take all 64 bits)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _string(fields: list[WireField], number: int) -> str:
    found = _last(fields, number)
    if found is None:
        return ""
    if not isinstance(found.value, bytes):
        raise ValueError(f"field {number} should be text")
    return found.value.decode("utf-8")  # UnicodeDecodeError is a ValueError


def _keys(fields: list[WireField], table: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """The schema 11 keys of a config message: every key, with its default when the message leaves it out."""
    found: dict[str, Any] = {}
    for number, (key, reader) in table.items():
        present = _last(fields, number)
        if present is None:
            if reader != "opt_int":
                found[key] = _DEFAULTS[reader]
        elif reader == "text":
            found[key] = _string(fields, number)
        elif reader == "bool":
            found[key] = bool(_number(fields, number))
        elif reader == "deck":
            deck = _signed(_number(fields, number))
            found[key] = deck or None
        elif reader == "opt_int":
            found[key] = _signed(_number(fields, number))
        else:
            found[key] = _number(fields, number)
    return found


def _messages(fields: list[WireField], number: int) -> list[bytes]:
    values = []
    for wire_field in fields:
        if wire_field.number == number:
            if not isinstance(wire_field.value, bytes):
                raise ValueError(f"field {number} should be a message")
            values.append(wire_field.value)
    return values


def _requirement(raw: bytes) -> list[Any]:
    """A ``CardRequirement`` as schema 11 writes it: ``[card ord, "any"|"all"|"none", [field ords]]``."""
    fields = parse_message(raw)
    ords: list[int] = []
    for wire_field in fields:
        if wire_field.number != 3:
            continue
        if isinstance(wire_field.value, int):
            ords.append(wire_field.value)
        else:  # packed: a run of varints
            pos = 0
            while pos < len(wire_field.value):
                value, pos = read_varint(wire_field.value, pos)
                ords.append(value)
    return [_number(fields, 1), _REQUIREMENT_KINDS.get(_number(fields, 2), "none"), ords]


def _other(fields: list[WireField]) -> dict[str, Any]:
    """Field 255 (``other``): the JSON of keys Anki itself does not know, kept by it for add-ons."""
    found = _last(fields, 255)
    if found is None or not isinstance(found.value, bytes) or not found.value.strip():
        return {}
    try:
        value = json.loads(found.value)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
