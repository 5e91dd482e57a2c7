"""A first sync that only takes what the server holds is one exchange: the server's cards whose replay here gives
another schedule go back in it (the server has their notes and decks), so no second exchange reads every note, card
and log row again; the phone then shows the schedule this side replayed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.services.sync.client import SyncClient
from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, engine_add_and_answer, engine_card, now


def test_the_replayed_cards_go_back_in_the_first_exchange(
    here: Here, device: EngineDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = now() - timedelta(hours=2)
    for front in ("one", "two", "three"):
        engine_add_and_answer(device, front, [3, 3, 4], at)  # the phone's own schedule (Anki's default, not FSRS)
    device.full_upload()
    starts: list[int] = []
    start = SyncClient.start

    def counted(self: SyncClient, min_usn: int, local_is_newer: bool) -> dict:
        starts.append(min_usn)
        return start(self, min_usn, local_is_newer)

    monkeypatch.setattr(SyncClient, "start", counted)
    summary = here.sync()
    assert len(starts) == 1  # one exchange: nothing of this side's own to send after it
    assert summary.cards_up >= 1  # (the replay gives another due than the phone's scheduler)
    device.sync()
    for front in ("one", "two", "three"):
        due_here = here.card(front)[1]
        assert engine_card(device, front)[3] == (due_here // 1000 - device.col.crt) // 86_400, front
