"""Real Anki packages for the tests, made at test time by the tools that make them in the wild.

``anki`` (the real engine) writes all three generations: modern ``.apkg`` (``collection.anki21b``, zstd,
media map v3), legacy ``.apkg`` (``collection.anki21``, JSON media map) and ``.colpkg``. ``genanki`` writes
the original ``collection.anki2`` packages that most shared decks come from. What went in is recorded in
the constants below, so the tests can compare what comes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from studyapp.core.model import Rating

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # not a real picture: its bytes are what matter


@dataclass(frozen=True)
class Answer:
    """An answer given in the ``anki`` fixture: to note ``note`` (key), card ``ord``."""

    note: str
    ord: int
    at: datetime
    rating: Rating
    duration_ms: int


# The notes of the ``anki`` fixture: key -> (note type, fields, deck, tags).
ANKI_NOTES = {
    "bonjour": (
        "Basic",
        ['bonjour <img src="cat.png">', "hello<script>alert(1)</script>"],
        "Languages::French",
        ["french", "greeting::formal"],
    ),
    "merci": ("Basic", ["merci", "thank you"], "Languages::French", []),
    "chat": ("Basic (and reversed card)", ["chat", "cat"], "Other", ["animals"]),
    "paris": ("Cloze", ["{{c1::Paris}} is the capital of {{c2::France}}", "geography"], "Languages::French", ["geo"]),
    "optional": ("Basic (optional reversed card)", ["oui", "yes", "y"], "Languages", []),
}
ANSWERS = (
    Answer("bonjour", 0, T0, Rating.GOOD, 1500),
    Answer("paris", 0, T0 + timedelta(minutes=1), Rating.AGAIN, 2500),
    Answer("paris", 0, T0 + timedelta(minutes=12), Rating.GOOD, 2000),
    Answer("chat", 1, T0 + timedelta(minutes=2), Rating.EASY, 3000),
    Answer("merci", 0, T0 + timedelta(minutes=3), Rating.HARD, 4000),
)


@dataclass(frozen=True)
class AnkiPackages:
    modern: Path  # .apkg, collection.anki21b
    legacy: Path  # .apkg, collection.anki21
    colpkg: Path  # .colpkg, collection.anki21b
    guids: dict[str, str]  # note key -> Anki guid


def make_anki_packages(folder: Path) -> AnkiPackages:
    """A collection made by the real engine, with answers and a manual reschedule, exported three ways."""
    from anki.collection import Collection, ExportAnkiPackageOptions  # first: anki.cards alone is a circular import
    from anki.scheduler.v3 import CardAnswer

    (folder / "source").mkdir()
    col = Collection(str(folder / "source" / "collection.anki2"))
    try:
        image = folder / "cat.png"
        image.write_bytes(IMAGE)
        assert col.media.add_file(str(image)) == "cat.png"
        notes = {}
        for key, (notetype, fields, deck, tags) in ANKI_NOTES.items():
            note = col.new_note(col.models.by_name(notetype))
            for index, text in enumerate(fields):
                note.fields[index] = text
            note.tags = list(tags)
            col.add_note(note, col.decks.id(deck))
            notes[key] = note
        ratings = {
            Rating.AGAIN: CardAnswer.AGAIN,
            Rating.HARD: CardAnswer.HARD,
            Rating.GOOD: CardAnswer.GOOD,
            Rating.EASY: CardAnswer.EASY,
        }
        for answer in ANSWERS:
            card = next(c for c in notes[answer.note].cards() if c.ord == answer.ord)
            states = col._backend.get_scheduling_states(card.id)
            new_state = {
                Rating.AGAIN: states.again,
                Rating.HARD: states.hard,
                Rating.GOOD: states.good,
                Rating.EASY: states.easy,
            }[answer.rating]
            built = CardAnswer(
                card_id=card.id,
                current_state=states.current,
                new_state=new_state,
                rating=ratings[answer.rating],
                answered_at_millis=int(answer.at.timestamp() * 1000),  # becomes the revlog id
                milliseconds_taken=answer.duration_ms,
            )
            col.sched.answer_card(built)
        # A manual reschedule writes a review log row (type 4/5, ease 0) that is not an answer.
        col.sched.set_due_date([notes["merci"].cards()[0].id], "3")
        out = folder / "packages"
        out.mkdir()
        packages = AnkiPackages(out / "modern.apkg", out / "legacy.apkg", out / "whole.colpkg", {})
        for target, legacy in ((packages.modern, False), (packages.legacy, True)):
            options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy)
            col.export_anki_package(out_path=str(target), options=options, limit=None)
        packages.guids.update({key: note.guid for key, note in notes.items()})
        col.export_collection_package(str(packages.colpkg), include_media=True, legacy=False)
    finally:
        if col.db is not None:
            col.close()
    return packages


# The notes of the ``genanki`` fixture: (model name, fields, deck, tags).
GENANKI_NOTES = (
    ("basic", ['Capital of Italy? <img src="flag.png">', "Rome"], "Parent::Child", ["geo", "europe"]),
    ("reversed", ["dog", "chien"], "Parent::Child", ["animals"]),
    ("cloze", ["{{c1::Madrid}} is in {{c2::Spain}}", "extra text"], "Parent", []),
)


def make_genanki_package(folder: Path) -> tuple[Path, dict[str, str]]:
    """A package written by genanki (``collection.anki2`` only); the guid of each note by model name."""
    import genanki

    models = {
        "basic": genanki.BASIC_MODEL,
        "reversed": genanki.BASIC_AND_REVERSED_CARD_MODEL,
        "cloze": genanki.CLOZE_MODEL,
    }
    decks = {
        "Parent::Child": genanki.Deck(2_059_400_110, "Parent::Child"),
        "Parent": genanki.Deck(2_059_400_111, "Parent"),
    }
    guids = {}
    for model, fields, deck, tags in GENANKI_NOTES:
        note = genanki.Note(model=models[model], fields=fields, tags=tags)
        decks[deck].add_note(note)
        guids[model] = note.guid
    image = folder / "flag.png"
    image.write_bytes(IMAGE)
    path = folder / "genanki.apkg"
    genanki.Package(list(decks.values()), media_files=[str(image)]).write_to_file(str(path))
    return path, guids
