"""The deck list: each deck with its New, Learning and Due counts and its size; Enter studies it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.model import DeckCounts
from studyapp.ui.style import count_colour, theme_for

COLUMNS = ("Deck", "New", "Learning", "Due", "Total")
_KINDS = ("new", "learning", "due")
_DECK_ID = Qt.ItemDataRole.UserRole
_MAX_VISIBLE_ROWS = 12
_CONTENT_WIDTH = 760


class DeckTable(QTreeWidget):
    """The table itself: Enter (or a double-click) asks to study the current deck."""

    study_requested = Signal(object)  # deck ids are 64-bit: not a C int

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckTable")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setItemsExpandable(False)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 92)
            self.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
        self.itemDoubleClicked.connect(self._item_chosen)

    def current_deck_id(self) -> int | None:
        item = self.currentItem()
        return None if item is None else int(item.data(0, _DECK_ID))

    def _item_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.study_requested.emit(int(item.data(0, _DECK_ID)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._item_chosen(self.currentItem())
        else:
            super().keyPressEvent(event)

    def sizeHint(self) -> QSize:
        """Tall enough for its rows (up to a dozen), so a short list does not leave an empty box."""
        rows = max(1, min(self.topLevelItemCount(), _MAX_VISIBLE_ROWS))
        row_height = self.sizeHintForRow(0) if self.topLevelItemCount() else 40
        margins = self.contentsMargins()
        height = self.header().sizeHint().height() + rows * row_height + margins.top() + margins.bottom()
        return QSize(super().sizeHint().width(), height)


class DeckList(QWidget):
    study_requested = Signal(object)  # deck ids are 64-bit: not a C int

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckList")
        self.title = QLabel("Decks")
        self.title.setObjectName("PageTitle")
        self.title.setIndent(0)
        self.table = DeckTable()
        self.table.study_requested.connect(self.study_requested)
        self.table.currentItemChanged.connect(self._update_details)
        self.description = QLabel()
        self.description.setObjectName("DeckDescription")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.study_button = QPushButton("Study now")
        self.study_button.setObjectName("Primary")
        self.study_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.study_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.study_button.clicked.connect(self._study_current)
        hint = QLabel("↑↓ choose · Enter study · Ctrl+I import · F1 shortcuts")
        hint.setObjectName("KeyHint")
        self._descriptions: dict[int, str] = {}

        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.study_button)

        column = QWidget()
        column.setMaximumWidth(_CONTENT_WIDTH)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(14)
        column_layout.addWidget(self.title)
        column_layout.addWidget(self.table)
        column_layout.addWidget(self.description)
        column_layout.addSpacing(4)
        column_layout.addLayout(buttons)
        column_layout.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.addStretch(1)
        layout.addWidget(column, 100)
        layout.addStretch(1)

    def set_decks(self, decks: list[DeckCounts], descriptions: dict[int, str]) -> None:
        """Show these decks, keeping the current deck chosen (or the first one)."""
        keep = self.table.current_deck_id()
        self._descriptions = dict(descriptions)
        theme = theme_for(self.palette())
        self.table.clear()
        chosen = None
        for deck in decks:
            item = QTreeWidgetItem([deck.name, str(deck.new), str(deck.learning), str(deck.due), str(deck.total)])
            item.setData(0, _DECK_ID, deck.deck_id)
            for column, (kind, value) in enumerate(
                zip(_KINDS, (deck.new, deck.learning, deck.due), strict=True), start=1
            ):
                item.setForeground(column, QBrush(QColor(count_colour(theme, kind, value))))
                font = QFont(item.font(column))
                font.setWeight(QFont.Weight.DemiBold if value else QFont.Weight.Normal)
                item.setFont(column, font)
            item.setForeground(4, QBrush(QColor(theme.muted)))
            for column in range(1, len(COLUMNS)):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
            self.table.addTopLevelItem(item)
            if chosen is None or deck.deck_id == keep:
                chosen = item
        if chosen is not None:
            self.table.setCurrentItem(chosen)
        self.table.updateGeometry()
        self._update_details()

    def select_deck(self, deck_id: int) -> None:
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            if int(item.data(0, _DECK_ID)) == deck_id:
                self.table.setCurrentItem(item)

    def _study_current(self) -> None:
        deck_id = self.table.current_deck_id()
        if deck_id is not None:
            self.study_requested.emit(deck_id)

    def _update_details(self, *_args: object) -> None:
        deck_id = self.table.current_deck_id()
        if self.table.topLevelItemCount() == 0:
            self.description.setText(
                "No decks yet. Import a file with File → Import… (Ctrl+I), or drop it on this window."
            )
        else:
            self.description.setText(self._descriptions.get(deck_id, "") if deck_id is not None else "")
        self.description.setVisible(bool(self.description.text()))
        self.study_button.setEnabled(deck_id is not None)

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
