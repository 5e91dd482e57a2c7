"""How much of a card the card view lays out: a budget of text and tags per face, whatever the card holds.

Qt's text layout is slow on big or busy documents (a list of 4,000 items or 40 KB of ``<br>`` lines take
seconds; an unbroken 40,000-character token over a second). So a face is shown within a budget: a field
is read only up to ``raw_chars`` (before it is sanitized, so a 100 MB answer costs no more than a short
one), and of the sanitized face at most ``text_chars`` characters of text and ``tags`` tags are kept, cut
between tags or inside text, every element still open closed. The stored field is never touched; the
view says that part is not shown and offers the rest (``SHOW_ALL``, bounded as well).

Very long runs of text without a space get a zero-width space every ``RUN`` characters, so the layout can
wrap them at once instead of trying every possible break (quadratic in Qt: 40,000 characters take 1.2 s).
``longest_run`` finds such runs in linear time (the import warns about fields that hold one; the editor wraps
those fields anywhere), and ``shown_text`` bounds plain text shown outside the card view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    raw_chars: int  # of a field, read before sanitizing
    text_chars: int  # of text per face
    tags: int  # weighted: a tag that starts a line or a box costs more to lay out (``_WEIGHTS``)


FIRST_VIEW = Budget(raw_chars=8_000, text_chars=6_000, tags=600)
SHOW_ALL = Budget(raw_chars=1_000_000, text_chars=100_000, tags=4_000)
# Lines and blocks cost Qt more than inline tags; cells and list items most (adding an item is linear in
# the list).
_WEIGHTS = {
    "li": 4, "img": 4, "br": 2, "p": 2, "div": 2, "tr": 4, "td": 4, "th": 4, "hr": 2, "pre": 2, "blockquote": 2,
    "dt": 2, "dd": 2, "h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2, "table": 4, "ul": 2, "ol": 2, "dl": 2,
}  # fmt: skip
LONG_RUN = 1_000  # a run of text this long without a space is broken up (a long web address is not)
RUN = 10  # into pieces this long (short, so that a line of them ends near the margin)
_BREAK = "\u200b"
_VOID = {"br", "hr", "img", "wbr", "area", "base", "col", "embed", "input", "link", "meta", "param", "source", "track"}
# The tags of sanitized HTML: attribute values are always double-quoted (and may hold ``>``).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>\"]+|\"[^\"]*(?:\"|\Z))*(?:>|\Z)")
_UNIT = r"(?:&#?[a-zA-Z0-9]{1,32};|[^\s&<>\u200b])"  # a character of text, or a character reference
_LONG_RUN = re.compile(rf"{_UNIT}{{{LONG_RUN},}}")
_PIECE = re.compile(rf"{_UNIT}{{{RUN}}}(?={_UNIT})")
_OPEN_ENTITY = re.compile(r"&#?[a-zA-Z0-9]{0,32}\Z")


def head(text: str, limit: int) -> tuple[str, bool]:
    """The first ``limit`` characters of a field, and whether that is not all of it."""
    return (text, False) if len(text) <= limit else (text[:limit], True)


def cut_html(html: str, budget: Budget) -> tuple[str, bool]:
    """Sanitized ``html`` cut to the budget's text and tags, open elements closed; and whether it was cut."""
    out: list[str] = []
    stack: list[str] = []
    text_left, tags_left = budget.text_chars, budget.tags
    position = 0
    cut = False
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        if len(text) > text_left:
            piece = text[:text_left]
            out.append(piece[: _OPEN_ENTITY.search(piece).start()] if _OPEN_ENTITY.search(piece) else piece)
            cut = True
            break
        out.append(text)
        text_left -= len(text)
        position = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if closing:
            if name in stack:
                while stack.pop() != name:
                    pass
                out.append(tag.group(0))
            continue
        tags_left -= _WEIGHTS.get(name, 1)
        if tags_left < 0:
            cut = True
            break
        out.append(tag.group(0))
        if name not in _VOID:
            stack.append(name)
    else:
        rest = html[position:]
        if len(rest) > text_left:
            rest = rest[:text_left]
            rest = rest[: _OPEN_ENTITY.search(rest).start()] if _OPEN_ENTITY.search(rest) else rest
            cut = True
        out.append(rest)
    if cut:
        out.append(" …")  # where the text stops, before the elements are closed
    out.extend(f"</{name}>" for name in reversed(stack))
    return "".join(out), cut


def break_long_runs(html: str) -> str:
    """Sanitized ``html`` with a zero-width space every ``RUN`` characters of text ``LONG_RUN`` or more
    characters long without a space (never inside a tag or a character reference)."""

    def broken(run: re.Match[str]) -> str:
        return _PIECE.sub(lambda piece: piece.group(0) + _BREAK, run.group(0))

    parts: list[str] = []
    position = 0
    for tag in _TAG.finditer(html):
        parts.append(_LONG_RUN.sub(broken, html[position : tag.start()]))
        parts.append(tag.group(0))
        position = tag.end()
    parts.append(_LONG_RUN.sub(broken, html[position:]))
    return "".join(parts)


WARN_RUN = 10_000  # an import warns about a field holding a run of text this long without a space
_SHORT_RUN = 60  # a label wraps a run this short well enough by itself
_TEXT_PIECE = re.compile(rf"\S{{{RUN}}}(?=\S)")


def longest_run(text: str) -> int:
    """The length of the longest run of ``text`` without white space (markup counts: a ``data:`` address
    is a run too), in linear time."""
    return max(map(len, text.split()), default=0)


def shown_text(text: str, limit: int) -> str:
    """Plain ``text`` for a label or a tooltip: at most ``limit`` characters (an ellipsis and
    the size of the rest past that), long runs broken with zero-width spaces so that it can wrap."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters)"
    if longest_run(text) <= _SHORT_RUN:
        return text
    return _TEXT_PIECE.sub(lambda piece: piece.group(0) + _BREAK, text)
