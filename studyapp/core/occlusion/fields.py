"""Where an image occlusion note type keeps its occlusions, image, header and back extra.

Anki tags each field of its image occlusion note type (the field's ``tag``: 0 occlusions, 1 image, 2 header,
3 back extra, 4 comments) and falls back to the first four fields in that order when the tags are missing.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

_TAGS = {0: "occlusion", 1: "image", 2: "header", 3: "back_extra", 4: "comments"}
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)


@dataclass(frozen=True)
class IoFields:
    occlusion: int = 0
    image: int = 1
    header: int = 2
    back_extra: int = 3
    comments: int | None = 4


def io_fields(field_extras: tuple[str, ...] | list[str]) -> IoFields:
    """The field indexes from the fields' ``extra`` JSON (Anki's ``tag``); Anki's order when they are not all tagged."""
    found: dict[str, int] = {}
    for index, extra in enumerate(field_extras):
        try:
            tag = json.loads(extra or "{}").get("tag")
        except (ValueError, AttributeError):
            tag = None
        if isinstance(tag, int) and tag in _TAGS and _TAGS[tag] not in found:
            found[_TAGS[tag]] = index
    if all(name in found for name in ("occlusion", "image", "header", "back_extra")):
        return IoFields(found["occlusion"], found["image"], found["header"], found["back_extra"], found.get("comments"))
    count = len(field_extras)
    return IoFields(comments=4 if count > 4 else None)


def image_name(field_html: str) -> str | None:
    """The first ``<img src=...>`` of a field (the image occlusion picture), HTML entities decoded."""
    match = _IMG_SRC.search(field_html or "")
    if not match:
        return None
    name = html.unescape(next(group for group in match.groups() if group is not None)).strip()
    return name or None


def unreadable_occlusions(file_name: str, notes: list[tuple[str, tuple[str, ...]]],
                          field_extras: dict[str, tuple[str, ...]]) -> list[str]:  # fmt: skip
    """One warning line per image occlusion note type whose notes hold occlusions that cannot be drawn.

    ``notes``: (note type name, fields) of the notes read; ``field_extras``: each image occlusion note
    type's fields' ``extra``. The notes are kept as they are (Anki reads them the same way); the line says
    how many notes and shapes, and the first reason.
    """
    from studyapp.core.occlusion.grammar import parse

    found: dict[str, list[int | str]] = {}
    for notetype, fields in notes:
        extras = field_extras.get(notetype)
        if extras is None:
            continue
        index = io_fields(extras).occlusion
        problems = parse(fields[index] if index < len(fields) else "").problems
        if problems:
            entry = found.setdefault(notetype, [0, 0, problems[0]])
            entry[0] = int(entry[0]) + 1
            entry[1] = int(entry[1]) + len(problems)
    lines = []
    for name, (notes_count, shapes, first) in found.items():
        many, one = notes_count != 1, notes_count == 1
        lines.append(
            f"{file_name}: {notes_count:,} image occlusion note{'s' * many} of {name!r} hold{'s' * one}"
            f" {shapes:,} occlusion{'s' if shapes != 1 else ''} that cannot be drawn, kept as they are (first: {first})"
        )
    return lines
