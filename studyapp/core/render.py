"""Card text to safe HTML for display.

Plain text is escaped, so a card can never inject markup; imported HTML is sanitized again.
Web addresses become links, which the window opens in the system browser only when clicked.
Blank lines become paragraphs.

What the card view is given is bounded whatever the card holds (``studyapp.core.face_budget``): a face is
built from the first part of each field and cut to a budget of text and tags; ``CardFaces.cut`` says that
part of the card is not shown, and ``card_faces(card, SHOW_ALL)`` gives more of it, bounded too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from studyapp.core.cloze import cloze_answer, cloze_question
from studyapp.core.face_budget import FIRST_VIEW, Budget, break_long_runs, cut_html, head
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
    cut: bool = False  # part of the card is not shown (its fields are longer than the budget)


def field_html(text: str, is_html: bool) -> str:
    """A note field as safe HTML: imported HTML is sanitized again; plain text is escaped."""
    return clean_html(text) if is_html else text_to_html(text)


def card_faces(card: Card, budget: Budget | None = FIRST_VIEW) -> CardFaces:
    """The card's faces as safe HTML, within ``budget`` (``None``: all of it, for the terminal)."""
    if budget is None:
        return _faces(card, card.front, card.back)
    front, front_cut = head(card.front, budget.raw_chars)
    back, back_cut = head(card.back, budget.raw_chars)
    faces = _faces(card, front, back)
    question, question_cut = cut_html(faces.question, budget)
    shown_question = break_long_runs(question)
    if faces.revealed_question is faces.question:
        shown_revealed, revealed_cut = shown_question, question_cut
    else:
        revealed, revealed_cut = cut_html(faces.revealed_question, budget)
        shown_revealed = break_long_runs(revealed)
    answer, answer_cut = cut_html(faces.answer, budget)
    cut = front_cut or back_cut or question_cut or revealed_cut or answer_cut
    return CardFaces(shown_question, shown_revealed, break_long_runs(answer), cut)


def _faces(card: Card, front_text: str, back_text: str) -> CardFaces:
    if card.kind is NoteKind.CLOZE:
        number = card.ord + 1
        question = cloze_question(front_text, number, card.html)
        revealed = cloze_answer(front_text, number, card.html)
        if card.html:
            question, revealed = clean_html(question), clean_html(revealed)
        return CardFaces(question, revealed, field_html(back_text, card.html) if back_text.strip() else "")
    front, back = (
        (back_text, front_text) if card.kind is NoteKind.REVERSED and card.ord == 1 else (front_text, back_text)
    )
    question = field_html(front, card.html)
    return CardFaces(question, question, field_html(back, card.html))


def card_text_faces(card: Card) -> tuple[str, str]:
    """The question and the answer as plain text, for the terminal."""
    faces = card_faces(card, budget=None)
    if card.kind is NoteKind.CLOZE:
        answer = html_to_text(faces.revealed_question)
        extra = html_to_text(faces.answer)
        return html_to_text(faces.question), f"{answer}\n\n{extra}" if extra else answer
    if not card.html and card.kind is NoteKind.BASIC:
        return card.front, card.back
    return html_to_text(faces.question), html_to_text(faces.answer)
