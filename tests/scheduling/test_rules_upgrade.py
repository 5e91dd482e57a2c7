"""The one-time upgrade of a collection studied under the first fuzz rule (rounded: high + 1 possible)."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ScheduleChangeKind
from studyapp.core.scheduling import scheduling
from studyapp.core.scheduling.scheduling import Scheduler, SchedulerConfig
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import save_deck_options
from studyapp.services.maintenance.check import run_check
from studyapp.services.review.rules_upgrade import RULES, RULES_SETTING


def first_rule(low: int, high: int, draw: float) -> int:
    return round(draw * (high - low + 1) + low)  # py-fsrs's rounding, as the first rules drew


def old_collection(path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A collection studied for 40 days by a version with the first rules (and without the marker)."""
    with monkeypatch.context() as patch:
        patch.setattr(scheduling, "plain_day", first_rule)
        patch.setattr(scheduling, "_fast_replay", lambda _config: None)  # every answer through Scheduler._fuzzed
        app = App.open(path, clock=clock, rng=random.Random(3))
        try:
            deck = app.find_deck("Calcinosis")
            assert deck is not None and deck.preset_id is not None
            options = replace(deck.options, new_per_day=29, load_balance=False)
            save_deck_options(app.collection, deck.id, deck.preset_id, options)
            pick = random.Random(8)
            for _day in range(40):
                session = app.review_session(deck.id)
                while session.next_card() is not None:
                    session.answer(pick.choices(list(Rating), weights=(1, 1, 8, 2))[0])
                    clock.advance(timedelta(seconds=15))
                clock.advance(timedelta(days=1))
            app.collection.db.execute("DELETE FROM settings WHERE key = ?", [RULES_SETTING])
            app.collection.db.conn.commit()
        finally:
            app.close()


def past_their_range(path: Path) -> set[int]:
    """The cards whose stored due is ``high + 1`` days after their last answer (worked out from the log alone)."""
    conn = sqlite3.connect(path)
    plain = Scheduler(SchedulerConfig(fuzz=False))
    found = set()
    rows = conn.execute("SELECT id, due, last_review FROM cards WHERE state = 2").fetchall()
    conn.close()
    app = App.open(path, read_only=True)
    try:
        for card_id, due, last in rows:
            entry = app.collection.reviews.log(card_id)[-1]
            unfuzzed = plain.answer(entry.before, entry.rating, entry.reviewed_at, random.Random(0))
            days = (unfuzzed.due - entry.reviewed_at).days  # type: ignore[operator]
            if days < 3:
                continue
            _low, high = Scheduler().fuzz_range(days)
            if due - last == (high + 1) * 86_400_000:
                found.add(card_id)
    finally:
        app.close()
    return found


def card_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM cards ORDER BY id").fetchall()
    finally:
        conn.close()


def test_the_first_open_logs_a_reschedule_for_each_card_past_its_range(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    old_collection(path, clock, monkeypatch)
    expected = past_their_range(path)
    assert len(expected) >= 2  # (the first rule gives high + 1 to about one answer in 2n + 2)
    # A card damaged otherwise (its due moved by hand in the file) is not the upgrade's to explain.
    conn = sqlite3.connect(path)
    damaged = conn.execute("SELECT id FROM cards WHERE state = 2 ORDER BY id").fetchall()
    damaged_id = next(card_id for (card_id,) in damaged if card_id not in expected)
    conn.execute("UPDATE cards SET due = due + 7 * 86400000 WHERE id = ?", [damaged_id])
    conn.commit()
    conn.close()
    before = card_rows(path)

    app = App.open(path, clock=clock, rng=random.Random(4))
    try:
        changes = app.collection.db.execute("SELECT card_id, kind FROM schedule_changes").fetchall()
        assert {card_id for card_id, _kind in changes} == expected
        assert {kind for _card, kind in changes} == {ScheduleChangeKind.RESCHEDULE.value}
        count = len(expected)
        assert app.upgrade_notice is not None and f"{count} cards kept their due date" in app.upgrade_notice
        assert app.setting(RULES_SETTING) == RULES
        assert card_rows(path) == before  # no due date moved
        report = run_check(app.collection, app.clock, app.rng, app.media_dir)
        assert [m.card_id for m in report.mismatches] == [damaged_id]
    finally:
        app.close()

    again = App.open(path, clock=clock, rng=random.Random(5))
    try:
        assert again.upgrade_notice is None
        assert again.collection.schedule_changes.count() == len(expected)
    finally:
        again.close()


def test_a_new_collection_is_marked_at_once(tmp_path: Path, clock: FixedClock) -> None:
    app = App.open(tmp_path / "new.db", clock=clock, rng=random.Random(1))
    try:
        assert app.setting(RULES_SETTING) == RULES and app.upgrade_notice is None
        assert app.collection.schedule_changes.count() == 0
    finally:
        app.close()


def test_the_cli_says_it_in_one_line_on_stderr(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studyapp.cli.main import build_parser, run_command

    path = tmp_path / "old.db"
    old_collection(path, clock, monkeypatch)
    count = len(past_their_range(path))
    run_command(build_parser().parse_args(["--collection", str(path), "decks"]))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("studyapp: Scheduling rules updated:") and f"{count} card" in err[0]
    run_command(build_parser().parse_args(["--collection", str(path), "decks"]))
    assert capsys.readouterr().err == ""
