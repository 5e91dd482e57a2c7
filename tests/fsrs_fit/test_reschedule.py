"""Schema v4's schedule changes, resets and reschedules: every card's stored state follows from its history."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlite_utils

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating, ReviewEntry, ReviewMode, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.scheduling import Scheduler, merged_history
from studyapp.services.app import App
from studyapp.services.fsrs.optimizer import Evaluation, fit_parameters, save_and_reschedule
from studyapp.services.fsrs.reschedule import RescheduleError, reschedule_deck, reschedule_preset
from studyapp.services.fsrs.review_log_import import import_review_log
from studyapp.services.notes.browser_actions import BrowserActions
from studyapp.storage import Collection
from studyapp.storage.review.schedule_changes_store import StaleScheduleError
from studyapp.storage.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS

T = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def mismatches(app: App, deck_name: str) -> list[int]:
    """Cards whose stored schedule is not the replay of their answers and changes with their deck's options."""
    deck = app.find_deck(deck_name)
    assert deck is not None
    scheduler = Scheduler(deck.options.scheduler_config())
    store = app.collection.schedule_changes
    cards = store.card_schedules([deck.id])
    answers, changes = store.answers_of_cards(list(cards)), store.of_cards(list(cards))
    return [
        card_id
        for card_id, (_deck, stored) in cards.items()
        if scheduler.replay_history(card_id, merged_history(answers.get(card_id, []), changes.get(card_id, [])))
        != stored
    ]


def study(app: App, deck_id: int, clock: FixedClock, days: int = 4) -> None:
    """A few days of study: every due card answered Good, except every third one Again."""
    for _day in range(days):
        session = app.review_session(deck_id)
        count = 0
        while (card := session.next_card()) is not None and count < 40:
            session.answer(Rating.AGAIN if count % 3 == 0 else Rating.GOOD, 1000)
            count += 1
            clock.advance(timedelta(seconds=30))
            assert card is not None
        clock.advance(timedelta(days=1))


def write_log(tmp_path: Path, cards: int = 30) -> Path:
    rows = ["card_id,review_rating,review_time,review_duration"]
    for card in range(cards):
        for day, rating in ((0, 1 + card % 2), (1, 3), (4, 3 if card % 3 else 1), (11, 3), (30, 4 - card % 2)):
            rows.append(f"{card},{rating},2025-01-{1 + day:02d}T10:00:00+00:00,1000")
    path = tmp_path / "log.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# -- schema -------------------------------------------------------------------------------------------


def test_a_v3_collection_is_upgraded_in_place_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    db = sqlite_utils.Database(path)
    for number, migration in enumerate(MIGRATIONS[:3], start=1):
        with db.atomic():
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db["decks"].insert({"id": 7, "name": "Old", "created_at": 0})
    db["notes"].insert({"id": 8, "guid": "g", "deck_id": 7, "front": "Q?", "back": "A", "created_at": 0,
                        "modified_at": 0})  # fmt: skip
    db["cards"].insert({"id": 9, "note_id": 8, "deck_id": 7, "position": 0, "state": 2, "reps": 3, "due": 5})
    db.close()

    with Collection.open(path) as collection:
        assert collection.schema_version == LATEST_VERSION >= 4
        assert collection.schedule_changes.count() == 0
        card = collection.reviews.card(9)
        assert card is not None and (card.schedule.state, card.schedule.reps, card.front) == (CardState.REVIEW, 3, "Q?")
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    # v5: the deck list counts along their own index; v6: so do the next learning and review cards, and the
    # (deck, state, due) index of v1 is gone; v10: the log's two indexes by time are one, by state and time
    assert {"cards_deck_counts", "review_log_state_time"} <= indexes and "cards_deck_state_due" not in indexes
    assert not {"review_log_time", "review_log_review_answers"} & indexes

    def columns(index: str) -> list[str]:
        return [row[2] for row in raw.execute(f"PRAGMA index_info({index})")]

    # v6: the FSRS fit reads (card, time, rating) from one index; the new queue reads its index alone
    assert columns("review_log_card_time") == ["card_id", "reviewed_at", "rating"]
    assert columns("cards_deck_new_order") == ["deck_id", "state", "position", "suspended", "buried_until"]
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.commit()
    raw.close()
    with pytest.raises(Exception, match="newer studyapp"):
        Collection.open(path)


def test_schedule_changes_are_append_only_and_only_a_cards_latest_can_go(app: App) -> None:
    store = app.collection.schedule_changes
    first = ScheduleChange(1, 42, T, ScheduleChangeKind.RESET, Schedule(reps=2, state=CardState.REVIEW), Schedule())
    later = replace(first, id=2, changed_at=T + timedelta(days=1))
    with app.collection.transaction():
        store.record([first, later])
    assert store.of_card(42) == [first, later]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        app.collection.db.execute("UPDATE schedule_changes SET kind = 'reschedule'")
    with pytest.raises(sqlite3.IntegrityError, match="only the latest"):
        app.collection.db.execute("DELETE FROM schedule_changes WHERE id = 1")
    with pytest.raises(StaleScheduleError, match="only the latest"):
        store.delete([1])
    store.delete([2])
    assert store.of_card(42) == [first]


# -- history ------------------------------------------------------------------------------------------


def test_replay_of_answers_and_a_reset_gives_golden_values() -> None:
    scheduler = Scheduler()
    card_id = 123456789
    answers = [(Rating.GOOD, T), (Rating.GOOD, T + timedelta(minutes=10)), (Rating.GOOD, T + timedelta(days=3))]
    before_reset = scheduler.replay(card_id, answers)
    assert (before_reset.state, before_reset.reps) == (CardState.REVIEW, 3)
    assert before_reset.due == datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc)  # 11 days, fuzzed (floor rule)
    assert before_reset.stability == pytest.approx(10.971048263078135)
    reset = ScheduleChange(1, card_id, T + timedelta(days=4), ScheduleChangeKind.RESET, before_reset, Schedule())
    after = T + timedelta(days=5)

    def entry(rating: Rating, moment: datetime, before: Schedule, result: Schedule) -> ReviewEntry:
        return ReviewEntry(0, card_id, moment, rating, 0, ReviewMode.FLIP, before, result)

    log, schedule = [], Schedule()
    for rating, moment in answers:
        nxt = scheduler.replay(card_id, [*((e.rating, e.reviewed_at) for e in log), (rating, moment)])
        log.append(entry(rating, moment, schedule, nxt))
        schedule = nxt
    again = scheduler.replay(card_id, [(Rating.EASY, after)])
    log.append(entry(Rating.EASY, after, Schedule(), again))
    events = merged_history(log, [reset])
    assert [type(e).__name__ for e in events] == ["ReviewEntry"] * 3 + ["ScheduleChange", "ReviewEntry"]
    assert scheduler.replay_history(card_id, events) == again  # the reset starts the card afresh
    assert scheduler.replay_history(card_id, events[:4]) == Schedule()
    # Same instant: the reset follows the answer whose "after" it starts from, not the other way round.
    moment = log[2].reviewed_at
    tied, late = replace(reset, changed_at=moment), replace(log[3], reviewed_at=moment)
    assert merged_history([*log[:2], late, log[2]], [tied]) == [*log[:3], tied, late]


def test_reset_is_logged_replayable_and_undone_with_its_change(app: App, calcinosis_id: int, clock: FixedClock) -> None:
    study(app, calcinosis_id, clock)
    assert mismatches(app, "Calcinosis") == []
    studied = [r[0] for r in app.collection.db.execute("SELECT id FROM cards WHERE reps > 0 ORDER BY id")]
    actions = BrowserActions(app.collection, clock, app.rng)
    change = actions.reset(studied[:5])
    assert change is not None and len(change.schedule_changes) == 5
    rows = app.collection.db.execute("SELECT card_id, kind, state_after, reps_after FROM schedule_changes").fetchall()
    assert sorted(rows) == sorted((card_id, "reset", 0, 0) for card_id in studied[:5])
    assert mismatches(app, "Calcinosis") == []

    clock.advance(timedelta(minutes=5))
    study(app, calcinosis_id, clock, days=2)  # the reset cards are studied again, from new
    assert mismatches(app, "Calcinosis") == []

    actions2 = BrowserActions(app.collection, clock, app.rng)
    again = actions2.reset(studied[5:7])
    assert again is not None
    actions2.undo()
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESET) == 5
    assert mismatches(app, "Calcinosis") == []


# -- reschedule ---------------------------------------------------------------------------------------


def test_a_new_retention_reschedules_every_studied_card_and_logs_it(app: App, tmp_path: Path) -> None:
    import_review_log(app, write_log(tmp_path), "Log")
    assert reschedule_deck(app.collection, app.rng, app.clock, "Log").changed == 0  # the import already is the replay
    deck = app.find_deck("Log")
    assert deck is not None and deck.preset_id is not None
    preset = app.collection.presets.get(deck.preset_id)
    assert preset is not None
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, desired_retention=0.80))
    before = {c: s for c, (_d, s) in app.collection.schedule_changes.card_schedules([deck.id]).items()}
    result = reschedule_preset(app.collection, app.rng, app.clock, preset.id)
    assert (result.cards, result.changed, result.new_due) == (30, 30, 30)
    after = app.collection.schedule_changes.card_schedules([deck.id])
    assert all(after[c][1].due > before[c].due for c in before)  # type: ignore[operator]  # lower retention: later
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESCHEDULE) == 30
    assert mismatches(app, "Log") == []
    assert reschedule_deck(app.collection, app.rng, app.clock, "Log").changed == 0
    with pytest.raises(RescheduleError, match="no deck named"):
        reschedule_deck(app.collection, app.rng, app.clock, "Nope")


def test_a_card_answered_meanwhile_stops_the_whole_reschedule(app: App, tmp_path: Path) -> None:
    import_review_log(app, write_log(tmp_path, cards=3), "Log")
    deck = app.find_deck("Log")
    assert deck is not None
    cards = app.collection.schedule_changes.card_schedules([deck.id])
    card_id, (_deck, stored) = next(iter(cards.items()))
    change = ScheduleChange(5, card_id, T, ScheduleChangeKind.RESCHEDULE, replace(stored, reps=99), stored)
    with pytest.raises(StaleScheduleError), app.collection.transaction():
        app.collection.schedule_changes.apply([change])
    assert app.collection.schedule_changes.count() == 0


def test_optimize_then_reschedule_the_real_log(app: App, real_log: Path) -> None:
    import_review_log(app, real_log, "Real")
    # Saved whatever its held-out score (the two are about even on this log): this is about the reschedule.
    result = replace(fit_parameters(app, "Real"), before=Evaluation(1.0, 1.0))
    saved = save_and_reschedule(app, result)
    assert saved.saved and saved.rescheduled is not None
    assert (saved.preset.name, saved.preset.decks) == ("Default", 2)  # type: ignore[union-attr]
    assert saved.rescheduled.cards == 1205 and saved.rescheduled.new_due > 900
    assert app.collection.schedule_changes.count(ScheduleChangeKind.RESCHEDULE) == saved.rescheduled.changed
    assert mismatches(app, "Real") == []
    # Recomputed from the log with the fitted parameters, not from the earlier reschedule.
    assert reschedule_deck(app.collection, app.rng, app.clock, "Real").changed == 0
