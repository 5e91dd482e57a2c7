"""The deck list's line about the student's days: today's answers and the streak of study days in a row.

Study days are those of the statistics (the collection's rollover hour, the clock's zone): an answer at
02:00 with the day starting at 04:00 counts for the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from studyapp.services.app import App
from studyapp.services.stats.stats import DayCount, scope_for, streak
from studyapp.storage.stats_store import StatsStore

_RECENT_DAYS = 60  # looked at first; a longer streak reads further back


@dataclass(frozen=True)
class StudyDays:
    today_answers: int  # every answer today (a card in learning may be answered several times)
    today_cards: int  # the distinct cards they went to
    streak_days: int  # study days in a row with an answer, ending today (or yesterday, if today has none yet)
    ever_answered: bool


def study_days(app: App) -> StudyDays:
    """Today's answers and the streak, over all decks, at the app's clock."""
    scope = scope_for(app)
    store = StatsStore(app.collection.db)
    first = scope.today - timedelta(days=_RECENT_DAYS - 1)
    counts = store.answers_per_day(scope.day_starts_ms(first, _RECENT_DAYS), None)
    days = tuple(DayCount(first + timedelta(days=i), n) for i, n in enumerate(counts))
    bounds = scope.day_starts_ms(scope.today, 1)
    totals = store.answers_between(bounds[0], bounds[1], None)
    return StudyDays(totals.answers, totals.cards, streak(store, scope, days), store.any_answers(None))


def study_days_line(days: StudyDays) -> str:
    """One line for the deck list, or "" before the first answer."""
    if not days.ever_answered:
        return ""
    if days.today_answers:
        cards = "card" if days.today_cards == 1 else "cards"
        answers = "answer" if days.today_answers == 1 else "answers"
        today = f"Today: {days.today_answers:,} {answers} to {days.today_cards:,} {cards}"
    else:
        today = "Nothing studied yet today"
    if days.streak_days == 0:
        return f"{today}."
    run = "1 day" if days.streak_days == 1 else f"{days.streak_days:,} days"
    return f"{today} · {run} in a row" + ("." if days.today_answers else ": study today to keep it.")
