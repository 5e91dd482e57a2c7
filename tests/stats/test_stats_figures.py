"""The statistics of a known log, worked out by hand (see history.py for the answers and their times)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteText
from studyapp.services.stats import stats as stats_service
from studyapp.services.stats.stats import Share, compute_stats

from .history import build_history, card_ids


def test_today_counts_time_again_share_and_streak(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    today = compute_stats(app).today
    assert today.answers == 3
    assert today.seconds == pytest.approx(10.0)  # 2 s + 3 s + 5 s
    assert today.again == Share(1, 3)
    assert today.again.value == pytest.approx(1 / 3)
    # 1 March (today) and 28 February (the 03:00 answer, before the rollover); 27 February has none.
    assert today.streak_days == 2


def test_the_streak_may_end_yesterday(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id, today=False)
    today = compute_stats(app).today
    assert (today.answers, today.streak_days) == (0, 1)  # only 28 February so far


def test_reviews_per_day_follow_the_study_day(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    days = compute_stats(app).days
    assert len(days) == 365
    assert (days[0].day, days[-1].day) == (date(2025, 3, 2), date(2026, 3, 1))
    counts = {d.day: d.reviews for d in days if d.reviews}
    assert counts == {
        date(2025, 6, 1): 1,
        date(2025, 7, 1): 1,
        date(2026, 1, 10): 1,
        date(2026, 1, 20): 1,
        date(2026, 2, 1): 1,
        date(2026, 2, 15): 1,
        date(2026, 2, 16): 1,
        date(2026, 2, 22): 1,
        date(2026, 2, 23): 1,
        date(2026, 2, 28): 1,  # card D at 03:00 on 1 March
        date(2026, 3, 1): 3,
    }


def test_the_rollover_hour_moves_the_day_boundary(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    app.set_setting("rollover_hour", 2)  # now 03:00 on 1 March is part of 1 March
    counts = {d.day: d.reviews for d in compute_stats(app).days if d.reviews}
    assert date(2026, 2, 28) not in counts
    assert counts[date(2026, 3, 1)] == 4


def test_forecast_counts_overdue_and_learning_cards_today(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    forecast = compute_stats(app).forecast
    expected = [0] * 30
    expected[0] = 3  # the three cards in learning since this morning
    expected[2] = 1  # B, due 3 March
    expected[4] = 1  # A, 5 March
    expected[9] = 1  # D, 10 March
    expected[19] = 1  # C, 20 March
    assert list(forecast) == expected
    clock.set(clock.now().replace(month=3, day=6))  # A (5 March) is overdue now: it counts today
    assert compute_stats(app).forecast[0] == 3 + 2  # A and B overdue, with the three learning cards


def test_true_retention_young_and_mature(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    stats = compute_stats(app)
    # Review answers: A 10 d pass (young), A 25 d Again (mature), B 21 d pass (mature), B 1 d Hard
    # (young), C 30 d Again (mature). Learning and relearning answers do not count.
    assert stats.young == Share(2, 2)
    assert stats.mature == Share(1, 3)
    weeks = stats.weeks
    assert len(weeks) == 12
    assert (weeks[0].start, weeks[-1].start) == (date(2025, 12, 8), date(2026, 2, 23))
    by_week = {w.start: (w.young, w.mature) for w in weeks if w.young.total or w.mature.total}
    assert by_week == {
        date(2026, 1, 19): (Share(1, 1), Share(0, 0)),
        date(2026, 2, 9): (Share(0, 0), Share(0, 1)),
        date(2026, 2, 16): (Share(0, 0), Share(1, 1)),
        date(2026, 2, 23): (Share(1, 1), Share(0, 0)),
    }
    assert stats.desired_retention == 0.9


def test_cards_by_state(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    named = build_history(app, clock, calcinosis_id)
    new_card = next(i for i in card_ids(app, calcinosis_id) if i not in named.values())
    app.collection.db.execute("UPDATE cards SET suspended = 1 WHERE id = ?", [new_card])
    states = compute_stats(app).states
    assert (states.new, states.learning, states.review, states.suspended) == (29 - 7 - 1, 3, 4, 1)


def _bin_of(value: float, edges: tuple[float, ...]) -> int:
    return max(i for i, edge in enumerate(edges) if value >= edge)


def test_histograms(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    named = build_history(app, clock, calcinosis_id)
    stats = compute_stats(app)
    today_cards = [app.collection.reviews.card(named[f"today{i}"]) for i in range(3)]
    schedules = [c.schedule for c in today_cards if c is not None]
    # The FSRS-6 first stabilities: Again w0, Good w2; the crafted cards: 30, 5, 200 and 1.5 days.
    assert sorted(s.stability for s in schedules) == pytest.approx(
        sorted([DEFAULT_PARAMETERS[0], *[DEFAULT_PARAMETERS[2]] * 2])
    )
    stability = [0] * 12
    for value in (30.0, 5.0, 200.0, 1.5, *(s.stability for s in schedules)):
        stability[_bin_of(value, stats_service.STABILITY_EDGES)] += 1
    assert stability == [1, 1, 2, 1, 0, 0, 1, 0, 0, 1, 0, 0]
    assert [b.count for b in stats.stability] == stability
    assert stats.stability[0].label == "<1d"

    difficulty = [0] * 10
    for value in (5.0, 5.4, 9.6, 1.2, *(s.difficulty for s in schedules)):
        difficulty[min(10, max(1, round(value))) - 1] += 1
    assert [b.count for b in stats.difficulty] == difficulty
    assert difficulty[4] >= 2 and difficulty[9] >= 1 and difficulty[0] >= 1

    decay = DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (1 / -decay) - 1
    # Whole days since the last review at 12:00 on 1 March: A 13 (16 Feb 10:00), B 6, C 243, D 0, today's 0.
    elapsed_and_stability = [(13, 30.0), (6, 5.0), (243, 200.0), (0, 1.5)] + [(0, s.stability) for s in schedules]
    expected = [0] * 10
    for elapsed, s in elapsed_and_stability:
        r = (1 + factor * elapsed / s) ** -decay
        expected[min(9, int(r * 10))] += 1
    assert expected == [0, 0, 0, 0, 0, 0, 0, 0, 2, 5]
    assert [b.count for b in stats.retrievability] == expected


def test_each_deck_uses_its_own_decay(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id, today=False)
    deck = app.collection.decks.get(calcinosis_id)
    assert deck is not None and deck.preset_id is not None
    preset = app.collection.presets.get(deck.preset_id)
    assert preset is not None
    parameters = list(DEFAULT_PARAMETERS)
    parameters[20] = 0.8  # a much steeper forgetting curve
    app.collection.presets.update(preset.id, preset.name, replace(preset.options, parameters=tuple(parameters)))
    factor = 0.9 ** (1 / -0.8) - 1
    expected = [0] * 10
    for elapsed, s in [(13, 30.0), (6, 5.0), (243, 200.0), (0, 1.5)]:
        expected[min(9, int((1 + factor * elapsed / s) ** -0.8 * 10))] += 1
    assert [b.count for b in compute_stats(app).retrievability] == expected


def test_one_deck_or_all(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    other = add_to_deck(app, "Other::Sub", NoteText("Question?", "Answer")).deck
    session = app.review_session(other.id)
    session.next_card()
    session.answer(Rating.AGAIN, duration_ms=7000)
    everything = compute_stats(app)
    assert (everything.scope, everything.today.answers, everything.today.seconds) == ("All decks", 4, 17.0)
    calcinosis = compute_stats(app, "Calcinosis")
    assert (calcinosis.today.answers, calcinosis.states.review, calcinosis.young) == (3, 4, Share(2, 2))
    parent = compute_stats(app, "Other")  # a parent named only by its subdeck
    assert (parent.scope, parent.today.answers, parent.today.again) == ("Other", 1, Share(1, 1))
    assert parent.states.learning == 1 and parent.young.total == 0
    assert stats_service.deck_names(app) == ["Calcinosis", "Other", "Other::Sub"]
    with pytest.raises(KeyError):
        compute_stats(app, "Nothing")


def test_to_json_holds_every_figure(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    data = json.loads(json.dumps(compute_stats(app).to_json()))
    assert data["today"] == {
        "answers": 3,
        "cards": 3,
        "seconds": 10.0,
        "again": 1,
        "again_share": 1 / 3,
        "streak_days": 2,
    }
    assert data["reviews_per_day"]["2026-03-01"] == 3 and data["reviews_per_day"]["2026-02-28"] == 1
    assert data["forecast"][0] == 3 and len(data["forecast"]) == 30
    assert data["true_retention"]["young"] == {"passed": 2, "total": 2, "share": 1.0}
    assert data["true_retention"]["mature"]["passed"] == 1 and data["true_retention"]["mature"]["total"] == 3
    assert data["states"] == {"new": 22, "learning": 3, "review": 4, "suspended": 0}
    assert sum(data["stability_days"].values()) == 7 and data["retrievability"]["90-100%"] == 5
