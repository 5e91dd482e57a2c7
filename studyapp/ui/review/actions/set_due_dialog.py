"""Set due date (Ctrl+Shift+D in the reviewer): a line typed as in Anki, checked as it is typed; a line that is not a
due date keeps the dialog open with the reason under it, and what was typed stays."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from studyapp.core.scheduling.due_date import DueDateError, parse_due_days

_HELP = (
    "Days from today: <b>0</b> today, <b>1</b> tomorrow,<br><b>3-7</b> a random day in that range.<br>"
    "Add <b>!</b> (say <b>7!</b>) to also make it the card's interval."
)


class SetDueDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set due date")
        self.setObjectName("SetDueDialog")
        explain = QLabel(_HELP)  # short lines, not wrapped: a wrapped label's height comes too late and clips
        self.line = QLineEdit()
        self.line.setPlaceholderText("0, 1, 3-7 or 7!")
        self.problem = QLabel()
        self.problem.setObjectName("FieldProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.line)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.line.textEdited.connect(lambda _text: self.problem.hide())
        self.setMinimumWidth(400)

    def typed(self) -> str:
        return self.line.text()

    def accept(self) -> None:
        try:
            parse_due_days(self.line.text())
        except DueDateError as error:
            self.problem.setText(str(error))
            self.problem.show()
            self.adjustSize()  # room for the reason, the explanation above it kept whole
            self.line.setFocus()
            return
        super().accept()
