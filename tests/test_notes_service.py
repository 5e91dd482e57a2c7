"""Adding and editing notes by hand: kinds from the text, duplicate check, sanitized HTML, progress kept."""

from __future__ import annotations

import pytest

from studyapp.core.model import NoteKind, Rating
from studyapp.services.app import App
from studyapp.services.notes.notes import NoteError, NoteText, add_note, find_duplicate, note_of_card, update_note


def add(app: App, deck_id: int, text: NoteText):  # noqa: ANN201
    return add_note(app.collection, app.rng, app.clock, deck_id, text)


def test_add_basic_reversed_and_cloze(app: App, calcinosis_id: int) -> None:
    basic = add(app, calcinosis_id, NoteText("New question?", "New answer", ("extra",)))
    reversed_ = add(app, calcinosis_id, NoteText("Hund", "dog", reversed_card=True))
    cloze = add(app, calcinosis_id, NoteText("{{c1::Paris}} is in {{c2::France}}", ""))
    assert (len(basic.card_ids), len(reversed_.card_ids), len(cloze.card_ids)) == (1, 2, 2)
    assert note_of_card(app.collection, cloze.card_ids[1]).kind is NoteKind.CLOZE
    assert [c.total for c in app.deck_counts()] == [34]
    card = app.collection.reviews.card(reversed_.card_ids[1])
    assert card is not None and (card.ord, card.kind) == (1, NoteKind.REVERSED)


def test_duplicate_fronts_are_found_ignoring_case_spacing_and_markup(app: App, calcinosis_id: int) -> None:
    assert find_duplicate(app.collection, calcinosis_id, "what  CAUSES calcinosis?") is not None
    assert find_duplicate(app.collection, calcinosis_id, "<b>What causes</b> calcinosis?", html=True) is not None
    assert find_duplicate(app.collection, calcinosis_id, "What causes rain?") is None
    first = add(app, calcinosis_id, NoteText("What causes calcinosis?", "A duplicate, added anyway"))
    assert first.note_id  # allowed after the warning, with its own guid


def test_html_is_sanitized_and_bad_notes_refused(app: App, calcinosis_id: int) -> None:
    added = add(
        app, calcinosis_id, NoteText('<b>Bold</b><script>x()</script><a href="javascript:y()">l</a>', "A", html=True)
    )
    note = app.collection.notes.get(added.note_id)
    assert note is not None and note.front == '<b>Bold</b><a rel="noopener noreferrer">l</a>'
    with pytest.raises(NoteError, match="front is empty"):
        add(app, calcinosis_id, NoteText("  ", "x"))
    with pytest.raises(NoteError, match="cloze deletion"):
        add(app, calcinosis_id, NoteText("{{c::broken}}", "x"))


def test_editing_keeps_progress_and_a_new_cloze_adds_a_card(app: App, calcinosis_id: int) -> None:
    session = app.review_session(calcinosis_id)
    card = session.next_card()
    assert card is not None
    studied = session.answer(Rating.EASY).after
    note = note_of_card(app.collection, card.id)
    updated = update_note(app.collection, app.rng, app.clock, note.id, NoteText(note.front, "Edited answer", ("t1",)))
    assert (updated.back, updated.tags) == ("Edited answer", "t1")
    stored = app.collection.reviews.card(card.id)
    assert stored is not None and stored.schedule == studied and stored.back == "Edited answer"

    cloze = add(app, calcinosis_id, NoteText("{{c1::a}}", ""))
    update_note(app.collection, app.rng, app.clock, cloze.note_id, NoteText("{{c1::a}} {{c2::b}}", ""))
    assert sorted(app.collection.notes.card_ords([cloze.note_id])[cloze.note_id]) == [0, 1]
