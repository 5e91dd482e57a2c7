"""``core.text.latex_files`` names the same ``latex-<sha1>`` files as Anki's engine, field by field and note by note."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

import pytest

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.core.text.latex_files import latex_file_names, note_latex_file_names, uses_svg

from .conftest import anki_latex_names, write_files

pytest.importorskip("anki")

# Fields as real decks have them, and the corners of Anki's reading (line breaks, tags, entities, clozes).
FIELDS = [
    "",
    "no maths at all",
    "[$$]x[/$$]&nbsp;[latex]x^2[/latex]&nbsp;[$]x^3[/$]",
    "[LaTeX]\\frac{1}{2}[/LATEX] and [$]a[/$]",
    "[latex]one<br>and<div>two</div>[/latex]",
    "[latex]one<br/>two<br />three<BR>four<div class=x>five[/latex]",
    "[$]<b>hello</b>&nbsp; world[/$]",
    "[$]a &lt; b &amp;&amp; c &gt; d[/$]",
    "[$]a < b > c[/$]",
    "[$]a & b[/$]",
    "[$]&amp; &foo;[/$]",
    "[$]&amp; &apos;[/$]",
    "[$]&amp; &#X41;[/$]",
    "[$]&#65;&#x4a;&#0065;&hellip;&rarr;&eacute;&sup2;&frac12;[/$]",
    "[$]&#55296; &amp;[/$]",
    "[$]&#1114112; &amp;[/$]",
    "[$]&#0;&#128;&#x10FFFF;[/$]",
    "[$]a\xa0b[/$]",
    "[$]a&nbsp;b\xa0c[/$]",
    "[$]a<!-- note -->b<style>.x{}</style>c<script>x</script>d[/$]",
    "[$]multi\nline[/$] [$$]\n[/$$]",
    "[$][/$] [$$][/$$] [latex][/latex]",
    "[$$$]x[/$$$]",
    "[$]x^{{c1::2}}[/$]",
    "[$]{{c1::x::hint}}[/$] and {{c2::y}}",
    "{{c1::x}} [$]{{c1::a}} + {{c2::b::bee}}[/$]",
    "[$]{{c1::a {{c2::b}}}}[/$]",
    "[$]{{c1,2::shared}}[/$] {{c3::three}}",
    "[$]{{c1::open[/$]",
    "[$]{{c1::}} {{c2::x::}}[/$]",
    "[$]{{c0::zero}} {{c99999::big}} {{c01::lead}}[/$]",
    "[$]}} {{c::x}} {{c,::y}}[/$]",
    "[latex]{{c1::\\alpha}}<br>{{c2::\\beta}}[/latex]",
    "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.4}} [$]q[/$]",
    "\\(x^2\\) and \\[y\\] are MathJax: no files",
]


@pytest.mark.parametrize("svg", [False, True])
@pytest.mark.parametrize("text", FIELDS)
def test_a_field_names_what_the_engine_names(engine: Any, text: str, svg: bool) -> None:
    assert latex_file_names(text, svg) == anki_latex_names(engine, text, svg)


PIECES = [
    "[$]", "[/$]", "[$$]", "[/$$]", "[latex]", "[/LaTeX]", "{{c1::", "{{c2::", "{{c1,3::", "}}", "::", "::hint",
    "x", "\\frac{a}{b}", " ", "\n", "<br>", "<br />", "<div>", "</div>", "<b>", "</b>", "<!--", "-->", "<", ">",
    "&amp;", "&nbsp;", "&lt;", "&#123;", "&bogus;", "&", "\xa0", "é", "😀", "image-occlusion:",
    "{{c1::image-occlusion:",
]  # fmt: skip


def test_random_fields_name_what_the_engine_names(engine: Any) -> None:
    generator = random.Random(14)
    differences = []
    for _ in range(400):
        text = "".join(generator.choice(PIECES) for _ in range(generator.randint(1, 14)))
        if not any(opening in text for opening in ("[$]", "[$$]", "[latex]")):
            text = "[$]" + text + "[/$]"
        ours, anki = latex_file_names(text, False), anki_latex_names(engine, text, False)
        if ours != anki:
            differences.append(text)
    assert differences == []


def _notetype(svg: bool | None) -> NoteType:
    extra = (
        "{}"
        if svg is None
        else f'{{"latexsvg": {"true" if svg else "false"}, "latexPre": "\\\\documentclass{{article}}"}}'
    )
    return NoteType(
        id=1, name="Maths", kind=NotetypeKind.STANDARD,
        fields=(FieldDef("Front"), FieldDef("Back")),
        templates=(CardTemplate("Card 1", "{{Front}}", "{{Back}}"),), extra=extra,
    )  # fmt: skip


def test_the_note_types_svg_flag_picks_the_extension_and_the_header_does_not_change_the_name() -> None:
    fields = ("[$]x[/$]", "[latex]y[/latex]")
    png = note_latex_file_names(fields, _notetype(False))
    assert png == note_latex_file_names(fields, _notetype(None)) == note_latex_file_names(fields, None)
    assert {name.rsplit(".", 1)[1] for name in png} == {"png"}
    svg = note_latex_file_names(fields, _notetype(True))
    assert {name.replace(".svg", ".png") for name in svg} == png
    assert (uses_svg(_notetype(True)), uses_svg(_notetype(False)), uses_svg(None)) == (True, False, False)


@pytest.mark.parametrize("svg", [False, True])
def test_ankis_own_check_counts_our_names_as_used(tmp_path: Path, svg: bool) -> None:
    """A collection made by the engine: its Check (``col.media.check()``) finds unused exactly the files our
    function does not name, so the two agree on what a note uses."""
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        basic = col.models.by_name("Basic")
        basic["latexsvg"] = svg
        basic["latexPre"] = "\\documentclass{article}\\begin{document}% our own header"
        col.models.update_dict(basic)
        cloze = col.models.by_name("Cloze")
        cloze["latexsvg"] = svg
        col.models.update_dict(cloze)
        notes = [
            ("Basic", ["[$$]x[/$$]&nbsp;[latex]x^2[/latex]", "[$]<b>a</b>&amp;b<br>c[/$]"]),
            ("Cloze", ["[$]x = {{c1::2}}[/$] and {{c2::[$]y[/$]}}", "[latex]extra[/latex]"]),
        ]
        ours: set[str] = set()
        for name, fields in notes:
            notetype = col.models.by_name(name)
            note = col.new_note(notetype)
            for index, text in enumerate(fields):
                note.fields[index] = text
            col.add_note(note, col.decks.id("Maths"))
            ours |= note_latex_file_names(note.fields, _notetype(svg))
        stray = f"latex-{'0' * 40}.{'svg' if svg else 'png'}"
        write_files(Path(col.media.dir()), [*ours, stray])
        result = col.media.check()
        assert len(ours) == 8  # 3 + the cloze field: ${{c1::2}}$, $x = [...]$, $x = 2$, $y$ + extra
        # Anki's Check reads a cloze field with its clozes revealed; its export reads it as it is and sends that
        # file too: we keep both, so the one name of the field as it is is the only other one its Check leaves.
        as_it_is = f"latex-{hashlib.sha1(b'$x = {{c1::2}}$').hexdigest()}.{'svg' if svg else 'png'}"
        assert as_it_is in ours
        assert sorted(result.unused) == sorted([stray, as_it_is])
        assert list(result.missing) == []
    finally:
        col.close()
