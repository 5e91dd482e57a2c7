"""Anki review-log ids for answers going up: an answer's time in ms, moved to the next free millisecond on a clash
with the server's rows or with another answer going up; only the instants that clashed are remembered."""

from __future__ import annotations

from studyapp.services.sync.anki_ids import FreeIds


def test_each_answer_keeps_its_time_unless_taken_and_a_crowded_instant_fills_the_next_free_ones() -> None:
    server = {1_000, 1_003}
    free = FreeIds(lambda: set(server))
    assert [free.take(t) for t in (500, 600, 700)] == [500, 600, 700]
    assert free.after == {}  # (no clash: nothing remembered, whatever the number of answers)
    # five answers logged at one instant (an import at midnight): 1,000 is the server's, so is 1,003
    assert [free.take(1_000) for _ in range(5)] == [1_001, 1_002, 1_004, 1_005, 1_006]
    assert free.take(1_002) == 1_007  # an answer at an instant now taken goes after the crowd
    assert free.take(600) == 601 and free.take(601) == 602
    assert len(free.after) == 4 and not set(free.after) & {500, 700}


def test_a_million_distinct_answers_remember_no_instant() -> None:
    free = FreeIds(set)
    for at in range(0, 3_000_000, 3):
        assert free.take(at) == at
    assert free.after == {}
