"""The import's progress beside the dialog's buttons: the stage ("Reading…", "Saving…") and a bar.

The bar is determinate when the job knows its total, and busy (an endless sweep) when it does not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

STAGES = {"Reading": "Reading…", "Saving": "Saving…"}


class ProgressRow(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage_label = QLabel()
        self.stage_label.setObjectName("ProgressStage")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(220)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.bar, 1)

    def start(self) -> None:
        self.stage_label.setText("Starting…")
        self.bar.setRange(0, 0)

    def show_progress(self, stage: str, done: int, total: int) -> None:
        self.stage_label.setText(STAGES.get(stage, f"{stage}…"))
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

    def cancelling(self) -> None:
        self.stage_label.setText("Cancelling…")
        self.bar.setRange(0, 0)


class ElidedLabel(QLabel):
    """One line of text, cut in the middle with … when it does not fit (a long folder path)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = text
        self.setMinimumWidth(40)
        self.setToolTip(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, self.width()))
