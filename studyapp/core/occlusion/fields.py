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
