"""Custom study for a deck (Decks → Custom study…, or C on the finished screen), as Anki's basics: more new cards or
reviews today, review ahead the cards due in the next days, or the cards forgotten lately.

Each choice says what it would give (how many cards) before it is taken. Raising a limit is stored for today
only (``services.decks.limit_extensions``) and then the deck is studied as usual; reviewing ahead and the forgotten
cards are a session over those cards (``services.review.custom_study``). A choice that would give no card says so
in the dialog, which stays open.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.wording import plural
from studyapp.services.app import App, StorageError
from studyapp.services.decks.limit_extensions import MAX_EXTRA
from studyapp.services.review.custom_study import (
    MAX_DAYS,
    ahead_cards,
    forgotten_cards,
    forgotten_session,
    increase_new_limit,
    increase_review_limit,
    leftover,
    review_ahead_session,
)
from studyapp.services.review.quiz import remembered_mode
from studyapp.services.review.review import ReviewSession
from studyapp.ui.app.window_geometry import keep_on_screen

CHOICES = ("new", "review", "ahead", "forgotten")


class CustomStudyDialog(QDialog):
    """Emits ``study`` with the session to start once a choice is taken (and closes)."""

    study = Signal(object)  # a ReviewSession

    def __init__(self, app: App, deck_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.deck_id = app, deck_id
        deck = app.collection.decks.get(deck_id)
        assert deck is not None
        self.setWindowTitle(f"Custom study: {deck.name}")
        self.left = leftover(app.collection, deck_id, app.clock)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        self.spins: dict[str, QSpinBox] = {}
        self.notes: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        rows = [
            ("new", "Increase today's new card limit by", "cards", MAX_EXTRA, max(1, min(self.left.new, 20))),
            ("review", "Increase today's review limit by", "reviews", MAX_EXTRA, max(1, min(self.left.review, 50))),
            ("ahead", "Review ahead: cards due in the next", "days", MAX_DAYS, 1),
            ("forgotten", "Review cards forgotten in the last", "days", MAX_DAYS, 1),
        ]
        for index, (key, text, unit, most, value) in enumerate(rows):
            radio = QRadioButton(text)
            spin = QSpinBox()
            spin.setRange(1, most)
            spin.setValue(value)
            spin.setSuffix(f" {unit}")
            spin.valueChanged.connect(lambda v, sp=spin, u=unit: sp.setSuffix(f" {u if v != 1 else u[:-1]}"))
            spin.setSuffix(f" {unit if value != 1 else unit[:-1]}")  # "1 day", "2 days"
            spin.setAccessibleName(f"{text} ({unit})")
            note = QLabel()
            note.setObjectName("KeyHint")
            note.setWordWrap(True)
            self.group.addButton(radio, index)
            self.radios[key], self.spins[key], self.notes[key] = radio, spin, note
            grid.addWidget(radio, 2 * index, 0)
            grid.addWidget(spin, 2 * index, 1)
            grid.addWidget(note, 2 * index + 1, 0, 1, 2)
            spin.valueChanged.connect(lambda _v, k=key: self._changed(k))
            spin.editingFinished.connect(lambda k=key: self.radios[k].setChecked(True))
        grid.setColumnStretch(0, 1)
        self.group.idToggled.connect(lambda _id, checked: checked and self._update_button())
        self.problem = QLabel()
        self.problem.setObjectName("ErrorText")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for key in CHOICES:
            self._describe(key)
        # The choice most likely wanted: new cards when the new limit holds some back, else reviews, else ahead.
        first = "new" if self.left.new else "review" if self.left.review else "ahead"
        self.radios[first].setChecked(True)
        self._update_button()
        keep_on_screen(self)

    def choice(self) -> str:
        return next(key for key, radio in self.radios.items() if radio.isChecked())

    def _changed(self, key: str) -> None:
        self.radios[key].setChecked(True)
        self._describe(key)
        self.problem.hide()

    def _count(self, key: str) -> int:
        """How many cards the choice would give now."""
        value = self.spins[key].value()
        if key == "new":
            return min(value, self.left.new)
        if key == "review":
            return min(value, self.left.review)
        finder = ahead_cards if key == "ahead" else forgotten_cards
        return len(finder(self.app.collection, self.deck_id, self.app.clock, value))

    def _describe(self, key: str) -> None:
        count = self._count(key)
        if key == "new":
            text = (
                f"{plural(self.left.new, 'new card')} beyond today's limit"
                if self.left.new
                else ("No new card is held back by today's limit")
            )
        elif key == "review":
            text = (
                f"{plural(self.left.review, 'review')} due today beyond the limit"
                if self.left.review
                else ("No review due today is held back by the limit")
            )
        elif key == "ahead":
            text = f"{plural(count, 'card')} due then, studied early (FSRS counts the real time since each review)"
        else:
            text = f"{plural(count, 'card')} answered Again then"
        self.notes[key].setText(text)
        self._update_button()

    def _update_button(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        key = self.choice() if any(r.isChecked() for r in self.radios.values()) else "new"
        ok.setText("Raise the limit and study" if key in ("new", "review") else "Study")

    def accept(self) -> None:
        key = self.choice()
        count = self._count(key)
        if count == 0:
            self.problem.setText(_NOTHING[key])
            self.problem.show()
            return
        value = self.spins[key].value()
        collection, clock, rng = self.app.collection, self.app.clock, self.app.rng
        mode = remembered_mode(collection, self.deck_id)
        starts: dict[str, Callable[[], ReviewSession]] = {
            "ahead": lambda: review_ahead_session(collection, self.deck_id, clock, rng, value, mode),
            "forgotten": lambda: forgotten_session(collection, self.deck_id, clock, rng, value, mode),
        }
        try:
            if key == "new":
                increase_new_limit(collection, self.deck_id, clock, value)
            elif key == "review":
                increase_review_limit(collection, self.deck_id, clock, value)
            session = starts[key]() if key in starts else self.app.review_session(self.deck_id)
        except StorageError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        super().accept()
        self.study.emit(session)


_NOTHING = {
    "new": "Every new card of this deck is already within today's limit (or there is none): nothing to add.",
    "review": "Every review due today is already within the limit: nothing to add.",
    "ahead": "No card is due in those days: try more days.",
    "forgotten": "No card was answered Again in those days: try more days.",
}

__all__ = ["CustomStudyDialog"]
