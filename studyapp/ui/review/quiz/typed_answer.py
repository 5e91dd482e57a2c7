"""Type the answer: a line to type in, then the verdict and a diff of the reply against the answer.

In the diff, what was typed right is green, what was typed wrong (or extra) is red and struck through,
and what is missing is grey on a grey ground, in the answer's own spelling. A long answer is checked on
its key terms instead: those found are green, those missing grey.

Enter in the line checks the reply. Escape goes back to the decks, and Ctrl+Z in an empty line takes
back the last answer, as they do everywhere in the reviewer.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from studyapp.core.quiz.answer_match import AnswerMatch, DiffOp, Verdict
from studyapp.core.text.face_budget import shown_text
from studyapp.ui.app.style import Theme, readable, theme_for
from studyapp.ui.review.quiz.word_diff_html import words_html, words_legend

MAX_WIDTH = 720
SHOWN_DIFF_CHARS = 600  # of the diff's text
_SHORT = 60  # a segment this short is shown as it is
_VERDICTS = {
    Verdict.EXACT: ("✓", "Correct", "good"),
    Verdict.CLOSE: ("≈", "Almost", "hard"),
    Verdict.WRONG: ("✗", "Not quite", "again"),
}


def mix(colour: str, ground: str, share: float) -> str:
    """``share`` of ``colour`` over ``ground``: a tint that stays readable in the light and the dark theme."""
    a, b = QColor(colour), QColor(ground)
    parts = (round(x * share + y * (1 - share)) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))
    return QColor(*parts).name()


def shown_diff(match: AnswerMatch) -> AnswerMatch:
    """``match`` with its diff cut to ``SHOWN_DIFF_CHARS`` characters of text (an ellipsis where it stops),
    long runs broken so that they wrap: the diff of an answer of megabytes is a few lines."""
    left, segments = SHOWN_DIFF_CHARS, []
    for op, text in match.diff:
        if len(text) > left:
            segments.append((op, shown_text(text[:left], left) + " …"))
            break
        segments.append((op, shown_text(text, left) if len(text) > _SHORT else text))
        left -= len(text)
    return replace(match, diff=tuple(segments))


def diff_html(match: AnswerMatch, theme: Theme) -> str:
    """The diff of a typed reply as rich text, coloured for ``theme`` (bounded: ``shown_diff``)."""
    match = shown_diff(match)
    plain = diff_colours(theme)
    styles = {
        DiffOp.EQUAL: f"color:{plain[DiffOp.EQUAL][0]};",
        DiffOp.WRONG: "color:{}; background-color:{}; text-decoration:line-through;".format(*plain[DiffOp.WRONG]),
        DiffOp.MISSING: "color:{}; background-color:{}; text-decoration:underline;".format(*plain[DiffOp.MISSING]),
    }
    if match.by_terms:
        chips = {
            **styles,
            DiffOp.EQUAL: "color:{}; background-color:{};".format(*diff_colours(theme, chips=True)[DiffOp.EQUAL]),
        }
        return " ".join(f'<span style="{chips[op]}">&nbsp;{html.escape(text)}&nbsp;</span>' for op, text in match.diff)
    return words_html(match, theme)  # a short answer: word by word, the slips marked inside misspelt words


def diff_colours(theme: Theme, chips: bool = False) -> dict[DiffOp, tuple[str, str]]:
    """Each kind of diff text's colour and ground, every pair at least 4.5:1 (WCAG's for text) in both themes:
    the theme's green, red and grey, moved toward the text colour as far as that needs."""
    grounds = {
        DiffOp.EQUAL: mix(theme.good, theme.surface, 0.14) if chips else theme.surface,
        DiffOp.WRONG: mix(theme.again, theme.surface, 0.14),
        DiffOp.MISSING: mix(theme.text, theme.surface, 0.12),
    }
    hues = {DiffOp.EQUAL: theme.good, DiffOp.WRONG: theme.again, DiffOp.MISSING: theme.muted}
    return {op: (readable(hues[op], ground, theme.text), ground) for op, ground in grounds.items()}


def verdict_html(match: AnswerMatch, theme: Theme) -> str:
    mark, word, colour_name = _VERDICTS[match.verdict]
    colour = getattr(theme, colour_name)
    grade = match.rating.label
    verdict = f"{word}: {grade}" if match.verdict is Verdict.EXACT else f"{word}: {grade} suggested"
    return (
        f'<span style="color:{colour}; font-weight:600;">{mark}&nbsp; {html.escape(verdict)}</span>'
        f'<span style="color:{theme.faint};">&nbsp;&nbsp; Enter accepts · 1–4 to choose another</span>'
    )


def comparison_html(match: AnswerMatch, theme: Theme) -> str:
    """The verdict and the diff, for the card itself (where the template's ``{{type:…}}`` was)."""
    return (
        f'<span style="font-size:14px; font-weight:400;">{verdict_html(match, theme)}</span><br>'
        f'<span style="font-weight:400;">{diff_html(match, theme)}</span>'
    )


class AnswerInput(QLineEdit):
    """The line the answer is typed in."""

    submitted = Signal(str)
    undo_requested = Signal()
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TypedAnswerInput")
        self.setPlaceholderText("Type the answer, then press Enter")
        self.setClearButtonEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Taken here: a QLineEdit passes Enter on to its parent, which would grade the checked answer.
            event.accept()
            if not event.isAutoRepeat():
                self.submitted.emit(self.text())
        elif event.matches(QKeySequence.StandardKey.Undo) and not self.text():
            self.undo_requested.emit()  # nothing typed yet: Ctrl+Z takes back the last answer
        elif event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.escape_pressed.emit()
        else:
            super().keyPressEvent(event)


class TypedAnswerPanel(QFrame):
    """The line to type in; once checked, the verdict and the diff in its place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TypedAnswerPanel")
        self.setMaximumWidth(MAX_WIDTH)
        self.input = AnswerInput()
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("TypedVerdict")
        self.diff_label = QLabel()
        self.diff_label.setObjectName("TypedAnswerDiff")
        self.diff_label.setTextFormat(Qt.TextFormat.RichText)
        self.diff_label.setWordWrap(True)
        self.diff_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.legend = QLabel()
        self.legend.setObjectName("KeyHint")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.result = QFrame()
        self.result.setObjectName("TypedAnswerResult")
        result_layout = QVBoxLayout(self.result)
        result_layout.setContentsMargins(16, 10, 16, 10)
        result_layout.setSpacing(4)
        result_layout.addWidget(self.verdict_label)
        result_layout.addWidget(self.diff_label)
        result_layout.addWidget(self.legend)
        self.match: AnswerMatch | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.input)
        layout.addWidget(self.result)
        self.result.hide()

    def ask(self) -> None:
        """An empty line, ready for typing."""
        self.match = None
        self.result.hide()
        self.input.clear()
        self.input.show()
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_result(self, match: AnswerMatch) -> None:
        """The verdict and the diff, where the line was."""
        self.match = match
        theme = theme_for(self.palette())
        self.verdict_label.setText(verdict_html(match, theme))
        self.diff_label.setText(diff_html(match, theme))
        right = f'<span style="color:{theme.good};">green</span>'
        if match.by_terms:
            self.legend.setText(f"Key terms of the answer: {right} found, grey underlined missing")
        else:
            self.legend.setText(words_legend(theme))
        self.input.hide()
        self.result.show()

    @property
    def checked(self) -> bool:
        return self.match is not None
