"""The browser's table model: the ordered ids of every matching card, with their rows read a page at a time.

A search returns only ids (fast even for 100,000 cards). The view is told about rows in steps of
:data:`PAGE` through ``canFetchMore``/``fetchMore`` as it scrolls, and ``data()`` reads the page a
visible row is on when it first needs it; a few recent pages are kept, so memory stays small.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette

from studyapp.services.app import App
from studyapp.services.notes.search import CardRow, SortKey, card_rows, search_card_ids
from studyapp.ui.app.style import theme_for
from studyapp.ui.browser.columns import COLUMNS

PAGE = 200
_KEPT_PAGES = 40

_Index = QModelIndex | QPersistentModelIndex


class CardTableModel(QAbstractTableModel):
    def __init__(self, app: App, palette: QPalette) -> None:
        super().__init__()
        self.app = app
        self.query = ""
        self.sort_key = SortKey.ADDED
        self.descending = False
        self._ids: list[int] = []
        self._searched = False  # a search has filled the rows (until then a sort only sets the order)
        self._shown = 0  # rows the view has been told about
        self._pages: OrderedDict[int, list[CardRow]] = OrderedDict()
        self._row_of: dict[int, int] | None = None
        self.set_palette(palette)

    def set_palette(self, palette: QPalette) -> None:
        theme = theme_for(palette)
        self._suspended_background = QColor("#4a4220" if theme.dark else "#fff6d5")
        self._suspended_text = QColor(theme.muted)

    # -- searching ---------------------------------------------------------------------------------

    def search(self, query: str | None = None) -> None:
        """Run the search again (or a new one); raises SearchError and keeps the old rows on a bad query."""
        query = self.query if query is None else query
        ids = search_card_ids(self.app.collection, self.app.clock, query, self.sort_key, self.descending)
        self.query = query
        self._set_ids(ids, keep_shown=False)

    def refresh(self) -> None:
        """The same search again after a change, keeping as many rows shown as before."""
        ids = search_card_ids(self.app.collection, self.app.clock, self.query, self.sort_key, self.descending)
        self._set_ids(ids, keep_shown=True)

    def _set_ids(self, ids: list[int], keep_shown: bool) -> None:
        shown = self._shown if keep_shown else 0
        self.beginResetModel()
        self._searched = True
        self._ids = ids
        self._shown = min(len(ids), max(shown, PAGE))
        self._pages.clear()
        self._row_of = None
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key, descending = COLUMNS[column].sort, order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self._searched:
            return  # the order shown already
        self.sort_key, self.descending = key, descending
        if not self._searched:
            return  # no search yet (the view sorts when sorting is turned on): the first search sorts so
        self.refresh()

    @property
    def total(self) -> int:
        return len(self._ids)

    def card_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, card_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {card_id: row for row, card_id in enumerate(self._ids)}
        return self._row_of.get(card_id)

    def show_rows(self, count: int) -> None:
        """Make the first ``count`` rows known to the view (to select a card further down)."""
        count = min(count, len(self._ids))
        if count > self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, count - 1)
            self._shown = count
            self.endInsertRows()

    def forget_rows(self, card_ids: Sequence[int] = ()) -> None:
        """Read the rows again when next shown (after an edit), and repaint them."""
        self._pages.clear()
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(COLUMNS) - 1))

    # -- lazy rows ---------------------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.show_rows(self._shown + PAGE)

    def card_row(self, row: int) -> CardRow | None:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            ids = self._ids[page * PAGE : (page + 1) * PAGE]
            rows = card_rows(self.app.collection, self.app.clock, ids)
            self._pages[page] = rows
            while len(self._pages) > _KEPT_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else None

    # -- the table ---------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= self._shown:
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        row = self.card_row(index.row())
        if row is None:
            return None
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row, self.app.clock.local_zone())
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._suspended_background if row.suspended else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._suspended_text if row.suspended else None
        if role == Qt.ItemDataRole.FontRole:
            if not row.buried:
                return None
            font = QFont()
            font.setItalic(True)
            return font
        if column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
