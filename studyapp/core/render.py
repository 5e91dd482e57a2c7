"""Card text to safe HTML for display.

Plain text is escaped, so a card can never inject markup; imported HTML is sanitized again.
Web addresses become links, which the window opens in the system browser only when clicked.
Blank lines become paragraphs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from studyapp.core.cloze import cloze_answer, cloze_question
from studyapp.core.model import Card, NoteKind
from studyapp.core.plain_text import html_to_text
from studyapp.core.sanitize import clean_html

# An address runs to the first space or quote; trailing punctuation that ends the sentence, and a
# closing bracket without an opening one inside the address, are not part of it.
_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""


def _split_url(candidate: str) -> tuple[str, str]:
    """Split a matched address into the address and the punctuation after it."""
    url = candidate
    while url:
        last = url[-1]
        if last in _TRAILING or last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url, candidate[len(url) :]


def find_links(text: str) -> list[str]:
    return [_split_url(match.group(0))[0] for match in _URL.finditer(text)]


def _inline(text: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url, rest = _split_url(match.group(0))
        parts.append(html.escape(text[position : match.start()]))
        escaped = html.escape(url)
        parts.append(f'<a href="{escaped}">{escaped}</a>{html.escape(rest)}')
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\n", "<br>")


def text_to_html(text: str) -> str:
    """Escape plain card text and mark up its paragraphs and links."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{_inline(p)}</p>" for p in paragraphs)


@dataclass(frozen=True)
class CardFaces:
    """What the reviewer shows, as safe HTML.

    ``question`` before the reveal; after it, ``revealed_question`` above the divider (the question
    again, or for a cloze the completed sentence with the answer highlighted) and ``answer`` below.
    """

    question: str
    revealed_question: str
    answer: str


def field_html(text: str, is_html: bool) -> str:
    """A note field as safe HTML: imported HTML is sanitized again; plain text is escaped."""
    return clean_html(text) if is_html else text_to_html(text)


def card_faces(card: Card) -> CardFaces:
    if card.kind is NoteKind.CLOZE:
        number = card.ord + 1
        question = cloze_question(card.front, number, card.html)
        revealed = cloze_answer(card.front, number, card.html)
        if card.html:
            question, revealed = clean_html(question), clean_html(revealed)
        return CardFaces(question, revealed, field_html(card.back, card.html) if card.back.strip() else "")
    front, back = (
        (card.back, card.front) if card.kind is NoteKind.REVERSED and card.ord == 1 else (card.front, card.back)
    )
    question = field_html(front, card.html)
    return CardFaces(question, question, field_html(back, card.html))


def card_text_faces(card: Card) -> tuple[str, str]:
    """The question and the answer as plain text, for the terminal."""
    faces = card_faces(card)
    if card.kind is NoteKind.CLOZE:
        answer = html_to_text(faces.revealed_question)
        extra = html_to_text(faces.answer)
        return html_to_text(faces.question), f"{answer}\n\n{extra}" if extra else answer
    if not card.html and card.kind is NoteKind.BASIC:
        return card.front, card.back
    return html_to_text(faces.question), html_to_text(faces.answer)
