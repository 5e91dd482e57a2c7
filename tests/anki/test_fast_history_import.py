"""An imported card whose log is answers alone is replayed by ``FastReplay``: the same collection, bit for bit.

A package's history used to go through ``Scheduler`` answer by answer, and its log rows through sqlite-utils'
``insert_all`` of dicts: 200,000 answers of 10,000 cards took 12.4 s to import. The rows now go in as tuples, and a
card whose log is answers at increasing times (most cards: no Forget, no Set due date) is replayed by the fast
replay the sync uses: 4.0 s. These tests hold the two paths side by side on random logs (ratings, times, logged
intervals within and outside the fuzz, previews), and check that a card with a schedule change still takes the
scheduler. Our own legacy export, its review log written by SQL."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.drafts import ImportOptions
from studyapp.core.scheduling import fast_replay
from studyapp.services.app import App
from studyapp.services.importing import draft_writes, history

from . import corpus
from .conftest import Sandbox

DAY_MS = 86_400_000
T0 = 1735732800000  # 2025-01-01 12:00 UTC


def _random_log(seed: int, *, with_change: bool = False) -> list[tuple[int, int, int, int, int, int]]:
    """(time, ease, ivl, factor, duration, type) rows of one card: answers days apart, some logging a whole number
    of days (the answering device's interval), some a preview; with a Forget in the middle if ``with_change``."""
    rng = random.Random(seed)
    rows, at = [], T0
    for number in range(rng.randint(1, 40)):
        at += rng.choice([60_000, 600_000, DAY_MS, 3 * DAY_MS, 11 * DAY_MS, 40 * DAY_MS]) + rng.randint(0, 9999)
        ease = rng.choice([1, 2, 3, 3, 3, 4])
        ivl = rng.choice([-600, 1, 2, 5, 9, 30, 100])
        kind, factor = (3, 0) if rng.random() < 0.05 else (1, 2500)  # a filtered deck's preview, now and then
        rows.append((at, ease, ivl, factor, rng.randint(0, 60_000), kind))
        if with_change and number == 3:
            rows.append((at + 1, 0, 0, 0, 0, 4))  # Forget
    return rows


def _package(sandbox: Sandbox, own_package: Path, seeds: list[int], name: str, with_change: bool = False) -> Path:
    def change(db: sqlite3.Connection) -> None:
        cards = [row[0] for row in db.execute("select id from cards order by id")]
        db.execute("delete from revlog")
        for card, seed in zip(cards, seeds, strict=False):
            for at, ease, ivl, factor, duration, kind in _random_log(seed, with_change=with_change):
                db.execute(
                    "insert into revlog values (?, ?, -1, ?, ?, 0, ?, ?, ?)",
                    (at, card, ease, ivl, factor, duration, kind),
                )

    return corpus.tamper_collection(own_package, sandbox.root / name, change)


def _import(package: Path, collection: Path) -> list[list[tuple]]:
    """Every row of the cards, the review log and the schedule changes after importing ``package`` with history,
    at a fixed time and with fixed randomness."""
    app = App.open(collection, FixedClock(datetime(2026, 6, 1, 12, tzinfo=timezone.utc)), random.Random(3))
    try:
        app.import_file(package, options=ImportOptions(include_history=True))
        return [
            app.collection.db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("cards", "review_log", "schedule_changes")
        ]
    finally:
        app.close()


@pytest.mark.parametrize("first_seed", [0, 100, 200])
def test_the_fast_replay_of_imported_logs_writes_what_the_scheduler_writes(
    sandbox: Sandbox, own_package: Path, monkeypatch: pytest.MonkeyPatch, first_seed: int
) -> None:
    package = _package(sandbox, own_package, list(range(first_seed, first_seed + 30)), "random.apkg")
    real = draft_writes.fast_history
    results: list[object] = []
    monkeypatch.setattr(draft_writes, "fast_history", lambda *args: results.append(real(*args)) or results[-1])
    fast = _import(package, sandbox.root / "fast.db")
    assert len(results) >= 3 and all(result is not None for result in results)  # every card: the fast replay
    monkeypatch.setattr(draft_writes, "fast_history", lambda *args: None)
    slow = _import(package, sandbox.root / "slow.db")
    assert len(slow[1]) > 20 and not slow[2]
    assert fast == slow


def test_a_card_with_a_schedule_change_takes_the_scheduler(
    sandbox: Sandbox, own_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _package(sandbox, own_package, [7, 8, 9], "forgotten.apkg", with_change=True)
    answered: list[object] = []
    real = draft_writes.fast_history
    monkeypatch.setattr(draft_writes, "fast_history", lambda *args: answered.append(real(*args)) or answered[-1])
    cards, log, changes = _import(package, sandbox.root / "c.db")
    assert answered and all(result is None for result in answered)  # a Forget in each log: the scheduler's
    assert len(changes) == len(answered) and log


def test_rows_drawing_an_id_already_taken_are_all_kept_in_time_order(
    sandbox: Sandbox, own_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids drawn alike (time in ms, then the same 21 bits): each of the package's rows clashes with a row already in
    the log (a card of another deck answered at the same milliseconds). The rows are written in batches with INSERT
    OR IGNORE; each that did not go in takes the next free id, and none is lost."""
    seeds = [1, 2, 3, 4]
    times = sorted({at for seed in seeds for at, *_ in _random_log(seed)})
    package = _package(sandbox, own_package, seeds, "taken.apkg")
    for module in (history, fast_replay):  # every row's 21 bits alike, whichever replay writes it
        monkeypatch.setattr(module, "time_ordered_id", lambda at, rng: at << 21)
    app = App.open(sandbox.root / "c.db", FixedClock(datetime(2026, 6, 1, 12, tzinfo=timezone.utc)), random.Random(4))
    try:
        (other,) = app.collection.db.execute("SELECT id FROM cards ORDER BY id LIMIT 1").fetchone()
        with app.collection.transaction():  # the ids the import will draw, taken first
            app.collection.db.conn.executemany(
                "INSERT INTO review_log (id, card_id, reviewed_at, rating, duration_ms, mode, state_before, "
                "reps_before, lapses_before, state_after, reps_after, lapses_after) "
                "VALUES (?, ?, ?, 3, 1000, 'flip', 2, 1, 0, 2, 2, 0)",
                [(at << 21, other, at) for at in times],
            )
        app.import_file(package, options=ImportOptions(include_history=True))
        stored = app.collection.db.execute("SELECT id, reviewed_at, card_id FROM review_log").fetchall()
    finally:
        app.close()
    imported = [row for row in stored if row[2] != other]
    expected = sum(1 for seed in seeds for _at, _ease, _ivl, factor, _d, kind in _random_log(seed)
                   if not (kind == 3 and factor == 0))  # fmt: skip
    assert len(imported) == expected and expected > 10
    assert len({row_id for row_id, _, _ in stored}) == len(stored)  # each its own id
    assert all(row_id != at << 21 for row_id, at, _ in imported)  # every one moved on from the id it drew
    assert sorted(stored) == sorted(stored, key=lambda row: (row[1], row[0]))  # still in time order
