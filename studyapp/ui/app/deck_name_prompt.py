"""The one prompt for a deck's name (new deck, rename, Add's new deck): a bad name keeps it open.

OK hands the name to ``use``; if that refuses it (``DeckNameError``: empty, a part left empty by ``::``, too
many levels, too long, taken), the prompt stays open with the name as typed and the reason on one line below
it, so nothing typed is lost; editing the name clears the reason. The prompt is window-modal and does not
block (``open()``). It keeps ``QInputDialog``'s ``textValue``/``setTextValue`` so callers and tests read
and fill it the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from studyapp.core.deck_names import MAX_NAME_CHARS, DeckNameError
from studyapp.services.app import StorageError
from studyapp.ui.app.style import theme_for


class DeckNamePrompt(QDialog):
    def __init__(self, parent: QWidget | None, title: str, label: str, text: str, use: Callable[[str], object]) -> None:
        super().__init__(parent)
        self.setObjectName("DeckNameDialog")
        self.setWindowTitle(title)
        self.use = use
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.edit = QLineEdit(text)
        self.edit.setObjectName("DeckNameEdit")
        self.edit.setMaxLength(MAX_NAME_CHARS * 4)  # room to paste a long name and be told why it is too long
        self.label.setBuddy(self.edit)
        self.reason = QLabel()
        self.reason.setObjectName("DeckNameReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.hide()
        self.edit.textEdited.connect(lambda _text: self.reason.hide())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        layout.addWidget(self.reason)
        layout.addSpacing(4)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.edit.selectAll()

    def textValue(self) -> str:  # noqa: N802 - QInputDialog's name
        return self.edit.text()

    def setTextValue(self, text: str) -> None:  # noqa: N802 - QInputDialog's name
        self.edit.setText(text)

    def accept(self) -> None:
        """Use the name; a refused name stays in the box with its reason, and the prompt stays open."""
        try:
            self.use(self.edit.text())
        except (DeckNameError, StorageError) as error:  # a disk fault too: the name stays for another try
            self.show_reason(str(error))
            return
        super().accept()

    def show_reason(self, text: str) -> None:
        self.reason.setText(" ".join(text.split()))  # one line, whatever the name held
        self.reason.setStyleSheet(f"color: {theme_for(self.palette()).again};")
        self.reason.show()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)  # the cursor stays where it was: typing corrects


def ask_deck_name(parent: QWidget, title: str, label: str, text: str, use: Callable[[str], object]) -> DeckNamePrompt:
    """Open the prompt (window-modal, not blocking); ``use`` runs on OK and may refuse with ``DeckNameError``."""
    prompt = DeckNamePrompt(parent, title, label, text, use)
    prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    prompt.setWindowModality(Qt.WindowModality.WindowModal)
    prompt.open()
    return prompt
