"""Packages made by the real Anki engine (all three generations) and by genanki, read into drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft, ReviewDraft
from studyapp.core.model import NoteKind
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
    assert draft.details == {"format": fmt, "anki_schema": schema, "collection": member, "media": "1"}
    assert draft.name == "Languages"  # the top-level deck of most notes

    bonjour = by_guid(draft, guids["bonjour"])
    assert (bonjour.kind, bonjour.html) == (NoteKind.BASIC, True)
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

    optional = by_guid(draft, guids["optional"])  # 3 fields, 2 templates: basic, the third field reported
    assert (optional.kind, optional.front, optional.back, optional.deck) == (NoteKind.BASIC, "oui", "yes", "Languages")
    assert [(s.place, s.reason) for s in draft.skipped] == [
        (
            "note type 'Basic (optional reversed card)'",
            "only the first two fields are imported: 'Add Reverse' dropped from 1 notes",
        )
    ]
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
        # "merci" was also rescheduled by hand: that log row is not an answer and is left out.
        assert list(by_guid(draft, guid).history) == expected.get(key, []), key


def test_a_genanki_package_becomes_notes(genanki_package: tuple[Path, dict[str, str]]) -> None:
    path, guids = genanki_package
    draft = read_anki_package(path)
    assert draft.details == {"format": "apkg", "anki_schema": "11", "collection": "collection.anki2", "media": "1"}
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


def test_the_deck_name_option_names_the_import(anki_packages: AnkiPackages) -> None:
    draft = read_anki_package(anki_packages.modern, ImportOptions(deck_name="Mine", format="colpkg"))
    assert draft.name == "Mine"
    assert draft.details["format"] == "colpkg"


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
