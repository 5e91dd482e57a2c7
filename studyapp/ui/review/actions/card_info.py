"""Card info (I in the reviewer): a small window with what is known of the card on screen: when it was added, first
and last studied, its answers and lapses, its memory state (stability, difficulty, retrievability now), its due date,
and its history: every answer and schedule change, newest first. It stays open beside the reviewer and follows the
card it is asked about."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.clock import Clock
from studyapp.core.model import ScheduleChangeKind
from studyapp.core.scheduling.intervals import format_interval
from studyapp.services.review.card_info import CardInfo, card_info
from studyapp.storage import Collection

_CHANGE_NAMES = {
    ScheduleChangeKind.RESET: "Reset to new",
    ScheduleChangeKind.RESCHEDULE: "Rescheduled",
    ScheduleChangeKind.SET_DUE: "Due date set",
}
_COLUMNS = ("When", "Answer", "Interval", "Stability", "Difficulty", "Time")


def _when(moment: datetime | None, zone: object) -> str:
    if moment is None:
        return "–"
    return moment.astimezone(zone).strftime("%-d %b %Y %H:%M")  # type: ignore[arg-type]


def _days(value: float | None) -> str:
    return "–" if value is None else format_interval(timedelta(days=value))


class CardInfoDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Card info")
        self.setObjectName("CardInfoDialog")
        self.info: CardInfo | None = None
        self.facts = QFormLayout()
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for name in ("Added", "First review", "Latest review", "Due", "State", "Answers", "Lapses", "Stability",
                     "Difficulty", "Retrievability", "Flag", "Deck"):  # fmt: skip
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            self.facts.addRow(f"{name}:", value)
        self.history = QTableWidget(0, len(_COLUMNS))
        self.history.setHorizontalHeaderLabels(_COLUMNS)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel("Not studied yet: no answers.")
        self.empty.setObjectName("KeyHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.facts)
        layout.addWidget(self.empty)
        layout.addWidget(self.history, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def show_card(self, collection: Collection, card_id: int, clock: Clock) -> None:
        info = self.info = card_info(collection, card_id, clock)
        if info is None:
            return
        zone = clock.local_zone()
        schedule = info.schedule
        retrievability = info.retrievability
        texts = {
            "Added": _when(info.added, zone),
            "First review": _when(info.first_review, zone),
            "Latest review": _when(info.last_review, zone),
            "Due": "new card" if schedule.due is None else _when(schedule.due, zone),
            "State": info.state_name + (" (suspended)" if info.suspended else ""),
            "Answers": str(len(info.answers)),
            "Lapses": str(schedule.lapses),
            "Stability": _days(schedule.stability),
            "Difficulty": "–" if schedule.difficulty is None else f"{schedule.difficulty:.1f} of 10",
            "Retrievability": "–" if retrievability is None else f"{retrievability:.0%}",
            "Flag": info.flag_name if info.flag else "none",
            "Deck": info.deck,
        }
        for name, text in texts.items():
            self.values[name].setText(text)
        rows: list[tuple[datetime, tuple[str, ...]]] = []
        for entry in info.answers:
            after = entry.after
            interval = "–" if after.due is None else format_interval(after.due - entry.reviewed_at)
            rows.append((entry.reviewed_at, (_when(entry.reviewed_at, zone), entry.rating.label, interval,
                                             _days(after.stability), _difficulty(after.difficulty),
                                             f"{entry.duration_ms / 1000:.1f} s")))  # fmt: skip
        for change in info.changes:
            after = change.after
            interval = "–" if after.due is None else format_interval(after.due - change.changed_at)
            rows.append((change.changed_at, (_when(change.changed_at, zone), _CHANGE_NAMES[change.kind], interval,
                                             _days(after.stability), _difficulty(after.difficulty), "")))  # fmt: skip
        rows.sort(key=lambda row: row[0], reverse=True)
        self.history.setRowCount(len(rows))
        for number, (_at, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                self.history.setItem(number, column, QTableWidgetItem(text))
        self.history.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.show()
        self.raise_()


def _difficulty(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
