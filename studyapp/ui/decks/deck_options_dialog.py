"""A deck's study options, edited as the preset the deck uses (presets are shared between decks).

The preset selector at the top picks which preset the deck uses; the fields below show and edit that
preset. Save writes the fields into the chosen preset and points the deck at it. Steps that cannot be
read, or values ``DeckOptions`` refuses, are shown in red under the fields and nothing is saved.

A change to how cards are scheduled reschedules the studied cards of every deck on the preset, which on
a big collection takes most of a minute: that save runs on a worker thread with a connection of its own
(``options_save.save_options_on_worker``), under a busy row, with the fields locked and Cancel stopping it
before it writes anything. Closing the dialog cancels it too, and waits for the thread. While an FSRS
job of the panel runs, Save waits (an optimize writes the same preset), and the panel is locked while a
save runs.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.scheduling.deck_options import DeckOptions, NewOrder, format_steps, parse_steps
from studyapp.services.app import App, CollectionError
from studyapp.services.cancellation import Cancellation, Cancelled
from studyapp.services.decks import deck_ops
from studyapp.services.fsrs import options_save
from studyapp.services.fsrs.reschedule import RescheduleError, RescheduleResult, StaleScheduleError
from studyapp.ui.app.dialogs import show_message
from studyapp.ui.app.window_geometry import remember_geometry, scroll_area
from studyapp.ui.decks.fsrs_panel import FsrsPanel
from studyapp.ui.decks.fsrs_worker import JobRunner
from studyapp.ui.importing.import_worker import one_line

_EXPECTED = (ValueError, StaleScheduleError, RescheduleError, CollectionError)  # their messages are for the user
CANCELLED = "Cancelled: nothing was changed."
RESCHEDULING = "Rescheduling your studied cards…"


class DeckOptionsDialog(QDialog):
    save_ended = Signal(str)  # a save on the worker ended: "saved", "failed" or "cancelled"

    def __init__(self, app: App, deck_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        deck = app.collection.decks.get(deck_id)
        if deck is None:
            raise KeyError(f"no deck with id {deck_id}")
        self.app, self.deck = app, deck
        self.setObjectName("DeckOptionsDialog")
        self.setWindowTitle(f"Options for “{deck.name}”")
        self.name_dialog: QInputDialog | None = None
        self.rescheduled: RescheduleResult | None = None  # what the last save rescheduled
        self.reschedule_message: QMessageBox | None = None
        self._cancellation: Cancellation | None = None  # of the save running on the worker, if one is
        self.runner = JobRunner(self)
        self.runner.busy_changed.connect(self._show_saving)
        self.runner.idle.connect(self._enable_save)

        self.preset = QComboBox()
        self.preset.activated.connect(lambda _index: self._show_preset())
        self.usage = QLabel()
        self.usage.setObjectName("KeyHint")
        self.save_as_button = QPushButton("Save as new preset…")
        self.rename_button = QPushButton("Rename preset…")
        self.delete_button = QPushButton("Delete preset")
        self.save_as_button.clicked.connect(self.save_as_new_preset)
        self.rename_button.clicked.connect(self.rename_preset)
        self.delete_button.clicked.connect(self.delete_preset)

        self.new_per_day = QSpinBox()
        self.new_per_day.setRange(0, 9999)
        self.reviews_per_day = QSpinBox()
        self.reviews_per_day.setRange(0, 99999)
        self.learning_steps = QLineEdit()
        self.relearning_steps = QLineEdit()
        for field in (self.learning_steps, self.relearning_steps):
            field.setPlaceholderText("e.g. 1m 10m 1d")
        self.retention = QDoubleSpinBox()
        self.retention.setRange(0.70, 0.99)
        self.retention.setDecimals(2)
        self.retention.setSingleStep(0.01)
        self.maximum_interval = QSpinBox()
        self.maximum_interval.setRange(1, 36500)
        self.maximum_interval.setSuffix(" days")
        self.new_order = QComboBox()
        self.new_order.addItem("In deck order", NewOrder.DECK)
        self.new_order.addItem("Random", NewOrder.RANDOM)
        self.no_autoplay = QCheckBox("Don't play audio automatically")
        self.no_autoplay.setToolTip("Sounds still play with R or their play button")
        self.load_balance = QCheckBox("Even out days (load balancer)")
        self.load_balance.setToolTip("A review comes back on the quietest day its interval allows, a day or two off")
        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #cf222e;")
        self.error.hide()
        self.notice = QLabel()
        self.notice.setObjectName("InlineMessage")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.busy_label = QLabel(RESCHEDULING)
        self.busy_bar = QProgressBar()
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setRange(0, 0)  # busy: the reschedule does not report how far it is
        self.busy_row = QWidget()
        busy = QHBoxLayout(self.busy_row)
        busy.setContentsMargins(0, 0, 0, 0)
        busy.setSpacing(12)
        busy.addWidget(self.busy_label)
        busy.addWidget(self.busy_bar, 1)
        self.busy_row.hide()

        preset_row = QHBoxLayout()
        preset_row.addWidget(QLabel("Preset:"))
        preset_row.addWidget(self.preset, 1)
        preset_buttons = QHBoxLayout()
        for button in (self.save_as_button, self.rename_button, self.delete_button):
            button.setAutoDefault(False)
            preset_buttons.addWidget(button)
        preset_buttons.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("New cards a day:", self.new_per_day)
        form.addRow("Reviews a day:", self.reviews_per_day)
        form.addRow("Learning steps:", self.learning_steps)
        form.addRow("Relearning steps:", self.relearning_steps)
        form.addRow("Desired retention:", self.retention)
        form.addRow("Maximum interval:", self.maximum_interval)
        form.addRow("New cards:", self.new_order)
        form.addRow("Audio:", self.no_autoplay)
        form.addRow("Reviews:", self.load_balance)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)

        self.editors = QWidget()  # everything a running save locks
        layout = QVBoxLayout(self.editors)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(preset_row)
        layout.addWidget(self.usage)
        layout.addLayout(preset_buttons)
        layout.addSpacing(8)
        self.fsrs = FsrsPanel(app, deck, self.retention.value, self.retention.setValue)
        body = QHBoxLayout()  # the options on the left, FSRS (with its chart) on the right
        body.setSpacing(20)
        fields = QVBoxLayout()
        fields.addLayout(form)
        fields.addStretch(1)
        body.addLayout(fields, 1)
        body.addWidget(self.fsrs, 1)
        layout.addLayout(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 18)
        outer.setSpacing(10)
        # The options scroll when the screen is short (the FSRS panel grows with its chart); Save stays in view.
        self.editors_scroll = scroll_area(self.editors, "OptionsScroll")
        outer.addWidget(self.editors_scroll, 1)
        remember_geometry(self, app, "deck_options", grow=True)
        outer.addWidget(self.error)
        outer.addWidget(self.notice)
        outer.addWidget(self.busy_row)
        outer.addWidget(self.buttons)
        self.fsrs.runner.busy_changed.connect(self._enable_save)
        self._load_presets(deck.preset_id)

    def done(self, result: int) -> None:
        self.fsrs.shutdown()  # a fit or simulation still running is waited for, its result dropped
        if self._cancellation is not None:
            self._cancellation.cancel()  # a save still running writes nothing (unless it had committed)
            self._cancellation = None
        self.runner.shutdown()  # ... and its thread is waited for
        super().done(result)

    @property
    def saving(self) -> bool:
        """A save is running on the worker."""
        return self.runner.busy

    # -- showing -----------------------------------------------------------------------------------

    def _load_presets(self, chosen: int | None) -> None:
        self.preset.clear()
        for preset in self.app.collection.presets.all():
            self.preset.addItem(preset.name, preset.id)
        index = self.preset.findData(chosen)
        self.preset.setCurrentIndex(max(index, 0))
        self._show_preset()

    def preset_id(self) -> int:
        return int(self.preset.currentData())

    def _show_preset(self) -> None:
        preset = self.app.collection.presets.get(self.preset_id())
        options = preset.options if preset is not None else DeckOptions()
        users = self.app.collection.presets.decks_using(self.preset_id())
        mine = self.deck.preset_id == self.preset_id()
        self.usage.setText(
            f"Used by {users} deck{'s' * (users != 1)}" + ("" if mine else " (this deck will use it when saved)")
        )
        self.delete_button.setEnabled(self.preset.count() > 1)
        self.new_per_day.setValue(options.new_per_day)
        self.reviews_per_day.setValue(options.reviews_per_day)
        self.learning_steps.setText(format_steps(options.learning_steps))
        self.relearning_steps.setText(format_steps(options.relearning_steps))
        self.retention.setValue(options.desired_retention)
        self.maximum_interval.setValue(options.maximum_interval_days)
        self.new_order.setCurrentIndex(max(self.new_order.findData(options.new_order), 0))
        self.no_autoplay.setChecked(not options.autoplay_audio)
        self.load_balance.setChecked(options.load_balance)
        self._show_error("")

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.notice.hide()

    def _show_notice(self, message: str) -> None:
        self._show_error("")
        self.notice.setText(message)
        self.notice.setVisible(bool(message))

    def _show_saving(self, busy: bool) -> None:
        self.busy_row.setVisible(busy)
        self.editors.setEnabled(not busy)  # the FSRS panel too: no optimize while a save runs
        self._enable_save()
        if busy:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setFocus()

    def _enable_save(self) -> None:
        """Save waits for a save thread still ending (a cancelled one rolls back) and for the panel's jobs."""
        self.save_button.setEnabled(self.runner.running == 0 and not self.fsrs.runner.busy)

    # -- reading and saving ------------------------------------------------------------------------

    def options(self) -> DeckOptions:
        """The fields as options; ``ValueError`` with a message for the student if they do not make sense."""
        preset = self.app.collection.presets.get(self.preset_id())
        base = preset.options if preset is not None else DeckOptions()
        try:
            learning = parse_steps(self.learning_steps.text())
        except ValueError as error:
            raise ValueError(f"Learning steps: {error}") from None
        try:
            relearning = parse_steps(self.relearning_steps.text())
        except ValueError as error:
            raise ValueError(f"Relearning steps: {error}") from None
        return replace(
            base,
            new_per_day=self.new_per_day.value(),
            reviews_per_day=self.reviews_per_day.value(),
            learning_steps=learning,
            relearning_steps=relearning,
            desired_retention=round(self.retention.value(), 2),
            maximum_interval_days=self.maximum_interval.value(),
            new_order=NewOrder(self.new_order.currentData()),
            autoplay_audio=not self.no_autoplay.isChecked(),
            load_balance=self.load_balance.isChecked(),
        )

    def save(self) -> bool:
        """Save; False (and why, in red) if the fields are refused. A change to how cards are scheduled
        reschedules the studied cards it concerns on the worker (True: started), and says how many at the end."""
        if not self.save_button.isEnabled():
            return False
        try:
            options, preset_id = self.options(), self.preset_id()
            if options_save.rescheduled_decks(self.app.collection, self.deck.id, preset_id, options):
                self._save_on_worker(preset_id, options)
                return True
            result = options_save.save_options_and_reschedule(
                self.app.collection, self.app.rng, self.app.clock, self.deck.id, preset_id, options
            )
        except (ValueError, StaleScheduleError) as error:  # PresetError is a ValueError too
            self._show_error(one_line(str(error)))
            return False
        self._saved(result)
        return True

    def _save_on_worker(self, preset_id: int, options: DeckOptions) -> None:
        path, clock, seed, deck_id = self.app.path, self.app.clock, self.app.rng.getrandbits(64), self.deck.id
        cancellation = self._cancellation = Cancellation()
        self._show_notice("")
        self.busy_label.setText(RESCHEDULING)
        self.runner.start(
            lambda: options_save.save_options_on_worker(path, clock, seed, deck_id, preset_id, options, cancellation),
            self._saved_on_worker,  # type: ignore[arg-type]
            self._save_failed,
        )

    def _saved_on_worker(self, result: RescheduleResult | None) -> None:
        self._cancellation = None
        self._saved(result)
        self.save_ended.emit("saved")

    def _save_failed(self, error: BaseException) -> None:
        self._cancellation = None
        if isinstance(error, Cancelled):
            self._show_notice(CANCELLED)
            self.save_ended.emit("cancelled")
            return
        text = str(error) if isinstance(error, _EXPECTED) else f"{type(error).__name__}: {error}"
        self._show_error(one_line(text))
        self.save_ended.emit("failed")

    def _saved(self, result: RescheduleResult | None) -> None:
        self.rescheduled = result
        parent = self.parentWidget()
        if result is not None and result.new_due and parent is not None:
            cards = f"{result.new_due:,} card{'s' * (result.new_due != 1)}"
            self.reschedule_message = show_message(
                parent, QMessageBox.Icon.Information, "Cards rescheduled",
                f"The new options apply to the cards you studied: {cards} got a new due date."
                + (f" {result.spread}, so no day gets an avalanche." if result.spread.cards else ""),
            )  # fmt: skip
        self.accept()

    def cancel(self) -> None:
        """The Cancel button: stop a running save (nothing is written; the dialog stays), else close.
        A save that had already committed is let finish, and shown as saved."""
        cancellation = self._cancellation
        if not self.saving or cancellation is None:
            self.reject()
            return
        if not cancellation.cancel():
            self.busy_label.setText("Finishing…")  # it committed a moment ago: its result is on its way
            return
        self._cancellation = None
        self.runner.cancel()  # its thread rolls back at its next check; Save waits for it to end
        self._show_notice(CANCELLED)
        self.save_ended.emit("cancelled")

    # -- presets -----------------------------------------------------------------------------------

    def _ask(self, title: str, text: str, done: object) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText("Preset name:")
        dialog.setTextValue(text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.textValueSelected.connect(done)
        self.name_dialog = dialog
        dialog.open()
        return dialog

    def save_as_new_preset(self) -> QInputDialog:
        """A new preset holding the fields as they are now; the deck will use it when saved."""

        def create(name: str) -> None:
            try:
                options = self.options()
                preset = deck_ops.create_preset(self.app.collection, self.app.rng, self.app.clock, name, options)
            except ValueError as error:
                self._show_error(str(error))
                return
            self._load_presets(preset.id)

        return self._ask("Save as new preset", f"{self.deck.name} options", create)

    def rename_preset(self) -> QInputDialog:
        def rename(name: str) -> None:
            try:
                deck_ops.rename_preset(self.app.collection, self.preset_id(), name)
            except ValueError as error:
                self._show_error(str(error))
                return
            self._load_presets(self.preset_id())

        return self._ask("Rename preset", self.preset.currentText(), rename)

    def delete_preset(self) -> None:
        """Delete the chosen preset (never the last); its decks, this one included, move to Default."""
        try:
            target = deck_ops.delete_preset(self.app.collection, self.preset_id())
        except ValueError as error:
            self._show_error(str(error))
            return
        refreshed = self.app.collection.decks.get(self.deck.id)
        if refreshed is not None:
            self.deck = refreshed
        self._load_presets(target.id if self.deck.preset_id is None else self.deck.preset_id)
