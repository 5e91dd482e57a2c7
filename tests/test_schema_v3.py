"""Schema v3: suspended and buried cards leave the queue, presets are shared, the search index follows the notes."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.core.scheduling.deck_options import DeckOptions, NewOrder, format_steps, parse_steps
from studyapp.importers.plaintext_qa import read_qa
from studyapp.services.app import App
from studyapp.services.decks.decks import study_day

from .conftest import SEED_DECK


def test_suspended_cards_are_not_studied_or_counted(app: App, calcinosis_id: int) -> None:
    first = app.review_session(calcinosis_id).next_card()
    assert first is not None
    app.collection.db.execute("UPDATE cards SET suspended = 1 WHERE id = ?", [first.id])
    assert app.review_session(calcinosis_id).next_card().id != first.id  # type: ignore[union-attr]
    app.collection.db.execute("UPDATE cards SET suspended = 1 WHERE deck_id = ?", [calcinosis_id])
    [counts] = app.deck_counts()
    assert (counts.new, counts.total) == (0, 29)
    assert app.review_session(calcinosis_id).next_card() is None


def test_buried_cards_come_back_the_next_study_day(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    first = app.review_session(calcinosis_id).next_card()
    assert first is not None
    _, day_end = study_day(app.collection, clock)
    app.collection.db.execute(
        "UPDATE cards SET buried_until = ? WHERE id = ?", [int(day_end.timestamp() * 1000), first.id]
    )
    assert app.review_session(calcinosis_id).next_card().id != first.id  # type: ignore[union-attr]
    clock.set(day_end + timedelta(minutes=1))
    assert app.review_session(calcinosis_id).next_card().id == first.id  # type: ignore[union-attr]


def test_every_deck_shares_the_default_preset_and_its_options_apply(app: App, calcinosis_id: int) -> None:
    [preset] = app.collection.presets.all()
    deck = app.collection.decks.get(calcinosis_id)
    assert deck is not None and deck.preset_id == preset.id and preset.name == "Default"
    app.collection.presets.update(preset.id, "Default", replace(preset.options, new_per_day=5))
    assert app.deck_counts()[0].new == 5
    assert app.collection.presets.decks_using(preset.id) == 1


def test_random_new_order_shuffles_but_shows_every_new_card(app: App, calcinosis_id: int) -> None:
    [preset] = app.collection.presets.all()
    app.collection.presets.update(preset.id, "Default", replace(preset.options, new_order=NewOrder.RANDOM))
    session = app.review_session(calcinosis_id)
    session.next_card()
    seen = []
    while session.current is not None:
        seen.append(session.current.front)
        session.answer(Rating.EASY)
    in_deck_order = [note.front for note in read_qa(SEED_DECK).notes]
    assert len(set(seen)) == 20
    assert seen != in_deck_order[:20]


def test_options_round_trip_and_are_validated() -> None:
    options = DeckOptions(new_per_day=7, learning_steps=parse_steps("1m 15m 1h"), new_order=NewOrder.RANDOM)
    assert DeckOptions.from_json(options.to_json()) == options
    assert format_steps(options.learning_steps) == "1m 15m 1h"
    with pytest.raises(ValueError, match="desired retention"):
        DeckOptions(desired_retention=0.6)
    with pytest.raises(ValueError, match="'5x' is not a step"):
        parse_steps("1m 5x")


def test_the_search_index_follows_the_notes(app: App, collection_path: Path) -> None:
    db = app.collection.db
    hits = lambda word: [r[0] for r in db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?", [word])]  # noqa: E731
    assert len(hits("calcinosis")) > 10
    assert hits("dermvettacoma")  # in an answer
    note_id = hits("Cushing")[0]
    db.execute("UPDATE notes SET front = 'Renamed question?' WHERE id = ?", [note_id])
    assert hits("Cushing") == [] and hits("renamed") == [note_id]
    raw = sqlite3.connect(collection_path)
    raw.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")  # raises if out of step
    raw.close()


def test_upgrading_a_v2_collection_indexes_its_notes_and_gives_decks_a_preset(tmp_path: Path) -> None:
    import sqlite_utils

    from studyapp.storage import Collection
    from studyapp.storage.schema import APPLICATION_ID, MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    for number, migration in enumerate(MIGRATIONS[:2], start=1):
        with db.atomic():
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db["decks"].insert({"id": 7, "name": "Old", "created_at": 0})
    db["notes"].insert({"id": 8, "guid": "g", "deck_id": 7, "front": "Über café?", "back": "x", "created_at": 0,
                        "modified_at": 0})  # fmt: skip
    db.close()
    collection = Collection.open(path)
    assert collection.schema_version == len(MIGRATIONS)
    hits = collection.db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'cafe'").fetchall()
    assert hits == [(8,)]
    deck = collection.decks.get(7)
    assert deck is not None and deck.preset_id is not None and deck.options == DeckOptions()
    collection.close()
