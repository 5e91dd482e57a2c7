"""The answer path (``ReviewSession.answer``) does only the work an answer needs, and does it exactly as before.

What was cut for speed and must not change a thing: the session's learning cards are read once and then kept in
memory with their new schedules (``LearningQueue``), so a learning card coming back asks the collection nothing;
only the answered deck's branch
of the deck tree is refilled; the fuzz generator is seeded only for a fuzzed answer; the answer's two statements
are prepared once with positional values. tests/test_session_counts.py holds counts and cards against a fresh
session after every answer on a generated collection; these hold the cases it may not reach.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating, ReviewEntry, Schedule
from studyapp.core.scheduling.scheduling import CardFuzz, Scheduler, SchedulerConfig, fuzz_seed
from studyapp.services.app import App
from studyapp.services.review.review import ReviewSession
from studyapp.storage.codec import schedule_to_row, to_ms
from studyapp.storage.review.reviews_store import _log_row
from tests.conftest import T0

_LEARNING_READ = "max(c.due, coalesce(c.buried_until"  # the learning queue's read (``learning_cards``)


def _deck(app: App, tmp_path: Path, count: int) -> int:
    path = tmp_path / "mini.txt"
    path.write_text("".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(1, count + 1)), encoding="utf-8")
    app.import_file(path)
    deck = app.find_deck("Mini")
    assert deck is not None
    return deck.id


def _statements(app: App) -> list[str]:
    seen: list[str] = []
    app.collection.db.conn.set_trace_callback(seen.append)
    return seen


def _same_as_a_fresh_session(app: App, session: ReviewSession, deck_id: int) -> None:
    fresh = ReviewSession(app.collection, deck_id, app.clock, random.Random(1))
    expected = fresh.next_card()
    card = session.next_card()
    assert (card and card.id) == (expected and expected.id)
    assert session.counts() == fresh.counts()


def test_a_learning_card_comes_back_on_time_from_memory_without_a_query(
    app: App, tmp_path: Path, clock: FixedClock
) -> None:
    deck_id = _deck(app, tmp_path, 30)
    session = app.review_session(deck_id)
    session.next_card()
    session.answer(Rating.GOOD)  # a learning card, back in ten minutes: the learning queue is read
    first = session.current
    assert first is not None and first.schedule.state is CardState.NEW
    session.answer(Rating.AGAIN)  # back in one minute
    seen = _statements(app)
    shown = []
    for _ in range(11):  # 55 seconds: the card is not due yet
        clock.advance(timedelta(seconds=5))
        session.answer(Rating.GOOD)  # new cards go to their ten-minute step
        assert session.current is not None
        shown.append(session.current.id)
    assert first.id not in shown
    clock.advance(timedelta(seconds=6))  # 61 seconds after the Again: due, and shown
    session.answer(Rating.GOOD)
    again = session.current
    assert again is not None and again.id == first.id
    assert not [sql for sql in seen if _LEARNING_READ in sql or sql.startswith("SELECT c.id, c.note_id")]
    assert again.schedule.state is CardState.LEARNING and again.schedule.reps == 1  # its schedule after the Again
    assert again == app.collection.reviews.card(first.id)  # exactly the card the collection holds
    _same_as_a_fresh_session(app, session, deck_id)


def test_another_writer_makes_the_session_read_its_learning_cards_again(
    app: App, tmp_path: Path, clock: FixedClock
) -> None:
    deck_id = _deck(app, tmp_path, 5)
    session = app.review_session(deck_id)
    session.next_card()
    session.answer(Rating.AGAIN)  # a learning card due in a minute, known to the session
    learning = [row[0] for row in app.collection.db.execute("SELECT id FROM cards WHERE state != 0")]
    with app.collection.transaction():  # another window moves it from one minute to three
        app.collection.db.execute(
            "UPDATE cards SET due = ? WHERE id = ?", [to_ms(T0 + timedelta(minutes=3)), *learning]
        )
    seen = _statements(app)
    clock.advance(timedelta(minutes=2))  # due as the session knew it, not as it is now
    card = session.next_card()
    assert card is not None and card.id != learning[0] and card.schedule.state is CardState.NEW
    assert [sql for sql in seen if _LEARNING_READ in sql]
    clock.advance(timedelta(minutes=1, seconds=1))
    card = session.next_card()
    assert card is not None and card.id == learning[0]
    _same_as_a_fresh_session(app, session, deck_id)


def test_past_the_queues_horizon_the_cards_not_kept_are_read(
    app: App, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for two learning cards in memory, the third (due later) is still studied in its turn."""
    from studyapp.services.review import review

    monkeypatch.setattr(review, "LEARNING_IN_MEMORY", 2)
    deck_id = _deck(app, tmp_path, 6)
    first = app.review_session(deck_id)
    first.next_card()
    for _ in range(3):
        clock.advance(timedelta(seconds=10))
        first.answer(Rating.AGAIN)  # three learning cards, due 60, 70 and 80 seconds from their answers
    ids = [row[0] for row in app.collection.db.execute("SELECT id FROM cards WHERE state != 0 ORDER BY due, id")]
    session = app.review_session(deck_id)  # a new session: two cards in memory, the third beyond its horizon
    clock.advance(timedelta(minutes=5))
    studied = []
    for _ in range(3):
        card = session.current or session.next_card()
        assert card is not None
        studied.append(card.id)
        session.answer(Rating.EASY)
    assert studied == ids
    _same_as_a_fresh_session(app, session, deck_id)


def test_a_buried_learning_card_comes_when_its_burial_ends_within_the_day(
    app: App, tmp_path: Path, clock: FixedClock
) -> None:
    """A burial that ends within the study day (made under another rollover hour): the card is due before the
    other learning cards but can only be studied when the burial ends; then it comes before the new card."""
    deck_id = _deck(app, tmp_path, 4)
    session = app.review_session(deck_id)
    session.next_card()
    for _ in range(3):
        session.answer(Rating.AGAIN)  # three learning cards, due in a minute; the fourth card is new
    buried, *others = [row[0] for row in app.collection.db.execute(
        "SELECT id FROM cards WHERE deck_id = ? AND state != 0 ORDER BY due, id", [deck_id])]  # fmt: skip
    with app.collection.transaction():
        app.collection.db.execute(
            "UPDATE cards SET buried_until = ? WHERE id = ?", [to_ms(T0 + timedelta(minutes=30)), buried]
        )
        app.collection.db.execute(
            f"UPDATE cards SET due = ? WHERE id IN ({', '.join('?' * len(others))})",
            [to_ms(T0 + timedelta(minutes=40)), *others],
        )
    new = session.next_card()  # no learning card can be studied before the burial ends: the new card
    assert new is not None and new.schedule.state is CardState.NEW
    clock.advance(timedelta(minutes=30, seconds=1))  # the burial is over: the buried card is due, before new ones
    card = session.next_card()
    assert card is not None and card.id == buried
    _same_as_a_fresh_session(app, session, deck_id)


def test_answers_in_a_parent_deck_count_in_each_subdecks_branch(app: App, clock: FixedClock) -> None:
    """Only the answered deck's branch of the tree is refilled: answers in two subdecks in turn, and every count
    is what a fresh session reads."""
    from studyapp.services.notes.adding import add_to_deck
    from studyapp.services.notes.notes import NoteText

    for name in ("Top", "Top::A", "Top::A::X", "Top::A::Y", "Top::B"):
        for index in range(4):
            add_to_deck(app, name, NoteText(front=f"{name} {index}?", back=f"{index}"))
    top = app.find_deck("Top")
    assert top is not None
    session = app.review_session(top.id)
    card = session.next_card()
    while card is not None:
        session.answer(Rating.GOOD if card.schedule.state is CardState.NEW else Rating.EASY)
        clock.advance(timedelta(minutes=11))
        _same_as_a_fresh_session(app, session, top.id)
        card = session.current
    assert session.summary.answered >= 20


def _stored(app: App, entry: ReviewEntry) -> tuple[dict[str, object], dict[str, object]]:
    conn = app.collection.db.conn
    conn.row_factory = sqlite3.Row
    try:
        row = dict(conn.execute("SELECT * FROM review_log WHERE id = ?", [entry.id]).fetchone())
        card = dict(conn.execute("SELECT * FROM cards WHERE id = ?", [entry.card_id]).fetchone())
    finally:
        conn.row_factory = None
    return row, {name: card[name] for name in schedule_to_row(entry.after)}


def test_an_answer_runs_its_few_statements_and_stores_the_row_as_the_log_encodes_it(
    app: App, tmp_path: Path, clock: FixedClock
) -> None:
    deck_id = _deck(app, tmp_path, 5)
    session = app.review_session(deck_id)
    session.next_card()
    session.answer(Rating.EASY)  # the figures, queues and learning moment are read once
    seen = _statements(app)
    clock.advance(timedelta(seconds=5))
    entry = session.answer(Rating.EASY)
    app.collection.db.conn.set_trace_callback(None)
    # the change stamp, the answer's transaction (BEGIN, UPDATE, INSERT, COMMIT), the next card
    assert len(seen) <= 6, seen
    assert _stored(app, entry) == (_log_row(entry), schedule_to_row(entry.after))


def test_an_answer_that_keeps_the_cards_state_stores_it_the_same(app: App, tmp_path: Path, clock: FixedClock) -> None:
    """Learning to learning (and review to review) leaves the state column out of the card's update."""
    deck_id = _deck(app, tmp_path, 1)
    session = app.review_session(deck_id)
    session.next_card()
    entries = [session.answer(Rating.AGAIN)]  # new -> learning
    for rating in (Rating.AGAIN, Rating.GOOD, Rating.GOOD):  # learning -> learning, learning, review
        clock.advance(timedelta(minutes=11))
        assert session.next_card() is not None
        entries.append(session.answer(rating))
    states = [(entry.before.state, entry.after.state) for entry in entries]
    assert (CardState.LEARNING, CardState.LEARNING) in states and (CardState.LEARNING, CardState.REVIEW) in states
    for entry in entries:
        assert _stored(app, entry)[0] == _log_row(entry)
    assert _stored(app, entries[-1])[1] == schedule_to_row(entries[-1].after)
    clock.advance(timedelta(days=400))
    assert session.next_card() is not None
    entry = session.answer(Rating.GOOD)  # review -> review
    assert (entry.before.state, entry.after.state) == (CardState.REVIEW, CardState.REVIEW)
    assert _stored(app, entry) == (_log_row(entry), schedule_to_row(entry.after))


@pytest.mark.parametrize("seed", range(5))
def test_the_fuzz_is_the_seeded_generators_first_draw(seed: int) -> None:
    rng = random.Random(seed)
    scheduler = Scheduler(SchedulerConfig(maximum_interval_days=rng.choice([30, 36500])))
    for _ in range(300):
        card_id, reps = rng.getrandbits(63), rng.randrange(30)
        fuzz = CardFuzz(card_id, reps)
        assert fuzz.random() == random.Random(fuzz_seed(card_id, reps)).random() == fuzz.random()
        schedule = Schedule(CardState.REVIEW, None, rng.uniform(0.5, 400), rng.uniform(1, 10),
                            T0, T0 - timedelta(days=rng.randrange(60)), reps, 0)  # fmt: skip
        rating = Rating(rng.randrange(1, 5))
        assert scheduler.answer(schedule, rating, T0, CardFuzz(card_id, reps)) == scheduler.answer(
            schedule, rating, T0, random.Random(fuzz_seed(card_id, reps))
        )


@pytest.mark.parametrize(
    "config",
    [
        SchedulerConfig(),
        SchedulerConfig(desired_retention=0.8, learning_steps=(timedelta(minutes=1),), relearning_steps=()),
        SchedulerConfig(learning_steps=(), maximum_interval_days=30),
        SchedulerConfig(
            fuzz=False,
            learning_steps=(timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1)),
            relearning_steps=(timedelta(minutes=5), timedelta(minutes=20)),
        ),  # fmt: skip
    ],
)
def test_a_cards_answer_through_the_fast_replay_is_the_fsrs_answer(config: SchedulerConfig) -> None:
    """The study loop's answers (a ``CardFuzz``) go through ``FastReplay``'s arithmetic; any other through ``fsrs``:
    the same schedule, to the last bit, from any state (answers minutes, days or years apart, even out of order)."""
    scheduler, rng = Scheduler(config), random.Random(20260301)
    for _ in range(1500):
        card_id = rng.getrandbits(63)
        schedule, moment = Schedule(reps=rng.choice([0, 3])), T0 + timedelta(milliseconds=rng.randrange(10**9))
        for _ in range(rng.randrange(1, 10)):
            rating = Rating(rng.choices([1, 2, 3, 4], [0.15, 0.15, 0.6, 0.1])[0])
            moment += timedelta(milliseconds=rng.choice([rng.randrange(-5, 10**6), rng.randrange(10**8, 10**11)]))
            expected = scheduler.answer(schedule, rating, moment, random.Random(fuzz_seed(card_id, schedule.reps)))
            assert scheduler.answer(schedule, rating, moment, CardFuzz(card_id, schedule.reps)) == expected
            schedule = expected
    assert scheduler._fast is not None  # the fast path was taken


def test_upcoming_guesses_the_next_cards(app: App, tmp_path: Path, clock: FixedClock) -> None:
    deck_id = _deck(app, tmp_path, 5)
    session = app.review_session(deck_id)
    first = session.next_card()
    assert first is not None
    upcoming = session.upcoming(2)
    assert len(upcoming) == 2 and first.id not in {card.id for card in upcoming}
    session.answer(Rating.GOOD)  # to its ten-minute step: the next new card comes
    assert session.current == upcoming[0]
    assert first.id not in {card.id for card in session.upcoming(3)}  # due in ten minutes: new cards come first
    session.answer(Rating.AGAIN)  # a learning card due in a minute
    clock.advance(timedelta(seconds=30))
    session.answer(Rating.AGAIN)  # and another, due 30 seconds after it
    clock.advance(timedelta(minutes=2))
    guessed = session.upcoming(3)
    assert [card.id for card in guessed[:2]] == [upcoming[0].id, upcoming[1].id]  # learning, soonest due first
    session.answer(Rating.EASY)
    assert session.current == guessed[0]
    session.answer(Rating.EASY)
    assert session.current == guessed[1]


def test_upcoming_reads_the_next_batch_of_a_queue_that_runs_out(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyapp.services.review import review

    monkeypatch.setattr(review, "QUEUE_BATCH", 2)
    monkeypatch.setattr(review, "CARDS_AHEAD", 2)
    deck_id = _deck(app, tmp_path, 6)
    session = app.review_session(deck_id)
    session.next_card()
    shown = []
    for _ in range(4):
        guessed = session.upcoming(2)
        assert len(guessed) == 2
        session.answer(Rating.EASY)
        assert session.current is not None
        assert session.current == guessed[0]
        shown.append(session.current.id)
    assert len(set(shown)) == 4
