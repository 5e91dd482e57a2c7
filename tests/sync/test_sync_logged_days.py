"""Answers received from Anki keep the day Anki gave them (its review-log ``ivl``) when that day lies within the
answer's fuzz range here, as the replay takes the day its own log recorded (the load balancer's choice); Check finds
every card as its log says."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, Schedule
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed
from studyapp.services.maintenance.check import run_check
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_add_and_answer, engine_card, now


def _phone_logs(device: EngineDevice, at_ms: int, card: int, ease: int, interval: int, kind: int) -> None:
    """A review-log row as a phone on SM-2 writes one (its interval in days, whatever FSRS would give)."""
    device.col.db.execute(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "VALUES (?, ?, -1, ?, ?, 0, 2500, 4000, ?)",
        at_ms, card, ease, interval, kind,
    )  # fmt: skip


def _logged(here: Here, front: str) -> list[tuple[int, int]]:
    """(time, due after) of each answer here to the card of ``front``, in time order."""
    return here.collection.db.execute(
        "SELECT reviewed_at, due_after FROM review_log WHERE card_id = ? ORDER BY reviewed_at", [here.card_of(front)]
    ).fetchall()


def test_the_phones_review_days_within_range_are_kept(tmp_path: Path, sync_server: SyncServer) -> None:
    here = Here(tmp_path / "here.db", sync_server)
    device = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        conf = device.col.decks.get_config(1)
        assert conf is not None
        conf["new"]["ints"] = [1, 8, 0]  # Easy on a new card: 8 days (here: 8 days too, fuzzed within 6..10)
        device.col.decks.update_config(conf)
        at = now() - timedelta(hours=3)
        fronts = [f"card {n}" for n in range(8)]
        for front in fronts:
            engine_add_and_answer(device, front, [4], at)
        device.full_upload()
        here.sync()
        kept = 0
        for front in fronts:
            interval = engine_card(device, front)[4]
            [(answered_ms, _rating)] = here.reviews(front)
            due_ms = here.card(front)[1]
            answered = datetime.fromtimestamp(answered_ms / 1000, timezone.utc)
            plain = Scheduler().answer(
                Schedule(), Rating.EASY, answered, random.Random(fuzz_seed(here.card_of(front), 0))
            )
            low, high = Scheduler().fuzz_range(8)
            if low <= interval <= high:
                assert due_ms == answered_ms + interval * 86_400_000, front  # the phone's day
                kept += plain.due != answered + timedelta(days=interval)  # (another day than the seeded draw's)
            else:
                assert plain.due is not None and due_ms == int(plain.due.timestamp() * 1000)
        assert kept >= 1
        report = run_check(here.collection, FixedClock(now()), random.Random(3), tmp_path / "media")
        assert report.mismatches == [] and report.unreplayable == []
    finally:
        device.close()
        here.collection.close()


def test_a_phones_days_outside_the_range_stay_in_the_log_and_the_card_ends_as_its_answers_say(
    tmp_path: Path, sync_server: SyncServer
) -> None:
    """A phone on another scheduler (Anki's SM-2) logs review days far from FSRS's. An answer that another answer
    follows keeps the phone's day in the log here (no later answer reads a due, so none is drawn that no device
    used); the last answer's day is the replay's own, so the card is where its answers alone put it."""
    here = Here(tmp_path / "here.db", sync_server)
    device = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        note = device.add_note("sm2", "sm2 back", deck="Bio")
        card = device.card_ids(note)[0]
        start = (now() - timedelta(days=400)).replace(microsecond=0)
        # (offset in days, ease, ivl in days, type): Easy on the new card, then two reviews, SM-2's long intervals
        rows = [(0, 4, 40, 0), (40, 3, 200, 1), (240, 3, 900, 1)]
        for offset, ease, interval, kind in rows:
            at_ms = int((start + timedelta(days=offset)).timestamp() * 1000)
            _phone_logs(device, at_ms, card, ease, interval, kind)
        device.full_upload()
        here.sync()
        logged = _logged(here, "sm2")
        assert len(logged) == 3
        for (at_ms, due_ms), (_offset, _ease, interval, _kind) in zip(logged[:2], rows[:2], strict=True):
            assert due_ms == at_ms + interval * 86_400_000  # the phone's day, outside FSRS's range
        # the card: the plain replay of its three answers (the last one's 900 days are outside the range too)
        schedule = Schedule()
        for at_ms, _due in logged:
            answered = datetime.fromtimestamp(at_ms / 1000, timezone.utc)
            rating = Rating.EASY if schedule.reps == 0 else Rating.GOOD
            rng = random.Random(fuzz_seed(here.card_of("sm2"), schedule.reps))
            schedule = Scheduler().answer(schedule, rating, answered, rng)
        assert schedule.due is not None
        assert here.card("sm2") == (2, int(schedule.due.timestamp() * 1000), 3, 0, schedule.stability)
        assert logged[2][1] == int(schedule.due.timestamp() * 1000) != logged[2][0] + 900 * 86_400_000
        report = run_check(here.collection, FixedClock(now()), random.Random(3), tmp_path / "media")
        assert report.mismatches == [] and report.unreplayable == []
    finally:
        device.close()
        here.collection.close()


def test_the_phones_days_are_kept_too_when_the_card_has_answers_here(tmp_path: Path, sync_server: SyncServer) -> None:
    """The same through the replay of a card with history here (the scheduler's path, not the fast one): an answer
    here, then two on the phone with SM-2's days; the middle one keeps its day, the card ends as its answers say."""
    here = Here(tmp_path / "here.db", sync_server)
    device = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        here.add("slow", "a")
        here.sync()
        assert device.sync() in ("full_sync", "full_download")
        device.full_download()
        start = (now() - timedelta(days=400)).replace(microsecond=0)
        here.answer_first("slow", Rating.EASY, at=start)
        here.sync()
        device.sync()
        card = engine_card(device, "slow")[0]
        phone = [(start + timedelta(days=40), 200), (start + timedelta(days=240), 900)]
        for at, interval in phone:
            _phone_logs(device, int(at.timestamp() * 1000), card, 3, interval, 1)
        device.col.db.execute("UPDATE col SET mod = ?", int(now().timestamp() * 1000))  # (else: "no changes")
        device.sync()
        here.sync()
        logged = _logged(here, "slow")
        assert len(logged) == 3
        assert logged[1][1] == logged[1][0] + 200 * 86_400_000
        schedule = Schedule()
        for index, (at_ms, _due) in enumerate(logged):
            answered = datetime.fromtimestamp(at_ms / 1000, timezone.utc)
            rng = random.Random(fuzz_seed(here.card_of("slow"), schedule.reps))
            schedule = Scheduler().answer(schedule, Rating.EASY if index == 0 else Rating.GOOD, answered, rng)
        assert schedule.due is not None
        assert here.card("slow") == (2, int(schedule.due.timestamp() * 1000), 3, 0, schedule.stability)
        report = run_check(here.collection, FixedClock(now()), random.Random(3), tmp_path / "media")
        assert report.mismatches == [] and report.unreplayable == []
    finally:
        device.close()
        here.collection.close()
