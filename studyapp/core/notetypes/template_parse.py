"""Anki's template language parsed: ``{{Field}}``, sections and filters into a tree of nodes, and what a
template reads (its fields, its cloze fields, the field it asks to type). Linear in the template's length, with
explicit stacks (no recursion on nesting the user controls); parsed templates are cached by their text.
Rendering the nodes with a note is ``template``'s job.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# -- parsing ------------------------------------------------------------------------------------------

# Parsed nodes are tuples (hashable, cheap):
#   ("text", str) · ("field", key, filters) with filters closest-to-the-field first ·
#   ("section", key, negated, children) · ("error", message HTML)
Node = tuple


@dataclass(frozen=True)
class ParsedTemplate:
    nodes: tuple[Node, ...]
    broken: bool  # a section opened or closed in the wrong place (Anki makes no card from such a question)


_ALT_SYNTAX = "{{=<% %>=}}"  # old templates may switch to <% %> delimiters


def error_html(message: str) -> str:
    """An inline message about a template, in the card (the view may style ``.template-error``)."""
    return f'<span class="template-error">{html.escape(message)}</span>'


def error_node(message: str) -> Node:
    return ("error", error_html(message))


def _tokens(fmt: str) -> list[tuple[str, str]]:
    """("text" | "handle" | "comment", content) in order; linear in the template's length."""
    start_tag, end_tag = "{{", "}}"
    stripped = fmt.lstrip()
    if stripped.startswith(_ALT_SYNTAX):
        fmt, start_tag, end_tag = stripped[len(_ALT_SYNTAX) :], "<%", "%>"
    tokens: list[tuple[str, str]] = []
    position, size = 0, len(fmt)
    # The next opening of each kind at or after ``position`` (-1: none left), found again only once passed,
    # so that every character is looked at a bounded number of times.
    opening = fmt.find(start_tag)
    comment = fmt.find("<!--")
    while position < size:
        if 0 <= opening < position:
            opening = fmt.find(start_tag, position)
        if 0 <= comment < position:
            comment = fmt.find("<!--", position)
        if opening < 0 and comment < 0:
            break
        if opening >= 0 and (comment < 0 or opening < comment):
            closing = fmt.find(end_tag, opening + len(start_tag))
            if closing < 0:
                opening = -1  # no closing delimiter is left further on: no later opening can close either
                continue
            if opening > position:
                tokens.append(("text", fmt[position:opening]))
            tokens.append(("handle", fmt[opening + len(start_tag) : closing]))
            position = closing + len(end_tag)
        else:
            closing = fmt.find("-->", comment + 4)
            if closing < 0:
                comment = -1
                continue
            if comment > position:
                tokens.append(("text", fmt[position:comment]))
            tokens.append(("comment", fmt[comment : closing + 3]))
            position = closing + 3
    if position < size:
        tokens.append(("text", fmt[position:]))
    return tokens


@lru_cache(maxsize=512)
def parse_template(fmt: str) -> ParsedTemplate:
    """The template's nodes; sections nest by an explicit stack, broken ones get an inline message."""
    root: list[Node] = []
    stack: list[tuple[str, bool, list[Node]]] = []  # open sections: key, negated, children so far
    broken = False

    def add(node: Node) -> None:
        (stack[-1][2] if stack else root).append(node)

    for kind, content in _tokens(fmt):
        if kind != "handle":
            add(("text", content))
            continue
        handle = content.lstrip("{").strip()
        marker = handle[:1] if len(handle) >= 2 else ""
        if marker in ("#", "^"):
            stack.append((handle[1:].lstrip(), marker == "^", []))
        elif marker == "/":
            key = handle[1:].lstrip()
            if stack and stack[-1][0] == key:
                open_key, negated, children = stack.pop()
                add(("section", open_key, negated, tuple(children)))
            else:
                broken = True
                if stack:
                    add(error_node(f"Found {{{{/{key}}}}}, but expected {{{{/{stack[-1][0]}}}}}"))
                else:
                    add(error_node(f"Found {{{{/{key}}}}}, but there is no {{{{#{key}}}}} or {{{{^{key}}}}} before it"))
        else:
            key, *filters = reversed(handle.split(":"))  # Anki splits from the right; the key is last
            add(("field", key, tuple(filters)))
    while stack:
        broken = True
        open_key, negated, children = stack.pop()
        children.append(error_node(f"Missing {{{{/{open_key}}}}}"))
        add(("section", open_key, negated, tuple(children)))
    return ParsedTemplate(tuple(root), broken)


TYPE_MARKER = re.compile(r'<span class="type-answer" data-field="([^"]*)">(.*?)</span>', re.DOTALL)


@dataclass(frozen=True)
class TypeAnswer:
    """Where a template asks for a typed answer: ``{{type:Field}}``, ``{{type:cloze:Field}}``."""

    field: str
    cloze: bool = False  # compare with the card's cloze deletions, not the whole field
    keep_case: bool = True


# -- what a template reads ---------------------------------------------------------------------------


def _walk(nodes: Sequence[Node]) -> list[Node]:
    """Every node, sections' children included (explicit stack)."""
    found: list[Node] = []
    stack: list[Sequence[Node]] = [nodes]
    while stack:
        for node in stack.pop():
            found.append(node)
            if node[0] == "section":
                stack.append(node[3])
    return found


@lru_cache(maxsize=512)
def referenced_fields(fmt: str) -> frozenset[str]:
    """The names the template reads, in replacements and sections (special fields included)."""
    return frozenset(node[1] for node in _walk(parse_template(fmt).nodes) if node[0] in ("field", "section"))


@lru_cache(maxsize=512)
def shown_fields(fmt: str) -> frozenset[str]:
    """The names whose text the template shows (replacements; a section only tests its field)."""
    return frozenset(node[1] for node in _walk(parse_template(fmt).nodes) if node[0] == "field")


def cloze_fields(fmt: str) -> list[str]:
    """The fields the template's ``cloze:`` filters read, in order."""
    names: list[str] = []
    for node in _walk(parse_template(fmt).nodes):
        if node[0] == "field" and "cloze" in node[2] and node[1] not in names:
            names.append(node[1])
    return names


def type_answer_field(fmt: str) -> TypeAnswer | None:
    """The field a template asks to type (its first ``{{type:…}}``), or ``None``."""
    for node in _walk(parse_template(fmt).nodes):
        if node[0] == "field" and node[2] and node[2][-1] == "type":
            variant = node[2][0] if len(node[2]) == 2 else ""
            return TypeAnswer(node[1], cloze=variant == "cloze", keep_case=True)
    return None


def replace_type_markers(face_html: str, replacement: str | None = None) -> str:
    """A face with its typed-answer markers replaced by ``replacement`` (``None``: their own content)."""
    return TYPE_MARKER.sub(lambda match: match.group(2) if replacement is None else replacement, face_html)
