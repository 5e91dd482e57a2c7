"""[sound:] tags in card faces: play buttons, the sounds of each side, hostile names, {{tts}} text."""

from __future__ import annotations

import pytest

from studyapp.core.model import Card, NoteKind
from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind
from studyapp.core.text.render import answer_for, card_faces, card_text_faces
from studyapp.core.text.sound_tags import sound_index, sound_name, with_play_buttons


def card(front: str, back: str = "", **kwargs) -> Card:  # noqa: ANN003
    return Card(id=1, note_id=1, deck_id=1, front=front, back=back, **kwargs)


def test_each_side_plays_its_own_sounds_and_the_answer_not_the_question_again() -> None:
    faces = card_faces(card("Hund [sound:hund.mp3]", "dog [sound:dog.ogg][sound:bark.mp3]"))
    assert faces.question_sounds == ("hund.mp3",)
    assert faces.answer_sounds == ("dog.ogg", "bark.mp3")
    assert faces.sounds == ("hund.mp3", "dog.ogg", "bark.mp3")  # by button number
    assert "[sound:" not in faces.question + faces.answer
    assert '<a class="replay" href="sound:0" title="Play hund.mp3">' in faces.question
    assert 'href="sound:1"' in faces.answer and 'href="sound:2"' in faces.answer
    assert faces.revealed_question == faces.question  # the same buttons above the divider


def test_question_without_the_answer_then_the_reveal_numbers_on() -> None:
    question_only = card_faces(card("[sound:a.mp3]", "[sound:b.mp3]"), with_answer=False)
    assert question_only.question_sounds == ("a.mp3",) and question_only.answer_sounds == ()
    revealed = answer_for(question_only, card("[sound:a.mp3]", "[sound:b.mp3]"))
    assert revealed.sounds == ("a.mp3", "b.mp3") and revealed.answer_sounds == ("b.mp3",)
    assert 'href="sound:1"' in revealed.answer


def notetype(question: str, answer: str) -> NoteType:
    return NoteType(
        id=7, name="Audio", kind=NotetypeKind.STANDARD, fields=(FieldDef("Front"), FieldDef("Back")),
        templates=(CardTemplate("Card 1", question, answer),),
    )  # fmt: skip


def test_front_side_inside_the_answer_does_not_play_again() -> None:
    # No divider: the question is inside the answer side; only the answer's own sound plays at the reveal.
    types = notetype("{{Front}}", "<div>{{FrontSide}}</div><div>{{Back}}</div>")
    faces = card_faces(card("[sound:q.mp3]", "[sound:a.mp3]", notetype=types))
    assert faces.question_sounds == ("q.mp3",)
    assert faces.answer_sounds == ("a.mp3",)


def test_a_sound_field_that_only_the_answer_shows() -> None:
    types = notetype("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}")
    faces = card_faces(card("Katze", "cat [sound:katze.mp3]", notetype=types))
    assert faces.question_sounds == () and faces.answer_sounds == ("katze.mp3",)


@pytest.mark.parametrize(
    "raw",
    [
        "../../etc/passwd", "/etc/passwd", "a/b.mp3", "a\\b.mp3", "..", ".", ".hidden.mp3", "http://evil/x.mp3",
        "file:///etc/passwd", "C:\\x.mp3", "c:x.mp3", "", "   ", "a\x00b.mp3", "a\nb.mp3", "x" * 300 + ".mp3",
        "&#47;etc&#47;passwd", "..&#x2f;x.mp3",
    ],
)  # fmt: skip
def test_hostile_names_are_never_played(raw: str) -> None:
    assert sound_name(raw) is None
    shown, names = with_play_buttons(f"<p>[sound:{raw}]</p>")
    assert names == () and "<a " not in shown


def test_plain_names_are_kept_exactly() -> None:
    assert sound_name("Hund – Aussprache (1).mp3") == "Hund – Aussprache (1).mp3"
    assert sound_name("a&amp;b.mp3") == "a&b.mp3"  # HTML text: the entity is the character
    shown, names = with_play_buttons("[sound:a&amp;b.mp3] [sound:a&amp;b.mp3]")
    assert names == ("a&b.mp3", "a&b.mp3")  # each tag plays
    assert 'title="Play a&amp;b.mp3"' in shown


def test_tags_in_attributes_and_inside_links_are_left_alone() -> None:
    face = '<img src="x.png" alt="[sound:a.mp3]"><a href="https://x.org">[sound:b.mp3]</a> [sound:c.mp3]'
    shown, names = with_play_buttons(face)
    assert names == ("c.mp3",)
    assert 'alt="[sound:a.mp3]"' in shown and ">[sound:b.mp3]</a>" in shown


def test_sound_links_are_numbers_only() -> None:
    assert sound_index("3") == 3
    assert sound_index("x") is None and sound_index("-1") is None and sound_index("1" * 9) is None


def test_a_plain_text_field_with_a_hostile_tag_stays_text() -> None:
    faces = card_faces(card('[sound:"><script>alert(1)</script>.mp3]', "b"))
    assert "<script" not in faces.question and faces.question_sounds == ()


def test_tts_shows_its_text() -> None:
    types = notetype("{{tts en_US:Front}}", "{{FrontSide}}<hr id=answer>{{tts de_DE voices=Apple_Anna speed=0.9:Back}}")
    faces = card_faces(card("cat", "Katze", notetype=types))
    assert faces.question == "<p>cat</p>" and "Katze" in faces.answer and "tts" not in faces.answer
    spoken = card_faces(card("[anki:tts lang=en_US]Hello there[/anki:tts] [sound:x.mp3]", ""))
    assert spoken.question.startswith("<p>Hello there <a ") and spoken.question_sounds == ("x.mp3",)
    assert card_text_faces(card("[anki:tts lang=en_US]Hi[/anki:tts]", "b", html=True))[0] == "Hi"


def test_cloze_keeps_its_sounds() -> None:
    faces = card_faces(card("{{c1::Hund}} [sound:hund.mp3]", "extra [sound:x.ogg]", kind=NoteKind.CLOZE))
    assert faces.question_sounds == ("hund.mp3",)
    assert faces.answer_sounds == ("x.ogg",)
    assert faces.sounds[faces.sounds.index("x.ogg")] == "x.ogg"
