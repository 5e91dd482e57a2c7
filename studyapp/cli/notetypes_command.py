"""``studyapp notetypes [--json]``: the collection's note types with their fields, templates and counts.

The text lists each type with how many notes and cards it has, its fields in order (the sort field marked)
and its card templates; ``--json`` gives everything, the templates' formats and the styling included.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from studyapp.services.app import App
from studyapp.services.notetypes.manage import NotetypeManager, NotetypeSummary

__all__ = ["register", "notetypes_from_args"]


def register(commands: Any) -> None:
    """Add ``notetypes`` to the command line's subparsers."""
    notetypes = commands.add_parser("notetypes", help="list the note types: fields, card templates, notes and cards")
    notetypes.add_argument("--json", action="store_true", help="print every note type in full as JSON")


def notetypes_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    summaries = NotetypeManager(app.collection, app.rng, app.clock).overview()
    if args.json:
        json.dump([as_json(s) for s in summaries], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    for summary in summaries:
        out.write(as_text(summary))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' * (number != 1)}"


def as_text(summary: NotetypeSummary) -> str:
    notetype = summary.notetype
    kind = "cloze" if notetype.is_cloze else "standard"
    names = [f"{name} (sort)" if i == notetype.sort_field else name for i, name in enumerate(notetype.field_names)]
    return (
        f"{notetype.name} [{kind}]: {_count(summary.notes, 'note')}, {_count(summary.cards, 'card')}\n"
        f"  fields: {', '.join(names)}\n"
        f"  card templates: {', '.join(t.name for t in notetype.templates)}\n"
    )


def as_json(summary: NotetypeSummary) -> dict[str, Any]:
    notetype = summary.notetype
    return {
        "id": notetype.id,
        "name": notetype.name,
        "kind": notetype.kind.value,
        "stock": notetype.stock,
        "notes": summary.notes,
        "cards": summary.cards,
        "fields": list(notetype.field_names),
        "sort_field": notetype.field_names[notetype.sort_field] if notetype.fields else None,
        "templates": [{"name": t.name, "question": t.question, "answer": t.answer} for t in notetype.templates],
        "css": notetype.css,
    }
