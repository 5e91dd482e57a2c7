"""Note types to and from rows of the ``notetypes`` table (fields and templates as JSON text)."""

from __future__ import annotations

import json
from typing import Any

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind

COLUMNS = "id, name, kind, fields, templates, css, sort_field, extra, stock"


def notetype_row(notetype: NoteType, now_ms: int) -> dict[str, Any]:
    return {
        "id": notetype.id,
        "name": notetype.name,
        "kind": notetype.kind.value,
        "fields": json.dumps([[f.name, f.extra] for f in notetype.fields], ensure_ascii=False),
        "templates": json.dumps(
            [[t.name, t.question, t.answer, t.extra] for t in notetype.templates], ensure_ascii=False
        ),
        "css": notetype.css,
        "sort_field": notetype.sort_field,
        "extra": notetype.extra,
        "stock": notetype.stock,
        "created_at": now_ms,
        "modified_at": now_ms,
    }


def notetype_of(row: tuple[Any, ...]) -> NoteType:
    """The note type of a row of ``SELECT {COLUMNS}``."""
    notetype_id, name, kind, fields, templates, css, sort_field, extra, stock = row
    return NoteType(
        id=int(notetype_id),
        name=str(name),
        kind=NotetypeKind(kind),
        fields=tuple(FieldDef(str(n), str(x)) for n, x in json.loads(fields)),
        templates=tuple(CardTemplate(str(n), str(q), str(a), str(x)) for n, q, a, x in json.loads(templates)),
        css=str(css),
        sort_field=int(sort_field),
        extra=str(extra),
        stock=stock,
    )
