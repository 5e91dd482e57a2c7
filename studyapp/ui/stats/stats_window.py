"""The Statistics window (S): today's figures and the charts, for one deck with its subdecks or all decks."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.wording import answers_on_cards, plural
from studyapp.services.app import App
from studyapp.services.stats.stats import ALL_DECKS, Share, Stats, compute_stats, deck_names
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.stats.charts import BarChart, CalendarHeatmap, Chart, HistogramChart, LineChart, Series

DEFAULT_SIZE = (1040, 800)


def duration_text(seconds: float) -> str:
    """``5891`` -> ``1h 38m``, ``725`` -> ``12m 5s``, ``42`` -> ``42s``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


def share_text(share: Share) -> str:
    return "–" if share.value is None else f"{share.value:.1%}"


# What a tile or a chart says when it has nothing to show: a sentence, never "–" or "0 of 0".
NO_ANSWERS = "No answers yet: study a deck and your progress shows here."
NO_ANSWERS_IN_DECK = "No answers in this deck yet: study it and your progress shows here."
EMPTY_HEATMAP = "No answers in the past year: each day you study fills a square here."
NOTHING_STUDIED_DUE = "Nothing to review yet: the cards you study come back here on their due days."
NOTHING_DUE = "No cards due in the next 30 days."
NO_CARDS = "No cards here yet: add or import some, and they show here by state."
NO_RETENTION = "No answers to cards in review yet: retention shows once cards come back after a day or more."
NO_STUDIED_CARDS = "No studied cards yet: answer a few and they show here."


def retention_text(young: Share, mature: Share) -> str:
    """The all-time line under the retention chart, in words whatever the counts."""
    if not young.total and not mature.total:
        return f"All time: {NO_RETENTION[0].lower()}{NO_RETENTION[1:]}"

    def part(name: str, share: Share) -> str:
        if not share.total:
            return f"no {name} answers yet"
        return f"{name} {share_text(share)} of {plural(share.total, 'answer')}"

    return (
        f"All time: {part('young', young)}, {part('mature', mature)} (passed: any answer but Again, "
        "given to a card in review; mature: an interval of 21 days or more)."
    )


def _short_date(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


class FigureTile(QFrame):
    """A big number with a caption under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FigureTile")
        self.number = QLabel("–")
        self.number.setObjectName("FigureNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("FigureCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(2)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_value(self, text: str, detail: str = "", caption: str | None = None) -> None:
        self.number.setText(text)
        self.setToolTip(detail)
        if caption is not None:
            self.caption.setText(caption)


def _chart_card(chart: Chart) -> QFrame:
    card = QFrame()
    card.setObjectName("ChartCard")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(1, 1, 1, 1)
    layout.addWidget(chart)
    return card


class StatsWindow(QWidget):
    """Statistics of the chosen deck; the deck selector switches between one deck and all of them."""

    closed = Signal()
    refreshed = Signal()

    def __init__(self, app: App, parent: QWidget | None = None, deck_name: str | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("StatsWindow")
        self.setWindowTitle("Statistics")
        remember_geometry(self, app, "stats", DEFAULT_SIZE)  # within the screen, where it was last
        self.stats: Stats | None = None

        self.deck_combo = QComboBox()
        self.deck_combo.setObjectName("StatsDeckChooser")
        self.deck_combo.addItem("All decks", None)
        for name in deck_names(app):
            self.deck_combo.addItem(name, name)
        self.deck_combo.setMinimumWidth(260)
        title = QLabel("Statistics")
        title.setObjectName("PageTitle")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        deck_label = QLabel("&Deck")
        deck_label.setBuddy(self.deck_combo)
        header.addWidget(deck_label)
        header.addWidget(self.deck_combo)

        self.tiles = {
            "studied": FigureTile("cards studied today"),
            "time": FigureTile("time spent today"),
            "again": FigureTile("answered Again today"),
            "streak": FigureTile("day streak"),
        }
        self.heatmap = CalendarHeatmap("Answers per day, past year")
        self.forecast = BarChart("Due in the next 30 days")
        self.states = BarChart("Cards by state")
        self.retention = LineChart("True retention by week")
        self.retention_summary = QLabel()
        self.retention_summary.setObjectName("FigureCaption")
        self.retention_summary.setWordWrap(True)
        self.retrievability = HistogramChart("Retrievability now")
        self.stability = HistogramChart("Stability")
        self.difficulty = HistogramChart("Difficulty")
        self.charts: dict[str, Chart] = {
            "heatmap": self.heatmap,
            "forecast": self.forecast,
            "states": self.states,
            "retention": self.retention,
            "retrievability": self.retrievability,
            "stability": self.stability,
            "difficulty": self.difficulty,
        }

        page = QWidget()
        page.setObjectName("StatsPage")
        body = QVBoxLayout(page)
        body.setContentsMargins(24, 18, 24, 24)
        body.setSpacing(14)
        body.addLayout(header)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("FigureCaption")
        self.empty_note.setWordWrap(True)
        self.empty_note.hide()
        body.addWidget(self.empty_note)
        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        body.addLayout(tiles)
        body.addWidget(_chart_card(self.heatmap))
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        grid.addWidget(_chart_card(self.forecast), 0, 0)
        grid.addWidget(_chart_card(self.states), 0, 1)
        retention_box = QFrame()
        retention_box.setObjectName("ChartCard")
        retention_layout = QVBoxLayout(retention_box)
        retention_layout.setContentsMargins(1, 1, 1, 10)
        retention_layout.addWidget(self.retention)
        self.retention_summary.setContentsMargins(14, 0, 14, 0)
        retention_layout.addWidget(self.retention_summary)
        grid.addWidget(retention_box, 1, 0)
        grid.addWidget(_chart_card(self.retrievability), 1, 1)
        grid.addWidget(_chart_card(self.stability), 2, 0)
        grid.addWidget(_chart_card(self.difficulty), 2, 1)
        for column in (0, 1):
            grid.setColumnStretch(column, 1)
        body.addLayout(grid)
        body.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("StatsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        close = QAction("Close", self)
        close.setShortcut(QKeySequence("Escape"))
        close.triggered.connect(lambda _checked=False: self.close())
        self.addAction(close)

        if deck_name is not None and self.deck_combo.findData(deck_name) >= 0:
            self.deck_combo.setCurrentIndex(self.deck_combo.findData(deck_name))
        self.deck_combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self.refresh()

    def deck_name(self) -> str | None:
        """The chosen deck, ``None`` for all decks."""
        data = self.deck_combo.currentData()
        return data if isinstance(data, str) else None

    def refresh(self) -> None:
        """Compute the figures for the chosen deck again and show them."""
        self.show_stats(compute_stats(self.app, self.deck_name()))

    def show_stats(self, stats: Stats) -> None:
        self.stats = stats
        today = stats.today
        self.empty_note.setText(NO_ANSWERS if stats.scope == ALL_DECKS else NO_ANSWERS_IN_DECK)
        self.empty_note.setVisible(not stats.ever_answered)
        studied = f"{'card' if today.cards == 1 else 'cards'} studied today"
        if today.answers != today.cards:
            studied += f", {plural(today.answers, 'answer')}"
        self.tiles["studied"].set_value(
            f"{today.cards:,}",
            answers_on_cards(today.answers, today.cards) if today.answers else "No answers today yet.",
            studied,
        )
        self.tiles["time"].set_value(duration_text(today.seconds))
        if today.answers:
            again = (share_text(today.again), f"{today.again.part:,} of {plural(today.again.total, 'answer')}")
        else:
            again = ("0", "No answers today yet.")
        self.tiles["again"].set_value(*again)
        self.tiles["streak"].set_value(
            f"{today.streak_days:,}",
            "Consecutive study days with at least one answer."
            if today.streak_days
            else "No streak yet: study today to start one.",
        )
        self.heatmap.set_empty_text(EMPTY_HEATMAP)
        # A year without an answer is the sentence, not 365 empty squares.
        self.heatmap.set_days([(d.day, d.reviews) for d in stats.days] if any(d.reviews for d in stats.days) else [])
        self._show_forecast(stats)
        states = stats.states
        self.states.set_empty_text(NO_CARDS)
        self.states.set_bars(
            ["New", "Learning", "Review", "Suspended"],
            [states.new, states.learning, states.review, states.suspended],
            colours=["new", "learning", "due", "faint"],
            y_label="cards",
            show_values=True,
        )
        self._show_retention(stats)
        for chart in (self.retrievability, self.stability, self.difficulty):
            chart.set_empty_text(NO_STUDIED_CARDS)
        self.retrievability.set_bins(
            [b.label for b in stats.retrievability],
            [b.count for b in stats.retrievability],
            colour="good",
            axis_labels=[f"{10 * i}%" for i in range(len(stats.retrievability))],
            x_label="chance of recall now (from)",
        )
        self.stability.set_bins(
            [b.label for b in stats.stability], [b.count for b in stats.stability], colour="easy", x_label="days"
        )
        self.difficulty.set_bins(
            [b.label for b in stats.difficulty],
            [b.count for b in stats.difficulty],
            colour="hard",
            x_label="1 easy – 10 hard",
        )
        self.refreshed.emit()

    def _show_forecast(self, stats: Stats) -> None:
        days = [stats.today_date + timedelta(days=i) for i in range(len(stats.forecast))]
        labels = ["Today"] + [_short_date(day) for day in days[1:]]
        tooltips = [f"Today (with overdue cards): {plural(stats.forecast[0], 'card')}"] + [
            f"{day.strftime('%a')} {_short_date(day)}: {plural(count, 'card')}"
            for day, count in zip(days[1:], stats.forecast[1:], strict=True)
        ]
        studied = stats.states.learning + stats.states.review
        self.forecast.set_empty_text(NOTHING_DUE if studied else NOTHING_STUDIED_DUE)
        self.forecast.set_bars(labels, stats.forecast, colours="due", y_label="cards", tooltips=tooltips)

    def _show_retention(self, stats: Stats) -> None:
        weeks = stats.weeks

        def week(x: float) -> str:
            index = round(x)
            return _short_date(weeks[index].start) if 0 <= index < len(weeks) else ""

        shares = [s.value for w in weeks for s in (w.young, w.mature) if s.value is not None]
        self.retention.set_lines(
            [
                Series("Young", tuple((float(i), w.young.value) for i, w in enumerate(weeks)), "learning"),
                Series("Mature", tuple((float(i), w.mature.value) for i, w in enumerate(weeks)), "due"),
            ],
            x_label="week starting",
            y_format=lambda y: f"{y:.0%}",
            x_format=week,
            reference_y=stats.desired_retention,
            reference_label=f"Desired {stats.desired_retention:.0%}",
            y_range=(max(0.0, min([stats.desired_retention, *shares]) - 0.05), 1.0),
        )
        self.retention.set_empty_text(NO_RETENTION)
        self.retention_summary.setText(retention_text(stats.young, stats.mature))
        self.retention_summary.setVisible(bool(stats.young.total or stats.mature.total))  # else the chart says it

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
