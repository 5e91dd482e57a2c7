"""Maths in a card face: MathJax ``\\(…\\)``, ``\\[…\\]``; Anki's ``[$]…[/$]``, ``[$$]…[/$$]``, ``[latex]…[/latex]``.

Each formula in a face's (sanitized) HTML becomes an image reference in the ``math:`` scheme that carries
all the view needs to draw it, so the transform is stateless: ``<img src="math:inline,<percent-encoded TeX>">``
(``display`` for ``\\[`` and ``[$$]``, on a centred line of its own; ``text`` for a ``[latex]`` body, which is
LaTeX text mode with ``$…$`` inside). The sanitizer drops every ``math:`` source a card brings itself, so only
this transform makes them.

The TeX arrives as HTML: its markup is removed (``<br>`` is a space), entities are unescaped (``&lt;``,
``&amp;`` of a matrix), and a cloze inside a formula becomes a coloured group, as Anki renders it (the
question shows ``[...]`` or the hint inside the formula, the answer the deleted text) with the highlight
kept: ``{\\color{cloze}…}``, whose colour the view chooses (``CLOZE_COLOR``).

A delimiter preceded by a backslash (``\\\\(``, a TeX line break and a parenthesis) opens nothing; an opening
without its closing within ``MAX_FORMULA`` characters (unterminated, or too long) stays text, as does an empty
formula. Delimiters nest in nothing: the first closing ends a formula.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from urllib.parse import quote, unquote

SCHEME = "math"
MAX_FORMULA = 2_000  # characters of a formula's HTML, delimiters aside; longer stays text
INLINE, DISPLAY, TEXT = "inline", "display", "text"
MODES = (INLINE, DISPLAY, TEXT)
CLOZE_COLOR = "cloze"  # the colour name of a cloze inside a formula: the view puts its highlight colour there

_OPENING = re.compile(r"\\\(|\\\[|\[\$\$\]|\[\$\]|\[latex\]", re.IGNORECASE)
_CLOSING = {
    "\\(": (re.compile(r"\\\)"), INLINE),
    "\\[": (re.compile(r"\\\]"), DISPLAY),
    "[$$]": (re.compile(r"\[/\$\$\]"), DISPLAY),
    "[$]": (re.compile(r"\[/\$\]"), INLINE),
    "[latex]": (re.compile(r"\[/latex\]", re.IGNORECASE), TEXT),
}
_ESCAPABLE = ("\\(", "\\[")  # MathJax's delimiters: a backslash before them makes them text
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ANY_TAG = re.compile(r"<[^>]*>?")
_UNSEARCHED: re.Match[str] | None = re.match("", "")  # a marker: this kind of closing not looked for yet
_CLOZE_CLASS = re.compile(r"""\bclass\s*=\s*["']?cloze\b""", re.IGNORECASE)
_BREAKING = {"br", "p", "div", "li", "tr", "hr"}


def has_maths(face_html: str) -> bool:
    """Whether ``face_html`` may hold a formula (cheap: a delimiter is there)."""
    return _OPENING.search(face_html) is not None


def _backslashes_before(text: str, position: int, start: int = 0) -> int:
    count = 0
    while position - count - 1 >= start and text[position - count - 1] == "\\":
        count += 1
    return count


def _tag_spans(text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for tag in _ANY_TAG.finditer(text):
        starts.append(tag.start())
        ends.append(tag.end())
    return starts, ends


def _inside_tag(spans: tuple[list[int], list[int]], position: int) -> bool:
    index = bisect_right(spans[0], position) - 1
    return index >= 0 and spans[1][index] > position


def _closing(
    face: str, opening: str, body_start: int, next_found: dict[str, re.Match[str] | None]
) -> tuple[int, int] | None:
    """Where the formula opened by ``opening`` ends: (body end, after the closing), within ``MAX_FORMULA``.

    ``next_found`` remembers each kind's next closing, so that many openings cost one pass over the face.
    """
    pattern, _mode = _CLOSING[opening]
    found = next_found.get(opening, _UNSEARCHED)
    if found is _UNSEARCHED or found is not None and found.start() < body_start:
        found = next_found[opening] = pattern.search(face, body_start)
    while found is not None and found.start() - body_start <= MAX_FORMULA:
        if opening in _ESCAPABLE and _backslashes_before(face, found.start(), body_start) % 2:
            found = next_found[opening] = pattern.search(face, found.start() + 1)  # ``\\)``: not the end
            continue
        return found.start(), found.end()
    return None


def tex_source(body_html: str) -> str:
    """A formula's TeX from its HTML: markup removed, entities unescaped, clozes as coloured groups."""
    parts: list[str] = []
    spans: list[bool] = []  # the open spans inside the formula: True for a cloze
    position = 0
    for tag in _TAG.finditer(body_html):
        parts.append(body_html[position : tag.start()])
        position = tag.end()
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name == "span" and not closing:
            cloze = _CLOZE_CLASS.search(attributes) is not None
            spans.append(cloze)
            if cloze:
                parts.append(f"{{\\color{{{CLOZE_COLOR}}}")
        elif name == "span":
            if spans and spans.pop():
                parts.append("}")
        elif name in _BREAKING:
            parts.append("\n")
    parts.append(body_html[position:])
    parts.extend("}" for cloze in spans if cloze)
    tex = html.unescape("".join(parts)).replace("\xa0", " ").replace("\u200b", "")
    return tex.strip()


def math_src(mode: str, tex: str) -> str:
    """The image source that carries a formula: ``math:<mode>,<percent-encoded TeX>``."""
    return f"{SCHEME}:{mode},{quote(tex, safe='')}"


def parse_math_src(src: str) -> tuple[str, str] | None:
    """(mode, TeX) of a ``math:`` image source, or ``None`` if it is not one."""
    scheme, colon, rest = src.partition(":")
    mode, comma, encoded = rest.partition(",")
    if not colon or not comma or scheme.lower() != SCHEME or mode not in MODES:
        return None
    return mode, unquote(encoded)


def _image(mode: str, tex: str) -> str:
    src = html.escape(math_src(mode, tex), quote=True)
    if mode == DISPLAY:
        return f'<div align="center" style="margin-top: 6px; margin-bottom: 10px"><img src="{src}"></div>'
    return f'<img src="{src}" align="middle">'  # the view pads the image so its baseline is the text's


def with_maths(face_html: str) -> str:
    """``face_html`` with every formula an image reference (the same object when it holds none)."""
    if not has_maths(face_html):
        return face_html
    parts: list[str] = []
    position = 0
    search_from = 0
    spans = _tag_spans(face_html)
    next_found: dict[str, re.Match[str] | None] = {}
    while (opening := _OPENING.search(face_html, search_from)) is not None:
        start, body_start = opening.start(), opening.end()
        delimiter = opening.group(0).lower()
        search_from = body_start
        if delimiter in _ESCAPABLE and _backslashes_before(face_html, start) % 2:
            continue  # ``\\(``: a line break and a parenthesis
        if _inside_tag(spans, start):
            continue
        closing = _closing(face_html, delimiter, body_start, next_found)
        if closing is None:
            continue
        body_end, end = closing
        tex = tex_source(face_html[body_start:body_end])
        if not tex:
            continue
        parts.append(face_html[position:start])
        parts.append(_image(_CLOSING[delimiter][1], tex))
        position = search_from = end
    if not parts:
        return face_html
    parts.append(face_html[position:])
    return "".join(parts)
