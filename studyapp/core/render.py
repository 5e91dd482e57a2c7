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
from dataclasses import dataclass, replace

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


def card_faces(card: Card, budget: Budget | None = FIRST_VIEW, with_answer: bool = True) -> CardFaces:
    """The card's faces as safe HTML, within ``budget`` (``None``: all of it, for the terminal).

    ``with_answer=False`` leaves the answer empty (``answer_for`` adds it at the reveal), so that showing
    the question costs nothing for a long answer.
    """
    asked, told = _sides(card)
    if budget is None:
        question, revealed = _question_faces(card, asked)
        return CardFaces(question, revealed, _answer_face(card, told))
    asked, cut = head(asked, budget.raw_chars)
    question, revealed = _question_faces(card, asked)
    question, question_cut = cut_html(question, budget)
    shown_question = break_long_runs(question)
    if revealed is question:
        shown_revealed, revealed_cut = shown_question, question_cut
    else:
        revealed, revealed_cut = cut_html(revealed, budget)
        shown_revealed = break_long_runs(revealed)
    faces = CardFaces(shown_question, shown_revealed, "", cut or question_cut or revealed_cut)
    return answer_for(faces, card, budget) if with_answer else faces


def answer_for(faces: CardFaces, card: Card, budget: Budget = FIRST_VIEW) -> CardFaces:
    """``faces`` (made ``with_answer=False``) with the card's answer, within ``budget``."""
    told, cut = head(_sides(card)[1], budget.raw_chars)
    answer, answer_cut = cut_html(_answer_face(card, told), budget)
    return replace(faces, answer=break_long_runs(answer), cut=faces.cut or cut or answer_cut)


def _sides(card: Card) -> tuple[str, str]:
    """The field the card asks (a cloze's text) and the one that answers it (a cloze's extra)."""
    if card.kind is NoteKind.REVERSED and card.ord == 1:
        return card.back, card.front
    return card.front, card.back


def _question_faces(card: Card, asked: str) -> tuple[str, str]:
    """The question, and the question as shown above the answer (the same object unless a cloze)."""
    if card.kind is NoteKind.CLOZE:
        number = card.ord + 1
        question = cloze_question(asked, number, card.html)
        revealed = cloze_answer(asked, number, card.html)
        return (clean_html(question), clean_html(revealed)) if card.html else (question, revealed)
    question = field_html(asked, card.html)
    return question, question


def _answer_face(card: Card, told: str) -> str:
    if card.kind is NoteKind.CLOZE and not told.strip():
        return ""  # a cloze without extra text has no answer below a divider
    return field_html(told, card.html)


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
