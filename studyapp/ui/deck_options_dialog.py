"""A deck's study options, edited as the preset the deck uses (presets are shared between decks).

The preset selector at the top picks which preset the deck uses; the fields below show and edit that
preset. Save writes the fields into the chosen preset and points the deck at it. Steps that cannot be
read, or values ``DeckOptions`` refuses, are shown in red under the fields and nothing is saved.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.deck_options import DeckOptions, NewOrder, format_steps, parse_steps
from studyapp.services import deck_ops
from studyapp.services.app import App
from studyapp.services.reschedule import RescheduleResult, StaleScheduleError
from studyapp.ui.dialogs import show_message
from studyapp.ui.fsrs_panel import FsrsPanel


class DeckOptionsDialog(QDialog):
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
        self.error = QLabel()
        self.error.setObjectName("ErrorText")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #cf222e;")
        self.error.hide()

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
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
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
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._load_presets(deck.preset_id)

    def done(self, result: int) -> None:
        self.fsrs.shutdown()  # a fit or simulation still running is waited for, its result dropped
        super().done(result)

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
        self._show_error("")

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

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
        )

    def save(self) -> bool:
        """Save; a change to how cards are scheduled reschedules the studied cards it concerns (and says so)."""
        try:
            options = self.options()
            result = deck_ops.save_options_and_reschedule(self.app, self.deck.id, self.preset_id(), options)
        except (ValueError, StaleScheduleError) as error:  # PresetError is a ValueError too
            self._show_error(str(error))
            return False
        self.rescheduled = result
        parent = self.parentWidget()
        if result is not None and result.new_due and parent is not None:
            cards = f"{result.new_due} card{'s' * (result.new_due != 1)}"
            self.reschedule_message = show_message(
                parent, QMessageBox.Icon.Information, "Cards rescheduled",
                f"The new options apply to the cards you studied: {cards} got a new due date.",
            )  # fmt: skip
        self.accept()
        return True

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
