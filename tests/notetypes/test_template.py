"""Anki's template language: golden renderings of every stock type, a custom type, filters and bad templates."""

from __future__ import annotations

import time

import pytest

from studyapp.core.notetypes.card_style import card_style
from studyapp.core.notetypes.model import (
    BASIC,
    BASIC_OPTIONAL_REVERSED,
    BASIC_REVERSED,
    BASIC_TYPING,
    CLOZE,
    stock_type,
)
from studyapp.core.notetypes.template import NoteContext, render_card, render_format
from studyapp.core.notetypes.template_parse import (
    TypeAnswer,
    cloze_fields,
    parse_template,
    referenced_fields,
    replace_type_markers,
    type_answer_field,
)

from .support import custom, five_field_type


def sides(notetype, fields, ord=0, is_html=True, **kwargs) -> tuple[str, str]:  # noqa: ANN001, ANN003
    rendered = render_card(NoteContext(notetype, tuple(fields), is_html, ord, **kwargs))
    return rendered.question, rendered.answer


def side(fmt: str, fields: tuple[str, ...] = ("front", "back"), is_html: bool = True, **kwargs) -> str:  # noqa: ANN003
    notetype = custom(fmt, fields=tuple(f"F{i}" for i in range(len(fields))) if len(fields) != 2 else ("Front", "Back"))
    return render_card(NoteContext(notetype, fields, is_html, **kwargs)).question


# -- the stock types ----------------------------------------------------------------------------------


def test_basic_plain_text_is_escaped_and_marked_up_as_before() -> None:
    question, answer = sides(stock_type(BASIC, 1), ("Is 2 < 3?\n\nSee https://x.org.", "yes & no"), is_html=False)
    assert question == '<p>Is 2 &lt; 3?</p><p>See <a href="https://x.org">https://x.org</a>.</p>'
    # The answer side is sanitized as a whole (the template's <hr id=answer> loses its id).
    assert answer.endswith("<hr>\n\n<p>yes &amp; no</p>")


def test_basic_html_is_sanitized() -> None:
    question, answer = sides(
        stock_type(BASIC, 1), ('<b>Q</b><script>alert(1)</script><img src="x.png" onerror="x">', "A")
    )
    assert question == '<b>Q</b><img src="x.png">'
    assert answer == '<b>Q</b><img src="x.png">\n\n<hr>\n\nA'


def test_reversed_cards_ask_each_side() -> None:
    notetype = stock_type(BASIC_REVERSED, 1)
    assert sides(notetype, ("Hund", "dog"), 0) == ("Hund", "Hund\n\n<hr>\n\ndog")
    assert sides(notetype, ("Hund", "dog"), 1) == ("dog", "dog\n\n<hr>\n\nHund")


def test_optional_reversed_card_shows_the_back_only_with_add_reverse() -> None:
    notetype = stock_type(BASIC_OPTIONAL_REVERSED, 1)
    assert sides(notetype, ("Hund", "dog", "y"), 1) == ("dog", "dog\n\n<hr>\n\nHund")
    assert sides(notetype, ("Hund", "dog", ""), 1)[0] == ""


def test_type_in_the_answer_marks_where_the_box_goes() -> None:
    question, answer = sides(stock_type(BASIC_TYPING, 1), ("Hund", "the <b>dog</b>"))
    assert question == 'Hund\n\n<span class="type-answer" data-field="Back"></span>'
    # On the answer the marker holds the expected answer as text, so a card shown without a box shows it.
    assert answer == 'Hund\n\n<hr>\n\n<span class="type-answer" data-field="Back">the dog</span>'
    assert replace_type_markers(question, "<input>") == "Hund\n\n<input>"
    assert replace_type_markers(answer) == "Hund\n\n<hr>\n\nthe dog"
    assert type_answer_field(stock_type(BASIC_TYPING, 1).templates[0].question) == TypeAnswer("Back")
    assert type_answer_field("{{Front}}") is None
    assert type_answer_field("{{type:cloze:Text}}") == TypeAnswer("Text", cloze=True)


def test_cloze_numbers_and_hints() -> None:
    notetype = stock_type(CLOZE, 1)
    text = "{{c1::Paris}} is the capital of {{c2::France::country}}"
    assert sides(notetype, (text, "Geography"), 0) == (
        '<span class="cloze">[...]</span> is the capital of France',
        '<span class="cloze">Paris</span> is the capital of France<br>\nGeography',
    )
    assert sides(notetype, (text, ""), 1)[0] == 'Paris is the capital of <span class="cloze">[country]</span>'
    plain = sides(notetype, ("a < {{c1::b}}\nc", ""), 0, is_html=False)
    assert plain[0] == 'a &lt; <span class="cloze">[...]</span><br>c'


def test_cloze_reads_nested_and_shared_numbers_as_anki() -> None:
    notetype = stock_type(CLOZE, 1)
    text = "{{c1::outer {{c2::inner}}}} and {{c1,3::both}}"
    assert sides(notetype, (text, ""), 1)[0] == 'outer <span class="cloze">[...]</span> and both'
    assert sides(notetype, (text, ""), 0)[0] == '<span class="cloze">[...]</span> and <span class="cloze">[...]</span>'
    assert sides(notetype, (text, ""), 2)[0] == 'outer inner and <span class="cloze">[...]</span>'
    assert sides(notetype, (text, ""), 0)[1].startswith('<span class="cloze">outer inner</span>')
    assert sides(notetype, ("open {{c1::never closed", ""), 0)[0] == "open {{c1::never closed"


def test_cloze_only_and_typing_a_cloze() -> None:
    notetype = custom("{{cloze-only:Text}}|{{type:cloze:Text}}", "{{cloze-only:Text}}|{{type:cloze:Text}}",
                      fields=("Text",))  # fmt: skip
    context = NoteContext(notetype, ("{{c1::a::h}} {{c2::b}} {{c1::c}}",), True, 0)
    assert render_format(notetype.templates[0].question, context).html == (
        'h, ...|<span class="type-answer" data-field="cloze:Text"></span>'
    )
    front = render_format(notetype.templates[0].question, context)
    assert render_format(notetype.templates[0].answer, context, front).html == (
        'a, c|<span class="type-answer" data-field="cloze:Text">a, c</span>'
    )


# -- a custom type with five fields and two templates -------------------------------------------------


def test_custom_five_field_type_with_sections() -> None:
    notetype = five_field_type()
    fields = ("Hund", "dog", "Der Hund bellt.", "[sound:hund.mp3]", "")
    question, answer = sides(notetype, fields, 0, deck_name="German::A1")
    assert question == "<div>Hund</div><div>Der Hund bellt.</div>"  # the view honours .card's style only
    assert answer == question + "\n<hr>\ndog"  # no Notes: the section is left out
    question, answer = sides(notetype, ("Hund", "dog", "", "[sound:hund.mp3]", "m."), 1)
    assert question == "dog (no example)"
    assert answer == "dog (no example)<hr>Hund [sound:hund.mp3]"  # audio stays as text for now
    assert sides(notetype, ("Hund", "", "", "", ""), 1)[0] == ""


def test_nested_sections_and_negation() -> None:
    fmt = "{{#Front}}A{{#Back}}B{{^Back}}never{{/Back}}{{/Back}}{{^Back}}C{{/Back}}{{/Front}}"
    assert side(fmt, ("x", "y")) == "AB"
    assert side(fmt, ("x", " <br> ")) == "AC"  # only white space and <br>: empty, as Anki
    assert side(fmt, ("", "y")) == ""
    assert side("{{#Back}}<b></b>{{/Back}}", ("x", "<b></b>")) == "<b></b>"  # markup other than br/div counts


def test_special_fields() -> None:
    fmt = "{{Tags}}|{{Deck}}|{{Subdeck}}|{{Type}}|{{Card}}|{{#Tags}}tagged{{/Tags}}"
    rendered = side(fmt, tags=("verb", "a<b"), deck_name="German::A2")
    assert rendered == "verb a&lt;b|German::A2|A2|Custom|Card 1|tagged"
    assert side("{{^Tags}}untagged{{/Tags}}") == "untagged"
    # A note field of the same name wins over the special field.
    notetype = custom("{{Deck}}", fields=("Deck", "Back"))
    assert render_card(NoteContext(notetype, ("my deck", ""), deck_name="Other")).question == "my deck"


def test_front_side_is_the_rendered_question() -> None:
    notetype = custom("{{Front}}{{FrontSide}}", "[{{FrontSide}}]")
    question, answer = sides(notetype, ("q", "a"))
    assert (question, answer) == ("q", "[q]")


def test_hint_and_text_filters_chain_right_to_left() -> None:
    assert side("{{hint:Back}}", ("f", "<i>h</i>")) == "<details><summary>Back</summary><i>h</i></details>"
    assert side("{{hint:Back}}", ("f", " ")) == " "  # an empty hint shows nothing to open
    assert side("{{text:Back}}", ("f", "<i>a &amp; b</i>")) == "a &amp; b"
    # text:hint:Back is hint first, then text: the hint's own markup is stripped too.
    assert side("{{text:hint:Back}}", ("f", "<i>h</i>")) == "Backh"
    assert side("{{kanji:Back}}/{{kana:Back}}", ("f", "漢字[かんじ]")) == "漢字/かんじ"
    assert side("{{furigana:Back}}", ("f", "漢字[かんじ]")) == "<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>"
    assert side("{{tts en_US:Back}}{{edit:Back}}", ("f", "b")) == "bb"


def test_unknown_fields_filters_and_sections_show_a_message() -> None:
    assert side("{{Foo}}!") == '<span class="template-error">{{Foo}}: no field called Foo</span>!'
    assert side("{{front}}") == '<span class="template-error">{{front}}: no field called front</span>'
    assert side("{{ Front }}") == "front"  # white space around a name is trimmed
    assert side("{{shout:Front}}") == 'front<span class="template-error">{{shout:Front}}: no filter called shout</span>'
    assert side("{{#Nope}}x{{/Nope}}") == '<span class="template-error">{{#Nope}}: no field called Nope</span>'
    assert side("{{text:}}") == ""  # a filter with no field adds nothing


def test_broken_sections_render_with_a_message() -> None:
    assert side("{{#Front}}a") == 'a<span class="template-error">Missing {{/Front}}</span>'
    assert side("a{{/Front}}b") == (
        'a<span class="template-error">Found {{/Front}}, but there is no {{#Front}} or {{^Front}} before it</span>b'
    )
    assert side("{{#Front}}a{{/Back}}b{{/Front}}") == (
        'a<span class="template-error">Found {{/Back}}, but expected {{/Front}}</span>b'
    )
    assert parse_template("{{#Front}}a").broken and not parse_template("{{#Front}}a{{/Front}}").broken


def test_comments_unclosed_braces_and_old_delimiters() -> None:
    assert side("<!-- {{Nope}} -->{{Front}}") == "front"  # a comment is not read (and is dropped when shown)
    assert side("{{Front}} {{Back") == "front {{Back"
    assert side("{{=<% %>=}}<%Front%> {{Back}}") == "front {{Back}}"
    assert side("{{{Front}}}") == "front}"


def test_scripts_and_styles_in_templates_never_reach_the_card() -> None:
    fmt = '<script>alert(1)</script><style>body{}</style><div onclick="x()">{{Front}}</div><a href="javascript:y">l</a>'
    assert side(fmt) == '<div>front</div><a rel="noopener noreferrer">l</a>'


def test_deep_nesting_and_many_braces_take_bounded_time() -> None:
    depth = 20_000
    fmt = "{{#Front}}" * depth + "x" + "{{/Front}}" * depth
    started = time.perf_counter()
    assert side(fmt) == "x"
    assert side("{{" * 200_000) == "{{" * 200_000
    assert side("{{#Front}}" * 5_000).count("Missing") == 5_000
    assert side("{{Front}}<!--" * 20_000) == "front"  # a comment never closed is dropped when sanitized
    assert time.perf_counter() - started < 5


def test_what_a_template_reads() -> None:
    notetype = five_field_type()
    assert referenced_fields(notetype.templates[1].question) == {"Meaning", "Example"}
    assert cloze_fields("{{cloze:Text}} {{cloze:Extra}} {{Text}}") == ["Text", "Extra"]


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        (".card { font-family: arial; font-size: 20px; text-align: center; color: black; background-color: white; }",
         {"font-size": "20px", "text-align": "center", "color": "black", "background-color": "white"}),
        ("/* c */ .card, .other {color: #123456 !important} .cardx {color: red} .night .card {color: red}",
         {"color": "#123456"}),
        (".card { background-color: url(http://x/y.png); font-size: 9999999px; text-align: evil }", {}),
        (".card { color: rgb(1, 2, 3) } .card { color: blue }", {"color": "blue"}),
    ],
)  # fmt: skip
def test_card_style_keeps_only_what_the_view_can_honour(css: str, expected: dict[str, str]) -> None:
    assert card_style(css) == expected
