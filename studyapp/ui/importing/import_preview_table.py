"""The first rows of a file about to be imported, as a read-only table whose headers are the column names.

Cells are shown on one line (line breaks as ``⏎``, markup stripped, long text cut); the full text is the
tooltip. A mapped column says its role in the header (``Question · front``); a column that is not
imported is greyed.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from studyapp.services.importing.import_preview import ImportPreview
from studyapp.ui.app.time_wording import plural

_TAG = re.compile(r"<[^>]*>")
_SHOWN_CHARS = 160
_TOOLTIP_CHARS = 1200
_Index = QModelIndex | QPersistentModelIndex


def cell_text(value: str, is_html: bool, limit: int = _SHOWN_CHARS) -> str:
    """A cell on one line: markup removed (for HTML fields), line breaks as ``⏎``, cut at ``limit``."""
    text = html.unescape(_TAG.sub(" ", value)) if is_html else value
    text = " ⏎ ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def preview_caption(preview: ImportPreview) -> str:
    """``Preview · the first 20 rows`` or ``Preview · 120 notes, the first 20 shown · 2 skipped``."""
    shown = len(preview.rows)
    if preview.note_count is not None:
        text = f"Preview · {plural(preview.note_count, 'note')}"
        text += f", the first {shown} shown" if shown < preview.note_count else ""
    else:
        text = f"Preview · the first {plural(shown, 'row')}"
    return text + (f" · {preview.skipped} skipped" if preview.skipped else "")


class PreviewModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()
        self._html = False
        self._roles: dict[int, str] = {}

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self._names = preview.column_names if preview is not None else ()
        self._rows = preview.rows if preview is not None else ()
        self._html = preview.html if preview is not None else False
        self._roles = {}
        self.endResetModel()

    def set_roles(self, roles: dict[int, str]) -> None:
        """Which column is the front, back, tags or deck (shown in the headers)."""
        self._roles = dict(roles)
        if self._names:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._names) - 1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        value = row[index.column()] if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value, self._html)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_text(value, self._html, _TOOLTIP_CHARS) or None
        if role == Qt.ItemDataRole.ForegroundRole and self._roles and index.column() not in self._roles:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)  # a column left out
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section >= len(self._names):
            return None
        name = self._names[section]
        role_name = self._roles.get(section)
        return f"{name} · {role_name}" if role_name and role_name.casefold() != name.casefold() else name

    def text(self) -> str:
        """The table as plain text, a line per row (for tests and accessibility)."""
        lines = ["\t".join(str(self.headerData(c, Qt.Orientation.Horizontal)) for c in range(self.columnCount()))]
        lines += ["\t".join(cell_text(cell, self._html) for cell in row) for row in self._rows]
        return "\n".join(lines)


class PreviewTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportPreview")
        self.preview_model = PreviewModel(self)
        self.setModel(self.preview_model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays on the dialog's choices
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setDefaultSectionSize(28)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)

    def show_preview(self, preview: ImportPreview | None) -> None:
        self.preview_model.set_preview(preview)
        self._fit_columns()

    def set_roles(self, roles: dict[int, str]) -> None:
        self.preview_model.set_roles(roles)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns as wide as their content, but no column wider than half the view."""
        self.resizeColumnsToContents()
        widest = max(160, self.viewport().width() // 2)
        for column in range(self.preview_model.columnCount()):
            if self.columnWidth(column) > widest:
                self.setColumnWidth(column, widest)
