"""Anki's template language rendered to HTML: pure functions, no Qt, no scripts.

A card template's question and answer formats hold ``{{Field}}`` replacements, ``{{#Field}}…{{/Field}}``
and ``{{^Field}}…{{/Field}}`` sections (shown when the field has text / has none), filters chained right to
left (``{{text:hint:Field}}``: ``hint`` first), and the special fields ``{{FrontSide}}`` (on the answer: the
rendered question), ``{{Tags}}``, ``{{Deck}}``, ``{{Subdeck}}``, ``{{Type}}`` (the note type's name),
``{{Card}}`` (the template's name), ``{{CardFlag}}`` and ``{{CardID}}``. A note field of the same name wins
over a special field, as in Anki. Field names are matched exactly (case and inner spaces count, as Anki).

Nothing the template or a note holds makes rendering fail: an unknown field, filter or section, or a
section closed in the wrong place, shows one inline message (``<span class="template-error">``) and the
rest of the card is rendered. Parsing and rendering use explicit stacks (no recursion on nesting the user
controls) and run in time linear in the template; parsed templates are cached by their text (the parser and
what a template reads are ``template_parse``; ``card_style`` reads a note type's styling).

What comes out goes through ``core.text.sanitize.clean_html`` (scripts never run), except the parts that are
built here from escaped text (a plain-text field, a special field, a message), so a plain card looks
exactly as it did before note types. Plain-text fields (``is_html=False``) are escaped and marked up by
``text_to_html``: paragraphs and links. Audio (``[sound:x]``) and maths are left as text.

``{{type:Field}}`` becomes a marker the card view replaces by a box to type in
(``template_parse.TYPE_MARKER``): empty on the question, holding the expected answer as text on the answer
(so a card shown without the box still shows the answer). ``{{hint:Field}}`` becomes a ``<details>`` block
that opens without a script.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from studyapp.core.notetypes.model import CardTemplate, NoteType
from studyapp.core.notetypes.template_parse import Node, error_html, error_node, parse_template
from studyapp.core.text.cloze import active_clozes, cloze_answer, cloze_question
from studyapp.core.text.sanitize import clean_html

# -- plain text fields -------------------------------------------------------------------------------

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


# -- what counts as empty -----------------------------------------------------------------------------

# Anki's rule: a field is empty when it holds only ASCII white space and empty ``<br>``/``<div>`` tags.
_EMPTY_HTML = re.compile(r"(?:[ \t\n\r\f\v]|</?(?:br|div) ?/?>)*", re.IGNORECASE)
_EMPTY_TEXT = re.compile(r"[ \t\n\r\f\v]*")


def field_is_empty(text: str, is_html: bool = True) -> bool:
    return bool((_EMPTY_HTML if is_html else _EMPTY_TEXT).fullmatch(text))


SPECIAL_FIELDS = ("FrontSide", "Card", "CardFlag", "Deck", "Subdeck", "Tags", "Type", "CardID")

# -- rendering ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteContext:
    """What a template is rendered with: the note's fields (note type order) and the card's place."""

    notetype: NoteType
    fields: tuple[str, ...]
    is_html: bool = True
    ord: int = 0
    tags: tuple[str, ...] = ()
    deck_name: str = ""
    card_id: int = 0

    @property
    def template(self) -> CardTemplate | None:
        return template_for(self.notetype, self.ord)

    @cached_property
    def values(self) -> _Values:
        return _Values(self)


def template_for(notetype: NoteType, ord: int) -> CardTemplate | None:
    """The template of card ``ord``: a cloze note type's cards all use its first template."""
    templates = notetype.templates
    if notetype.is_cloze:
        return templates[0] if templates else None
    return templates[ord] if 0 <= ord < len(templates) else None


class _Values:
    """Field values by name (note fields first, then the special fields), and which are non-empty."""

    def __init__(self, context: NoteContext) -> None:
        self.context = context
        self.fields: dict[str, str] = {}
        values = context.fields
        for index, name in enumerate(context.notetype.field_names):
            if name not in self.fields:
                self.fields[name] = values[index] if index < len(values) else ""
        self._special: dict[str, str] | None = None

    @property
    def special(self) -> dict[str, str]:
        """The special fields not hidden by a note field of the same name (made when first asked for)."""
        if self._special is None:
            context = self.context
            deck = context.deck_name or "(Deck)"
            template = context.template
            special = {
                "Tags": " ".join(context.tags),
                "Type": context.notetype.name,
                "Deck": deck,
                "Subdeck": deck.rsplit("::", 1)[-1],
                "Card": template.name if template else "",
                "CardFlag": "",
                "CardID": str(context.card_id) if context.card_id else "",
                f"c{context.ord + 1}": "1",
            }
            self._special = {name: value for name, value in special.items() if name not in self.fields}
        return self._special

    def nonempty(self, key: str) -> bool | None:
        """Whether ``key`` has text; ``None``: no such field."""
        if key in self.fields:
            return not field_is_empty(self.fields[key], self.context.is_html)
        if key in self.special:
            return bool(self.special[key].strip())
        if re.fullmatch(r"c\d+", key):
            return False  # another card's cloze number
        return None


# What a replacement's text is while filters run: a note field as stored (plain text or HTML), or HTML.
_PLAIN, _HTML = "plain", "html"
_PASS_THROUGH = {"", "edit"}  # "::" in a replacement; the "Edit Field During Review" add-on's filter


def _as_html(value: str, kind: str) -> str:
    return text_to_html(value) if kind == _PLAIN else value


def _strip_html(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)))


_FURIGANA = re.compile(r" ?([^ >]+?)\[(.+?)\]")


def _ruby(text: str, how: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(2).startswith("sound:"):
            return match.group(0)
        base, reading = match.group(1), match.group(2)
        if how == "kanji":
            return base
        if how == "kana":
            return reading
        return f"<ruby>{base}<rp>(</rp><rt>{reading}</rt><rp>)</rp></ruby>"

    return _FURIGANA.sub(replace, text.replace("&nbsp;", " "))


def _type_marker(key: str, variant: str, expected: str | None) -> str:
    name = f"{variant}:{key}" if variant else key
    inner = "" if expected is None else html.escape(expected).replace("\n", "<br>")
    return f'<span class="type-answer" data-field="{html.escape(name)}">{inner}</span>'


def _expected_answer(value: str, is_html: bool, variant: str, number: int) -> str:
    if variant == "cloze":
        value = ", ".join(active_clozes(value, number, question=False))
    return " ".join(_strip_html(value).split()) if is_html else value.strip()


def _cloze_only(value: str, is_html: bool, number: int, question: bool) -> str:
    text = ", ".join(active_clozes(value, number, question))
    return text if is_html else html.escape(text)


def _apply_filters(key: str, value: str, kind: str, filters: tuple[str, ...], context: NoteContext,
                   question: bool) -> tuple[str, bool]:  # fmt: skip
    """The replacement's HTML and whether it is trusted (built here from escaped text only)."""
    number = context.ord + 1
    if filters and filters[-1] == "type":  # the leftmost filter is ``type``: a box to type in
        variant = filters[0] if len(filters) == 2 and filters[0] in ("cloze", "nc") else ""
        expected = None if question else _expected_answer(value, kind == _HTML, variant, number)
        return _type_marker(key, variant, expected), True
    trusted = kind == _PLAIN
    messages: list[str] = []
    for name in filters:
        if name in _PASS_THROUGH or name.startswith("tts "):
            continue
        if name in ("cloze", "cloze-only"):
            is_html = kind == _HTML
            if name == "cloze":
                value = (cloze_question if question else cloze_answer)(value, number, is_html)
            else:
                value = _cloze_only(value, is_html, number, question)
            kind = _HTML
        elif name == "text":
            value, kind = html.escape(value if kind == _PLAIN else _strip_html(value)), _HTML
        elif name in ("furigana", "kanji", "kana"):
            value, kind, trusted = _ruby(_as_html(value, kind), name), _HTML, False
        elif name == "hint":
            value, kind = _as_html(value, kind), _HTML
            if value.strip():
                value = f"<details><summary>{html.escape(key)}</summary>{value}</details>"
        else:
            shown = ":".join((*reversed(filters), key))
            messages.append(error_node(f"{{{{{shown}}}}}: no filter called {name}")[1])
    return _as_html(value, kind) + "".join(messages), trusted


_BREAKS_ONLY = re.compile(r"(?:\s|<br\s*/?>)*", re.IGNORECASE)  # template text that is safe as it is


@dataclass(frozen=True)
class Rendered:
    html: str
    trusted: bool  # only escaped text and markup made here: needs no sanitizing


def render_nodes(nodes: Sequence[Node], context: NoteContext, front_side: Rendered | None = None) -> Rendered:
    """The nodes rendered; ``front_side`` is the rendered question when rendering an answer side."""
    values = context.values
    question = front_side is None
    out: list[str] = []
    trusted = True
    stack: list[tuple[Sequence[Node], int]] = [(nodes, 0)]
    while stack:
        children, index = stack.pop()
        if index >= len(children):
            continue
        stack.append((children, index + 1))
        node = children[index]
        tag = node[0]
        if tag == "text":
            out.append(node[1])
            trusted = trusted and _BREAKS_ONLY.fullmatch(node[1]) is not None
        elif tag == "error":
            out.append(node[1])
        elif tag == "section":
            _, key, negated, inner = node
            shown = values.nonempty(key)
            if shown is None:
                out.append(error_node(f"{{{{{'^' if negated else '#'}{key}}}}}: no field called {key}")[1])
            elif shown != negated:
                stack.append((inner, 0))
        else:
            _, key, filters = node
            if key == "FrontSide":
                if front_side is not None:
                    out.append(front_side.html)
                    trusted = trusted and front_side.trusted
                continue
            if not key and filters:
                continue  # Anki: a filter with nothing to read adds its own text; ours add none
            if key in values.fields:
                text, ok = _apply_filters(
                    key, values.fields[key], _HTML if context.is_html else _PLAIN, filters, context, question
                )
            elif key in values.special:
                text, ok = _apply_filters(key, html.escape(values.special[key]), _HTML, filters, context, question)
                ok = ok or not filters
            else:
                shown = ":".join((*reversed(filters), key))
                text, ok = error_node(f"{{{{{shown}}}}}: no field called {key}")[1], True
            out.append(text)
            trusted = trusted and ok
    return Rendered("".join(out), trusted)


def render_format(fmt: str, context: NoteContext, front_side: Rendered | None = None) -> Rendered:
    return render_nodes(parse_template(fmt).nodes, context, front_side)


def safe(rendered: Rendered) -> str:
    """Rendered HTML as it may be shown: sanitized unless it was built from escaped text only."""
    return rendered.html if rendered.trusted else clean_html(rendered.html)


@dataclass(frozen=True)
class RenderedCard:
    question: str  # safe HTML
    answer: str  # safe HTML of the whole answer side (with ``{{FrontSide}}``)


def render_card(context: NoteContext) -> RenderedCard:
    """Both sides of the card ``context.ord`` of a note, as safe HTML (for previews, the browser, exports)."""
    template = context.template
    if template is None:
        message = error_html(f"{context.notetype.name} has no card {context.ord + 1}")
        return RenderedCard(message, message)
    question = render_format(template.question, context)
    answer = render_format(template.answer, context, question)
    return RenderedCard(safe(question), safe(answer))
