"""Which media files a text refers to: a note's field, a card template, or a note type's styling.

One pure function for every reader that needs the answer (the package exporter, Check Collection, the
importers): a file counts as used when it is named by

- Anki's sound tag ``[sound:name.mp3]``;
- a ``src`` (or ``<object data>``) attribute of any element: ``<img>``, ``<audio>``, ``<video>``, ``<source>``,
  ``<script src="_lib.js">`` in a template...;
- CSS ``url(...)`` or ``@import "..."`` in styling or in a ``style`` attribute (``_font.woff`` of a template).

The text is read as it is (not sanitized first): a template's ``<script src="_x.js">`` names a file the
note type ships even though studyapp never runs it. Remote or inline sources (``http:``, ``data:``, ``//host``)
and names with a folder are not media files and are left out. Entities are decoded (``a&amp;b.png`` is the
file ``a&b.png``); a name with ``%xx`` escapes is also given decoded, as Anki stores some of them so.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

_SOUND = re.compile(r"\[sound:([^\[\]]+?)\]")
_SRC = re.compile(r"""<[a-z][^>]*?\s(?:src|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']+))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_NOT_A_FILE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # http:, data:, file:, //host


def media_references(text: str) -> set[str]:
    """The media file names ``text`` refers to (see the module's docstring); an empty set for none."""
    if not text or (
        "[sound:" not in text and "=" not in text and "url(" not in text.lower() and "@import" not in text.lower()
    ):
        return set()  # most fields name no file: skip the regular expressions
    found: set[str] = set()
    for name in _SOUND.findall(text):
        _add(found, name)
    for pattern in (_SRC, _CSS_URL, _CSS_IMPORT):
        for groups in pattern.findall(text):
            _add(found, next((group for group in groups if group), ""))
    return found


def _add(found: set[str], raw: str) -> None:
    name = unescape(raw).strip()
    if not name or _NOT_A_FILE.match(name):
        return
    for candidate in (name, unquote(name)) if "%" in name else (name,):
        if "/" not in candidate and "\\" not in candidate and candidate not in {".", ".."} and "\x00" not in candidate:
            found.add(candidate)
