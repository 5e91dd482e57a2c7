"""The fast check finds exactly the mismatches the card-by-card replay through :class:`Scheduler` finds.

A collection is built through storage: several presets (default, no steps and a short maximum interval, fitted
parameters), a few hundred cards with random histories answered as the review service answers, then every kind
of case the fast replay must get right or hand over: damaged stored schedules (each column), options changed
after study, reschedules and resets in the log, answers in the same millisecond, histories imported from
progress, cards with no history. Check's mismatches are compared with those of the reference replay, the
check's schedule part as it was written before it was made fast.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from studyapp.core.ids import new_id
from studyapp.core.model import CardState, Rating, ReviewEntry, ReviewMode, Schedule, ScheduleChange
from studyapp.core.model import ScheduleChangeKind as Kind
from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed, merged_history
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.maintenance.check import run_check
from studyapp.services.maintenance.check_schedules import check_schedules
from studyapp.storage.maintenance.check_store import CheckStore
from studyapp.storage.notes.notes_store import NewCard, NewNote
from tests.conftest import T0
from tests.notetype_helpers import basic_id

FITTED = (0.3, 1.1, 2.9, 9.5, 6.1, 0.7, 2.4, 0.01, 1.7, 0.2, 0.9, 1.3, 0.08, 0.3, 1.5, 0.5, 2.0, 0.4, 0.1, 0.1, 0.3)


def reference_mismatches(app: App) -> dict[int, tuple[Schedule, Schedule]]:
    """card id -> (stored, replayed) for every card whose stored schedule is not the replay of its history."""
    collection = app.collection
    decks = {deck.id: Scheduler(deck.options.scheduler_config()) for deck in collection.decks.all()}
    ids = [row[0] for row in collection.db.execute("SELECT id FROM cards")]
    found = {}
    for card in CheckStore(collection.db).histories_of(ids):
        events = merged_history(card.answers, card.changes)
        if events:
            replayed = decks[card.deck_id].replay_history(card.card_id, events)
        elif card.stored.state is CardState.NEW:
            replayed = Schedule()
        else:
            continue
        if replayed != card.stored:
            found[card.card_id] = (card.stored, replayed)
    return found


def answered(scheduler: Scheduler, card_id: int, schedule: Schedule, rating: int, moment: datetime) -> ReviewEntry:
    rng = random.Random(fuzz_seed(card_id, schedule.reps))
    after = scheduler.answer(schedule, Rating(rating), moment, rng)
    return ReviewEntry(new_id(rng), card_id, moment, Rating(rating), 3000, ReviewMode.FLIP, schedule, after)


def history(scheduler: Scheduler, card_id: int, rng: random.Random, start: Schedule, count: int) -> list[ReviewEntry]:
    entries, schedule, moment = [], start, T0 - timedelta(days=400) + timedelta(minutes=rng.randint(0, 5000))
    for _ in range(count):
        if moment > T0 - timedelta(days=1):
            break  # a history of the past
        rating = rng.choices([1, 2, 3, 4], [0.2, 0.1, 0.55, 0.15])[0]
        entries.append(answered(scheduler, card_id, schedule, rating, moment))
        schedule = entries[-1].after
        gap = (schedule.due or moment) - moment
        moment += gap * rng.uniform(0.3, 1.6) + timedelta(seconds=rng.randint(1, 600))
    return entries


def add_cards(app: App, deck_id: int, count: int, rng: random.Random) -> list[int]:
    notes, cards = [], []
    for number in range(count):
        note_id, card_id = new_id(rng), new_id(rng)
        notes.append(
            NewNote(
                note_id,
                f"g-{note_id}",
                deck_id,
                f"Question {number}?",
                "Answer",
                "",
                "basic",
                1,
                0,
                0,
                "",
                basic_id(app),
            )
        )
        cards.append(NewCard(card_id, note_id, deck_id, 0, number))
    with app.collection.transaction():
        app.collection.notes.add(notes, cards)
    return [card.id for card in cards]


def test_the_fast_check_finds_every_mismatch_the_reference_replay_finds(app: App) -> None:
    rng = random.Random(12)
    collection, db = app.collection, app.collection.db
    presets = [
        DeckOptions(),
        DeckOptions(learning_steps=(), relearning_steps=(), maximum_interval_days=30, desired_retention=0.8),
        DeckOptions(learning_steps=(timedelta(minutes=5),), parameters=FITTED, desired_retention=0.95),
    ]
    decks = []
    for number, options in enumerate(presets):
        deck = create_deck(collection, rng, app.clock, f"Equivalence {number}")
        preset = collection.presets.create(new_id(rng), f"Preset {number}", options, T0)
        collection.presets.assign(deck.id, preset.id)
        decks.append((deck.id, Scheduler(options.scheduler_config()), add_cards(app, deck.id, 90, rng)))
    special: dict[str, list[int]] = {}
    with collection.transaction():
        for _deck_id, scheduler, card_ids in decks:
            for index, card_id in enumerate(card_ids):
                if index % 9 == 8:
                    continue  # never studied
                start = Schedule()
                if index % 9 == 7:  # imported with progress: its history starts from a studied state
                    due, last = T0 - timedelta(days=500), T0 - timedelta(days=510)
                    start = Schedule(CardState.REVIEW, None, 12.0, 5.5, due, last, 4, 1)
                    db.execute("UPDATE cards SET state = 2, step = NULL, stability = 12.0, difficulty = 5.5, due = ?, "
                               "last_review = ?, reps = 4, lapses = 1 WHERE id = ?",
                               [int(due.timestamp() * 1000), int(last.timestamp() * 1000), card_id])  # fmt: skip
                    special.setdefault("progress", []).append(card_id)
                entries = history(scheduler, card_id, rng, start, rng.randint(1, 25))
                if index % 9 == 6 and len(entries) > 1:  # two answers in one millisecond (an old pipe)
                    entries[1] = answered(scheduler, card_id, entries[0].after, int(entries[1].rating),
                                          entries[0].reviewed_at)  # fmt: skip
                    entries = entries[:2]
                    special.setdefault("same millisecond", []).append(card_id)
                collection.reviews.add_history(card_id, entries)
    # Reschedules and resets in the log, and answers after them.
    with collection.transaction():
        for (_deck_id, scheduler, card_ids), other in zip(decks, [*decks[1:], decks[0]], strict=True):
            for card_id in card_ids[0:40:9]:
                card = collection.reviews.card(card_id)
                assert card is not None
                answers = collection.schedule_changes.answers_of_cards([card_id])[card_id]
                moment = answers[-1].reviewed_at + timedelta(hours=1)
                target = other[1].replay(card_id, [(a.rating, a.reviewed_at) for a in answers])
                kind = Kind.RESET if card_id == card_ids[9] else Kind.RESCHEDULE
                after = Schedule(reps=target.reps, lapses=target.lapses) if kind is Kind.RESET else target
                change = ScheduleChange(new_id(rng), card_id, moment, kind, card.schedule, after)
                collection.schedule_changes.apply([change])
                later = history(scheduler, card_id, rng, after, 3)
                for entry in later:
                    entry = replace(
                        entry, reviewed_at=entry.reviewed_at - later[0].reviewed_at + moment + timedelta(days=1)
                    )
                    schedule = collection.reviews.card(card_id).schedule  # type: ignore[union-attr]
                    entry = answered(scheduler, card_id, schedule, int(entry.rating), entry.reviewed_at)
                    collection.reviews.record(entry)
                special.setdefault("changes", []).append(card_id)
    # Damage: each column of some stored schedules.
    studied = [row[0] for row in db.execute("SELECT id FROM cards WHERE reps > 0 ORDER BY id")]
    damage = ["due = due + 86400000", "stability = stability * 1.0000001", "difficulty = difficulty + 0.5",
              "reps = reps + 1", "lapses = lapses + 1", "last_review = last_review - 1", "state = 1, step = 0",
              "step = 5"]  # fmt: skip
    for number, sql in enumerate(damage):
        db.execute(f"UPDATE cards SET {sql} WHERE id = ?", [studied[number * 7]])
    db.execute("UPDATE cards SET due = 1234 WHERE id = ?", [decks[0][2][8]])  # a new card with a due date
    # Options changed after study, not rescheduled: every studied card of that deck replays differently.
    last_preset = collection.presets.all()[-1]
    collection.presets.update(last_preset.id, last_preset.name, replace(last_preset.options, desired_retention=0.85))

    expected = reference_mismatches(app)
    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    found = {m.card_id: (m.stored, m.replayed) for m in report.mismatches}
    assert found == expected
    assert len(expected) > 60  # the damaged cards, the changed preset's cards, ...
    assert {card_id for cards in special.values() for card_id in cards} - set(expected)  # some of each still match
    assert [m.card_id for m in report.mismatches] == sorted(expected)  # in card order, as before
    # The fast replay handled most cards, and handed over the ones it must (same millisecond, from progress).
    findings = check_schedules(collection, CheckStore(db), app.clock.now(), lambda _stage, _done, _total: None)
    handed_over = len(special["same millisecond"]) + len(special["progress"])
    assert findings.fast + handed_over == len(studied)
    repaired = run_check(app.collection, app.clock, app.rng, app.media_dir, repair=True)
    assert (
        repaired.rescheduled == len(expected)
        and run_check(app.collection, app.clock, app.rng, app.media_dir).mismatches == []
    )
    assert reference_mismatches(app) == {}
