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
