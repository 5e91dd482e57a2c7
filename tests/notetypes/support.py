"""Note types for the tests: a custom five-field type with two templates and sections, built from the model."""

from __future__ import annotations

from studyapp.core.notetypes.model import CardTemplate, FieldDef, NoteType, NotetypeKind

FIVE_FIELDS = ("Word", "Meaning", "Example", "Audio", "Notes")
WORD_TO_MEANING = CardTemplate(
    "Recognise",
    "<div class=word>{{Word}}</div>{{#Example}}<div class=ex>{{Example}}</div>{{/Example}}",
    "{{FrontSide}}\n<hr id=answer>\n{{Meaning}}{{#Notes}}<br><i>{{Notes}}</i>{{/Notes}}",
)
MEANING_TO_WORD = CardTemplate(
    "Recall",
    "{{#Meaning}}{{Meaning}}{{^Example}} (no example){{/Example}}{{/Meaning}}",
    "{{FrontSide}}<hr id=answer>{{Word}} {{Audio}}",
)


def five_field_type(notetype_id: int = 5) -> NoteType:
    return NoteType(
        id=notetype_id,
        name="Vocabulary (5 fields)",
        kind=NotetypeKind.STANDARD,
        fields=tuple(FieldDef(name) for name in FIVE_FIELDS),
        templates=(WORD_TO_MEANING, MEANING_TO_WORD),
        css=".card { text-align: left; font-size: 24px; color: #222; background-color: #fafafa; }",
    )


def custom(question: str, answer: str = "{{FrontSide}}<hr id=answer>", fields: tuple[str, ...] = ("Front", "Back"),
           name: str = "Custom") -> NoteType:  # fmt: skip
    return NoteType(1, name, NotetypeKind.STANDARD, tuple(FieldDef(n) for n in fields),
                    (CardTemplate("Card 1", question, answer),))  # fmt: skip
