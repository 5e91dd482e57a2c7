"""Packages come in whole: every note type with its fields, templates and styling, every field, the package's
cards, the media any field, template or styling names, and every kind of review-log entry."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions, NoteDraft
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.core.notetypes.model import NotetypeKind
from studyapp.importers.anki_package import read_anki_package

from .makers import AnkiPackages
from .notetype_makers import (
    CUSTOM_CSS,
    CUSTOM_FIELDS,
    CUSTOM_TEMPLATES,
    FONT,
    NOTES,
    SCRIPT,
    SOUND,
    ForgetPackages,
    NotetypePackage,
)


def notes_by_key(draft_notes: tuple[NoteDraft, ...], guids: dict[str, str]) -> dict[str, NoteDraft]:
    by_guid = {note.guid: note for note in draft_notes}
    return {key: by_guid["anki:" + guid] for key, guid in guids.items()}


def test_every_field_and_every_card_of_every_stock_type(notetype_package: NotetypePackage) -> None:
    draft = read_anki_package(notetype_package.path)
    notes = notes_by_key(draft.notes, notetype_package.guids)
    assert len(draft.notes) == len(NOTES)
    for key, (_, fields, tags) in NOTES.items():
        assert notes[key].fields == tuple(fields), key
        assert (notes[key].front, notes[key].back) == (fields[0], fields[1])
        assert notes[key].tags == tuple(tags) and notes[key].html
    assert {key: note.card_ords for key, note in notes.items()} == {
        "basic": (0,),
        "reversed": (0, 1),
        "optional_with": (0, 1),
        "optional_without": (0,),  # "Add Reverse" empty: Anki made no reverse card
        "typing": (0,),
        "cloze": (0, 2),  # c1 and c3
        "custom_full": (0, 1),
        "custom_short": (0,),  # {{#Reverse}} empty: no backward card
    }
    assert all(note.card_decks == ("Notetypes::All",) * len(note.card_ords) for note in draft.notes)
    named = {note.notetype for note in draft.notes}
    assert named == {notetype.name for notetype in draft.notetypes}  # each note names a note type of the draft
    kinds = {
        notetype.name: (notetype.kind, len(notetype.fields), len(notetype.templates)) for notetype in draft.notetypes
    }
    assert kinds == {
        "Basic (genanki)": (NotetypeKind.STANDARD, 2, 1),
        "Basic (and reversed card) (genanki)": (NotetypeKind.STANDARD, 2, 2),
        "Basic (optional reversed card) (genanki)": (NotetypeKind.STANDARD, 3, 2),
        "Basic (type in the answer) (genanki)": (NotetypeKind.STANDARD, 2, 1),
        "Cloze (genanki)": (NotetypeKind.CLOZE, 2, 1),
        "Vocabulary (5 fields)": (NotetypeKind.STANDARD, 5, 2),
    }
    typing = next(nt for nt in draft.notetypes if nt.name.startswith("Basic (type"))
    assert "{{type:Back}}" in typing.templates[0].question
    assert [skip.place for skip in draft.skipped] == ["media"] and draft.warnings == ()  # no note or field lost


def test_a_custom_note_type_keeps_its_fields_templates_styling_and_sort_field(
    notetype_package: NotetypePackage,
) -> None:
    draft = read_anki_package(notetype_package.path)
    custom = next(nt for nt in draft.notetypes if nt.name == "Vocabulary (5 fields)")
    assert custom.field_names == CUSTOM_FIELDS
    assert tuple((t.name, t.question, t.answer) for t in custom.templates) == CUSTOM_TEMPLATES
    assert custom.css == CUSTOM_CSS
    assert custom.sort_field == 2
    assert custom.stock is None  # genanki does not say it is a stock type: custom
    extra = json.loads(custom.extra)
    assert "latexPre" in extra and "id" not in extra and "flds" not in extra  # Anki's other keys, kept for export
    assert json.loads(custom.fields[0].extra)["font"] == "Liberation Sans"  # a field's other keys too


def test_media_named_by_fields_templates_and_styling_all_come_in(notetype_package: NotetypePackage) -> None:
    draft = read_anki_package(notetype_package.path)
    # The audio of a field ([sound:]), the font of the styling (url()), a "_" file of the note types; not the
    # file nothing names, which is reported.
    assert {m.name: m.data for m in draft.media} == {"mer.mp3": SOUND, "_mine.woff": FONT, "_helper.js": SCRIPT}
    assert draft.details["media"] == "3"
    assert [(s.place, s.reason) for s in draft.skipped] == [
        ("media", "1 media file no note uses was not imported (no field, template or styling names it)")
    ]


def test_modern_and_legacy_packages_give_the_same_note_types(anki_packages: AnkiPackages) -> None:
    """Schema 18's protobuf settings and schema 11's JSON come out as the same note types, with the same keys."""
    modern = read_anki_package(anki_packages.modern).notetypes
    legacy = read_anki_package(anki_packages.legacy).notetypes

    def shape(extra: str) -> dict[str, object]:  # schema 11 writes an absent optional number as null
        return {key: value for key, value in json.loads(extra).items() if value is not None}

    assert [nt.name for nt in modern] == [nt.name for nt in legacy]
    for new, old in zip(modern, legacy, strict=True):
        assert (new.id, new.kind, new.css, new.sort_field, new.stock) == (
            old.id,
            old.kind,
            old.css,
            old.sort_field,
            old.stock,
        )
        assert shape(new.extra) == shape(old.extra), new.name
        assert [(f.name, shape(f.extra)) for f in new.fields] == [(f.name, shape(f.extra)) for f in old.fields]
        assert [(t.name, t.question, t.answer, shape(t.extra)) for t in new.templates] == [
            (t.name, t.question, t.answer, shape(t.extra)) for t in old.templates
        ]
    optional = next(nt for nt in modern if nt.stock == "basic_optional_reversed")
    assert json.loads(optional.extra)["req"] == [[0, "any", [0]], [1, "all", [1, 2]]]
    assert json.loads(optional.extra)["originalStockKind"] == 3


@pytest.mark.parametrize("variant", ["modern", "legacy"])
def test_forget_and_set_due_date_come_with_the_history(forget_packages: ForgetPackages, variant: str) -> None:
    draft = read_anki_package(getattr(forget_packages, variant), ImportOptions(include_history=True))
    (note,) = draft.notes
    history = note.history
    reset, reschedule = ScheduleChangeKind.RESET, ScheduleChangeKind.RESCHEDULE
    assert [(r.rating, r.change) for r in history] == [
        (Rating.GOOD, None),
        (Rating.GOOD, None),
        (None, reset),  # Forget: the card is new again, the answers after it start it anew
        (Rating.AGAIN, None),
        (Rating.GOOD, None),
        (Rating.GOOD, None),
        (None, reschedule),
    ]
    assert [r.reviewed_at for r in history] == sorted(r.reviewed_at for r in history)
    last = history[-1]
    assert last.interval_days == 10
    assert last.due is not None and timedelta(days=9) < last.due - last.reviewed_at <= timedelta(days=10)
    assert draft.details["history"] == "5 answers, 1 reset to new, 1 due date set by hand on 1 card"
    assert read_anki_package(getattr(forget_packages, variant)).notes[0].history == ()


def test_the_deck_option_puts_every_card_under_the_chosen_deck(notetype_package: NotetypePackage) -> None:
    draft = read_anki_package(notetype_package.path, ImportOptions(deck_name="Französisch"))
    assert {note.deck for note in draft.notes} == {"Französisch::Notetypes::All"}
    assert {deck for note in draft.notes for deck in note.card_decks} == {"Französisch::Notetypes::All"}
    assert draft.details["decks"] == "Französisch::Notetypes::All (12 cards)"


def test_a_package_of_one_note_type_names_it(tmp_path: Path) -> None:
    import genanki

    model = genanki.Model(
        1_607_392_320,
        "Three",
        fields=[{"name": "A"}, {"name": "B"}, {"name": "C"}],
        templates=[{"name": "t", "qfmt": "{{C}}", "afmt": "{{A}}"}],
    )
    deck = genanki.Deck(2_059_400_201, "One")
    deck.add_note(genanki.Note(model=model, fields=["", "", "only the third"]))
    path = tmp_path / "one.apkg"
    genanki.Package(deck).write_to_file(str(path))
    draft = read_anki_package(path)
    (note,) = draft.notes
    # The first field is empty, but the template shows the third: Anki made the card, so the note comes in.
    assert (note.fields, note.card_ords, note.notetype) == (("", "", "only the third"), (0,), "Three")
    assert draft.details["notetypes"] == "Three" and draft.skipped == ()
