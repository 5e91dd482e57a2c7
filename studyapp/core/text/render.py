"""Card text to safe HTML for display, through the card's note type templates.

A card's faces are its template's question and answer formats rendered (``studyapp.core.notetypes.template``)
with the note's fields; a card without a note type is a note of the stock type of its ``kind``. Plain text is
escaped, so a card can never inject markup; HTML fields and template text are sanitized again. Web
addresses in plain text become links, which the window opens in the system browser only when clicked.
Blank lines become paragraphs.

What the card view is given is bounded whatever the card holds (``studyapp.core.text.face_budget``): a face is
built from the first part of each field and cut to a budget of text and tags; ``CardFaces.cut`` says that
part of the card is not shown, and ``card_faces(card, SHOW_ALL)`` gives more of it, bounded too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from studyapp.core.model import Card, NoteKind
from studyapp.core.notetypes.model import BASIC, BASIC_REVERSED, CLOZE, STOCK, NoteType, NotetypeKind, stock_type
from studyapp.core.notetypes.template import (
    NoteContext,
    Rendered,
    find_links,
    render_format,
    render_nodes,
    safe,
    template_for,
    text_to_html,
)
from studyapp.core.notetypes.template_parse import Node, error_html, parse_template, shown_fields
from studyapp.core.occlusion.faces import addon_layout, native_faces
from studyapp.core.occlusion.faces import with_addon_overlay as addon_overlay
from studyapp.core.text.face_budget import FIRST_VIEW, Budget, break_long_runs, cut_html, head
from studyapp.core.text.maths import with_maths
from studyapp.core.text.plain_text import html_to_text
from studyapp.core.text.sanitize import clean_html
from studyapp.core.text.sound_tags import show_tts_text, with_play_buttons, without_once

__all__ = [
    "CardFaces", "answer_for", "card_faces", "card_text_faces", "field_html", "find_links", "notetype_of",
    "template_for", "text_to_html",
]  # fmt: skip


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
    # Audio (``core.text.sound_tags``), in the faces laid out within a budget: the file of each play button
    # (``href="sound:N"``), what plays when the question is shown, and what plays at the reveal (the answer's
    # own sounds, not the question's again).
    sounds: tuple[str, ...] = ()
    question_sounds: tuple[str, ...] = ()
    answer_sounds: tuple[str, ...] = ()


def field_html(text: str, is_html: bool) -> str:
    """A note field as safe HTML: imported HTML is sanitized again; plain text is escaped."""
    return clean_html(text) if is_html else text_to_html(text)


_STOCK_OF_KIND = {NoteKind.BASIC: BASIC, NoteKind.REVERSED: BASIC_REVERSED, NoteKind.CLOZE: CLOZE}
_STOCK_TYPES = {kind: stock_type(key, 0) for kind, key in _STOCK_OF_KIND.items()}


def notetype_of(card: Card) -> NoteType:
    """The card's note type: its own, or the stock type of its ``kind``."""
    return card.notetype or _STOCK_TYPES[card.kind]


def _context(card: Card, raw_chars: int | None) -> tuple[NoteContext, frozenset[str]]:
    """The card's note as a template context, each field read up to ``raw_chars``; the fields cut short."""
    notetype = notetype_of(card)
    fields = card.all_fields
    cut: set[str] = set()
    if raw_chars is not None:
        heads = []
        for name, value in zip(notetype.field_names, fields, strict=False):
            value, was_cut = head(value, raw_chars)
            heads.append(value)
            if was_cut:
                cut.add(name)
        fields = (*heads, *fields[len(heads) :])
    context = NoteContext(notetype, tuple(fields), card.html, card.ord, card.tags, card.deck_name, card.id)
    return context, frozenset(cut)


_ANSWER_RULE = re.compile(r"<hr\b[^>]*\bid\s*=\s*[\"']?answer\b[^>]*>", re.IGNORECASE)
_LEADING_BREAKS = re.compile(r"\A(?:\s|<br\s*/?>)+", re.IGNORECASE)


@dataclass(frozen=True)
class _AnswerParts:
    revealed: tuple[Node, ...] | None  # what is shown above the divider (None: nothing, the answer replaces it)
    answer: tuple[Node, ...]

    @cached_property
    def revealed_is_question(self) -> bool:
        """The part above the divider is ``{{FrontSide}}`` and white space: the question as it is."""
        return (
            self.revealed is not None
            and all(
                node[0] == "text" and not node[1].strip() or node[0] == "field" and node[1] == "FrontSide"
                for node in self.revealed
            )
            and sum(node[0] == "field" for node in self.revealed) == 1
        )

    @cached_property
    def answer_shows_question(self) -> bool:
        return any(node[0] == "field" and node[1] == "FrontSide" for node in _all_nodes(self.answer))


def _all_nodes(nodes: tuple[Node, ...]) -> list[Node]:
    found: list[Node] = []
    stack = [nodes]
    while stack:
        for node in stack.pop():
            found.append(node)
            if node[0] == "section":
                stack.append(node[3])
    return found


@lru_cache(maxsize=256)
def _answer_parts(question_format: str, answer_format: str) -> _AnswerParts:
    """The answer format split where the question ends: at ``<hr id=answer>``, else after a leading
    ``{{FrontSide}}`` or a copy of the question format (Cloze: ``{{cloze:Text}}<br>{{Back Extra}}``)."""
    nodes = parse_template(answer_format).nodes
    for index, node in enumerate(nodes):
        if node[0] == "text" and (rule := _ANSWER_RULE.search(node[1])):
            before = (*nodes[:index], ("text", node[1][: rule.start()]))
            return _AnswerParts(before, (("text", node[1][rule.end() :]), *nodes[index + 1 :]))
    question = parse_template(question_format).nodes
    if question and nodes[: len(question)] == question:
        return _AnswerParts(question, nodes[len(question) :])
    if nodes and nodes[0][0] == "field" and nodes[0][1] == "FrontSide":
        return _AnswerParts(nodes[:1], nodes[1:])
    return _AnswerParts(None, nodes)


_NO_QUESTION = Rendered("", True)


def _trim(face: str) -> str:
    return _LEADING_BREAKS.sub("", face).rstrip()


def _cut_in(context: NoteContext, cut: frozenset[str], *formats: str) -> bool:
    return bool(cut) and any(cut & shown_fields(fmt) for fmt in formats)


def card_faces(card: Card, budget: Budget | None = FIRST_VIEW, with_answer: bool = True) -> CardFaces:
    """The card's faces as safe HTML, within ``budget`` (``None``: all of it, for the terminal).

    ``with_answer=False`` leaves the answer empty (``answer_for`` adds it at the reveal), so that showing
    the question costs nothing for a long answer.
    """
    context, cut = _context(card, None if budget is None else budget.raw_chars)
    template = context.template
    if template is None:
        return _missing_template(card)
    if context.notetype.kind is NotetypeKind.IMAGE_OCCLUSION:
        return _occlusion_faces(card, budget, with_answer)
    asked = render_format(template.question, context)
    parts = _answer_parts(template.question, template.answer)
    question = with_addon_overlay(_trim(safe(asked)), template.question, context)
    if parts.revealed is None:
        revealed = ""
    elif parts.revealed_is_question:
        revealed = question
    else:
        revealed = _trim(safe(render_nodes(parts.revealed, context, asked)))
        revealed = with_addon_overlay(revealed, template.answer, context)
        revealed = question if revealed == question else revealed
    if budget is None:
        answer = show_tts_text(_answer_face(context, asked, parts))
        return CardFaces(show_tts_text(question), show_tts_text(revealed), answer)
    question_cut = _cut_in(context, cut, template.question)
    same = revealed is question
    question, question_html_cut = cut_html(with_maths(question), budget)  # formulas as images, never cut
    question, question_sounds = with_play_buttons(show_tts_text(question))
    shown_question = break_long_runs(question)
    revealed_sounds: tuple[str, ...] = ()
    if same:
        shown_revealed, revealed_cut = shown_question, question_html_cut
    else:
        revealed, revealed_cut = cut_html(with_maths(revealed), budget)
        revealed, revealed_sounds = with_play_buttons(show_tts_text(revealed), len(question_sounds))
        shown_revealed = break_long_runs(revealed)
    faces = CardFaces(
        shown_question, shown_revealed, "", question_cut or question_html_cut or revealed_cut,
        sounds=question_sounds + revealed_sounds, question_sounds=question_sounds,
    )  # fmt: skip
    return answer_for(faces, card, budget) if with_answer else faces


def answer_for(faces: CardFaces, card: Card, budget: Budget = FIRST_VIEW) -> CardFaces:
    """``faces`` (made ``with_answer=False``) with the card's answer, within ``budget``."""
    context, cut = _context(card, budget.raw_chars)
    template = context.template
    if template is None:
        return _missing_template(card)
    if context.notetype.kind is NotetypeKind.IMAGE_OCCLUSION:
        return replace(faces, answer=_occlusion_faces(card, budget, True).answer)
    parts = _answer_parts(template.question, template.answer)
    # The answer side without {{FrontSide}} (once split) needs no question: an empty one marks the side.
    asked = render_format(template.question, context) if parts.answer_shows_question else _NO_QUESTION
    answer, answer_cut = cut_html(with_maths(_answer_face(context, asked, parts)), budget)
    answer, answer_sounds = with_play_buttons(show_tts_text(answer), len(faces.sounds))
    # The question inside the answer ({{FrontSide}} below the divider) does not play again.
    own = without_once(answer_sounds, faces.question_sounds) if parts.answer_shows_question else answer_sounds
    fields_cut = _cut_in(context, cut, template.question, template.answer)
    return replace(
        faces, answer=break_long_runs(answer), cut=faces.cut or fields_cut or answer_cut,
        sounds=faces.sounds + answer_sounds, answer_sounds=own,
    )  # fmt: skip


def _answer_face(context: NoteContext, asked: Rendered, parts: _AnswerParts) -> str:
    face = _trim(safe(render_nodes(parts.answer, context, asked)))
    return with_addon_overlay(face, context.template.answer, context) if context.template else face


def with_addon_overlay(face: str, template_format: str, context: NoteContext) -> str:
    """An "Image Occlusion Enhanced" face with its mask over the picture (``core.occlusion.faces``)."""
    if addon_layout(template_format) is None:
        return face
    return addon_overlay(face, template_format, dict(zip(context.notetype.field_names, context.fields, strict=False)))


def _occlusion_faces(card: Card, budget: Budget | None, with_answer: bool) -> CardFaces:
    """A native image occlusion card: the header, the picture with its masks (one ``occlusion:`` image), and
    below the divider the back extra."""
    notetype = notetype_of(card)
    extras = tuple(f.extra for f in notetype.fields)
    raw = None if budget is None else budget.raw_chars
    faces = native_faces(card.all_fields, extras, card.ord + 1, lambda text: field_html(text, card.html), raw)
    answer = faces.answer if with_answer or budget is None else ""
    return CardFaces(faces.question, faces.revealed, answer)


def _missing_template(card: Card) -> CardFaces:
    message = error_html(f"{notetype_of(card).name} has no card {card.ord + 1}")
    return CardFaces(message, message, "")


_HINT = re.compile(r"<details><summary>(.*?)</summary>(.*?)</details>", re.DOTALL)


def _text(face: str) -> str:
    """A face as plain text; a hint (shown in the terminal at once) reads ``Hint: text``."""
    return html_to_text(_HINT.sub(r"<br>\1: \2<br>", face) if "<details>" in face else face)


def card_text_faces(card: Card) -> tuple[str, str]:
    """The question and the answer as plain text, for the terminal."""
    notetype = notetype_of(card)
    if not card.html and notetype.stock == BASIC and notetype.templates == STOCK[BASIC].templates:
        return card.front, card.back
    faces = card_faces(card, budget=None)
    question = _text(faces.question)
    answer = _text(faces.answer)
    revealed = _text(faces.revealed_question) if faces.revealed_question else ""
    if revealed and revealed != question:  # (a cloze's completed text; not the question again, a typing box aside)
        return question, f"{revealed}\n\n{answer}" if answer else revealed
    return question, answer
