"""added: and rated: count study days in the student's zone, across a daylight-saving change."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.notes.search import search_card_ids

BERLIN = ZoneInfo("Europe/Berlin")  # summer time from 29 March 2026


def test_added_counts_local_study_days_across_a_clock_change(app: App, calcinosis_id: int) -> None:
    # 02:30 UTC on 1 March is 03:30 in Berlin: before the 04:00 rollover, so on the study day of 28 February.
    early = FixedClock(datetime(2026, 3, 1, 2, 30, tzinfo=timezone.utc), BERLIN)
    [card_id] = add_note(app.collection, app.rng, early, calcinosis_id, NoteText("Early bird?", "Yes")).card_ids
    # 30 March, summer time: its study day began at 04:00 CEST (02:00 UTC), 1 March's at 04:00 CET (03:00 UTC).
    # Counting back 29 days of 24 hours from 02:00 UTC would wrongly take the note in.
    now = FixedClock(datetime(2026, 3, 30, 12, 0, tzinfo=timezone.utc), BERLIN)

    def found(clock: FixedClock, query: str) -> bool:
        return card_id in search_card_ids(app.collection, clock, query)

    assert not found(now, "added:30") and found(now, "added:31")
    assert found(early, "added:1")
    assert not found(FixedClock(early.now() + timedelta(hours=2), BERLIN), "added:1")  # 05:30: the next study day
