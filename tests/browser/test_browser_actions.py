"""Every bulk action of the browser, its exact effect on the stored rows, and its exact undo."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.core.model import CardState
from studyapp.services.app import App
from studyapp.services.decks.decks import study_day
from studyapp.services.notes.browser_actions import BrowserActions, BulkActionError, parse_tags
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.bulk_store import BulkStore

from .conftest import card_ids, snapshot


def cards(app: App, ids: list[int], columns: str) -> list[tuple]:
    marks = ",".join("?" * len(ids))
    query = f"SELECT {columns} FROM cards WHERE id IN ({marks}) ORDER BY id"
    return [tuple(row) for row in app.collection.db.execute(query, ids)]


def changed_tables(before: dict, after: dict) -> set[str]:
    return {table for table in before if before[table] != after[table]}


def test_suspend_and_undo(studied: App, actions: BrowserActions) -> None:
    chosen = card_ids(studied)[:4]
    before = snapshot(studied)
    change = actions.set_suspended(chosen, True)
    assert change is not None and change.count == 4
    assert cards(studied, chosen, "suspended") == [(1,)] * 4
    assert changed_tables(before, snapshot(studied)) == {"cards"}
    assert actions.undo() is change
    assert snapshot(studied) == before
    assert not actions.can_undo


def test_toggle_suspends_unless_all_are(studied: App, actions: BrowserActions) -> None:
    last = card_ids(studied)[-1]  # suspended by the fixture
    actions.toggle_suspended([last])
    assert cards(studied, [last], "suspended") == [(0,)]
    actions.toggle_suspended(card_ids(studied)[-2:])
    assert cards(studied, card_ids(studied)[-2:], "suspended") == [(1,), (1,)]


def test_bury_until_the_end_of_the_study_day_and_undo(studied: App, actions: BrowserActions) -> None:
    chosen = card_ids(studied)[2:5]
    before = snapshot(studied)
    actions.bury(chosen)
    _start, end = study_day(studied.collection, studied.clock)
    assert cards(studied, chosen, "buried_until") == [(to_ms(end),)] * 3
    actions.undo()
    assert snapshot(studied) == before


def test_reset_makes_cards_new_at_the_end_keeping_the_log(studied: App, actions: BrowserActions) -> None:
    reviewed = [row[0] for row in studied.collection.db.execute("SELECT id FROM cards WHERE reps > 0 ORDER BY id")]
    assert reviewed
    last_position = studied.collection.db.execute("SELECT max(position) FROM cards").fetchone()[0]
    before = snapshot(studied)
    actions.reset(reviewed)
    after = snapshot(studied)
    assert after["review_log"] == before["review_log"]
    assert changed_tables(before, after) == {"cards"}
    rows = cards(studied, reviewed, "state, step, stability, difficulty, due, last_review, reps, lapses")
    assert rows == [(int(CardState.NEW), None, None, None, None, None, 0, 0)] * len(reviewed)
    positions = sorted(row[0] for row in cards(studied, reviewed, "position"))
    assert positions == list(range(last_position + 1, last_position + 1 + len(reviewed)))
    actions.undo()
    assert snapshot(studied) == before


def test_change_deck_to_a_new_deck_and_undo(studied: App, actions: BrowserActions) -> None:
    chosen = card_ids(studied)[:3]
    before = snapshot(studied)
    change = actions.change_deck(chosen, "  Moved   cards ")
    deck = studied.find_deck("Moved cards")
    assert deck is not None and change is not None and change.created_decks == (deck.id,)
    assert cards(studied, chosen, "deck_id") == [(deck.id,)] * 3
    assert sorted(row[0] for row in cards(studied, chosen, "position")) == [0, 1, 2]
    assert changed_tables(before, snapshot(studied)) == {"decks", "notes", "cards"}
    actions.undo()
    assert snapshot(studied) == before
    assert studied.find_deck("Moved cards") is None


def test_change_deck_to_an_existing_deck(studied: App, actions: BrowserActions, calcinosis_id: int) -> None:
    other = studied.collection.decks.create(7, "Other", "", studied.clock.now())
    chosen = card_ids(studied)[5:7]
    before = snapshot(studied)
    change = actions.change_deck(chosen, "Other")
    assert change is not None and change.created_decks == ()
    assert cards(studied, chosen, "deck_id") == [(other.id,)] * 2
    actions.undo()
    assert snapshot(studied) == before
    with pytest.raises(BulkActionError):
        actions.change_deck(chosen, "   ")


def test_add_and_remove_tags_and_undo(studied: App, actions: BrowserActions) -> None:
    chosen = card_ids(studied)[:2]
    notes = BulkStore.of(studied.collection).note_ids_of_cards(chosen)
    before = snapshot(studied)
    studied.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    actions.add_tags(chosen, ["exam", "hard,exam"])
    tags = [studied.collection.notes.get(note_id).tags.split() for note_id in notes]  # type: ignore[union-attr]
    assert all(t[-2:] == ["exam", "hard"] for t in tags)
    actions.add_tags(chosen, ["EXAM"])  # already there, ignoring case: nothing repeats
    assert [studied.collection.notes.get(n).tags.split() for n in notes] == tags  # type: ignore[union-attr]
    actions.remove_tags(chosen, ["Exam"])
    assert all("exam" not in studied.collection.notes.get(n).tags.split() for n in notes)  # type: ignore[union-attr]
    for _ in range(3):
        actions.undo()
    assert snapshot(studied) == before
    with pytest.raises(BulkActionError):
        actions.add_tags(chosen, [" , "])


def test_delete_and_undo_restores_notes_cards_and_progress(studied: App, actions: BrowserActions) -> None:
    reviewed = [row[0] for row in studied.collection.db.execute("SELECT id FROM cards WHERE reps > 0 ORDER BY id")]
    before = snapshot(studied)
    change = actions.delete_notes(reviewed[:3])
    assert change is not None and change.count == 3
    after = snapshot(studied)
    assert len(after["cards"]) == len(before["cards"]) - 3
    assert len(after["notes"]) == len(before["notes"]) - 3
    assert after["review_log"] == before["review_log"]  # the history stays
    actions.undo()
    assert snapshot(studied) == before
    # The search index follows the notes back (it raises if it does not match them).
    studied.collection.db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")


def test_undo_stack_takes_back_in_reverse_order(studied: App, actions: BrowserActions) -> None:
    before = snapshot(studied)
    ids = card_ids(studied)
    actions.set_suspended(ids[:5], True)
    actions.change_deck(ids[3:8], "Elsewhere")
    actions.delete_notes(ids[6:9])
    actions.reset(ids)
    assert actions.undo_label == "Reset progress"
    while actions.can_undo:
        actions.undo()
    assert snapshot(studied) == before
    assert actions.undo() is None


def test_no_selection_does_nothing(actions: BrowserActions) -> None:
    assert actions.set_suspended([], True) is None
    assert actions.delete_notes([]) is None
    assert not actions.can_undo


def test_a_failure_midway_changes_nothing(studied: App, actions: BrowserActions, monkeypatch) -> None:  # noqa: ANN001
    before = snapshot(studied)

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    # Change deck makes the deck, then moves the cards: a failure moving the notes undoes both.
    monkeypatch.setattr(actions.store, "set_values", broken)
    with pytest.raises(RuntimeError):
        actions.change_deck(card_ids(studied)[:3], "Half made")
    assert snapshot(studied) == before
    # Delete removes cards, then notes: fail between them.
    monkeypatch.undo()
    real_execute = studied.collection.db.execute

    def fail_on_notes(sql: str, *args: object):  # noqa: ANN202
        if sql.startswith("DELETE FROM notes"):
            raise RuntimeError("disk full")
        return real_execute(sql, *args)

    monkeypatch.setattr(studied.collection.db, "execute", fail_on_notes)
    with pytest.raises(RuntimeError):
        actions.delete_notes(card_ids(studied)[:3])
    monkeypatch.undo()
    assert snapshot(studied) == before
    assert not actions.can_undo


def test_an_undo_that_fails_midway_changes_nothing(studied: App, actions: BrowserActions, monkeypatch) -> None:  # noqa: ANN001
    actions.change_deck(card_ids(studied)[:3], "Somewhere")
    moved = snapshot(studied)
    monkeypatch.setattr(actions.store, "delete_empty_deck", lambda _deck_id: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        actions.undo()
    assert snapshot(studied) == moved
    assert actions.can_undo


def test_parse_tags() -> None:
    assert parse_tags("a, b  a,c") == ("a", "b", "c")
