"""The pictures a rendered card face shows: the ``src`` of each of its ``<img>`` tags.

The faces ``studyapp.core.text.render`` makes are sanitized HTML, so an image is always an ``<img>`` tag with a
quoted ``src``. What is listed is the address as the card view is asked for it: a media file's name, an image
occlusion card's ``occlusion:`` address or a formula's ``math:`` one (entities decoded, each once, in order).
The reviewer uses it to get the next cards' pictures ready before they are shown.
"""

from __future__ import annotations

import re
from html import unescape

_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def picture_sources(*faces: str) -> tuple[str, ...]:
    """The image addresses of ``faces`` (HTML), each once, in the order they first appear."""
    found: dict[str, None] = {}
    for face in faces:
        for groups in _IMG_SRC.findall(face):
            source = unescape(next((group for group in groups if group), "")).strip()
            if source:
                found.setdefault(source)
    return tuple(found)
