"""A collection for the sidebar and the browser's new parts: Calcinosis, a subdeck, reversed and cloze notes
and tags in a tree."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.notes.notes import NoteText, add_note


@dataclass
class Made:
    sub_deck: int
    reversed_note: int  # Basic (and reversed card): two cards
    cloze_note: int  # three deletions
    heart_notes: list[int]  # tagged anatomy::heart


@pytest.fixture
def made(app: App, calcinosis_id: int) -> Made:
    collection, rng, clock = app.collection, app.rng, app.clock
    sub = create_deck(collection, rng, clock, "Calcinosis::Organs")
    heart = [
        add_note(collection, rng, clock, sub.id, NoteText(f"Heart {i}?", f"valve {i}", ("anatomy::heart",))).note_id
        for i in range(3)
    ]
    add_note(collection, rng, clock, sub.id, NoteText("Skin?", "dermis", ("anatomy::skin", "exam")))
    reversed_note = add_note(
        collection, rng, clock, calcinosis_id, NoteText("Ca", "calcium", ("exam",), reversed_card=True)
    ).note_id
    cloze = add_note(
        collection, rng, clock, calcinosis_id, NoteText("{{c1::Ca}} {{c2::P}} {{c3::Mg}}", "", ("Pathology",))
    ).note_id
    return Made(sub.id, reversed_note, cloze, heart)
