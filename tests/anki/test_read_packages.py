"""Packages made by the real Anki engine (all three generations) and by genanki, read into drafts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft, ReviewDraft
from studyapp.core.model import NoteKind, ScheduleChangeKind
from studyapp.exporters.apkg import write_apkg
from studyapp.importers.anki_package import read_anki_package

from .conftest import Sandbox
from .makers import ANSWERS, IMAGE, AnkiPackages

VARIANTS = {
    "modern": ("apkg", "18", "collection.anki21b"),
    "legacy": ("apkg", "11", "collection.anki21"),
    "colpkg": ("colpkg", "18", "collection.anki21b"),
}


def by_guid(draft: ImportDraft, guid: str) -> NoteDraft:
    return next(note for note in draft.notes if note.guid == "anki:" + guid)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_package_from_the_anki_engine_becomes_notes(anki_packages: AnkiPackages, variant: str) -> None:
    draft = read_anki_package(getattr(anki_packages, variant))
    guids = anki_packages.guids
    assert len(draft.notes) == 5
    assert {note.guid for note in draft.notes} == {"anki:" + guid for guid in guids.values()}
    fmt, schema, member = VARIANTS[variant]
    assert draft.details == {
        "format": fmt, "anki_schema": schema, "collection": member, "media": "1",
        "notetypes": "Basic, Basic (and reversed card), Basic (optional reversed card), Cloze",
        "decks": "Languages::French (4 cards), Other (2 cards), Languages (2 cards)",
    }  # fmt: skip
    assert draft.name == "Languages"  # the top-level deck of most notes

    bonjour = by_guid(draft, guids["bonjour"])
    assert (bonjour.kind, bonjour.html, bonjour.notetype) == (NoteKind.BASIC, True, "Basic")
    assert (bonjour.card_ords, bonjour.card_decks) == ((0,), ("Languages::French",))
    assert bonjour.front == 'bonjour <img src="cat.png">'
    assert bonjour.back == "hello"  # the script was removed by the sanitizer
    assert bonjour.tags == ("french", "greeting::formal")
    assert bonjour.deck == "Languages::French"

    chat = by_guid(draft, guids["chat"])
    assert (chat.kind, chat.front, chat.back, chat.deck, chat.tags) == (
        NoteKind.REVERSED,
        "chat",
        "cat",
        "Other",
        ("animals",),
    )
    paris = by_guid(draft, guids["paris"])
    assert paris.kind is NoteKind.CLOZE
    assert paris.front == "{{c1::Paris}} is the capital of {{c2::France}}"
    assert paris.back == "geography"
    assert paris.deck == "Languages::French"
    assert (paris.notetype, paris.card_ords) == ("Cloze", (0, 1))

    optional = by_guid(draft, guids["optional"])  # 3 fields, 2 templates: every field, both cards
    assert (optional.front, optional.back, optional.deck) == ("oui", "yes", "Languages")
    assert (optional.fields, optional.notetype) == (("oui", "yes", "y"), "Basic (optional reversed card)")
    assert optional.card_ords == (0, 1)
    assert draft.skipped == () and draft.warnings == ()
    stock = {notetype.name: notetype.stock for notetype in draft.notetypes}
    assert stock == {
        "Basic": "basic", "Basic (and reversed card)": "basic_reversed",
        "Basic (optional reversed card)": "basic_optional_reversed", "Cloze": "cloze",
    }  # fmt: skip
    assert [(m.name, m.data) for m in draft.media] == [("cat.png", IMAGE)]
    assert all(note.history == () for note in draft.notes)  # starting fresh is the default


@pytest.mark.parametrize("variant", VARIANTS)
def test_history_comes_along_only_when_asked(anki_packages: AnkiPackages, variant: str) -> None:
    draft = read_anki_package(getattr(anki_packages, variant), ImportOptions(include_history=True))
    expected: dict[str, list[ReviewDraft]] = {}
    for answer in ANSWERS:
        expected.setdefault(answer.note, []).append(
            ReviewDraft(answer.ord, answer.at, answer.rating, answer.duration_ms)
        )
    for key, guid in anki_packages.guids.items():
        history = list(by_guid(draft, guid).history)
        if key == "merci":  # also given a due date by hand ("3" days: its interval stays 3, Anki's log says)
            change = history.pop()
            assert (change.change, change.rating, change.interval_days) == (ScheduleChangeKind.RESCHEDULE, None, 3)
            assert change.due is not None and change.due > change.reviewed_at  # the card's due day in the file
        # an answer also carries the interval in days Anki logged for it (None: a learning step, in seconds)
        assert all(r.interval_days is None or r.interval_days > 0 for r in history), key
        assert [dataclasses.replace(r, interval_days=None) for r in history] == expected.get(key, []), key
    assert draft.details["history"] == "5 answers, 1 due date set by hand on 4 cards"


def test_a_genanki_package_becomes_notes(genanki_package: tuple[Path, dict[str, str]]) -> None:
    path, guids = genanki_package
    draft = read_anki_package(path)
    assert draft.details == {
        "format": "apkg", "anki_schema": "11", "collection": "collection.anki2", "media": "1",
        "notetypes": "Basic (and reversed card) (genanki), Cloze (genanki), Basic (genanki)",  # by Anki id
        "decks": "Parent::Child (3 cards), Parent (2 cards)",
    }  # fmt: skip
    assert draft.name == "Parent"
    assert draft.skipped == ()
    basic, reversed_, cloze = (by_guid(draft, guids[key]) for key in ("basic", "reversed", "cloze"))
    assert (basic.kind, basic.front, basic.back) == (NoteKind.BASIC, 'Capital of Italy? <img src="flag.png">', "Rome")
    assert (basic.tags, basic.deck) == (("geo", "europe"), "Parent::Child")
    assert (reversed_.kind, reversed_.front, reversed_.back, reversed_.deck) == (
        NoteKind.REVERSED,
        "dog",
        "chien",
        "Parent::Child",
    )
    assert (cloze.kind, cloze.front, cloze.back, cloze.deck) == (
        NoteKind.CLOZE,
        "{{c1::Madrid}} is in {{c2::Spain}}",
        "extra text",
        "Parent",
    )
    assert [(m.name, m.data) for m in draft.media] == [("flag.png", IMAGE)]
    assert [note.line for note in draft.notes] == [1, 2, 3]


def test_the_deck_name_option_puts_the_package_under_it(anki_packages: AnkiPackages) -> None:
    draft = read_anki_package(anki_packages.modern, ImportOptions(deck_name="Mine", format="colpkg"))
    assert draft.name == "Mine"
    assert draft.details["format"] == "colpkg"
    assert {note.deck for note in draft.notes} == {"Mine::Languages::French", "Mine::Other", "Mine::Languages"}
    assert all(deck is not None and deck.startswith("Mine::") for note in draft.notes for deck in note.card_decks)
    assert (
        draft.details["decks"] == "Mine::Languages::French (4 cards), Mine::Other (2 cards), Mine::Languages (2 cards)"
    )


def test_progress_is_reported_and_can_cancel(anki_packages: AnkiPackages, sandbox: Sandbox) -> None:
    calls: list[tuple[int, int]] = []
    read_anki_package(anki_packages.modern, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)  # 5 notes and 1 media file
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done:
            raise Cancelled

    with pytest.raises(Cancelled):  # not swallowed, not turned into an ImportFailure
        read_anki_package(anki_packages.modern, progress=cancel)
    # the sandbox checks that the temporary folder is gone


def test_a_thousand_notes_with_progress_every_500(tmp_path: Path) -> None:
    notes = tuple(
        NoteDraft(guid=f"g{i}", front=f"question {i} <b>bold</b>", back=f"answer {i}", html=True, tags=("t",))
        for i in range(1000)
    )
    path = tmp_path / "thousand.apkg"
    write_apkg(ImportDraft(name="Big", notes=notes), path)
    calls: list[tuple[int, int]] = []
    draft = read_anki_package(path, progress=lambda done, total: calls.append((done, total)))
    assert [note.front for note in draft.notes] == [note.front for note in notes]
    assert calls == [(0, 1000), (500, 1000), (1000, 1000)]
