"""Which cards a note makes, by Anki's rules (rslib's card generation), as a pure function.

A standard note type makes a card for each template whose question would show at least one non-empty
field: a replacement of a non-empty field reached through sections that are open. A ``{{#F}}`` section is
open when F has text, a ``{{^F}}`` section when it has none. Special fields count as non-empty (``{{Deck}}``
always shows something; ``{{Tags}}`` when the note has tags), ``{{FrontSide}}`` does not. A question whose
sections are opened or closed in the wrong place makes no card (Anki cannot parse it).

A cloze note type makes a card per cloze number found in any of the note's fields (``{{c2::…}}`` is card
ord 1; ``{{c1,2::…}}`` counts for both; ``c0`` for none), the ord capped at 499 as in Anki.

A new note that would make no card at all makes card 0, as in Anki (``ensure_one``), so no note is lost;
when a note is edited, the caller adds the ords it has not got yet (and never removes one).
"""

from __future__ import annotations

from studyapp.core.notetypes.model import NoteType
from studyapp.core.notetypes.template import SPECIAL_FIELDS, field_is_empty
from studyapp.core.notetypes.template_parse import Node, parse_template
from studyapp.core.text.cloze import cloze_numbers

MAX_CLOZE_ORD = 499


def nonempty_fields(notetype: NoteType, fields: tuple[str, ...] | list[str], tags: tuple[str, ...] = (),
                    is_html: bool = True) -> set[str]:  # fmt: skip
    """The names a question may show text from: the note's non-empty fields and the special fields."""
    names = notetype.field_names
    found = {name for name, value in zip(names, fields, strict=False) if not field_is_empty(value, is_html)}
    for special in SPECIAL_FIELDS:
        if special not in names and special != "FrontSide" and (special != "Tags" or tags):
            found.add(special)
    return found


def renders_with(nodes: tuple[Node, ...], nonempty: set[str]) -> bool:
    """Whether the nodes show at least one field of ``nonempty`` (explicit stack, any nesting)."""
    stack: list[tuple[Node, ...]] = [nodes]
    while stack:
        for node in stack.pop():
            tag = node[0]
            if tag == "field":
                if node[1] in nonempty:
                    return True
            elif tag == "section":
                _, key, negated, children = node
                if (key in nonempty) != negated:
                    stack.append(children)
    return False


def question_renders(question_format: str, nonempty: set[str]) -> bool:
    parsed = parse_template(question_format)
    return not parsed.broken and renders_with(parsed.nodes, nonempty)


def cards_for(notetype: NoteType, fields: tuple[str, ...] | list[str], tags: tuple[str, ...] = (), *,
              is_html: bool = True, ensure_one: bool = True) -> list[int]:  # fmt: skip
    """The card ords the note makes, ascending. ``ensure_one``: card 0 when it would make none (a new note)."""
    if notetype.is_cloze:
        numbers: set[int] = set()
        for value in fields:
            numbers.update(cloze_numbers(value))
        ords = sorted({min(number - 1, MAX_CLOZE_ORD) for number in numbers})
    else:
        nonempty = nonempty_fields(notetype, fields, tags, is_html)
        ords = [ord for ord, template in enumerate(notetype.templates) if question_renders(template.question, nonempty)]
    return ords or ([0] if ensure_one else [])
