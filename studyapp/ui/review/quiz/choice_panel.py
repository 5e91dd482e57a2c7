"""Multiple choice: four options under the question, picked with keys 1 to 4 or a click.

Once one is picked, the right option turns green and a wrong pick red; the others fade. A long option
is cut after ``SHOWN_CHARACTERS`` (its tooltip has more, up to ``TOOLTIP_CHARACTERS``; the card shows the
full answer after).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from studyapp.core.quiz.distractors import ChoiceOptions
from studyapp.core.text.face_budget import shown_text

MAX_WIDTH = 720
SHOWN_CHARACTERS = 170
TOOLTIP_CHARACTERS = 1_000


def shortened(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + " …"


class OptionButton(QPushButton):
    """One option: its key on the left, its text wrapped beside it."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChoiceOption")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the reviewer
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # the wrapped text decides the height
        self.setSizePolicy(policy)
        self.number = number
        self.key_label = QLabel(str(number))
        self.key_label.setObjectName("ChoiceKey")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label = QLabel()
        self.text_label.setObjectName("ChoiceText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.key_label, self.text_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 14, 8)
        layout.setSpacing(12)
        layout.addWidget(self.key_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text_label, 1)
        self.full_text = ""

    def set_option(self, text: str) -> None:
        self.full_text = text
        # Read from its start only (a field of megabytes costs no more); an unbroken run, base64 or an address,
        # gets places to wrap; the tooltip is bounded too.
        start = text[: TOOLTIP_CHARACTERS * 4]
        self.text_label.setText(shown_text(shortened(start), SHOWN_CHARACTERS + 2))
        long = len(text) > len(start) or len(" ".join(start.split())) > SHOWN_CHARACTERS
        self.setToolTip(shown_text(text, TOOLTIP_CHARACTERS) if long else "")
        self.set_state("")

    def set_state(self, state: str) -> None:
        """``right``, ``wrong``, ``faded`` or ``""`` (not yet answered): the look follows (app.qss)."""
        if self.property("state") == state:
            return
        for widget in (self, self.key_label, self.text_label):
            widget.setProperty("state", state)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    @property
    def state(self) -> str:
        return str(self.property("state") or "")

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else super().heightForWidth(width)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.totalSizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.totalMinimumSize() if layout is not None else super().minimumSizeHint()


class ChoicePanel(QWidget):
    chosen = Signal(int)  # the index of the option picked (0 to 3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChoicePanel")
        self.setMaximumWidth(MAX_WIDTH)
        self.buttons = [OptionButton(number) for number in range(1, 5)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for index, button in enumerate(self.buttons):
            button.clicked.connect(lambda _checked=False, i=index: self.choose(i))
            layout.addWidget(button)
        self.options: ChoiceOptions | None = None
        self.picked: int | None = None

    def show_options(self, options: ChoiceOptions) -> None:
        self.options, self.picked = options, None
        for button, text in zip(self.buttons, options.options, strict=True):
            button.set_option(text)

    def choose(self, index: int) -> None:
        """Pick an option (once per card)."""
        if self.options is None or self.picked is not None or not 0 <= index < len(self.options.options):
            return
        self.chosen.emit(index)

    def show_result(self, picked: int) -> None:
        """The right option in green, a wrong pick in red, the rest faded."""
        assert self.options is not None
        self.picked = picked
        for index, button in enumerate(self.buttons):
            if index == self.options.right_index:
                button.set_state("right")
            elif index == picked:
                button.set_state("wrong")
            else:
                button.set_state("faded")

    @property
    def answered(self) -> bool:
        return self.picked is not None
