"""The FSRS part of the deck options: where the parameters come from, Optimize, and Suggest retention.

Optimize fits the deck's own parameters on a worker thread (busy bar, Cancel), then shows how well the
old and the new ones predict the history; better ones are saved into the deck's preset (shared: the
panel says by how many decks) and the cards of those decks are rescheduled at once. Suggest retention
simulates the deck at each desired retention, explains the trade-off in words, draws the workload
against desired retention with the current setting marked (``retention_view``), and offers a button that
puts the suggestion into the desired-retention field (saved with the dialog's Save).

A deck without enough history to fit (``NotEnoughHistory``: too few answers on a later day than the card's
answer before) is a normal state, said in the neutral colour; only failures are red.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.scheduling.deck_options import Deck
from studyapp.services.app import App
from studyapp.services.cancellation import Cancellation, Cancelled
from studyapp.services.fsrs.optimizer import (
    FitResult,
    NotEnoughHistory,
    OptimizeError,
    Saved,
    optimize_on_worker,
    parameter_origin,
)
from studyapp.services.fsrs.reschedule import RescheduleError, StaleScheduleError
from studyapp.services.fsrs.retention import RetentionError, RetentionSuggestion, prepare_simulation, simulate
from studyapp.ui.decks.fsrs_worker import JobRunner
from studyapp.ui.decks.retention_view import RetentionView, WrappingLabel

_EXPECTED = (OptimizeError, RetentionError, RescheduleError, StaleScheduleError, Cancelled)


class FsrsPanel(QGroupBox):
    """Embedded in the deck options dialog; ``retention`` reads and ``set_retention`` sets its field."""

    def __init__(
        self,
        app: App,
        deck: Deck,
        retention: Callable[[], float],
        set_retention: Callable[[float], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("FSRS", parent)
        self.setObjectName("FsrsPanel")
        self.app, self.deck = app, deck
        self._retention, self._set_retention = retention, set_retention
        self.suggestion: RetentionSuggestion | None = None
        self.saved: Saved | None = None
        self._cancellation: Cancellation | None = None  # of the optimize running, if one is
        self.runner = JobRunner(self)
        self.runner.busy_changed.connect(self._show_busy)

        self.origin = WrappingLabel()
        self.origin.setObjectName("KeyHint")
        self.optimize_button = QPushButton("Optimize")
        self.optimize_button.setToolTip("Fit FSRS to this deck's review history and reschedule its cards")
        self.suggest_button = QPushButton("Suggest retention")
        self.suggest_button.setToolTip("Simulate a year of study at each desired retention")
        self.optimize_button.clicked.connect(self.optimize)
        self.suggest_button.clicked.connect(self.suggest)

        self.stage = QLabel()
        self.stage.setObjectName("ProgressStage")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 0)  # busy: the fit and the simulation do not report progress
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.busy_row = QWidget()
        busy = QHBoxLayout(self.busy_row)
        busy.setContentsMargins(0, 0, 0, 0)
        busy.addWidget(self.stage)
        busy.addWidget(self.bar, 1)
        busy.addWidget(self.cancel_button)
        self.busy_row.hide()

        self.message = WrappingLabel()
        self.message.setObjectName("InlineMessage")
        self.message.hide()
        self.retention_view = RetentionView()
        self.retention_view.hide()
        self.chart = self.retention_view.chart
        self.chart_caption = self.retention_view.caption
        self.use_button = QPushButton()
        self.use_button.clicked.connect(self.use_suggestion)
        self.use_button.hide()

        buttons = QHBoxLayout()
        for button in (self.optimize_button, self.suggest_button, self.cancel_button, self.use_button):
            button.setAutoDefault(False)
        buttons.addWidget(self.optimize_button)
        buttons.addWidget(self.suggest_button)
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addWidget(self.origin)
        layout.addLayout(buttons)
        layout.addWidget(self.busy_row)
        layout.addWidget(self.message)
        layout.addWidget(self.retention_view, 1)
        layout.addStretch(0)
        self.setMinimumWidth(440)
        self.show_origin()

    # -- showing -----------------------------------------------------------------------------------

    def show_origin(self) -> None:
        deck = self.app.collection.decks.get(self.deck.id) or self.deck
        if deck.preset_id is None:
            self.origin.setText("Parameters: the FSRS defaults.")
            return
        origin = parameter_origin(self.app, deck.preset_id)
        if not origin.fitted:
            self.origin.setText("Parameters: the FSRS defaults (Optimize fits them to your own reviews).")
            return
        when = origin.at.astimezone(self.app.clock.local_zone()).strftime("%-d %b %Y, %H:%M") if origin.at else ""
        source = f" to {origin.reviews:,} reviews of “{origin.deck}”" if origin.deck else ""
        self.origin.setText(f"Parameters: fitted{source}" + (f" on {when}." if when else "."))

    def _show_busy(self, busy: bool) -> None:
        self.busy_row.setVisible(busy)
        self.optimize_button.setEnabled(not busy)
        self.suggest_button.setEnabled(not busy)

    def _say(self, text: str, kind: str = "info") -> None:
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _failed(self, error: BaseException) -> None:
        self._cancellation = None
        text = str(error) if isinstance(error, _EXPECTED) else f"{type(error).__name__}: {error}"
        self._say(" ".join(text.split()), "info" if isinstance(error, NotEnoughHistory) else "error")

    # -- optimize ----------------------------------------------------------------------------------

    def optimize(self) -> None:
        self._hide_suggestion()
        self.stage.setText("Fitting and rescheduling…")
        self._say("")
        path, clock, name, seed = self.app.path, self.app.clock, self.deck.name, self.app.rng.getrandbits(64)
        cancellation = self._cancellation = Cancellation()
        self.runner.start(
            lambda: optimize_on_worker(path, clock, seed, name, cancellation),
            self._optimized,  # type: ignore[arg-type]
            self._failed,
        )

    def _optimized(self, outcome: tuple[FitResult, Saved]) -> None:
        self._cancellation = None
        result, self.saved = outcome
        self._say(fit_report(result, self.saved))
        self.show_origin()

    # -- suggest retention ---------------------------------------------------------------------------

    def suggest(self) -> None:
        self._cancellation = None
        try:
            data = replace(prepare_simulation(self.app, self.deck.name), current=round(self._retention(), 2))
        except RetentionError as error:
            self._failed(error)
            return
        self.stage.setText("Simulating…")
        self._say("")
        self._hide_suggestion()
        self.runner.start(lambda: simulate(data), self._suggested, self._failed)  # type: ignore[arg-type]

    def _suggested(self, suggestion: RetentionSuggestion) -> None:
        self.suggestion = suggestion
        self.retention_view.show_suggestion(suggestion)
        self.use_button.setText(f"Use {suggestion.suggested:.2f}")
        self.use_button.setVisible(abs(suggestion.suggested - suggestion.current) > 0.001)

    def _hide_suggestion(self) -> None:
        self.retention_view.hide()
        self.use_button.hide()

    def use_suggestion(self) -> None:
        if self.suggestion is not None:
            self._set_retention(self.suggestion.suggested)
            self.use_button.hide()

    # -- stopping ----------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the running job: an optimize writes nothing once cancelled (its fit, in Rust, runs to its end
        first); a simulation is abandoned. An optimize that had already saved is let finish and shown."""
        cancellation = self._cancellation
        if cancellation is not None and self.runner.busy and not cancellation.cancel():
            return  # it committed a moment ago: its result is on its way
        if self.runner.cancel():
            self._say("Cancelled: nothing was changed.")

    def shutdown(self) -> None:
        """The dialog is closing: stop a running optimize before it writes, drop any result, and wait for a
        running thread to end."""
        if self._cancellation is not None:
            self._cancellation.cancel()
        self.runner.shutdown()


def fit_report(result: FitResult, saved: Saved) -> str:
    """What the fit found and what was done, in a few lines."""
    lines = [f"{result.reviews:,} reviews of {result.cards:,} cards."]
    if result.warning:
        lines[0] += f" Note: {result.warning}."
    lines.append(f"Before: {result.before}.  After: {result.after}.")
    lines.append(result.verdict)
    if not saved.saved and result.held_out is not None:
        lines.append("The fitted parameters predict your reviews no better: the old ones were kept.")
    elif saved.saved:
        lines.append(f"New parameters saved to {saved.preset or 'the preset'}.")
        if saved.rescheduled is not None:
            rescheduled = saved.rescheduled
            lines.append(f"{rescheduled.new_due:,} of {rescheduled.cards:,} studied cards got new due dates.")
            if rescheduled.spread.cards:
                lines.append(f"{rescheduled.spread}, so no day gets an avalanche.")
    return "\n".join(lines)
