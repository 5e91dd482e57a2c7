"""Cloze deletions: ``{{c1::answer}}`` and ``{{c1::answer::hint}}``. A note with c1 and c2 gives two cards.

The question shows ``[...]`` (or ``[hint]``) where the active cloze is and the other clozes' answers as
plain text; the answer shows the active cloze's text highlighted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

# Non-greedy, across lines: the answer runs to the first "::" (hint) or "}}".
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in ``text``, ascending (``c1`` -> 1). Card ord = number - 1."""
    return sorted({int(match.group(1)) for match in CLOZE.finditer(text) if int(match.group(1)) > 0})


def _render(text: str, is_html: bool, replace: Callable[[re.Match[str], bool], str], number: int) -> str:
    escape = (lambda part: part) if is_html else html.escape
    parts: list[str] = []
    position = 0
    for match in CLOZE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(replace(match, int(match.group(1)) == number))
        position = match.end()
    parts.append(escape(text[position:]))
    result = "".join(parts)
    return result if is_html else result.replace("\n", "<br>")


def cloze_question(text: str, number: int, is_html: bool = False) -> str:
    """HTML of the question side of cloze ``number``."""
    escape = (lambda part: part) if is_html else html.escape

    def replace(match: re.Match[str], active: bool) -> str:
        if not active:
            return escape(match.group(2))
        hint = match.group(3)
        return f'<span class="cloze">[{escape(hint) if hint else "..."}]</span>'

    return _render(text, is_html, replace, number)


def cloze_answer(text: str, number: int, is_html: bool = False) -> str:
    """HTML of the answer side of cloze ``number``: the full text, the active cloze highlighted."""
    escape = (lambda part: part) if is_html else html.escape

    def replace(match: re.Match[str], active: bool) -> str:
        answer = escape(match.group(2))
        return f'<span class="cloze">{answer}</span>' if active else answer

    return _render(text, is_html, replace, number)
