"""Tools → Sync conflicts…: the notes edited on both sides between two syncs.

The later edit won on every device; the other version is listed here, its fields and tags as they were,
so the student can copy back what they want. The list is read from the collection (``service.conflicts``).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.text.plain_text import html_to_text
from studyapp.core.wording import plural
from studyapp.ui.app.window_geometry import keep_on_screen

COLUMNS = ("Note", "When", "Kept", "The other version's fields", "Its tags")
KEPT = {"here": "this computer's", "server": "the other device's"}
DELETED = "the other device's deletion"
_CELL_CHARS = 160
_NOTE_COLUMN_PX = 200  # the note's name, cut with … beyond (its tooltip is whole)


def lost_text(value: Any) -> str:
    """The lost fields in one line: ``name: text`` for a mapping, ``a | b`` for a list."""
    if isinstance(value, dict):
        return " | ".join(f"{name}: {html_to_text(str(text))}" for name, text in value.items())
    if isinstance(value, (list, tuple)):
        return " | ".join(html_to_text(str(text)) for text in value)
    return "" if value is None else html_to_text(str(value))


def when_text(value: Any, zone: tzinfo) -> str:
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


class SyncConflictsDialog(QDialog):
    def __init__(
        self, conflicts: list[Any], zone: tzinfo, parent: QWidget | None = None, names: dict[int, str] | None = None
    ) -> None:
        """``names``: what each note is called now (its first field), by note id; else its id is shown."""
        super().__init__(parent)
        self.setObjectName("SyncConflictsDialog")
        self.setWindowTitle("Sync conflicts")
        heading = QLabel(
            f"{plural(len(conflicts), 'note')} edited here and on another device between two syncs (or edited here "
            "and deleted there). The later edit, or the deletion, was kept everywhere; the other version is below."
        )
        heading.setWordWrap(True)
        self.table = QTableWidget(len(conflicts), len(COLUMNS))
        self.table.setObjectName("SyncConflicts")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # (capped below: the fields need room)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for row, conflict in enumerate(conflicts):
            tags = getattr(conflict, "lost_tags", "")
            note_id = getattr(conflict, "note_id", None)
            kept = str(getattr(conflict, "kept_side", ""))
            lost = getattr(conflict, "lost_fields", "")
            deleted = names is not None and note_id not in names  # (the other device deleted it)
            first = html_to_text(str(lost[0])) if isinstance(lost, (list, tuple)) and lost else ""
            name = (names or {}).get(note_id) or f"note {note_id}"
            cells = (
                f"{first or name} (deleted)" if deleted else name,
                when_text(getattr(conflict, "happened_at", None), zone),
                DELETED if deleted and kept == "server" else KEPT.get(kept, kept),
                lost_text(lost),
                " ".join(tags) if isinstance(tags, (list, tuple)) else str(tags or ""),
            )
            for column, text in enumerate(cells):
                shown = text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 1] + "…"
                item = QTableWidgetItem(shown)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        header.resizeSection(0, min(header.sectionSize(0), _NOTE_COLUMN_PX))
        self.table.setWordWrap(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(940, 420)
        keep_on_screen(self)
