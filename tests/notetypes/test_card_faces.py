"""The card view's faces built from note type templates: stock cards look as before, others split sensibly."""

from __future__ import annotations

from studyapp.core.model import Card, NoteKind
from studyapp.core.notetypes.model import BASIC, BASIC_OPTIONAL_REVERSED, BASIC_TYPING, CLOZE, stock_type
from studyapp.core.text.face_budget import FIRST_VIEW, SHOW_ALL
from studyapp.core.text.render import CardFaces, answer_for, card_faces, card_text_faces

from .support import custom, five_field_type


def card(fields: tuple[str, ...], notetype=None, **kwargs) -> Card:  # noqa: ANN001, ANN003
    return Card(id=1, note_id=1, deck_id=1, front=fields[0], back=fields[1] if len(fields) > 1 else "",
                fields=fields, notetype=notetype, **kwargs)  # fmt: skip


def test_stock_cards_with_and_without_a_note_type_look_the_same() -> None:
    for kind, key, fields in (
        (NoteKind.BASIC, BASIC, ("Is 2 < 3?\n\nhttps://x.org", "yes")),
        (NoteKind.CLOZE, CLOZE, ("The {{c1::nucleus}} holds\nDNA", "Biology 101")),
    ):
        for html in (False, True):
            old = Card(id=1, note_id=1, deck_id=1, front=fields[0], back=fields[1], kind=kind, html=html)
            new = card(fields, stock_type(key, 7), kind=kind, html=html)
            assert card_faces(old) == card_faces(new)
    faces = card_faces(card(("Q?", "A."), stock_type(BASIC, 7)))
    assert faces == CardFaces("<p>Q?</p>", "<p>Q?</p>", "<p>A.</p>")
    assert faces.revealed_question is faces.question  # the view lays out the same text once


def test_optional_reversed_second_card() -> None:
    faces = card_faces(card(("Hund", "dog", "y"), stock_type(BASIC_OPTIONAL_REVERSED, 7), ord=1))
    assert (faces.question, faces.revealed_question, faces.answer) == ("<p>dog</p>", "<p>dog</p>", "<p>Hund</p>")


def test_a_custom_type_splits_at_the_answer_rule() -> None:
    notetype = five_field_type()
    faces = card_faces(card(("Hund", "dog", "Der Hund.", "", "m."), notetype, html=True))
    assert faces.question == "<div>Hund</div><div>Der Hund.</div>"
    assert faces.revealed_question == faces.question
    assert faces.answer == "dog<br><i>m.</i>"
    assert card_text_faces(card(("Hund", "dog", "Der Hund.", "", "m."), notetype, html=True)) == (
        "Hund\nDer Hund.",
        "dog\nm.",
    )


def test_without_an_answer_rule_the_answer_side_is_shown_whole() -> None:
    faces = card_faces(card(("Q", "A"), custom("{{Front}}", "<b>{{Back}}</b>"), html=True))
    assert (faces.question, faces.revealed_question, faces.answer) == ("Q", "", "<b>A</b>")
    faces = card_faces(card(("Q", "A"), custom("{{Front}}", "{{FrontSide}}<br><br>{{Back}}"), html=True))
    assert (faces.question, faces.revealed_question, faces.answer) == ("Q", "Q", "A")


def test_typed_answer_marker_in_the_faces() -> None:
    faces = card_faces(card(("Hund", "dog"), stock_type(BASIC_TYPING, 7)))
    assert faces.question == '<p>Hund</p>\n\n<span class="type-answer" data-field="Back"></span>'
    assert faces.revealed_question == "<p>Hund</p>"
    assert faces.answer == '<span class="type-answer" data-field="Back">dog</span>'


def test_the_answer_comes_at_the_reveal_and_equals_the_whole_faces() -> None:
    notetype = five_field_type()
    shown = card(("Hund", "dog", "", "", ""), notetype, ord=1, tags=("a",), deck_name="D")
    question_only = card_faces(shown, FIRST_VIEW, with_answer=False)
    assert question_only.answer == ""
    assert answer_for(question_only, shown) == card_faces(shown)


def test_the_budget_bounds_every_field_and_marks_only_fields_shown() -> None:
    long_example = "word " * 50_000
    notetype = five_field_type()
    shown = card(("Hund", "dog", long_example, "", ""), notetype)
    faces = card_faces(shown)
    assert faces.cut and len(faces.question) < 10_000
    assert len(card_faces(shown, SHOW_ALL).question) > len(faces.question)
    # The second card does not show Example (it only tests it): nothing is cut there.
    assert not card_faces(card(("Hund", "dog", long_example, "", ""), notetype, ord=1)).cut
    huge_notes = card(("Hund", "dog", "", "", "n " * 100_000), notetype)
    assert not card_faces(huge_notes, with_answer=False).cut
    assert card_faces(huge_notes).cut  # the answer shows Notes


def test_a_card_whose_template_is_gone_says_so() -> None:
    faces = card_faces(card(("Q", "A"), custom("{{Front}}"), ord=3))
    assert faces.question == '<span class="template-error">Custom has no card 4</span>'


def test_a_hint_reads_as_a_line_in_the_terminal() -> None:
    shown = card(("Q", "a clue"), custom("{{Front}}{{hint:Back}}"), html=True)
    assert card_text_faces(shown)[0] == "Q\nBack: a clue"
