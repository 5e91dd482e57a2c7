"""A genanki package for the quiz modes with note types, made at test time.

* ``Quiz::Words``: a custom note type of five fields (Word, Gender, Back, Example, Notes) with two
  templates: "Recognise" asks ``{{type:Back}}`` in the middle of its question; "Produce" (only when
  Notes has text) shows the Back and answers with the Word, without a typed-answer box. Five notes.
* ``Quiz::Typing``: the stock Basic (type in the answer), three notes whose Backs are never Words'.
* ``Quiz::Clozes``: a cloze note type whose template asks ``{{type:cloze:Text}}``, four notes.
"""

from __future__ import annotations

from pathlib import Path

WORD_FIELDS = ("Word", "Gender", "Back", "Example", "Notes")
RECOGNISE = (
    "<div class=word>{{Word}}{{#Gender}} <i>({{Gender}})</i>{{/Gender}}</div>\n{{type:Back}}\n"
    "<div class=small>type the meaning</div>"
)
RECOGNISE_ANSWER = "{{Word}}<hr id=answer>{{type:Back}}{{#Example}}<br><i>{{Example}}</i>{{/Example}}"
PRODUCE = "{{#Notes}}{{Back}}{{/Notes}}"
PRODUCE_ANSWER = "{{FrontSide}}<hr id=answer>{{Word}}<br>{{Gender}}"
WORDS_CSS = ".card { font-size: 26px; text-align: left; color: #1a4d8f; background-color: #fdf6e3; }\n"
WORDS = (  # Word, Gender, Back, Example, Notes
    ("Hund", "der", "dog", "Der Hund bellt.", "common"),
    ("Katze", "die", "cat", "", ""),
    ("Pferd", "das", "horse", "Das Pferd läuft.", ""),
    ("Vogel", "der", "bird", "", "also: Vögel"),
    ("Fisch", "der", "fish <b>[sound:fisch.mp3]</b>", "", ""),
)
TYPING = (("capital of France", "Paris"), ("capital of Italy", "Rome"), ("capital of Spain", "Madrid"))
CLOZES = (
    "The {{c1::left ventricle}} pumps blood into the {{c2::aorta}}.",
    "The {{c1::right atrium}} receives blood from the {{c2::venae cavae}}.",
    "Oxygen-poor blood goes to the {{c1::lungs}}.",
    "The {{c1::mitral valve::valve}} closes.",
)
CLOZE_QUESTION = "{{cloze:Text}}<br>{{type:cloze:Text}}"
CLOZE_ANSWER = "{{cloze:Text}}<br>{{type:cloze:Text}}<br>{{Extra}}"


def make_quiz_package(folder: Path) -> Path:
    import genanki

    words = genanki.Model(
        1_700_000_001,
        "German words",
        fields=[{"name": name} for name in WORD_FIELDS],
        templates=[
            {"name": "Recognise", "qfmt": RECOGNISE, "afmt": RECOGNISE_ANSWER},
            {"name": "Produce", "qfmt": PRODUCE, "afmt": PRODUCE_ANSWER},
        ],
        css=WORDS_CSS,
    )
    clozes = genanki.Model(
        1_700_000_002,
        "Typed cloze",
        fields=[{"name": "Text"}, {"name": "Extra"}],
        templates=[{"name": "Cloze", "qfmt": CLOZE_QUESTION, "afmt": CLOZE_ANSWER}],
        model_type=genanki.Model.CLOZE,
    )
    decks = {
        "words": genanki.Deck(2_000_000_001, "Quiz::Words"),
        "typing": genanki.Deck(2_000_000_002, "Quiz::Typing"),
        "clozes": genanki.Deck(2_000_000_003, "Quiz::Clozes"),
    }
    for fields in WORDS:
        decks["words"].add_note(genanki.Note(model=words, fields=list(fields)))
    for front, back in TYPING:
        decks["typing"].add_note(genanki.Note(model=genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL, fields=[front, back]))
    for text in CLOZES:
        decks["clozes"].add_note(genanki.Note(model=clozes, fields=[text, ""]))
    sound = folder / "fisch.mp3"
    sound.write_bytes(b"ID3\x03\x00" + bytes(64))
    path = folder / "quiz.apkg"
    genanki.Package(list(decks.values()), media_files=[str(sound)]).write_to_file(str(path))
    return path
