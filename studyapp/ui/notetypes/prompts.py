"""The manager's questions (a name, a yes): window-modal and non-blocking, so the event loop and tests run on.

Each opens at once and calls back only when answered; a cancelled question calls nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def ask_text(parent: QWidget, title: str, label: str, text: str, on_ok: Callable[[str], object]) -> QInputDialog:
    """A line of text (a name), prefilled with ``text``; ``on_ok`` gets it when the user presses OK."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("NotetypePrompt")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(text)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.textValueSelected.connect(lambda value: on_ok(value))
    dialog.open()
    return dialog


def ask_yes(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], object]) -> QMessageBox:
    """A warning with a ``yes`` button (the destructive choice) and Cancel, which is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("NotetypeConfirm")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.buttonClicked.connect(lambda button: on_yes() if button is yes_button else None)
    box.open()
    return box
