"""The deck list's line: today's answers and the streak, in study days (rollover hour and zone)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.decks.decks import ROLLOVER_SETTING
from studyapp.services.stats.streak import StudyDays, study_days, study_days_line

PARIS = ZoneInfo("Europe/Paris")  # UTC+1 in February and March 2026 (summer time starts on 29 March)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)  # 13:00 in Paris


def _answer(app: App, clock: FixedClock, at: datetime, times: int = 1) -> None:
    clock.advance(at - clock.now())
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    session = app.review_session(deck.id)
    for _ in range(times):
        assert session.next_card() is not None
        session.answer(Rating.EASY)


def _collection(tmp_path: Path, zone: ZoneInfo | timezone) -> tuple[App, FixedClock]:
    clock = FixedClock(NOW - timedelta(days=3), zone)
    return App.open(tmp_path / "collection.db", clock=clock, rng=random.Random(3)), clock


def _three_days(app: App, clock: FixedClock) -> None:
    _answer(app, clock, datetime(2026, 2, 27, 12, 0, tzinfo=timezone.utc))  # 27 Feb, 13:00 in Paris
    _answer(app, clock, datetime(2026, 3, 1, 1, 30, tzinfo=timezone.utc))  # 1 March 02:30 in Paris: still 28 Feb
    _answer(app, clock, NOW, times=2)  # 1 March 13:00 in Paris: today, two cards


def test_an_answer_before_the_rollover_hour_counts_for_the_day_before(tmp_path: Path) -> None:
    app, clock = _collection(tmp_path, PARIS)
    _three_days(app, clock)
    assert study_days(app) == StudyDays(today_answers=2, today_cards=2, streak_days=3, ever_answered=True)
    assert study_days_line(study_days(app)) == "Today: 2 answers to 2 cards · 3 days in a row."
    app.set_setting(ROLLOVER_SETTING, 0)  # midnight: 02:30 on 1 March is today, 28 February had nothing
    assert study_days(app) == StudyDays(today_answers=3, today_cards=3, streak_days=1, ever_answered=True)
    app.close()


def test_the_zone_decides_the_study_day(tmp_path: Path) -> None:
    app, clock = _collection(tmp_path, timezone.utc)
    _answer(app, clock, datetime(2026, 2, 28, 3, 30, tzinfo=timezone.utc))  # 27 Feb in UTC (before 04:00)
    _answer(app, clock, datetime(2026, 3, 1, 3, 30, tzinfo=timezone.utc))  # 28 Feb in UTC; 1 March 04:30 in Paris
    clock.advance(NOW - clock.now())
    assert study_days(app).streak_days == 2 and study_days(app).today_answers == 0
    assert study_days_line(study_days(app)) == "Nothing studied yet today · 2 days in a row: study today to keep it."
    app.close()
    paris, paris_clock = _collection(tmp_path / "paris", PARIS)
    _answer(paris, paris_clock, datetime(2026, 2, 28, 3, 30, tzinfo=timezone.utc))  # 28 Feb 04:30 in Paris
    _answer(paris, paris_clock, datetime(2026, 3, 1, 3, 30, tzinfo=timezone.utc))  # 1 March 04:30 in Paris: today
    paris_clock.advance(NOW - paris_clock.now())
    assert study_days(paris) == StudyDays(today_answers=1, today_cards=1, streak_days=2, ever_answered=True)
    paris.close()


def test_a_gap_ends_the_streak_and_a_new_collection_has_no_line(tmp_path: Path) -> None:
    app, clock = _collection(tmp_path, PARIS)
    assert study_days_line(study_days(app)) == ""
    _answer(app, clock, datetime(2026, 2, 26, 12, 0, tzinfo=timezone.utc))
    clock.advance(NOW - clock.now())  # 27 and 28 February without an answer
    assert study_days(app) == StudyDays(today_answers=0, today_cards=0, streak_days=0, ever_answered=True)
    assert study_days_line(study_days(app)) == "Nothing studied yet today."
    app.close()
