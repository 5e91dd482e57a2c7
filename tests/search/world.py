"""A known collection for the search tests: decks, tags, accents, note kinds, and cards in every state.

Besides the 29 new cards of the bundled Calcinosis deck (added 30 days before ``T0``):

| front             | deck          | tags                | added  | state at T0                          |
| ----------------- | ------------- | ------------------- | ------ | ------------------------------------ |
| Café au lait      | Parent        | drinks food::french | old    | new                                  |
| Naïve question    | Parent::Child | a::b                | old    | learning (Good yesterday), due       |
| Calculus          | My deck       | math ab             | old    | review (Easy, Again, Good), buried   |
| Mitochondria      | Party         | Bio                 | old    | review (Easy 30 days ago), overdue   |
| Ribosome          | Party         | bio::organelle      | old    | review (Easy 30 days ago), suspended |
| Quote "inside"    | Other         |                     | old    | learning (Again 2 hours ago), due    |
| Apple pie         | Parent::Child | a                   | recent | new, suspended                       |
| The cell membrane | Other         | bio::cell           | recent | new, buried                          |
| {{c1::Paris}} ... | Parent        | geo                 | recent | new (cloze: two cards)               |
| Hund              | Other         | german              | recent | new (reversed: two cards)            |

"old" notes were added 30 days before T0, "recent" ones a minute apart in the ten minutes before T0.
The clock stands at T0 (UTC; the study day starts at 04:00).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.ids import new_id
from studyapp.core.model import Rating
from studyapp.importers.plaintext_qa import read_qa
from studyapp.services.app import App
from studyapp.services.decks.decks import study_day
from studyapp.services.notes.notes import NoteText, add_note

from ..conftest import SEED_DECK, T0

CALCINOSIS = [note.front for note in read_qa(SEED_DECK).notes]
CLOZE = "{{c1::Paris}} is the capital of {{c2::France}}"
QUOTE = 'Quote "inside"'

OLD = [
    ("Parent", "Café au lait", "coffee with milk", ("drinks", "food::french")),
    ("Parent::Child", "Naïve question", "an innocent answer", ("a::b",)),
    ("My deck", "Calculus", "branch of mathematics", ("math", "ab")),
    ("Party", "Mitochondria", "the powerhouse of the cell", ("Bio",)),
    ("Party", "Ribosome", "makes proteins", ("bio::organelle",)),
    ("Other", QUOTE, "O'Brien; DROP TABLE notes; --", ()),
]
RECENT = [
    ("Parent::Child", "Apple pie", "dessert with apples", ("a",), False),
    ("Other", "The cell membrane", "lipid bilayer", ("bio::cell",), False),
    ("Parent", CLOZE, "", ("geo",), False),
    ("Other", "Hund", "dog", ("german",), True),
]
MINE = [front for _, front, *_ in OLD] + [front for _, front, *_ in RECENT] + [CLOZE, "Hund"]  # a card each
ALL = CALCINOSIS + MINE


@dataclass
class World:
    app: App
    clock: FixedClock
    cards: dict[str, list[int]] = field(default_factory=dict)  # front -> card ids

    def card(self, front: str) -> int:
        [card_id] = self.cards[front]
        return card_id


def build_world(path: Path) -> World:
    clock = FixedClock(T0 - timedelta(days=30))
    app = App.open(path, clock=clock, rng=random.Random(20260301))
    world = World(app, clock)
    collection = app.collection
    decks = {}
    for name in ("Parent", "Parent::Child", "My deck", "Party", "Other"):
        decks[name] = collection.decks.create(new_id(app.rng), name, "", clock.now()).id

    def add(deck: str, front: str, back: str, tags: tuple[str, ...], reverse: bool = False) -> None:
        added = add_note(collection, app.rng, clock, decks[deck], NoteText(front, back, tags, reversed_card=reverse))
        world.cards[front] = list(added.card_ids)

    def answer(deck: str, front: str, rating: Rating) -> None:
        session = app.review_session(decks[deck])
        card = session.next_card()
        assert card is not None and card.front == front, (card, front)
        session.answer(rating, duration_ms=5000)

    for deck, front, back, tags in OLD:
        add(deck, front, back, tags)
    answer("Party", "Mitochondria", Rating.EASY)
    answer("Party", "Ribosome", Rating.EASY)
    answer("My deck", "Calculus", Rating.EASY)
    clock.set(T0 - timedelta(days=20))
    answer("My deck", "Calculus", Rating.AGAIN)
    clock.advance(timedelta(minutes=10))
    answer("My deck", "Calculus", Rating.GOOD)
    clock.set(T0 - timedelta(days=1))
    answer("Parent::Child", "Naïve question", Rating.GOOD)
    clock.set(T0 - timedelta(hours=2))
    answer("Other", QUOTE, Rating.AGAIN)
    for minutes, (deck, front, back, tags, reverse) in enumerate(RECENT):
        clock.set(T0 - timedelta(minutes=10 - minutes))
        add(deck, front, back, tags, reverse)
    clock.set(T0)

    _, day_end = study_day(collection, clock)
    buried_until = int(day_end.timestamp() * 1000)
    db = collection.db
    for front in ("Ribosome", "Apple pie"):
        db.execute("UPDATE cards SET suspended = 1 WHERE id = ?", [world.card(front)])
    for front in ("Calculus", "The cell membrane"):
        db.execute("UPDATE cards SET buried_until = ? WHERE id = ?", [buried_until, world.card(front)])
    return world
