"""Statistics say what they count: answers are answers, cards are distinct cards, and an empty collection reads
as sentences (no "–", no "0 of 0") in the window and in ``studyapp stats``."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QSize
from PySide6.QtWidgets import QLabel

from studyapp.cli.main import build_parser
from studyapp.cli.stats_command import stats_from_args
from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import delete_deck
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteText
from studyapp.services.stats.stats import Share, compute_stats
from studyapp.ui.stats import stats_window
from studyapp.ui.stats.charts import CalendarHeatmap, Chart
from studyapp.ui.stats.stats_window import StatsWindow

from ..gui.support import offscreen_dialog_warning

pytestmark = offscreen_dialog_warning


def tooltips(chart: Chart) -> set[str]:
    """Every tooltip the chart offers where it is drawn (hovered over a grid of points)."""
    chart.resize(QSize(520, 250))
    chart.render_image()
    found = (chart.tooltip_at(QPointF(x, y)) for x in range(0, 520, 3) for y in range(0, 250, 3))
    return {text for text in found if text}


def cli_text(app: App, *argv: str) -> str:
    out = io.StringIO()
    stats_from_args(app, build_parser().parse_args(["stats", *argv]), out)
    return out.getvalue()


def one_card_three_times(app: App, clock: FixedClock) -> None:
    """A deck of one card, answered Again, Again, Good today: three answers, one card."""
    deck = add_to_deck(app, "One", NoteText("Question?", "Answer")).deck
    session = app.review_session(deck.id)
    for rating in (Rating.AGAIN, Rating.AGAIN, Rating.GOOD):
        assert session.next_card() is not None
        session.answer(rating, duration_ms=4000)
        clock.advance(timedelta(minutes=15))


def test_a_card_answered_three_times_is_three_answers_on_one_card(app: App, clock: FixedClock, qtbot) -> None:  # noqa: ANN001
    one_card_three_times(app, clock)
    today = compute_stats(app, "One").today
    assert (today.answers, today.cards) == (3, 1)
    assert compute_stats(app).to_json()["today"]["cards"] == 1
    assert (
        "Today:       3 answers on 1 card in 0.2 min, Again 66.7% of 3" in cli_text(app, "--deck", "One").splitlines()
    )

    window = StatsWindow(app, deck_name="One")
    qtbot.addWidget(window)
    tile = window.tiles["studied"]
    assert (tile.number.text(), tile.caption.text()) == ("1", "card studied today, 3 answers")
    assert tile.toolTip() == "3 answers on 1 card"
    assert window.tiles["again"].toolTip() == "2 of 3 answers"
    assert window.empty_note.isHidden()
    assert any(text.endswith(": 1 card") for text in tooltips(window.stability)), tooltips(window.stability)


def test_one_answer_each_says_cards(app: App, clock: FixedClock, qtbot) -> None:  # noqa: ANN001
    deck = add_to_deck(app, "Two", NoteText("Q1", "A1")).deck
    add_to_deck(app, "Two", NoteText("Q2", "A2"))
    session = app.review_session(deck.id)
    for _ in range(2):
        assert session.next_card() is not None
        session.answer(Rating.EASY, duration_ms=3000)
    window = StatsWindow(app, deck_name="Two")
    qtbot.addWidget(window)
    tile = window.tiles["studied"]
    assert (tile.number.text(), tile.caption.text(), tile.toolTip()) == ("2", "cards studied today", "2 cards")
    assert window.tiles["streak"].toolTip() == "Consecutive study days with at least one answer."
    assert any(text.endswith(": 2 cards") for text in tooltips(window.stability)), tooltips(window.stability)
    assert "Today:       2 cards in 0.1 min, Again 0.0% of 2" in cli_text(app, "--deck", "Two").splitlines()
    assert "Streak:      1 day" in cli_text(app, "--deck", "Two").splitlines()


def _labels(window: StatsWindow) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel) if not label.isHidden()]


def test_an_empty_collection_reads_as_sentences(app: App, qtbot) -> None:  # noqa: ANN001
    for deck in app.decks():
        delete_deck(app.collection, deck.name)
    assert app.decks() == []
    window = StatsWindow(app)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    texts = _labels(window) + [tile.toolTip() for tile in window.tiles.values()]
    assert stats_window.NO_ANSWERS in texts
    for text in texts:
        assert "–" not in text and not re.search(r"\b0 of 0\b", text), text
    assert window.tiles["again"].toolTip() == "No answers today yet."
    assert window.tiles["streak"].toolTip() == "No streak yet: study today to start one."
    assert window.retention_summary.isHidden()  # the chart says it; the line under it would repeat it
    assert stats_window.retention_text(Share(0, 0), Share(1, 2)) == (
        "All time: no young answers yet, mature 50.0% of 2 answers (passed: any answer but Again, given to a card "
        "in review; mature: an interval of 21 days or more)."
    )
    empty = {name: chart.empty_text() for name, chart in window.charts.items() if not chart.has_data()}
    assert empty == {
        "heatmap": stats_window.EMPTY_HEATMAP,
        "forecast": stats_window.NOTHING_STUDIED_DUE,
        "states": stats_window.NO_CARDS,
        "retention": stats_window.NO_RETENTION,
        "retrievability": stats_window.NO_STUDIED_CARDS,
        "stability": stats_window.NO_STUDIED_CARDS,
        "difficulty": stats_window.NO_STUDIED_CARDS,
    }
    # The sentence is what the chart paints: an empty chart and one with another sentence differ.
    chart = window.stability
    painted = chart.render_image()
    chart.set_empty_text("")
    assert chart.render_image() != painted

    lines = cli_text(app).splitlines()
    assert lines[2:9] == [
        "Today:       no answers yet: study a deck and they count here",
        "Streak:      none yet",
        "Answers:     none in the past year",
        "Due:         nothing in the next 30 days",
        "Retention:   young none yet, mature none yet (desired 90%)",
        "Cards:       none here yet",
        "",
    ]
    assert lines[9:] == [
        "Stability (days): no studied cards yet",
        "Difficulty:       no studied cards yet",
        "Retrievability:   no studied cards yet",
    ]


def test_a_deck_never_studied_says_so(app: App, qtbot) -> None:  # noqa: ANN001
    window = StatsWindow(app, deck_name="Calcinosis")
    qtbot.addWidget(window)
    assert not window.empty_note.isHidden() and window.empty_note.text() == stats_window.NO_ANSWERS_IN_DECK
    assert window.states.has_data() and not window.forecast.has_data()


def test_the_heatmap_counts_answers_in_words(qtbot) -> None:  # noqa: ANN001
    heatmap = CalendarHeatmap("Answers per day, past year")
    qtbot.addWidget(heatmap)
    heatmap.set_days([(date(2026, 2, 28), 1), (date(2026, 3, 1), 2)])
    heatmap.resize(QSize(900, 220))
    heatmap.render_image()
    one, two = heatmap.cell_rect(date(2026, 2, 28)), heatmap.cell_rect(date(2026, 3, 1))
    assert one is not None and two is not None
    assert heatmap.tooltip_at(one.center()) == "Sat 28 Feb 2026: 1 answer"
    assert heatmap.tooltip_at(two.center()) == "Sun 1 Mar 2026: 2 answers"
