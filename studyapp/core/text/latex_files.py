"""The media files Anki made for a note's LaTeX: ``latex-<sha1>.png`` (or ``.svg``), named from the note's text.

Anki turns ``[latex]…[/latex]``, ``[$]…[/$]`` and ``[$$]…[/$$]`` into pictures with a TeX installation and keeps
them in the media folder; its packages carry them, and AnkiDroid, which cannot make them, shows only the files it
is given. studyapp draws the maths itself (``core.text.maths``), but keeps those files: an import brings them in, Check
counts them as used (never moves them to the trash), an export sends them out with the notes that use them.

A file's name is the SHA-1 of the LaTeX body as Anki extracts it from a field (written from what Anki's engine
does, checked against it by golden tests):

- the body of ``[latex]`` as it is; ``[$]x[/$]`` as ``$x$``; ``[$$]x[/$$]`` as
  ``\\begin{displaymath}x\\end{displaymath}`` (tags in any case; the shortest body, at least one character);
- ``<br>``, ``<br/>`` and ``<div>`` become a line break (``<br />`` does not: Anki's pattern loses its space),
  then comments, ``<style>`` and ``<script>`` with their content and every other tag are removed;
- entities are decoded only when every ``&`` in the body starts one Anki knows (HTML 4's names, ``&#65;``,
  ``&#x41;``), and then a no-break space becomes a space; otherwise the body is left exactly as it is;
- the extension is ``svg`` when the note type says so (``latexsvg``), else ``png``. The note type's
  ``latexPre``/``latexPost`` (the TeX header and footer) go into the picture, not into its name.

A field with clozes is read twice over: as it is (what Anki's export looks for) and with each cloze number
revealed, question and answer (what Anki renders and its Check counts): ``[$]{{c1::x}}[/$]`` uses the files of
``$[...]$`` and ``$x$``, and of ``${{c1::x}}$``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from html.entities import name2codepoint

from studyapp.core.notetypes.model import NoteType

LATEX_SVG_KEY = "latexsvg"  # in a note type's ``extra``: Anki's "create scalable images with dvisvgm"
_LATEX = re.compile(r"\[latex\](.+?)\[/latex\]|\[\$\](.+?)\[/\$\]|\[\$\$\](.+?)\[/\$\$\]", re.IGNORECASE | re.DOTALL)
_LINE_BREAKS = re.compile(r"<br/?>|<div>", re.IGNORECASE)
_HTML = re.compile(r"<!--.*?-->|<style.*?>.*?</style>|<script.*?>.*?</script>|<.*?>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|([A-Za-z0-9]+));")
_CLOZE_TOKEN = re.compile(r"\{\{c([0-9,]+)::|\}\}")
_IMAGE_OCCLUSION = "image-occlusion:"
_MAX_NESTING = 10  # Anki ignores cloze openings deeper than this
_MAX_ORDINAL = 65535  # Anki's cloze numbers are 16-bit: "{{c70000::" is text


def uses_svg(notetype: NoteType | None) -> bool:
    """Whether the note type's LaTeX pictures are ``.svg`` (else ``.png``)."""
    return notetype is not None and notetype.extra_dict().get(LATEX_SVG_KEY) is True


def has_latex(text: str) -> bool:
    """Whether ``text`` holds one of Anki's LaTeX tags (a cheap test first: most fields have no ``[``)."""
    return "[" in text and _LATEX.search(text) is not None


def latex_file_names(text: str, svg: bool = False) -> set[str]:
    """The ``latex-<sha1>.png``/``.svg`` names of one field's LaTeX (see the module's docstring)."""
    if not has_latex(text):
        return set()
    names = {_file_name(body, svg) for body in _bodies(text)}
    if "{{c" in text:
        names |= {_file_name(body, svg) for body in _bodies(_reveal_every_cloze(text))}
    return names


def note_latex_file_names(fields: Iterable[str], notetype: NoteType | None) -> set[str]:
    """The LaTeX pictures a note's fields use, with its note type's extension."""
    svg = uses_svg(notetype)
    names: set[str] = set()
    for text in fields:
        if text and "[" in text:
            names |= latex_file_names(text, svg)
    return names


def _bodies(text: str) -> list[str]:
    bodies = []
    for match in _LATEX.finditer(text):
        latex, inline, display = match.groups()
        if latex is not None:
            body = latex
        elif inline is not None:
            body = f"${inline}$"
        else:
            body = f"\\begin{{displaymath}}{display}\\end{{displaymath}}"
        bodies.append(_decode_entities(_HTML.sub("", _LINE_BREAKS.sub("\n", body))))
    return bodies


def _file_name(body: str, svg: bool) -> str:
    digest = hashlib.sha1(body.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
    return f"latex-{digest}.{'svg' if svg else 'png'}"


def _decode_entities(text: str) -> str:
    """Entities decoded as Anki decodes them: all of them, or (one ``&`` it does not know) none."""
    if "&" not in text:
        return text
    parts: list[str] = []
    position = 0
    while (start := text.find("&", position)) >= 0:
        match = _ENTITY.match(text, start)
        character = _entity_character(match) if match is not None else None
        if match is None or character is None:
            return text
        parts.append(text[position:start])
        parts.append(character)
        position = match.end()
    parts.append(text[position:])
    return "".join(parts).replace("\xa0", " ")


def _entity_character(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        code = name2codepoint.get(name)
        return None if code is None else chr(code)
    digits = decimal if decimal is not None else hexadecimal
    if len(digits.lstrip("0")) > 8:
        return None
    code = int(digits, 10 if decimal is not None else 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


# -- clozes, revealed as Anki reveals them before it looks for LaTeX ---------------------------------------------


class _Cloze:
    __slots__ = ("hint", "nodes", "ordinals")

    def __init__(self, ordinals: frozenset[int]) -> None:
        self.ordinals = ordinals
        self.nodes: list[str | _Cloze] = []
        self.hint: str | None = None

    def image_occlusion(self) -> bool:
        return bool(self.nodes) and isinstance(self.nodes[0], str) and self.nodes[0].startswith(_IMAGE_OCCLUSION)


def _ordinals(digits: str) -> frozenset[int]:
    return frozenset(
        int(part) for part in digits.split(",") if part and len(part.lstrip("0")) <= 5 and int(part) <= _MAX_ORDINAL
    )


def _parse(text: str) -> list[str | _Cloze]:
    """Text and clozes as Anki parses them: a cloze never closed is dropped, with what it holds."""
    output: list[str | _Cloze] = []
    open_clozes: list[_Cloze] = []

    def add_text(piece: str) -> None:
        if not piece:
            return
        if not open_clozes:
            output.append(piece)
            return
        cloze = open_clozes[-1]
        if not piece.startswith(_IMAGE_OCCLUSION):
            head, separator, tail = piece.partition("::")
            if separator:
                piece, cloze.hint = head, tail
        cloze.nodes.append(piece)

    position = 0
    for match in _CLOZE_TOKEN.finditer(text):
        if match.group(0) == "}}":
            add_text(text[position : match.start()])
            position = match.end()
            if open_clozes:
                cloze = open_clozes.pop()
                (open_clozes[-1].nodes if open_clozes else output).append(cloze)
            else:
                output.append("}}")
            continue
        ordinals = _ordinals(match.group(1))
        if not ordinals:
            continue  # not an opening: stays part of the text around it
        add_text(text[position : match.start()])
        position = match.end()
        if len(open_clozes) < _MAX_NESTING:
            open_clozes.append(_Cloze(ordinals))
    add_text(text[position:])
    return output


def _numbers(nodes: list[str | _Cloze], found: set[int]) -> set[int]:
    for node in nodes:
        if isinstance(node, _Cloze):
            found.update(number for number in node.ordinals if number != 0)
            _numbers(node.nodes, found)
    return found


def _reveal(nodes: list[str | _Cloze], number: int, question: bool, out: list[str]) -> bool:
    """Append the card's side to ``out`` (tags stand for Anki's, which the LaTeX reading removes); whether a
    cloze of ``number`` was met."""
    found = False
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        active = number in node.ordinals
        found |= active
        if node.image_occlusion():
            out.append('<div class="cloze"></div>')
        elif question and active:
            found |= _reveal(node.nodes, number, question, [])
            out.append(f'<span class="cloze">[{node.hint if node.hint is not None else "..."}]</span>')
        else:
            out.append("<span>")
            found |= _reveal(node.nodes, number, question, out)
            out.append("</span>")
    return found


def _reveal_every_cloze(text: str) -> str:
    nodes = _parse(text)
    out: list[str] = []
    for number in sorted(_numbers(nodes, set())):
        for question in (True, False):
            side: list[str] = []
            if _reveal(nodes, number, question, side):
                out.extend(side)
    return "".join(out)
