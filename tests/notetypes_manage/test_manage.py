"""The note type manager's use cases against a real collection: what is stored after each change."""

from __future__ import annotations

import pytest

from studyapp.core.notetypes.field_refs import refers_to, remove_field_refs, rename_field_refs
from studyapp.services.app import App
from studyapp.services.notetypes.manage import ConfirmationNeeded, NotetypeError
from studyapp.storage.notes.notetype_edit_store import NotetypeEditStore
from tests.conftest import T0, collection_fingerprint

from .helpers import add_notes, card_ords, five_field_type, manager, search_ids, stored_fields

ROWS = [
    ("Hund", "dog", "animal", "Der Hund bellt", "y"),
    ("Katze", "cat", "", "Die Katze schläft", ""),
    ("Maus", "mouse", "", "", ""),
]


# -- template text: references renamed and removed (golden) ---------------------------------------------


def test_renaming_a_field_renames_every_kind_of_reference_and_nothing_else() -> None:
    fmt = "{{#Hint}}<i>{{hint:Hint}}</i>{{/Hint}} {{ Hint }} {{Hints}} {{^Hint}}-{{/Hint}} {{text:cloze:Hint}} {{hint}}"
    assert rename_field_refs(fmt, "Hint", "Tip") == (
        "{{#Tip}}<i>{{hint:Tip}}</i>{{/Tip}} {{ Tip }} {{Hints}} {{^Tip}}-{{/Tip}} {{text:cloze:Tip}} {{hint}}"
    )


def test_removing_a_field_drops_its_replacements_and_section_tags_but_keeps_what_sections_held() -> None:
    fmt = "{{Word}}{{#Hint}}<br><i>{{hint:Hint}}</i>{{/Hint}}{{^Hint}}(none){{/Hint}}"
    assert remove_field_refs(fmt, "Hint") == "{{Word}}<br><i></i>(none)"
    assert refers_to(fmt, "Hint") and not refers_to(fmt, "hint") and not refers_to(fmt, "Hin")


# -- note types ---------------------------------------------------------------------------------------


def test_overview_counts_notes_and_cards_per_type(app: App) -> None:
    vocab = five_field_type(app)
    add_notes(app, vocab, ROWS)
    found = {s.notetype.name: s for s in manager(app).overview()}
    assert (found["Vocab"].notes, found["Vocab"].cards) == (3, 4)  # one note has its reverse card


def test_clone_and_add_stock_make_independent_types_and_names_must_be_free(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    copy = m.clone(vocab.id)
    assert copy.name == "Vocab copy" and copy.id != vocab.id
    assert copy.fields == vocab.fields and copy.templates == vocab.templates and copy.css == vocab.css
    cloze = m.add_stock("cloze", "My Cloze")
    assert app.collection.notetypes.by_name("My Cloze") == cloze and cloze.is_cloze
    with pytest.raises(NotetypeError, match='already a note type called "vocab"'):
        m.rename(copy.id, "  vocab ")
    assert m.rename(copy.id, "Words").notetype.name == "Words"
    assert app.collection.notetypes.get(copy.id).name == "Words"  # type: ignore[union-attr]


def test_a_type_with_notes_is_not_removed_and_one_without_is(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    add_notes(app, vocab, ROWS[:2])
    with pytest.raises(NotetypeError, match='"Vocab" is used by 2 notes'):
        m.remove(vocab.id)
    copy = m.clone(vocab.id)
    m.remove(copy.id)
    assert app.collection.notetypes.get(copy.id) is None and app.collection.notetypes.get(vocab.id) is not None


# -- fields -------------------------------------------------------------------------------------------


def test_renaming_a_field_renames_it_in_the_templates_and_the_cards_still_show_it(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    changed = m.rename_field(vocab.id, 2, "Tip").notetype
    stored = app.collection.notetypes.get(vocab.id)
    assert stored == changed
    assert stored.field_names == ("Word", "Meaning", "Tip", "Example", "Reverse")  # type: ignore[union-attr]
    assert stored.templates[0].question == "{{Word}}{{#Tip}}<br>{{hint:Tip}}{{/Tip}}"  # type: ignore[union-attr]
    with pytest.raises(NotetypeError, match='already a field called "word"'):
        m.rename_field(vocab.id, 2, "word")
    with pytest.raises(NotetypeError, match="cannot hold"):
        m.rename_field(vocab.id, 2, "a:b")


def test_moving_a_field_rewrites_every_note_and_the_sort_field_follows(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS)
    change = m.move_field(vocab.id, 0, 3)  # Word goes after Example
    assert change.notes_rewritten == 3
    stored = app.collection.notetypes.get(vocab.id)
    assert stored.field_names == ("Meaning", "Hint", "Example", "Word", "Reverse")  # type: ignore[union-attr]
    assert stored.sort_field == 3  # type: ignore[union-attr]
    assert stored_fields(app, ids[0]) == ("dog", "animal", "Der Hund bellt", "Hund", "y")
    assert stored_fields(app, ids[2]) == ("mouse", "", "", "Maus", "")
    assert search_ids(app, "bellt") == {ids[0]}  # the index follows the rewrite
    with pytest.raises(NotetypeError, match="every field once"):
        m.reorder_fields(vocab.id, [0, 0, 1, 2, 3])


def test_removing_a_field_with_text_asks_first_then_drops_text_and_references(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS)
    before = collection_fingerprint(app.path)
    with pytest.raises(ConfirmationNeeded) as asked:
        m.remove_field(vocab.id, 3)
    assert asked.value.count == 2
    assert str(asked.value) == '2 notes of "Vocab" have text in "Example": it would be deleted'
    assert collection_fingerprint(app.path) == before  # asking changed nothing
    change = m.remove_field(vocab.id, 3, confirm=True)
    assert change.notes_rewritten == 3
    stored = app.collection.notetypes.get(vocab.id)
    assert stored.field_names == ("Word", "Meaning", "Hint", "Reverse")  # type: ignore[union-attr]
    assert stored.templates[0].answer == "{{FrontSide}}<hr id=answer>{{Meaning}}<br>"  # type: ignore[union-attr]
    assert stored_fields(app, ids[0]) == ("Hund", "dog", "animal", "y")
    assert search_ids(app, "bellt") == set()


def test_removing_an_empty_field_needs_no_question_and_the_last_field_stays(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, [("a", "b", "", "", "")])
    m.remove_field(vocab.id, 2)  # nobody has a hint
    assert stored_fields(app, ids[0]) == ("a", "b", "", "")
    basic = m.add_stock("basic", "Tiny")
    m.remove_field(basic.id, 1)
    with pytest.raises(NotetypeError, match="at least one field"):
        m.remove_field(basic.id, 0)


def test_adding_a_field_keeps_notes_as_they_are(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS[:1])
    m.add_field(vocab.id, "Source")
    assert app.collection.notes.get(ids[0]).padded(6) == (*ROWS[0], "")  # type: ignore[union-attr]


# -- templates ----------------------------------------------------------------------------------------


def test_adding_a_template_adds_the_cards_it_makes_for_existing_notes(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS)
    change = m.add_template(vocab.id, "Example card", "{{Example}}", "{{FrontSide}}<hr id=answer>{{Word}}")
    assert change.cards_added == 2  # the mouse has no example
    assert [card_ords(app, i) for i in ids] == [{0, 1, 2}, {0, 2}, {0}]
    with pytest.raises(NotetypeError, match="cloze type"):
        m.add_template(m.add_stock("cloze").id)


def test_editing_a_question_adds_cards_and_never_removes_one(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS)
    template = app.collection.notetypes.get(vocab.id).templates[1]  # type: ignore[union-attr]
    change = m.edit_template(vocab.id, 1, "{{Meaning}}", template.answer)  # no longer optional
    assert change.cards_added == 2
    assert [card_ords(app, i) for i in ids] == [{0, 1}, {0, 1}, {0, 1}]
    m.edit_template(vocab.id, 1, "{{#Reverse}}{{Meaning}}{{/Reverse}}", template.answer)
    assert [card_ords(app, i) for i in ids] == [{0, 1}, {0, 1}, {0, 1}]


def test_removing_a_template_tells_what_would_go_and_renumbers_later_cards(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS)
    m.add_template(vocab.id, "Example card", "{{Example}}", "{{Word}}")
    studied = app.collection.db.execute("SELECT id FROM cards WHERE note_id = ? AND ord = 1", [ids[0]]).fetchone()[0]
    with app.collection.transaction():
        app.collection.db.execute("UPDATE cards SET reps = 3, state = 2 WHERE id = ?", [studied])
    before = collection_fingerprint(app.path)
    assert m.template_removal(vocab.id, 1) == (1, 1, 0)
    with pytest.raises(ConfirmationNeeded, match=r"deletes its 1 card \(1 studied"):
        m.remove_template(vocab.id, 1)
    assert collection_fingerprint(app.path) == before
    change = m.remove_template(vocab.id, 1, confirm=True)
    assert change.cards_removed == 1
    stored = app.collection.notetypes.get(vocab.id)
    assert [t.name for t in stored.templates] == ["Forward", "Example card"]  # type: ignore[union-attr]
    assert [card_ords(app, i) for i in ids] == [{0, 1}, {0, 1}, {0}]  # the example cards are ord 1 now


def test_a_template_whose_removal_would_leave_notes_without_cards_stays(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    add_notes(app, vocab, ROWS)
    with pytest.raises(NotetypeError, match="would leave 2 notes without a card"):
        m.remove_template(vocab.id, 0, confirm=True)
    basic = m.add_stock("basic", "Solo")
    with pytest.raises(NotetypeError, match="at least one card template"):
        m.remove_template(basic.id, 0, confirm=True)


def test_rename_template_and_styling_are_stored(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    m.rename_template(vocab.id, 1, "Reverse")
    m.set_css(vocab.id, ".card { color: red; }")
    stored = app.collection.notetypes.get(vocab.id)
    assert stored.templates[1].name == "Reverse" and stored.css == ".card { color: red; }"  # type: ignore[union-attr]
    with pytest.raises(NotetypeError, match="already a card template"):
        m.rename_template(vocab.id, 1, "forward")


def test_the_sample_note_is_a_real_note_with_its_deck(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    assert m.sample_note(vocab.id) is None
    ids = add_notes(app, vocab, ROWS)
    sample = m.sample_note(vocab.id)
    assert sample is not None and sample.note_id == min(ids) and sample.deck_name == "Calcinosis"


def fts_consistent(app: App) -> bool:
    """FTS5's own check that the search index matches the notes, word for word."""
    app.collection.db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
    return True


def test_a_rewrite_keeps_the_whole_search_index_exact_and_its_trigger(app: App) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    ids = add_notes(app, vocab, ROWS)
    other = app.collection.db.execute("SELECT id, front FROM notes WHERE notetype_id != ? LIMIT 1", [vocab.id])
    other_id, other_front = other.fetchone()
    m.move_field(vocab.id, 3, 0)
    m.remove_field(vocab.id, 1, confirm=True)  # Word, now second
    assert fts_consistent(app)
    assert search_ids(app, "Hund") == {ids[0]}  # "Der Hund bellt" is still there; the word "Hund" field is not
    assert other_id in search_ids(app, '"' + other_front.split()[0].strip('"?.,') + '"')
    triggers = {row[0] for row in app.collection.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"notes_ai", "notes_ad", "notes_au"} <= triggers
    with app.collection.transaction():  # and the trigger works again for edits made afterwards
        app.collection.notes.update(ids[1], {"fields": ("Neu", "x", "", "")}, T0)
    assert search_ids(app, "Neu") == {ids[1]} and fts_consistent(app)


def test_a_rewrite_that_fails_leaves_the_collection_as_it_was(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    m = manager(app)
    vocab = five_field_type(app)
    add_notes(app, vocab, ROWS)
    before = collection_fingerprint(app.path)

    def broken(self: object, rows: object) -> int:
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(NotetypeEditStore, "set_fields", broken)
    with pytest.raises(RuntimeError):
        m.move_field(vocab.id, 0, 4)
    assert collection_fingerprint(app.path) == before
    assert app.collection.notetypes.get(vocab.id).field_names[0] == "Word"  # type: ignore[union-attr]
    trigger = app.collection.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'notes_au'").fetchone()
    assert trigger is not None and fts_consistent(app)
