"""One question before typed text is thrown away: "Discard the text you typed?" (Discard / Keep editing).

Add and Edit ask it when they are closed (Escape, Close or Cancel, the window's X) with text that was typed and
not stored; nothing is asked when nothing changed. The browser's editor pane saves on leaving instead (as Anki
does), and asks only when the note cannot be saved (an empty first field). The question is window-modal and
does not block; Keep editing (also Escape and Enter) leaves everything as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

DISCARD_QUESTION = "Discard the text you typed?"


def ask_discard(parent: QWidget, on_discard: Callable[[], object], detail: str = "") -> QMessageBox:
    """Ask; ``on_discard`` runs only when Discard is clicked."""
    box = QMessageBox(
        QMessageBox.Icon.Question, "Discard?", DISCARD_QUESTION, QMessageBox.StandardButton.NoButton, parent
    )
    box.setObjectName("DiscardQuestion")
    if detail:
        box.setInformativeText(detail)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    discard.setObjectName("DiscardButton")
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName("KeepEditingButton")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.buttonClicked.connect(lambda button: on_discard() if button is discard else None)
    box.open()
    return box


class AsksBeforeDiscarding(QDialog):
    """A dialog whose closing (Escape, Close or Cancel, the window's X: all go through ``reject``) asks first
    when ``unsaved_text`` says typed text would be lost. ``discard`` closes without asking."""

    discard_question: QMessageBox | None = None

    def unsaved_text(self) -> bool:
        raise NotImplementedError

    def reject(self) -> None:
        if self.unsaved_text():
            if self.discard_question is None or not self.discard_question.isVisible():
                self.discard_question = ask_discard(self, self.discard)
            return
        super().reject()

    def discard(self) -> None:
        """Close, throwing away what was typed."""
        self.discard_question = None
        QDialog.reject(self)
