"""Answers received by a sync get time-ordered ids (their time in ms, then 21 random bits), as answers given or
imported here do (``core.ids.time_ordered_id``): the review log's B-tree stays in time order, so an answer given
after the sync goes at its end rather than splitting a page in the middle of it."""

from __future__ import annotations

from datetime import timedelta

from tests.sync.engine_device import EngineDevice
from tests.sync.sides import Here, now


def test_received_answers_have_ids_in_time_order(here: Here, device: EngineDevice) -> None:
    start = now() - timedelta(days=3)
    cards = [device.card_ids(device.add_note(f"card {n}", "back", deck="Bio"))[0] for n in range(4)]
    # the cards' answers interleaved in time (the replay goes card by card)
    for step in range(3):
        for number, card in enumerate(reversed(cards)):
            device.answer(card, 3, at=start + timedelta(hours=step * 10 + number))
    assert device.sync() in ("full_sync", "full_upload")
    device.full_upload()

    assert here.sync().reviews_down == 12

    rows = here.collection.db.execute("SELECT id, reviewed_at FROM review_log ORDER BY reviewed_at").fetchall()
    assert len(rows) == 12
    assert [row_id for row_id, _at in rows] == sorted(row_id for row_id, _at in rows)
    assert all(row_id >> 21 == at for row_id, at in rows)
