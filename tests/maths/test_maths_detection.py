"""Formulas in faces: MathJax and Anki's LaTeX tags become ``math:`` images; what is not a formula stays text."""

from __future__ import annotations

import time

import pytest

from studyapp.core.model import Card, NoteKind
from studyapp.core.text.maths import MAX_FORMULA, has_maths, math_src, parse_math_src, tex_source, with_maths
from studyapp.core.text.render import card_faces, card_text_faces


def src(mode: str, tex: str) -> str:
    return math_src(mode, tex)


def inline(tex: str) -> str:
    return f'<img src="{src("inline", tex)}" align="middle">'


def display(tex: str) -> str:
    return f'<div align="center" style="margin-top: 6px; margin-bottom: 10px"><img src="{src("display", tex)}"></div>'


@pytest.mark.parametrize(
    ("face", "expected"),
    [
        (r"a \(x^2\) b", f"a {inline('x^2')} b"),
        (r"\[\frac{1}{2}\]", display(r"\frac{1}{2}")),
        ("[$]a &lt; b[/$] or [$$]c &gt; d[/$$]", f"{inline('a < b')} or {display('c > d')}"),
        ("[LaTeX]Some $y$ text[/latex]", f'<img src="{src("text", "Some $y$ text")}" align="middle">'),
        # a matrix: entities unescaped, <br> a line break, a TeX line break (\\) inside is not the end
        (
            r"\(\begin{matrix}a &amp; b\\<br>c &amp; d\end{matrix}\)",
            inline("\\begin{matrix}a & b\\\\\nc & d\\end{matrix}"),
        ),
        (r"\(a &nbsp;<b>b</b>\)", inline("a  b")),
    ],
)
def test_formulas_become_images(face: str, expected: str) -> None:
    assert with_maths(face) == expected


@pytest.mark.parametrize(
    "face",
    [
        r"unterminated \(x^2 and more",  # no closing: text, as MathJax leaves it
        r"a \\(x\) b",  # \\( is a TeX line break and a parenthesis, not an opening
        r"\(\)",  # empty
        r"[$]x[/$$]",  # the wrong closing
        '<img title="\\(x\\)" src="a.png">',  # inside a tag's attribute
        "[$]" + "x" * (MAX_FORMULA + 1) + "[/$]",  # longer than the bound
        "no maths at all: $5 and [brackets]",
    ],
)
def test_what_is_not_a_formula_stays_as_it_is(face: str) -> None:
    assert with_maths(face) == face


def test_delimiters_do_not_nest_the_first_closing_ends() -> None:
    assert with_maths(r"\(a \(b\) c\)") == inline(r"a \(b") + r" c\)"


def test_an_opening_after_an_unterminated_one_still_opens() -> None:
    assert with_maths(r"\[ open [$]x[/$]") == r"\[ open " + inline("x")


def test_the_source_goes_through_the_url_and_back() -> None:
    tex = r"\text{50\% é} & \{x\} <y> \"q\" #1 ?a=b"
    assert parse_math_src(src("display", tex)) == ("display", tex)
    assert parse_math_src("math:evil,x") is None
    assert parse_math_src("x.png") is None


def test_many_openings_cost_one_pass() -> None:
    started = time.perf_counter()
    assert with_maths("[$]" * 100_000) == "[$]" * 100_000
    with_maths(r"\(x\) " * 20_000)
    assert time.perf_counter() - started < 5  # quadratic would take minutes; linear takes well under a second


def test_has_maths_is_cheap_and_exact_enough() -> None:
    assert not has_maths("plain <b>text</b>")
    assert has_maths(r"\(x\)")


# -- cloze inside maths, as Anki: the question shows [...] (or the hint) inside the formula, the answer the
# deleted text; both in the cloze highlight, a coloured group the view fills with its accent colour.


def cloze_card(text: str, ord_: int = 0) -> Card:
    return Card(id=1, note_id=1, deck_id=1, front=text, back="", kind=NoteKind.CLOZE, ord=ord_, html=True)


def test_cloze_inside_maths_question_and_answer() -> None:
    faces = card_faces(cloze_card(r"\(x = {{c1::2}}\) and {{c2::y}}"))
    assert faces.question == inline(r"x = {\color{cloze}[...]}") + " and y"
    assert faces.revealed_question == inline(r"x = {\color{cloze}2}") + " and y"
    other = card_faces(cloze_card(r"\(x = {{c1::2::two}}\) and {{c2::y}}", ord_=1))
    assert other.question == inline("x = 2") + ' and <span class="cloze">[...]</span>'
    hinted = card_faces(cloze_card(r"\(x = {{c1::2::two}}\)"))
    assert hinted.question == inline(r"x = {\color{cloze}[two]}")


def test_cloze_around_a_formula_and_a_formula_across_clozes() -> None:
    faces = card_faces(cloze_card(r"{{c1::\(\sqrt{2}\)}} is irrational"))
    assert faces.question == '<span class="cloze">[...]</span> is irrational'
    assert faces.revealed_question == '<span class="cloze">' + inline(r"\sqrt{2}") + "</span> is irrational"
    nested = tex_source('a <span class="cloze">b <span>c</span> d</span> <span class="cloze">e')
    assert nested == r"a {\color{cloze}b c d} {\color{cloze}e}"  # an unclosed cloze span is closed


def test_the_terminal_shows_the_source() -> None:
    front, _back = card_text_faces(Card(id=1, note_id=1, deck_id=1, front=r"What is \(x^2\)?", back="y"))
    assert front == r"What is \(x^2\)?"


def test_basic_card_front_and_back_with_both_kinds() -> None:
    faces = card_faces(Card(id=1, note_id=1, deck_id=1, front=r"Solve \(x^2 = 4\)", back="[$]x = \\pm 2[/$]"))
    assert "math:inline,x%5E2%20%3D%204" in faces.question
    assert faces.answer == "<p>" + inline(r"x = \pm 2") + "</p>"
