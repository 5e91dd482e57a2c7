"""Cloze deletions: ``{{c1::answer}}`` and ``{{c1::answer::hint}}``. A note with c1 and c2 gives two cards.

The question shows ``[...]`` (or ``[hint]``) where the active cloze is and the other clozes' answers as
plain text; the answer shows the active cloze's text highlighted.

Read as Anki reads them: ``{{c1,2::x}}`` belongs to cards 1 and 2, clozes nest (``{{c1::a {{c2::b}}}}``,
at most 10 deep; deeper openings are ignored), ``c0`` is no card. A cloze left open shows as the text it is.
Parsing is one pass over the text with an explicit stack.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# The simple form, for callers that only need a rough match (answer matching strips clozes with it).
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_TOKEN = re.compile(r"\{\{c([\d,]*)::|\}\}")
MAX_NESTING = 10


@dataclass
class _Cloze:
    ordinals: frozenset[int]
    opening: str  # the source text that opened it (shown as text if it is never closed)
    nodes: list[str | _Cloze] = field(default_factory=list)
    hint: str | None = None


def _parse(text: str) -> list[str | _Cloze]:
    output: list[str | _Cloze] = []
    open_clozes: list[_Cloze] = []

    def add_text(piece: str) -> None:
        if not piece:
            return
        if open_clozes:
            cloze = open_clozes[-1]
            head, separator, tail = piece.partition("::")
            if separator:
                piece, cloze.hint = head, tail
            cloze.nodes.append(piece)
        else:
            output.append(piece)

    position = 0
    for match in _TOKEN.finditer(text):
        add_text(text[position : match.start()])
        position = match.end()
        if match.group(0) == "}}":
            if open_clozes:
                cloze = open_clozes.pop()
                (open_clozes[-1].nodes if open_clozes else output).append(cloze)
            else:
                add_text("}}")
            continue
        ordinals = frozenset(int(part) for part in match.group(1).split(",") if part)
        if not ordinals:
            add_text(match.group(0))
        elif len(open_clozes) < MAX_NESTING:
            open_clozes.append(_Cloze(ordinals, match.group(0)))
    add_text(text[position:])
    while open_clozes:  # never closed: its opening and content are text again
        cloze = open_clozes.pop()
        hint = f"::{cloze.hint}" if cloze.hint is not None else ""
        spliced: list[str | _Cloze] = [cloze.opening, *cloze.nodes]
        if hint:
            spliced.append(hint)
        (open_clozes[-1].nodes if open_clozes else output).extend(spliced)
    return output


def _walk(nodes: list[str | _Cloze], found: list[_Cloze] | None = None) -> list[_Cloze]:
    """Every cloze in text order (recursion is bounded: clozes nest at most ``MAX_NESTING`` deep)."""
    found = [] if found is None else found
    for node in nodes:
        if isinstance(node, _Cloze):
            found.append(node)
            _walk(node.nodes, found)
    return found


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in ``text``, ascending (``c1`` -> 1). Card ord = number - 1."""
    if "{{c" not in text:
        return []
    return sorted({number for cloze in _walk(_parse(text)) for number in cloze.ordinals if number > 0})


def _plain_text(nodes: list[str | _Cloze]) -> str:
    parts: list[str] = []
    stack: list[list[str | _Cloze]] = [list(reversed(nodes))]
    while stack:
        if not stack[-1]:
            stack.pop()
            continue
        node = stack[-1].pop()
        if isinstance(node, _Cloze):
            stack.append(list(reversed(node.nodes)))
        else:
            parts.append(node)
    return "".join(parts)


def _render(text: str, number: int, is_html: bool, question: bool) -> str:
    escape = (lambda part: part) if is_html else html.escape
    parts: list[str] = []
    # A stack of node lists still to render (reversed, popped from the end) and what closes each.
    stack: list[tuple[list[str | _Cloze], str]] = [(list(reversed(_parse(text))), "")]
    while stack:
        nodes, closing = stack[-1]
        if not nodes:
            stack.pop()
            parts.append(closing)
            continue
        node = nodes.pop()
        if not isinstance(node, _Cloze):
            parts.append(escape(node))
        elif number not in node.ordinals:
            stack.append((list(reversed(node.nodes)), ""))
        elif question:
            parts.append(f'<span class="cloze">[{escape(node.hint) if node.hint else "..."}]</span>')
        else:
            parts.append('<span class="cloze">')
            stack.append((list(reversed(node.nodes)), "</span>"))
    result = "".join(parts)
    return result if is_html else result.replace("\n", "<br>")


def cloze_question(text: str, number: int, is_html: bool = False) -> str:
    """HTML of the question side of cloze ``number``."""
    return _render(text, number, is_html, question=True)


def cloze_answer(text: str, number: int, is_html: bool = False) -> str:
    """HTML of the answer side of cloze ``number``: the full text, the active cloze highlighted."""
    return _render(text, number, is_html, question=False)


def active_clozes(text: str, number: int, question: bool) -> list[str]:
    """The active clozes of card ``number``: their hints (``...`` without) on the question, else their text."""
    if "{{c" not in text:
        return []
    found = [cloze for cloze in _walk(_parse(text)) if number in cloze.ordinals]
    return [(cloze.hint or "...") if question else _plain_text(cloze.nodes) for cloze in found]
