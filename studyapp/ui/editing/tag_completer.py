"""Completion of the word under the cursor in a space-separated tags line, from the collection's tags.

The line holds several tags; only the one being typed is completed: a popup lists the known tags that
start with it (case ignored, those already in the line left out), and Enter, Tab or a click puts the
chosen tag in its place followed by a space. The tags are read when the line gets the focus (and on
first use), not on every key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

MAX_SHOWN = 12  # rows in the popup before it scrolls


def word_bounds(text: str, cursor: int) -> tuple[int, int]:
    """Where the space-separated word around ``cursor`` starts and ends."""
    start = text.rfind(" ", 0, cursor) + 1
    end = text.find(" ", cursor)
    return start, len(text) if end < 0 else end


class TagCompleter(QObject):
    completed = Signal(str)  # the tag put in the line (the line's text changed without textEdited)

    def __init__(self, line: QLineEdit, tags: Callable[[], list[str]] | None = None) -> None:
        super().__init__(line)
        self.line = line
        self.source: Callable[[], list[str]] = tags or (lambda: [])
        self._known: list[str] | None = None
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(line)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setMaxVisibleItems(MAX_SHOWN)
        self.completer.activated[str].connect(self.insert)
        line.textEdited.connect(self._edited)
        line.installEventFilter(self)

    def set_source(self, tags: Callable[[], list[str]]) -> None:
        self.source = tags
        self._known = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line and event.type() == QEvent.Type.FocusIn:
            self._known = None  # tags added elsewhere since are offered too
        return False

    def _edited(self, text: str) -> None:
        cursor = self.line.cursorPosition()
        start, end = word_bounds(text, cursor)
        prefix = text[start:cursor]
        if not prefix:
            self.completer.popup().hide()
            return
        if self._known is None:
            self._known = list(self.source())
        others = {word.casefold() for word in (text[:start] + " " + text[end:]).split()}
        self.model.setStringList([tag for tag in self._known if tag.casefold() not in others])
        self.completer.setCompletionPrefix(prefix)
        count = self.completer.completionCount()
        if count == 0 or (count == 1 and self.completer.currentCompletion().casefold() == prefix.casefold()):
            self.completer.popup().hide()
            return
        self.completer.popup().setCurrentIndex(self.completer.completionModel().index(0, 0))
        self.completer.complete()

    def insert(self, tag: str) -> None:
        """Put ``tag`` in place of the word at the cursor, followed by one space, the cursor after it."""
        text = self.line.text()
        start, end = word_bounds(text, self.line.cursorPosition())
        rest = text[end:].lstrip(" ")
        self.line.setText(f"{text[:start]}{tag} {rest}")
        self.line.setCursorPosition(start + len(tag) + 1)
        self.completed.emit(tag)
