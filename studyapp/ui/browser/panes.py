"""How the browser's parts share its window: the sidebar on the left; on the right the search line, the
table, and below it the note's editor beside the card's preview. Splitters with minimums, so the window
fits a 1024x640 screen; the sidebar and the preview can be folded away (dragged shut, or their keys).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QSplitter, QVBoxLayout, QWidget

TABLE_MIN_HEIGHT = 120
EDITOR_MIN_WIDTH = 300


class Panes:
    """The splitters and what they hold; ``body`` is the window's central widget."""

    def __init__(
        self,
        sidebar: QWidget,
        top: QLayout,
        error: QWidget,
        table: QWidget,
        editor: QWidget,
        preview: QWidget,
        status: QWidget,
    ) -> None:
        self.sidebar, self.preview = sidebar, preview
        editor.setMinimumWidth(EDITOR_MIN_WIDTH)
        table.setMinimumHeight(TABLE_MIN_HEIGHT)
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        self.bottom.setObjectName("BrowserBottomSplitter")
        self.bottom.addWidget(editor)
        self.bottom.addWidget(preview)
        self.bottom.setCollapsible(0, False)
        self.bottom.setStretchFactor(0, 3)
        self.bottom.setStretchFactor(1, 2)
        self.bottom.setSizes([520, 360])
        self.vertical = QSplitter(Qt.Orientation.Vertical)
        self.vertical.addWidget(table)
        self.vertical.addWidget(self.bottom)
        self.vertical.setChildrenCollapsible(False)
        self.vertical.setStretchFactor(0, 1)
        self.vertical.setStretchFactor(1, 1)
        self.vertical.setSizes([380, 340])  # about ten rows, and room for a note's first fields
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(6, 10, 10, 6)
        layout.addLayout(top)
        layout.addWidget(error)
        layout.addWidget(self.vertical, 1)
        layout.addWidget(status)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.setObjectName("BrowserSplitter")
        left = QWidget()  # the sidebar with the same margins as the table's side
        left.setMinimumWidth(sidebar.minimumWidth() + 10)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 0, 6)
        left_layout.addWidget(sidebar)
        self.main.addWidget(left)
        self.main.addWidget(right)
        self.main.setCollapsible(1, False)
        self.main.setStretchFactor(0, 0)
        self.main.setStretchFactor(1, 1)
        self.main.setSizes([sidebar.sizeHint().width() + 10, 1000])
        self.body = self.main

    @staticmethod
    def _shown(splitter: QSplitter, index: int) -> bool:
        return splitter.sizes()[index] > 0 and splitter.widget(index).isVisibleTo(splitter)

    def toggle(self, splitter: QSplitter, index: int, width: int) -> bool:
        """Fold the pane ``index`` of ``splitter`` away, or open it again at ``width``; True if now shown."""
        sizes = splitter.sizes()
        if self._shown(splitter, index):
            sizes[1 - index] += sizes[index]
            sizes[index] = 0
            splitter.setSizes(sizes)
            return False
        splitter.widget(index).setVisible(True)
        sizes[1 - index] = max(sizes[1 - index] - width, 0)
        sizes[index] = width
        splitter.setSizes(sizes)
        return True

    def toggle_sidebar(self) -> bool:
        return self.toggle(self.main, 0, max(self.sidebar.minimumWidth(), self.sidebar.sizeHint().width()) + 10)

    def toggle_preview(self) -> bool:
        return self.toggle(self.bottom, 1, max(self.preview.minimumWidth(), 320))

    @property
    def sidebar_shown(self) -> bool:
        return self._shown(self.main, 0)

    @property
    def preview_shown(self) -> bool:
        return self._shown(self.bottom, 1)
