"""The deck list: a tree of decks (``Parent::Child``) with New, Learning and Due counts and sizes.

Enter studies the chosen deck; F2, Delete, Ctrl+Z and O ask for a rename, a deletion, its undo and
the deck's options (the window's ``DeckActions`` answers them). Beside the Study button, the quiz mode
(Flip, Type, Choice) of the chosen deck: it shows the mode the deck remembers, and a click (or M, which
moves to the next mode) chooses another, which the window stores for the deck. A parent that exists only through its
children is a row too, with the sums of its children; its full name is kept for renaming it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.model import DeckCounts, ReviewMode
from studyapp.services.decks.tree import DeckNode
from studyapp.ui.app.style import Theme, count_colour, theme_for

COLUMNS = ("Deck", "New", "Learning", "Due", "Total")
_KINDS = ("new", "learning", "due")
_DECK_ID = Qt.ItemDataRole.UserRole
_FULL_NAME = Qt.ItemDataRole.UserRole + 1
_MAX_VISIBLE_ROWS = 12
_CONTENT_WIDTH = 760
_MODE_LABELS = {ReviewMode.FLIP: "Flip", ReviewMode.TYPE: "Type", ReviewMode.CHOICE: "Choice"}
_MODE_TIPS = {
    ReviewMode.FLIP: "Flip: show the answer, then grade yourself",
    ReviewMode.TYPE: "Type the answer: it is checked and a grade suggested",
    ReviewMode.CHOICE: "Multiple choice: four options from the deck's answers",
}


class QuizModeChooser(QWidget):
    """Flip | Type | Choice, one of them chosen: a segmented control."""

    mode_clicked = Signal(object)  # a ReviewMode

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QuizModeChooser")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setToolTip("Quiz mode of the chosen deck (M)")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[ReviewMode, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        for mode, label in _MODE_LABELS.items():
            button = QPushButton(label)
            button.setObjectName("QuizModeButton")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(_MODE_TIPS[mode])
            button.clicked.connect(lambda _checked=False, m=mode: self.mode_clicked.emit(m))
            self.group.addButton(button)
            self.buttons[mode] = button
            layout.addWidget(button)

    @property
    def mode(self) -> ReviewMode:
        return next((mode for mode, button in self.buttons.items() if button.isChecked()), ReviewMode.FLIP)

    def set_mode(self, mode: ReviewMode) -> None:
        self.buttons[mode].setChecked(True)

    def next_mode(self) -> ReviewMode:
        modes = list(self.buttons)
        return modes[(modes.index(self.mode) + 1) % len(modes)]


class DeckTable(QTreeWidget):
    """The table itself: Enter (or a double-click) asks to study the current deck."""

    study_requested = Signal(object)  # deck ids are 64-bit: not a C int
    rename_requested = Signal(str)  # the full name (a parent may have no id)
    delete_requested = Signal(str)
    undo_requested = Signal()
    options_requested = Signal(object)
    next_mode_requested = Signal()  # M: the chosen deck's next quiz mode

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckTable")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setItemsExpandable(True)
        self.setIndentation(20)
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
        deck_id = None if item is None else item.data(0, _DECK_ID)
        return None if deck_id is None else int(deck_id)

    def current_name(self) -> str | None:
        """The full name of the chosen row (``A::B``), also for a parent that is not a deck itself."""
        item = self.currentItem()
        return None if item is None else str(item.data(0, _FULL_NAME))

    def _item_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        deck_id = item.data(0, _DECK_ID)
        if deck_id is not None:
            self.study_requested.emit(int(deck_id))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, name = event.key(), self.current_name()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._item_chosen(self.currentItem())
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.undo_requested.emit()
        elif key == Qt.Key.Key_F2 and name is not None:
            self.rename_requested.emit(name)
        elif key == Qt.Key.Key_Delete and name is not None:
            self.delete_requested.emit(name)
        elif key == Qt.Key.Key_O and not event.modifiers() and self.current_deck_id() is not None:
            self.options_requested.emit(self.current_deck_id())
        elif key == Qt.Key.Key_M and not event.modifiers() and self.current_deck_id() is not None:
            self.next_mode_requested.emit()
        else:
            super().keyPressEvent(event)

    def all_items(self) -> list[QTreeWidgetItem]:
        """Every row, parents before their children, in order (without recursion)."""
        found: list[QTreeWidgetItem] = []
        pending = [self.topLevelItem(i) for i in reversed(range(self.topLevelItemCount()))]
        while pending:
            item = pending.pop()
            found.append(item)
            pending.extend(item.child(i) for i in reversed(range(item.childCount())))
        return found

    def sizeHint(self) -> QSize:
        """Tall enough for its rows (up to a dozen), so a short list does not leave an empty box."""
        rows = max(1, min(len(self.all_items()), _MAX_VISIBLE_ROWS))
        row_height = self.sizeHintForRow(0) if self.topLevelItemCount() else 40
        margins = self.contentsMargins()
        height = self.header().sizeHint().height() + rows * row_height + margins.top() + margins.bottom()
        return QSize(super().sizeHint().width(), height)


class DeckList(QWidget):
    study_requested = Signal(object)  # deck ids are 64-bit: not a C int
    new_deck_requested = Signal()
    collapsed_changed = Signal(object)  # the set of full names of folded parents
    mode_chosen = Signal(object, object)  # a deck id and the ReviewMode chosen for it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckList")
        self.title = QLabel("Decks")
        self.title.setObjectName("PageTitle")
        self.title.setIndent(0)
        self.study_days = QLabel()  # today's answers and the streak (the window fills it in)
        self.study_days.setObjectName("StudyDays")
        self.study_days.hide()
        self.table = DeckTable()
        self.table.study_requested.connect(self.study_requested)
        self.table.currentItemChanged.connect(self._update_details)
        self.table.itemExpanded.connect(self._expansion_changed)
        self.table.itemCollapsed.connect(self._expansion_changed)
        self.collapsed: set[str] = set()
        self._filling = False
        self.description = QLabel()
        self.description.setObjectName("DeckDescription")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.study_button = QPushButton("Study now")
        self.study_button.setObjectName("Primary")
        self.study_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.study_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.study_button.clicked.connect(self._study_current)
        self.new_button = QPushButton("New deck…")
        self.options_button = QPushButton("Options…")
        self.sync_button = QPushButton("Sync")  # the window's SyncControl answers it (and Y)
        self.sync_button.setToolTip("Sync with your sync server, as AnkiDroid and AnkiMobile do (Y)")
        for button in (self.new_button, self.options_button, self.sync_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.new_button.clicked.connect(self.new_deck_requested)
        self.options_button.clicked.connect(self._options_current)
        hint = QLabel("Enter study · M quiz mode · F2 rename · Del delete · O options · Y sync · F1 shortcuts")
        hint.setObjectName("KeyHint")
        self._descriptions: dict[int, str] = {}
        # The window answers which mode a deck remembers; until it does, every deck shows Flip.
        self.mode_lookup: Callable[[int], ReviewMode] = lambda _deck_id: ReviewMode.FLIP
        self.mode_chooser = QuizModeChooser()
        self.mode_chooser.mode_clicked.connect(self._choose_mode)
        self.table.next_mode_requested.connect(lambda: self._choose_mode(self.mode_chooser.next_mode()))

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.options_button)
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        buttons.addWidget(self.mode_chooser)
        buttons.addSpacing(4)
        buttons.addWidget(self.study_button)

        column = QWidget()
        column.setMaximumWidth(_CONTENT_WIDTH)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(14)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addStretch(1)
        title_row.addWidget(self.study_days, 0, Qt.AlignmentFlag.AlignBottom)
        column_layout.addLayout(title_row)
        column_layout.addWidget(self.table)
        self.column_layout = column_layout  # the window puts the first-start welcome above the table
        column_layout.addWidget(self.description)
        column_layout.addSpacing(4)
        column_layout.addLayout(buttons)
        column_layout.addWidget(hint)
        column_layout.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.addStretch(1)
        layout.addWidget(column, 100)
        layout.addStretch(1)

    def set_study_days(self, line: str) -> None:
        """Today's answers and the streak, beside the title; nothing before the first answer."""
        self.study_days.setText(line)
        self.study_days.setStyleSheet(f"color: {theme_for(self.palette()).muted}; font-size: 13px;")
        self.study_days.setVisible(bool(line))

    def set_decks(self, decks: list[DeckNode] | list[DeckCounts], descriptions: dict[int, str]) -> None:
        """Show these decks (a tree of ``DeckNode``, or flat counts), keeping the chosen deck chosen."""
        keep_id, keep_name = self.table.current_deck_id(), self.table.current_name()
        self._descriptions = dict(descriptions)
        theme = theme_for(self.palette())
        nodes = [d if isinstance(d, DeckNode) else _leaf(d) for d in decks]
        self._filling = True
        self.table.clear()
        chosen = None

        # Depth first, in order, without recursion: a deck made by an older version may be 1,000 levels deep.
        pending: list[tuple[DeckNode, QTreeWidgetItem | None]] = [(node, None) for node in reversed(nodes)]
        while pending:
            node, parent = pending.pop()
            item = self._item(node, theme)
            if parent is None:
                self.table.addTopLevelItem(item)
            else:
                parent.addChild(item)
            if chosen is None or (keep_id is not None and node.deck_id == keep_id) or node.name == keep_name:
                chosen = item
            pending.extend((child, item) for child in reversed(node.children))
        if chosen is not None:
            self.table.setCurrentItem(chosen)
        for item in self.table.all_items():  # choosing a row may have unfolded its parents
            item.setExpanded(item.data(0, _FULL_NAME) not in self.collapsed)
        self._filling = False
        self.table.updateGeometry()
        self._update_details()

    def _item(self, node: DeckNode, theme: Theme) -> QTreeWidgetItem:
        item = QTreeWidgetItem([node.label, str(node.new), str(node.learning), str(node.due), str(node.total)])
        item.setData(0, _DECK_ID, node.deck_id)
        item.setData(0, _FULL_NAME, node.name)
        item.setToolTip(0, node.name)
        for column, (kind, value) in enumerate(zip(_KINDS, (node.new, node.learning, node.due), strict=True), start=1):
            item.setForeground(column, QBrush(QColor(count_colour(theme, kind, value))))
            font = QFont(item.font(column))
            font.setWeight(QFont.Weight.DemiBold if value else QFont.Weight.Normal)
            item.setFont(column, font)
        item.setForeground(4, QBrush(QColor(theme.muted)))
        for column in range(1, len(COLUMNS)):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
        return item

    def item_named(self, name: str) -> QTreeWidgetItem | None:
        return next((item for item in self.table.all_items() if item.data(0, _FULL_NAME) == name), None)

    def select_deck(self, deck_id: int) -> None:
        for item in self.table.all_items():
            if item.data(0, _DECK_ID) is not None and int(item.data(0, _DECK_ID)) == deck_id:
                self.table.setCurrentItem(item)

    def _expansion_changed(self, item: QTreeWidgetItem) -> None:
        if self._filling:
            return
        name = str(item.data(0, _FULL_NAME))
        if item.isExpanded():
            self.collapsed.discard(name)
        else:
            self.collapsed.add(name)
        self.collapsed_changed.emit(set(self.collapsed))

    def _options_current(self) -> None:
        deck_id = self.table.current_deck_id()
        if deck_id is not None:
            self.table.options_requested.emit(deck_id)

    def _choose_mode(self, mode: ReviewMode) -> None:
        deck_id = self.table.current_deck_id()
        if deck_id is None:
            return
        self.mode_chooser.set_mode(mode)
        self.mode_chosen.emit(deck_id, mode)

    def _study_current(self) -> None:
        deck_id = self.table.current_deck_id()
        if deck_id is not None:
            self.study_requested.emit(deck_id)

    def _update_details(self, *_args: object) -> None:
        deck_id = self.table.current_deck_id()
        self.options_button.setEnabled(deck_id is not None)
        if self.table.topLevelItemCount() == 0:
            self.description.setText(
                "No decks yet. Import a file with File → Import… (Ctrl+I), or drop it on this window."
            )
        else:
            self.description.setText(self._descriptions.get(deck_id, "") if deck_id is not None else "")
        self.description.setVisible(bool(self.description.text()))
        self.study_button.setEnabled(deck_id is not None)
        self.mode_chooser.setEnabled(deck_id is not None)
        self.mode_chooser.set_mode(self.mode_lookup(deck_id) if deck_id is not None else ReviewMode.FLIP)

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)


def _leaf(counts: DeckCounts) -> DeckNode:
    return DeckNode(counts.name, counts.deck_id, counts.new, counts.learning, counts.due, counts.total)
