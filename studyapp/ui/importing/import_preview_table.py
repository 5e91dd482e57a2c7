"""The first rows of a file about to be imported, as a read-only table whose headers are the column names.

Cells are shown on one line (line breaks as ``⏎``, markup stripped, long text cut); the full text is the
tooltip. Under each column name of a delimited file is a combo saying what the column becomes
(``MappingHeader``); the cells of a column that is not imported are greyed.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from studyapp.services.importing.import_preview import ImportPreview
from studyapp.ui.app.time_wording import plural
from studyapp.ui.importing.column_mapping import ColumnMapping
from studyapp.ui.importing.mapping_header import COMBO_MIN_WIDTH, MappingHeader

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<(?:br|hr|/?(?:div|p|li|tr|td|h[1-6]))\b[^>]*>", re.IGNORECASE)  # a space; other tags: nothing
_SHOWN_CHARS = 160
_TOOLTIP_CHARS = 1200
_Index = QModelIndex | QPersistentModelIndex


def cell_text(value: str, is_html: bool, limit: int = _SHOWN_CHARS) -> str:
    """A cell on one line: markup removed (for HTML fields), line breaks as ``⏎``, cut at ``limit``."""
    text = html.unescape(_TAG.sub("", _BREAK.sub(" ", value))) if is_html else value
    text = " ⏎ ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def preview_caption(preview: ImportPreview) -> str:
    """``Preview · the first 20 rows`` or ``Preview · 120 notes, the first 20 shown · 2 skipped``."""
    shown = len(preview.rows)
    if preview.note_count is not None:
        text = f"Preview · {plural(preview.note_count, 'note')}"
        text += f", the first {shown} shown" if shown < preview.note_count else ""
    else:
        text = "Preview · the first row" if shown == 1 else f"Preview · the first {plural(shown, 'row')}"
    return text + (f" · {preview.skipped} skipped" if preview.skipped else "")


class PreviewModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()
        self._html = False
        self._roles: dict[int, str] = {}
        self._left_out: set[int] = set()

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self._names = preview.column_names if preview is not None else ()
        self._rows = preview.rows if preview is not None else ()
        self._html = preview.html if preview is not None else False
        self._roles = {}
        self._left_out = set()
        self.endResetModel()

    def set_roles(self, roles: dict[int, str], left_out: set[int] | None = None) -> None:
        """What each column becomes (a field's name, "Tags"...), and the columns that are not imported (greyed)."""
        self._roles = dict(roles)
        self._left_out = set(left_out or ())
        if self._names:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._names) - 1)
            self.dataChanged.emit(self.index(0, 0), self.index(max(0, len(self._rows) - 1), len(self._names) - 1))

    def role(self, column: int) -> str | None:
        return self._roles.get(column)

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
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in self._left_out:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)  # a column left out
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            role_name = self._roles.get(section)
            return f"Column {section + 1}" + (f": {role_name}" if role_name else "")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self._names[section] if section < len(self._names) else None

    def text(self) -> str:
        """The table as plain text, a line per row (for tests and accessibility); under a column's name, what it
        becomes when the file is mapped (``Meaning → Back``)."""
        headers = []
        for column in range(self.columnCount()):
            name, role_name = str(self.headerData(column, Qt.Orientation.Horizontal)), self._roles.get(column)
            headers.append(f"{name} → {role_name}" if role_name else name)
        lines = ["\t".join(headers)]
        lines += ["\t".join(cell_text(cell, self._html) for cell in row) for row in self._rows]
        return "\n".join(lines)


class PreviewTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportPreview")
        self.mapping_header = MappingHeader(self)
        self.setHorizontalHeader(self.mapping_header)
        self.preview_model = PreviewModel(self)
        self.setModel(self.preview_model)
        self.horizontalScrollBar().valueChanged.connect(lambda _value: self.mapping_header.place_combos())
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

    def show_mapping(self, mapping: ColumnMapping | None) -> None:
        """The combos under the column names and the greyed columns follow ``mapping`` (none: no combos)."""
        header = self.mapping_header
        if mapping is None:
            header.show_mapping([], [], False)
            self.preview_model.set_roles({})
        else:
            width = min(len(mapping.choices), self.preview_model.columnCount())
            items = [mapping.items(column) for column in range(width)]
            enabled = not mapping.target.per_row
            header.show_mapping(items, list(mapping.choices[:width]), enabled)
            roles = {column: mapping.label(column) for column in range(width)}
            self.preview_model.set_roles(roles, set(mapping.left_out()))
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns as wide as their content (and their combo), but no column wider than half the view."""
        self.resizeColumnsToContents()
        for column in range(self.preview_model.columnCount()):
            if self.mapping_header.combos and self.columnWidth(column) < COMBO_MIN_WIDTH + 20:
                self.setColumnWidth(column, COMBO_MIN_WIDTH + 20)
        widest = max(200, self.viewport().width() // 2)
        for column in range(self.preview_model.columnCount()):
            if self.columnWidth(column) > widest:
                self.setColumnWidth(column, widest)
