"""Packages with every kind of note type, made at test time by genanki and by the real Anki engine.

``make_notetype_package``: genanki, one note of every stock type (Basic, Basic (and reversed card), Basic
(optional reversed card) with and without its reverse, Basic (type in the answer), Cloze), a custom note type
with five fields and two templates with conditionals and a hint, audio in a field, a font its styling uses,
a ``_``-prefixed script file and a file nothing uses.

``make_forget_package``: the engine, a card answered into review, then Forget (``schedule_cards_as_new``),
learned again, then given a due date (``set_due_date``), exported with scheduling in both generations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

SOUND = b"ID3\x03\x00" + bytes(range(200))  # not real audio: its bytes are what matter
FONT = b"wOFF" + bytes(100)
SCRIPT = b"/* a note type's script */"
CUSTOM_CSS = '@font-face { font-family: mine; src: url("_mine.woff"); }\n.card { font-family: mine; }\n'
CUSTOM_FIELDS = ("Question", "Hint", "Answer", "Source", "Reverse")
CUSTOM_TEMPLATES = (
    (
        "Forward",
        "{{Question}}{{#Hint}}<br>{{hint:Hint}}{{/Hint}}",
        "{{FrontSide}}<hr id=answer>{{Answer}}{{#Source}}<br><i>{{Source}}</i>{{/Source}}",
    ),
    ("Backward", "{{#Reverse}}{{Answer}}{{/Reverse}}", "{{FrontSide}}<hr id=answer>{{Question}}{{^Hint}}!{{/Hint}}"),
)
# key -> (model key, fields, tags)
NOTES = {
    "basic": ("basic", ["la mer", "the sea [sound:mer.mp3]"], ["fr"]),
    "reversed": ("reversed", ["le chat", "the cat"], []),
    "optional_with": ("optional", ["le chien", "the dog", "y"], []),
    "optional_without": ("optional", ["le lapin", "the rabbit", ""], []),
    "typing": ("typing", ["capital of France", "Paris"], ["geo"]),
    "cloze": ("cloze", ["{{c1::Rome}} is in {{c3::Italy}}", "capital"], []),
    "custom_full": ("custom", ["2+2?", "even", "4", "maths book p. 3", "yes"], ["maths"]),
    "custom_short": ("custom", ["3+3?", "", "6", "", ""], []),
}


@dataclass(frozen=True)
class NotetypePackage:
    path: Path
    guids: dict[str, str]  # note key -> Anki guid


def make_notetype_package(folder: Path) -> NotetypePackage:
    import genanki

    custom = genanki.Model(
        1_607_392_319,
        "Vocabulary (5 fields)",
        fields=[{"name": name} for name in CUSTOM_FIELDS],
        templates=[{"name": name, "qfmt": q, "afmt": a} for name, q, a in CUSTOM_TEMPLATES],
        css=CUSTOM_CSS,
        sort_field_index=2,
    )
    models = {
        "basic": genanki.BASIC_MODEL,
        "reversed": genanki.BASIC_AND_REVERSED_CARD_MODEL,
        "optional": genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL,
        "typing": genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL,
        "cloze": genanki.CLOZE_MODEL,
        "custom": custom,
    }
    deck = genanki.Deck(2_059_400_200, "Notetypes::All")
    guids = {}
    for key, (model, fields, tags) in NOTES.items():
        note = genanki.Note(model=models[model], fields=fields, tags=tags)
        deck.add_note(note)
        guids[key] = note.guid
    files = {"mer.mp3": SOUND, "_mine.woff": FONT, "_helper.js": SCRIPT, "unused.png": b"\x89PNG nothing uses me"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    path = folder / "notetypes.apkg"
    genanki.Package([deck], media_files=[str(folder / name) for name in files]).write_to_file(str(path))
    return NotetypePackage(path, guids)


@dataclass(frozen=True)
class ForgetPackages:
    modern: Path
    legacy: Path
    guid: str


def make_forget_package(folder: Path) -> ForgetPackages:
    from anki.collection import Collection, ExportAnkiPackageOptions  # first: anki.cards alone is a circular import
    from anki.scheduler.v3 import CardAnswer

    col = Collection(str(folder / "collection.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "vergessen", "to forget"
        col.add_note(note, col.decks.id("German"))
        card = note.cards()[0]

        def answer(rating: int) -> None:
            states = col._backend.get_scheduling_states(card.id)
            new_state = {CardAnswer.AGAIN: states.again, CardAnswer.GOOD: states.good}[rating]
            col.sched.answer_card(
                CardAnswer(
                    card_id=card.id,
                    current_state=states.current,
                    new_state=new_state,
                    rating=rating,
                    answered_at_millis=int(time.time() * 1000),
                    milliseconds_taken=1000,
                )
            )
            time.sleep(0.005)  # each entry its own millisecond (the revlog id)

        answer(CardAnswer.GOOD)
        answer(CardAnswer.GOOD)  # learning -> review
        col.sched.schedule_cards_as_new([card.id])  # Forget
        time.sleep(0.005)
        answer(CardAnswer.AGAIN)
        answer(CardAnswer.GOOD)
        answer(CardAnswer.GOOD)  # in review again
        col.sched.set_due_date([card.id], "10!")  # due in 10 days, interval 10
        packages = ForgetPackages(folder / "modern.apkg", folder / "legacy.apkg", note.guid)
        for target, legacy in ((packages.modern, False), (packages.legacy, True)):
            options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy)
            col.export_anki_package(out_path=str(target), options=options, limit=None)
    finally:
        if col.db is not None:
            col.close()
    return packages
