"""Storing imports: duplicate policies, note kinds and their cards, decks, media, history, cancel, one transaction."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.drafts import DuplicatePolicy, ImportDraft, ImportOptions, MediaFile, NoteDraft, ReviewDraft
from studyapp.core.model import CardState, NoteKind, Rating
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.services.app import App
from studyapp.services.importing.draft_writes import card_ords
from studyapp.services.importing.import_job import ImportCancelled
from studyapp.services.importing.importing import store_draft

from .conftest import T0, collection_fingerprint


def store(app: App, draft: ImportDraft, **kwargs):  # noqa: ANN003, ANN201
    return store_draft(app.collection, draft, app.rng, app.clock.now(), **kwargs)


def note(guid: str, front: str, back: str = "back", **kwargs) -> NoteDraft:  # noqa: ANN003
    return NoteDraft(guid=guid, front=front, back=back, **kwargs)


def cards_of(app: App, deck_name: str) -> list[tuple[str, int, str]]:
    deck = app.find_deck(deck_name)
    assert deck is not None
    rows = app.collection.db.execute(
        "SELECT n.guid, c.ord, n.kind FROM cards c JOIN notes n ON n.id = c.note_id WHERE c.deck_id = ? "
        "ORDER BY c.position",
        [deck.id],
    )
    return [tuple(row) for row in rows]


def test_kinds_give_their_cards_in_order() -> None:
    assert card_ords(note("a", "Q")) == [0]
    assert card_ords(note("b", "Q", kind=NoteKind.REVERSED)) == [0, 1]
    assert card_ords(note("c", "{{c2::x}} and {{c1::y}} and {{c2::z}}", kind=NoteKind.CLOZE)) == [0, 1]


def test_a_draft_with_kinds_decks_and_tags_is_stored(app: App) -> None:
    draft = ImportDraft(
        name="Biology",
        description="Cells.",
        notes=(
            note("g1", "Cell?", "Unit of life", tags=("bio", "cells")),
            note("g2", "Mitochondria", "Powerhouse", kind=NoteKind.REVERSED, deck="Biology::Organelles"),
            note("g3", "The {{c1::nucleus}} holds {{c2::DNA}}", "", kind=NoteKind.CLOZE, deck="Biology::Organelles"),
        ),
    )
    summary = store(app, draft)
    assert (summary.deck, summary.new, summary.updated, summary.unchanged, summary.skipped) == (
        "Biology", 3, 0, 0, (),
    )  # fmt: skip
    assert cards_of(app, "Biology") == [("g1", 0, "basic")]
    assert cards_of(app, "Biology::Organelles") == [
        ("g2", 0, "reversed"), ("g2", 1, "reversed"), ("g3", 0, "cloze"), ("g3", 1, "cloze"),
    ]  # fmt: skip
    biology = app.find_deck("Biology")
    assert biology is not None and biology.description == "Cells."
    tags = app.collection.db.execute("SELECT tags FROM notes WHERE guid = 'g1'").fetchone()[0]
    assert tags == "bio cells"


@pytest.mark.parametrize(
    ("policy", "expected", "notes"),
    [
        (DuplicatePolicy.UPDATE, (0, 1, 1, 0), 2),
        (DuplicatePolicy.KEEP, (0, 0, 1, 1), 2),
        (DuplicatePolicy.ADD, (2, 0, 0, 0), 4),
    ],
)
def test_duplicate_policies(app: App, policy: DuplicatePolicy, expected: tuple[int, ...], notes: int) -> None:
    store(app, ImportDraft(name="D", notes=(note("a", "A?", "1"), note("b", "B?", "2"))))
    session = app.review_session(app.find_deck("D").id)  # type: ignore[union-attr]
    session.next_card()
    studied = session.answer(Rating.EASY)
    summary = store(
        app, ImportDraft(name="D", notes=(note("a", "A?", "1 changed"), note("b", "B?", "2"))), policy=policy
    )
    assert (summary.new, summary.updated, summary.unchanged, len(summary.skipped)) == expected
    assert [c.total for c in app.deck_counts() if c.name == "D"] == [notes]
    card = app.collection.reviews.card(studied.card_id)
    assert card is not None and card.schedule == studied.after  # progress kept whatever the policy
    if policy is DuplicatePolicy.KEEP:
        assert summary.skipped[0].reason == "already in the collection with other text (kept as it was)"
        assert card.back == "1"
    if policy is DuplicatePolicy.UPDATE:
        assert card.back == "1 changed"


def test_an_update_that_adds_a_cloze_adds_its_card_and_keeps_the_others(app: App) -> None:
    store(app, ImportDraft(name="C", notes=(note("c", "{{c1::a}}", "", kind=NoteKind.CLOZE),)))
    store(app, ImportDraft(name="C", notes=(note("c", "{{c1::a}} {{c2::b}}", "", kind=NoteKind.CLOZE),)))
    assert cards_of(app, "C") == [("c", 0, "cloze"), ("c", 1, "cloze")]


def test_bad_notes_are_skipped_with_their_reason(app: App) -> None:
    draft = ImportDraft(
        name="S",
        notes=(
            note("a", "  ", line=3),
            note("b", "no deletions here", kind=NoteKind.CLOZE, line=5),
            note("c", "Fine?", line=7),
            note("c", "Fine?", line=9),
        ),
    )
    summary = store(app, draft)
    assert summary.new == 1
    assert [(s.place, s.reason) for s in summary.skipped] == [
        ("line 3", "the front is empty"),
        ("line 5", "a cloze note without any {{c1::...}} deletion"),
        ("line 9", "the same note appears twice in the file"),
    ]
    assert str(summary) == "S: 1 new, 0 updated, 0 unchanged, 3 skipped"


def test_history_is_imported_only_when_asked_and_replays_to_the_card_state(app: App) -> None:
    history = (
        ReviewDraft(0, T0 - timedelta(days=30), Rating.GOOD, 4000),
        ReviewDraft(0, T0 - timedelta(days=30) + timedelta(minutes=10), Rating.GOOD, 3000),
        ReviewDraft(0, T0 - timedelta(days=20), Rating.AGAIN, 9000),
        ReviewDraft(0, T0 - timedelta(days=20) + timedelta(minutes=10), Rating.GOOD, 5000),
        ReviewDraft(1, T0 - timedelta(days=5), Rating.EASY, 2000),
    )
    draft = ImportDraft(name="H", notes=(note("h", "Q", "A", kind=NoteKind.REVERSED, history=history),))
    store(app, draft)
    assert app.collection.reviews.log_count() == 0
    store(app, ImportDraft(name="H2", notes=(note("h2", "Q2", "A", kind=NoteKind.REVERSED, history=history),)),
          with_history=True)  # fmt: skip
    log = app.collection.reviews.log()
    assert len(log) == 5
    scheduler = Scheduler()
    for card_id in {entry.card_id for entry in log}:
        card = app.collection.reviews.card(card_id)
        entries = app.collection.reviews.log(card_id)
        assert card is not None
        assert scheduler.replay(card_id, [(e.rating, e.reviewed_at) for e in entries]) == card.schedule
        assert card.schedule.state is CardState.REVIEW
    forward = [e for e in log if e.rating is Rating.AGAIN]
    assert forward[0].after.lapses == 1 and forward[0].duration_ms == 9000


def test_media_is_stored_and_a_name_clash_is_renamed(app: App, tmp_path: Path) -> None:
    app.media_dir.mkdir(parents=True)
    (app.media_dir / "cell.png").write_bytes(b"the student's own picture")
    options = ImportOptions(format="apkg")
    draft = ImportDraft(
        name="M",
        notes=(note("m", '<img src="cell.png"> Cell?', "Yes", html=True),),
        media=(MediaFile("cell.png", b"imported picture"), MediaFile("other.png", b"x")),
    )
    from studyapp.services.media.media import MediaFolder

    renames, written = MediaFolder(app.media_dir).store(draft.media)
    store(app, draft, media_renames=renames)
    assert (app.media_dir / "cell.png").read_bytes() == b"the student's own picture"
    [renamed] = renames.values()
    assert (app.media_dir / renamed).read_bytes() == b"imported picture"
    front = app.collection.db.execute("SELECT front FROM notes WHERE guid = 'm'").fetchone()[0]
    assert front == f'<img src="{renamed}"> Cell?'
    assert len(written) == 2 and options.format == "apkg"


def _big_qa(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "big.txt"
    path.write_text("".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(count)), encoding="utf-8")
    return path


def test_cancel_while_saving_leaves_the_collection_exactly_as_it_was(
    app: App, collection_path: Path, tmp_path: Path
) -> None:
    before = collection_fingerprint(collection_path)
    stages: list[tuple[str, int, int]] = []

    def on_progress(stage: str, done: int, total: int) -> None:
        stages.append((stage, done, total))
        if stage == "Saving" and done >= 2000:
            job.cancel()

    job = app.import_job(_big_qa(tmp_path, 5000), on_progress=on_progress)
    with pytest.raises(ImportCancelled):
        job.run()
    assert collection_fingerprint(collection_path) == before
    assert ("Saving", 2000, 5000) in stages
    assert any(stage == "Reading" for stage, _, _ in stages)


def test_a_job_runs_on_another_thread(app: App, tmp_path: Path) -> None:
    import threading

    job = app.import_job(_big_qa(tmp_path, 300))
    result = []
    worker = threading.Thread(target=lambda: result.append(job.run()))
    worker.start()
    worker.join(timeout=30)
    assert result and result[0].new == 300
    assert [c.total for c in app.deck_counts() if c.name == "Big"] == [300]


def test_import_into_a_named_deck_with_a_clock(app: App, tmp_path: Path, clock: FixedClock) -> None:
    summary = app.import_file(_big_qa(tmp_path, 3), deck_name="Renamed")
    assert summary.deck == "Renamed" and summary.new == 3


def test_a_large_import_is_indexed_for_search_and_the_trigger_survives(app: App, tmp_path: Path) -> None:
    db = app.collection.db
    app.import_file(_big_qa(tmp_path, 1200))
    db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")  # raises if out of step
    hits = db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'question'").fetchone()[0]
    assert hits == 1200
    triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "notes_ai" in triggers
    from studyapp.services.notes.notes import NoteText, add_note

    deck = app.find_deck("Big")
    assert deck is not None
    add_note(app.collection, app.rng, app.clock, deck.id, NoteText("Zebrafish?", "A small fish"))
    assert db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'zebrafish'").fetchone()[0] == 1


def test_a_large_import_that_fails_late_restores_everything_with_the_trigger(
    app: App, collection_path: Path, tmp_path: Path
) -> None:
    app.collection.db.execute(
        "CREATE TRIGGER fail_cards BEFORE INSERT ON cards WHEN new.position > 1100 "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    before = collection_fingerprint(collection_path)
    with pytest.raises(sqlite3.IntegrityError, match="disk trouble"):
        app.import_file(_big_qa(tmp_path, 1200))
    assert collection_fingerprint(collection_path) == before
    triggers = {row[0] for row in app.collection.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "notes_ai" in triggers


def test_a_deck_named_again_in_another_case_is_the_same_deck(app: App, tmp_path: Path) -> None:
    """A file's deck "calcinosis" (or "CALCINOSIS::Extra") goes into the deck "Calcinosis" already here: deck names
    are one name whatever their case, as in Anki and as the deck list's own create and rename refuse a second."""
    path = tmp_path / "cases.txt"
    path.write_text("#deck column:3\nQ1\tA1\tcalcinosis\nQ2\tA2\tCALCINOSIS::Extra\n", encoding="utf-8")
    before = {deck.name for deck in app.collection.decks.all()}
    assert app.import_file(path).new == 2
    after = {deck.name for deck in app.collection.decks.all()}
    assert after - before == {"Calcinosis::Extra", "Cases"}  # (the subdeck under the deck here; the file's own)
