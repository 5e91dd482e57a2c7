"""The preview table's column headers with a combo under each name: what the column becomes.

The combos are children of the header's viewport, placed over the lower half of their sections whenever the
sections move, resize or scroll, so each stays under its column however wide the file is. A column that nothing
takes shows "Not imported" in the theme's warning colour.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QComboBox, QHeaderView, QWidget

from studyapp.ui.app.style import theme_for
from studyapp.ui.importing.column_mapping import IGNORE

COMBO_MIN_WIDTH = 150
_GAP = 4


class MappingHeader(QHeaderView):
    chosen = Signal(int, str)  # a column and what the user made it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("MappingHeader")
        self.combos: list[QComboBox] = []
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setMinimumSectionSize(COMBO_MIN_WIDTH)
        self.sectionResized.connect(lambda *_args: self.place_combos())
        self.sectionMoved.connect(lambda *_args: self.place_combos())

    # -- contents ----------------------------------------------------------------------------------

    def show_mapping(self, items: list[list[tuple[str, str]]], current: list[str], enabled: bool) -> None:
        """One combo per column with its ``items`` (data, label), ``current`` chosen; none without ``items``."""
        while len(self.combos) > len(items):
            self.combos.pop().deleteLater()
        while len(self.combos) < len(items):
            combo = QComboBox(self.viewport())
            combo.setObjectName("ColumnChoice")
            column = len(self.combos)
            combo.activated.connect(lambda _index, c=column: self._activated(c))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            self.combos.append(combo)
        for column, (combo, offered, choice) in enumerate(zip(self.combos, items, current, strict=True)):
            combo.blockSignals(True)
            combo.clear()
            for data, label in offered:
                combo.addItem(label, data)
            combo.setCurrentIndex(max(0, combo.findData(choice)))
            combo.setEnabled(enabled and len(offered) > 1)
            combo.setAccessibleName(f"Column {column + 1}")
            combo.blockSignals(False)
            self._colour(combo, choice == IGNORE)
            combo.show()
        self.updateGeometry()
        self.place_combos()

    def _colour(self, combo: QComboBox, left_out: bool) -> None:
        combo.setProperty("leftOut", left_out)
        palette = QPalette(self.palette())
        if left_out:
            warning = theme_for(palette).hard
            for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
                palette.setColor(QPalette.ColorGroup.Active, role, warning)
                palette.setColor(QPalette.ColorGroup.Inactive, role, warning)
        combo.setPalette(palette)

    def _activated(self, column: int) -> None:
        self.chosen.emit(column, str(self.combos[column].currentData()))

    # -- geometry ----------------------------------------------------------------------------------

    def _combo_height(self) -> int:
        return self.combos[0].sizeHint().height() if self.combos else 0

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.combos:
            hint.setHeight(hint.height() + self._combo_height() + _GAP)
        return hint

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:  # noqa: N803 - Qt's name
        """The column's name in the upper part (the style centres it in the whole section); the combo below."""
        if not self.combos:
            super().paintSection(painter, rect, logicalIndex)
            return
        below = self._combo_height() + 2 * _GAP
        painter.fillRect(rect, self.palette().color(QPalette.ColorRole.Base))
        super().paintSection(painter, rect.adjusted(0, 0, 0, -below), logicalIndex)

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self.place_combos()

    def place_combos(self) -> None:
        height = self._combo_height()
        top = self.height() - height - _GAP
        for column, combo in enumerate(self.combos):
            hidden = column >= self.count() or self.isSectionHidden(column)
            combo.setVisible(not hidden)
            if not hidden:
                left = self.sectionViewportPosition(column)
                combo.setGeometry(left + _GAP, top, max(40, self.sectionSize(column) - 2 * _GAP), height)
