"""Creating, renaming, deleting decks (and undoing a deletion), the deck tree, presets and settings."""

from __future__ import annotations

import pytest

from studyapp.core.model import Rating
from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.services.decks.deck_ops import DeckNameError, PresetError
from studyapp.services.decks.tree import deck_tree, walk
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.settings import Settings, load_settings, save_settings
from tests.gui.support import database_fingerprint

# The search index's own storage: its segments are laid out anew when rows go and come back (its
# content is checked by searching instead).
FTS_SHADOW = ("notes_fts_data", "notes_fts_idx", "notes_fts_docsize")


def make_decks(app: App, names: dict[str, int]) -> dict[str, int]:
    """Decks with ``count`` basic notes each; their ids by name."""
    ids = {}
    for name, count in names.items():
        deck = deck_ops.create_deck(app.collection, app.rng, app.clock, name)
        ids[name] = deck.id
        for number in range(count):
            add_note(app.collection, app.rng, app.clock, deck.id, NoteText(f"{name} q{number}", "a"))
    return ids


def names(app: App) -> list[str]:
    return sorted(deck.name for deck in app.decks())


def test_create_cleans_and_validates_names(app: App) -> None:
    deck = deck_ops.create_deck(app.collection, app.rng, app.clock, "  Spanish ::  Verbs ")
    assert deck.name == "Spanish::Verbs"
    with pytest.raises(DeckNameError, match="already a deck called “Spanish::Verbs”"):
        deck_ops.create_deck(app.collection, app.rng, app.clock, "spanish::verbs")
    with pytest.raises(DeckNameError, match="empty part"):
        deck_ops.create_deck(app.collection, app.rng, app.clock, "A::::B")
    with pytest.raises(DeckNameError, match="empty"):
        deck_ops.create_deck(app.collection, app.rng, app.clock, "   ")


def test_rename_takes_the_children_along(app: App) -> None:
    make_decks(app, {"A": 0, "A::B": 0, "A::B::C": 0, "AB": 0})
    assert deck_ops.rename_deck(app.collection, "A", " Z ") == "Z"
    assert [n for n in names(app) if n != "Calcinosis"] == ["AB", "Z", "Z::B", "Z::B::C"]
    with pytest.raises(DeckNameError, match="already a deck called “AB”"):
        deck_ops.rename_deck(app.collection, "Z", "ab")
    with pytest.raises(DeckNameError, match="inside itself"):
        deck_ops.rename_deck(app.collection, "Z", "Z::B::X")
    deck_ops.rename_deck(app.collection, "Z", "z")  # only the case changes: allowed
    assert "z::B::C" in names(app)


def test_rename_an_implicit_parent(app: App) -> None:
    make_decks(app, {"P::one": 0, "P::two": 0})
    deck_ops.rename_deck(app.collection, "P", "Q")
    assert "Q::one" in names(app) and "Q::two" in names(app)


def test_delete_and_undo_restore_every_row(app: App, collection_path) -> None:  # noqa: ANN001
    make_decks(app, {"A": 2, "A::B": 3, "C": 1})
    calcinosis = app.find_deck("Calcinosis")
    session = app.review_session(app.find_deck("A::B").id)
    session.next_card()
    session.answer(Rating.GOOD)
    before = database_fingerprint(collection_path, ignore=FTS_SHADOW)
    deleted = deck_ops.delete_deck(app.collection, "A")
    assert deleted.card_count == 5
    assert app.collection.db.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1  # history stays
    assert names(app) == sorted(["C", calcinosis.name])
    assert app.collection.db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'q0'").fetchone()[0] == 1
    deck_ops.undo_delete(app.collection, deleted)
    assert database_fingerprint(collection_path, ignore=FTS_SHADOW) == before
    assert app.collection.db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'q0'").fetchone()[0] == 3
    assert app.collection.integrity_check() == "ok"


def test_tree_sums_children_under_parent_limits(app: App) -> None:
    ids = make_decks(app, {"A": 2, "A::B": 3, "A::C": 4, "D::E": 5})
    tree = {node.name: node for node in walk(deck_tree(app.collection, app.clock))}
    a = tree["A"]
    assert [child.label for child in a.children] == ["B", "C"]
    assert (a.deck_id, a.new, a.total) == (ids["A"], 9, 9)
    assert tree["D"].deck_id is None and (tree["D"].new, tree["D"].total) == (5, 5)
    assert tree["D::E"].label == "E"
    low = deck_ops.create_preset(app.collection, app.rng, app.clock, "Low", DeckOptions(new_per_day=4))
    deck_ops.save_deck_options(app.collection, ids["A"], low.id, low.options)
    tree = {node.name: node for node in walk(deck_tree(app.collection, app.clock))}
    assert (tree["A"].new, tree["A::C"].new, tree["A"].total) == (4, 4, 9)


def test_a_preset_shared_by_two_decks(app: App) -> None:
    ids = make_decks(app, {"X": 30, "Y": 30})
    shared = deck_ops.create_preset(app.collection, app.rng, app.clock, "Shared", DeckOptions())
    for name in ("X", "Y"):
        deck_ops.save_deck_options(app.collection, ids[name], shared.id, shared.options)
    assert app.collection.presets.decks_using(shared.id) == 2
    deck_ops.save_deck_options(app.collection, ids["X"], shared.id, DeckOptions(new_per_day=7))
    counts = {c.name: c.new for c in app.deck_counts()}
    assert (counts["X"], counts["Y"]) == (7, 7)
    with pytest.raises(PresetError, match="already a preset"):
        deck_ops.rename_preset(app.collection, shared.id, "default")
    deck_ops.rename_preset(app.collection, shared.id, "Seven")
    assert app.collection.presets.get(shared.id).name == "Seven"
    target = deck_ops.delete_preset(app.collection, shared.id)
    assert target.name == "Default"
    assert app.collection.presets.decks_using(target.id) == len(app.decks())
    assert {c.name: c.new for c in app.deck_counts()}["X"] == 20
    with pytest.raises(PresetError, match="last preset"):
        deck_ops.delete_preset(app.collection, target.id)


def test_settings_round_trip(app: App) -> None:
    assert load_settings(app.collection) == Settings()
    save_settings(app.collection, Settings(theme="dark", card_font_size=28, rollover_hour=6))
    assert load_settings(app.collection) == Settings("dark", 28, 6)
    assert app.setting("rollover_hour") == 6
    app.set_setting("gui.card_font_size", 500)  # a bad stored value reads as the default
    assert load_settings(app.collection).card_font_size == 20
    with pytest.raises(ValueError, match="rollover"):
        Settings(rollover_hour=24)
