"""Export goes out whole: note types with every field, template and styling, the cards, audio and
template media, and with history each card's schedule and review log, as the real Anki engine reads them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from studyapp.core.drafts import ImportDraft, MediaFile, NoteDraft
from studyapp.core.model import (
    CardState,
    Rating,
    ReviewEntry,
    ReviewMode,
    Schedule,
    ScheduleChange,
    ScheduleChangeKind,
)
from studyapp.core.notetypes.model import (
    BASIC_OPTIONAL_REVERSED,
    BASIC_TYPING,
    CLOZE,
    CardTemplate,
    FieldDef,
    NoteType,
    NotetypeKind,
    stock_type,
)
from studyapp.exporters.apkg import write_apkg
from studyapp.exporters.apkg_cards import ExportCard

from .conftest import Sandbox
from .makers import IMAGE

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
AUDIO = b"ID3\x03\x00" + bytes(range(200))
FONT = b"wOFF" + bytes(64)

CUSTOM = NoteType(
    id=4_611_686_018_427_387_904 + 12345,  # a random 63-bit id, as studyapp makes them
    name="Vocabulary (5 fields)",
    kind=NotetypeKind.STANDARD,
    fields=(
        FieldDef("Word", json.dumps({"font": "Times New Roman", "size": 28, "description": "the word", "rtl": False})),
        FieldDef("Meaning"),
        FieldDef("Example"),
        FieldDef("Audio"),
        FieldDef("Notes", json.dumps({"size": "not a number", "plainText": True, "customKey": [1, 2]})),
    ),
    templates=(
        CardTemplate("Recognise", "{{Word}}{{#Audio}}<br>{{Audio}}{{/Audio}}", "{{FrontSide}}<hr id=answer>{{Meaning}}",
                     json.dumps({"bqfmt": "{{Word}}", "bfont": "Arial", "bsize": 12})),
        CardTemplate("Recall", "{{#Example}}{{Meaning}}{{/Example}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
    ),
    css='.card { text-align: left; color: navy; }\n@font-face { font-family: x; src: url("_ipa.woff"); }',
    sort_field=1,
    extra=json.dumps({"latexPre": "\\documentclass{article}\\begin{document}", "vers": [], "mystery": {"a": 1}}),
)  # fmt: skip
OPTIONAL = stock_type(BASIC_OPTIONAL_REVERSED, 1_000_001)
TYPING = stock_type(BASIC_TYPING, 1_000_002)
CLOZE_TYPE = stock_type(CLOZE, 1_000_003)


def whole_draft() -> ImportDraft:
    return ImportDraft(
        name="Languages",
        description="Words and more",
        notetypes=(CUSTOM, OPTIONAL, TYPING, CLOZE_TYPE),
        notes=(
            NoteDraft(guid="v1", front="", back="", html=True, deck="Languages::German", tags=("de", "a2"),
                      fields=("Haus", "house", "Das Haus ist alt.", "[sound:haus.mp3]", "<b>neuter</b>"),
                      notetype=CUSTOM.name),
            NoteDraft(guid="v2", front="", back="", html=True, deck="Languages::German",
                      fields=("Baum", "tree", "", "", ""), notetype=CUSTOM.name),
            NoteDraft(guid="o1", front="", back="", fields=("yes", "oui", "y"), notetype=OPTIONAL.name),
            NoteDraft(guid="o2", front="", back="", fields=("no", "non", ""), notetype=OPTIONAL.name),
            NoteDraft(guid="t1", front="", back="", fields=("2 < 3?", "true"), notetype=TYPING.name),
            NoteDraft(guid="c1", front="", back="", html=True, deck="Languages::Maths::Ratios",
                      fields=('{{c1::Pi}} is {{c2::3.14}} <img src="pi.png">', "ratio"), notetype=CLOZE_TYPE.name),
        ),
        media=(MediaFile("haus.mp3", AUDIO), MediaFile("pi.png", IMAGE), MediaFile("_ipa.woff", FONT)),
    )  # fmt: skip


def open_in_anki(package: Path, folder: Path, with_scheduling: bool = False) -> Any:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(folder / "collection.anki2"))
    options = ImportAnkiPackageOptions(with_scheduling=with_scheduling)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
    return col


def anki_notes(col: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        found[note.guid] = {
            "notetype": note.note_type()["name"],
            "fields": dict(note.items()),
            "tags": sorted(note.tags),
            "cards": sorted((card.ord, col.decks.name(card.did)) for card in note.cards()),
        }
    return found


def test_anki_gets_every_note_type_field_template_card_and_media(sandbox: Sandbox) -> None:
    path = sandbox.root / "whole.apkg"
    write_apkg(whole_draft(), path, now=NOW)
    col = open_in_anki(path, sandbox.cwd)
    try:
        notes = anki_notes(col)
        assert notes["v1"] == {
            "notetype": CUSTOM.name,
            "fields": {"Word": "Haus", "Meaning": "house", "Example": "Das Haus ist alt.", "Audio": "[sound:haus.mp3]",
                       "Notes": "<b>neuter</b>"},
            "tags": ["a2", "de"],
            "cards": [(0, "Languages::German"), (1, "Languages::German")],
        }  # fmt: skip
        assert notes["v2"]["cards"] == [(0, "Languages::German")]  # no example: the Recall template shows nothing
        assert notes["o1"]["cards"] == [(0, "Languages"), (1, "Languages")]
        assert notes["o2"]["cards"] == [(0, "Languages")]  # "Add Reverse" empty: no reverse card
        assert notes["t1"]["fields"] == {"Front": "2 &lt; 3?", "Back": "true"}  # plain text escaped for Anki
        assert notes["c1"]["cards"] == [(0, "Languages::Maths::Ratios"), (1, "Languages::Maths::Ratios")]
        assert {"Languages", "Languages::German", "Languages::Maths", "Languages::Maths::Ratios"} <= set(
            col.decks.all_names()
        )
        assert col.decks.by_name("Languages")["desc"] == "Words and more"

        custom = col.models.by_name(CUSTOM.name)
        assert [f["name"] for f in custom["flds"]] == ["Word", "Meaning", "Example", "Audio", "Notes"]
        assert (custom["flds"][0]["font"], custom["flds"][0]["size"], custom["flds"][0]["description"]) == (
            "Times New Roman", 28, "the word",
        )  # fmt: skip
        assert custom["flds"][4]["size"] == 20  # a kept key of the wrong type is left out, not sent to Anki
        assert custom["flds"][4]["plainText"] is True
        assert [(t["name"], t["qfmt"], t["afmt"]) for t in custom["tmpls"]] == [
            (t.name, t.question, t.answer) for t in CUSTOM.templates
        ]
        assert (custom["tmpls"][0]["bqfmt"], custom["tmpls"][0]["bsize"]) == ("{{Word}}", 12)
        assert custom["css"] == CUSTOM.css
        assert custom["sortf"] == 1
        assert custom["latexPre"] == "\\documentclass{article}\\begin{document}"
        assert col.models.by_name("Cloze")["type"] == 1
        typing = col.models.by_name("Basic (type in the answer)")
        assert typing["tmpls"][0]["qfmt"] == TYPING.templates[0].question
        assert [f["name"] for f in col.models.by_name("Basic (optional reversed card)")["flds"]] == [
            "Front", "Back", "Add Reverse",
        ]  # fmt: skip

        media = {p.name: p.read_bytes() for p in Path(col.media.dir()).iterdir() if p.is_file()}
        assert media == {"haus.mp3": AUDIO, "pi.png": IMAGE, "_ipa.woff": FONT}
        # Anki renders our card as we meant it: the audio on the question, the answer under the rule.
        card = col.get_card(col.find_cards("Word:Haus card:Recognise")[0])
        assert "haus.mp3" in card.question() or "[anki:play" in card.question()
        assert "house" in card.answer()
    finally:
        col.close()


def test_a_note_with_more_fields_than_its_note_type_is_refused(sandbox: Sandbox) -> None:
    draft = ImportDraft(name="D", notetypes=(TYPING,), notes=(
        NoteDraft(guid="x", front="", back="", fields=("a", "b", "lost?"), notetype=TYPING.name),))  # fmt: skip
    with pytest.raises(ValueError, match="note x: 3 fields"):
        write_apkg(draft, sandbox.root / "x.apkg")
    assert not (sandbox.root / "x.apkg").exists()


def _schedule(state: CardState, due: datetime, last: datetime, s: float, d: float, reps: int, lapses: int = 0,
              step: int | None = None) -> Schedule:  # fmt: skip
    return Schedule(state=state, step=step, stability=s, difficulty=d, due=due, last_review=last, reps=reps,
                    lapses=lapses)  # fmt: skip


def _answer(at: datetime, rating: Rating, before: Schedule, after: Schedule) -> ReviewEntry:
    return ReviewEntry(id=int(at.timestamp()), card_id=1, reviewed_at=at, rating=rating, duration_ms=4200,
                       mode=ReviewMode.FLIP, before=before, after=after)  # fmt: skip


def test_with_history_anki_gets_each_schedule_and_the_review_log(sandbox: Sandbox) -> None:
    first = NOW - timedelta(days=30)
    new = Schedule()
    learning = _schedule(CardState.LEARNING, first + timedelta(minutes=10), first, 2.3, 5.0, 1, step=1)
    review = _schedule(CardState.REVIEW, NOW + timedelta(days=12), NOW - timedelta(days=3), 15.2, 4.5, 3)
    relearn = _schedule(CardState.RELEARNING, NOW + timedelta(minutes=10), NOW - timedelta(minutes=1), 1.1, 8.1, 6, 1)
    review_log = (
        _answer(first, Rating.GOOD, new, learning),
        _answer(first + timedelta(minutes=10), Rating.GOOD, learning, review),
        _answer(NOW - timedelta(days=3), Rating.GOOD, review, review),
    )
    reset = ScheduleChange(id=9, card_id=2, changed_at=first - timedelta(days=1), kind=ScheduleChangeKind.RESET,
                           before=review, after=new)  # fmt: skip
    draft = ImportDraft(name="Hist", notes=(
        NoteDraft(guid="a", front="reviewed", back="x"),
        NoteDraft(guid="b", front="relearning", back="y"),
        NoteDraft(guid="c", front="new", back="z"),
    ))  # fmt: skip
    cards = [
        [ExportCard(0, schedule=review, reviews=review_log, changes=(reset,))],
        [ExportCard(0, schedule=relearn, suspended=True, steps_left=1)],
        [ExportCard(0, schedule=None, position=7)],
    ]
    path = sandbox.root / "history.apkg"
    write_apkg(draft, path, cards=cards, now=NOW)

    col = open_in_anki(path, sandbox.cwd, with_scheduling=True)
    try:
        assert col.db.scalar("select count() from revlog") == 4
        rows = col.db.all("select ease, type, ivl from revlog order by id")
        assert rows[0] == [0, 4, 0]  # the reset first: Anki's "Forget", a manual entry
        assert [row[:2] for row in rows[1:]] == [[3, 0], [3, 0], [3, 1]]
        assert rows[2][2] == 15 and rows[1][2] == -600  # a 15-day interval; a 10-minute step in seconds

        by_note = {col.get_note(col.get_card(cid).nid).guid: col.get_card(cid) for cid in col.find_cards("")}
        today = col.sched.today
        card = by_note["a"]
        assert (card.type, card.queue, card.ivl, card.reps) == (2, 2, 15, 3)
        # Due 12 days after the export's NOW; Anki counts from its own clock's today (the rollover hour may move
        # the day by one).
        since_export = (datetime.now(timezone.utc).date() - NOW.date()).days
        assert abs(card.due - (today + 12 - since_export)) <= 1
        assert card.memory_state is not None and round(card.memory_state.stability, 1) == 15.2
        assert round(card.memory_state.difficulty, 1) == 4.5
        relearning = by_note["b"]
        assert (relearning.type, relearning.queue, relearning.lapses) == (3, -1, 1)  # relearning, suspended
        assert (by_note["c"].type, by_note["c"].queue) == (0, 0)
    finally:
        col.close()


def test_without_history_every_card_goes_out_new(sandbox: Sandbox) -> None:
    path = sandbox.root / "plain.apkg"
    write_apkg(whole_draft(), path, now=NOW)
    col = open_in_anki(path, sandbox.cwd, with_scheduling=True)
    try:
        assert col.db.scalar("select count() from revlog") == 0
        assert col.db.list("select distinct type from cards") == [0]
    finally:
        col.close()
