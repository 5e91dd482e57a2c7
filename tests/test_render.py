"""Card faces: which side asks, cloze deletions, HTML sanitized on display, plain text for the terminal."""

from __future__ import annotations

from studyapp.core.model import Card, NoteKind
from studyapp.core.text.cloze import cloze_answer, cloze_numbers, cloze_question
from studyapp.core.text.plain_text import html_to_text
from studyapp.core.text.render import card_faces, card_text_faces


def card(front: str, back: str = "", **kwargs) -> Card:  # noqa: ANN003
    return Card(id=1, note_id=1, deck_id=1, front=front, back=back, **kwargs)


def test_cloze_numbers_and_sides() -> None:
    text = "The {{c1::mitochondria}} is the {{c2::powerhouse::energy}} of the <cell>."
    assert cloze_numbers(text) == [1, 2]
    assert cloze_question(text, 1) == 'The <span class="cloze">[...]</span> is the powerhouse of the &lt;cell&gt;.'
    assert cloze_question(text, 2) == 'The mitochondria is the <span class="cloze">[energy]</span> of the &lt;cell&gt;.'
    assert cloze_answer(text, 2) == 'The mitochondria is the <span class="cloze">powerhouse</span> of the &lt;cell&gt;.'


def test_cloze_across_lines_and_repeated_numbers() -> None:
    text = "{{c1::a\nb}} and {{c1::c}} and {{c3::d}}"
    assert cloze_numbers(text) == [1, 3]
    assert cloze_question(text, 1) == '<span class="cloze">[...]</span> and <span class="cloze">[...]</span> and d'


def test_reversed_second_card_asks_the_back() -> None:
    faces = card_faces(card("Hund", "dog", kind=NoteKind.REVERSED, ord=1))
    assert (faces.question, faces.answer) == ("<p>dog</p>", "<p>Hund</p>")


def test_cloze_faces_and_extra() -> None:
    faces = card_faces(card("The {{c1::nucleus}} holds DNA", "Biology 101", kind=NoteKind.CLOZE))
    assert faces.question == 'The <span class="cloze">[...]</span> holds DNA'
    assert faces.revealed_question == 'The <span class="cloze">nucleus</span> holds DNA'
    assert faces.answer == "<p>Biology 101</p>"
    assert card_faces(card("{{c1::x}}", "", kind=NoteKind.CLOZE)).answer == ""


def test_html_is_sanitized_again_when_shown() -> None:
    faces = card_faces(card('<b>Q</b><script>alert(1)</script><img src="x.png" onerror="alert(2)">', "A", html=True))
    assert faces.question == '<b>Q</b><img src="x.png">'
    hostile_cloze = card('{{c1::<img src="http://evil/x.png">}} <a href="javascript:x()">l</a>', html=True,
                         kind=NoteKind.CLOZE)  # fmt: skip
    faces = card_faces(hostile_cloze)
    assert "http://evil" not in faces.question + faces.revealed_question
    assert "javascript:" not in faces.question + faces.revealed_question


def test_plain_text_faces_for_the_terminal() -> None:
    assert card_text_faces(card("Q?", "A.")) == ("Q?", "A.")
    assert card_text_faces(card("The {{c1::x::hint}} <b>y</b>", "extra", kind=NoteKind.CLOZE, html=True)) == (
        "The [hint] y",
        "The x y\n\nextra",
    )
    html = '<div>Line 1</div><div>Line 2 &amp; <img src="a.png"></div><ul><li>one</li><li>two</li></ul>x<br><br>y'
    assert html_to_text(html) == "Line 1\nLine 2 & [image: a.png]\n• one\n• two\nx\n\ny"


def test_simple_html_becomes_plain_text_and_real_html_does_not() -> None:
    from studyapp.core.text.plain_text import plain_if_simple

    assert plain_if_simple("Is 2 &lt; 3 &amp; 4?<br>Say why.") == "Is 2 < 3 & 4?\nSay why."
    assert plain_if_simple("caf&#233; &nbsp;x") == "caf\u00e9 \u00a0x"
    assert plain_if_simple("<b>bold</b>") is None
    assert plain_if_simple('<img src="a.png">') is None
    assert plain_if_simple("a & b") is None  # a bare ampersand is not something we wrote
