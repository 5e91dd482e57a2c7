"""The load balancer through the real review session: the labels tell the day the answer gets, the loads are read
once per session and kept right answer by answer, the days even out, and Check finds every card as its log says."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import save_deck_options
from studyapp.services.maintenance.check import run_check
from studyapp.services.review.day_loads import DayLoadBook

from ..conftest import T0

CARDS = 240
DAYS = 45


def study_deck(app: App, tmp_path: Path, load_balance: bool, cards: int = CARDS) -> int:
    path = tmp_path / "deck.txt"
    path.write_text("".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(cards)), encoding="utf-8")
    app.import_file(path, deck_name="Even")
    deck = app.find_deck("Even")
    assert deck is not None and deck.preset_id is not None
    options = replace(deck.options, new_per_day=30, reviews_per_day=9999, load_balance=load_balance)
    save_deck_options(app.collection, deck.id, deck.preset_id, options)
    return deck.id


def simulate(app: App, clock: FixedClock, deck_id: int, days: int = DAYS) -> list[int]:
    """Study the deck every day (ratings drawn from a fixed generator), each label checked against its answer;
    the reviews answered each day."""
    pick = random.Random(5)
    per_day = []
    for _day in range(days):
        session = app.review_session(deck_id)
        card = session.next_card()
        reviews = 0
        while card is not None:
            rating = pick.choices(list(Rating), weights=(1, 1, 8, 1))[0]
            label = session.intervals()[rating]
            now = clock.now()
            reviews += card.schedule.state is CardState.REVIEW
            entry = session.answer(rating)
            assert entry.after.due is not None and entry.after.due - now == label  # the label told the truth
            clock.advance(timedelta(seconds=20))
            card = session.current
        assert session.day_loads.reads <= 1  # one grouped query per session, at most
        if session.day_loads.reads:  # the loads kept in memory are what a fresh read finds
            fresh = DayLoadBook(app.collection, lambda session=session: session.day_loads._origin_of())
            for ahead in range(0, 60):
                kept = session.day_loads.loads(deck_id, clock.now())(ahead)
                assert kept == fresh.loads(deck_id, clock.now())(ahead), ahead
        per_day.append(reviews)
        clock.advance(timedelta(days=1))
    return per_day


def test_a_balanced_collection_is_clean_for_check(app: App, clock: FixedClock, tmp_path: Path) -> None:
    deck_id = study_deck(app, tmp_path, load_balance=True)
    simulate(app, clock, deck_id)
    report = run_check(app.collection, app.clock, app.rng, app.media_dir)
    assert report.cards > CARDS and report.mismatches == [] and report.unreplayable == []
    # the balancer did choose days other than the plain fuzz's: Check followed the log, not the seeded draw
    from studyapp.services.maintenance.check_schedules import check_schedules
    from studyapp.storage.maintenance.check_store import CheckStore

    store = CheckStore(app.collection.db)
    assert check_schedules(app.collection, store, clock.now(), lambda *_: None).mismatches == []
    assert balanced_choices(app) > 20


def balanced_choices(app: App) -> int:
    """Answers whose logged day is not the one the plain seeded fuzz draws."""
    from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed

    scheduler = Scheduler()
    other = 0
    for (card_id,) in app.collection.db.execute("SELECT id FROM cards WHERE state = 2").fetchall():
        for entry in app.collection.reviews.log(card_id):
            if entry.after.state is not CardState.REVIEW:
                continue
            plain = scheduler.answer(entry.before, entry.rating, entry.reviewed_at, random.Random(
                fuzz_seed(card_id, entry.before.reps)))  # fmt: skip
            other += plain.due != entry.after.due
    return other


def roughness(per_day: list[int], first: int, last: int) -> float:
    """How far each day's reviews stray from the mean of the week around it (root mean square, relative)."""
    squares = []
    for day in range(first, last):
        mean = sum(per_day[day - 3 : day + 4]) / 7
        squares.append(((per_day[day] - mean) / mean) ** 2)
    return (sum(squares) / len(squares)) ** 0.5


def test_the_balancer_evens_out_the_days(tmp_path: Path) -> None:
    """The same student (same cards, same answers drawn) with the balancer on and off: on, each day's reviews stray
    about half as far from their week's mean (measured: 0.12 against 0.21)."""
    found = {}
    for load_balance in (True, False):
        folder = tmp_path / str(load_balance)
        folder.mkdir()
        clock = FixedClock(T0)
        app = App.open(folder / "collection.db", clock=clock, rng=random.Random(1))
        try:
            deck_id = study_deck(app, folder, load_balance, cards=400)
            found[load_balance] = roughness(simulate(app, clock, deck_id, days=60), 17, 57)
        finally:
            app.close()
    assert found[True] < 0.75 * found[False], found
