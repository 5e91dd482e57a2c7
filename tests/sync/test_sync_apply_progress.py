"""After the last chunk comes, a sync applies what it received: the notes and cards, then every answer replayed
(a million answers take ~20 s). It says how far it is, and a Cancel meanwhile stops it there: nothing of the sync is
kept here, and the next sync takes everything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.services.sync import card_replay
from studyapp.services.sync.errors import SyncError
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_add_and_answer, now

NOTES, ANSWERS = 6, 4


def _phone_with_history(device: EngineDevice) -> None:
    start = now() - timedelta(days=30)
    for number in range(NOTES):
        engine_add_and_answer(device, f"phone {number}", [3] * ANSWERS, start + timedelta(days=number))
    assert device.sync() in ("full_sync", "full_upload")
    device.full_upload()


def _counts(here: Here) -> tuple[int, ...]:
    one = here.collection.db.execute
    return tuple(
        one(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("notes", "cards", "review_log", "sync_notes", "sync_cards", "sync_revlog")
    )


def _indexes(here: Here) -> list[tuple[str, str]]:
    return here.collection.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('review_log', 'sync_revlog') "
        "ORDER BY name"
    ).fetchall()


def test_a_cancel_while_the_answers_are_replayed_keeps_nothing_and_the_next_sync_takes_all(
    here: Here, device: EngineDevice
) -> None:
    _phone_with_history(device)
    before, indexes = _counts(here), _indexes(here)
    said: list[str] = []

    def replaying() -> bool:  # the user presses Cancel once the replay has begun
        return bool(said) and "replaying answers (" in said[-1].lower()

    with pytest.raises(SyncError) as raised:
        here.sync(progress=said.append, cancelled=replaying)

    assert raised.value.kind == "cancelled"
    assert any(line.endswith("pplying 6 notes and 6 cards") for line in said), said
    assert said[-1].endswith(f"eplaying answers (0 of {NOTES * ANSWERS})"), said
    assert _counts(here) == before  # rolled back: no note, card, answer or mirror row of the sync
    assert _indexes(here) == indexes and here.collection.integrity_check() == "ok"

    summary = here.sync()
    assert (summary.notes_down, summary.reviews_down) == (NOTES, NOTES * ANSWERS)
    assert _counts(here)[:3] == (before[0] + NOTES, before[1] + NOTES, NOTES * ANSWERS)
    assert here.sync().kind == "no_changes"


def test_the_replay_says_how_far_it_is(here: Here, device: EngineDevice, monkeypatch: pytest.MonkeyPatch) -> None:
    _phone_with_history(device)
    monkeypatch.setattr(card_replay, "TICK_EVERY", 2 * ANSWERS)  # (10,000 answers between two reports)
    said: list[str] = []

    here.sync(progress=said.append)

    steps = [line.split("(")[1] for line in said if "eplaying answers (" in line]
    total = NOTES * ANSWERS
    assert steps == [f"{done} of {total})" for done in range(0, total, 2 * ANSWERS)], said
