"""Keys that belong to the reviewer while studying.

The main window's menu actions with a bare key for a shortcut (a letter or a sign, no Ctrl, Alt or Meta:
A adds cards, S opens the statistics) would fire in the reviewer before it sees the key, so a letter
typed while studying opened Add cards mid-session. While the reviewer is the page shown, those actions
lose their shortcut (the menu entries still work with the mouse); they get it back on any other page.
Shortcuts with a modifier, and the function keys (F1), stay global.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QWidget

_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


def is_bare_key(sequence: QKeySequence) -> bool:
    """A one-key shortcut that types something: no Ctrl, Alt or Meta, not a function or navigation key."""
    if sequence.count() != 1:
        return False
    combination = sequence[0]
    if combination.keyboardModifiers() & _MODIFIERS:
        return False
    key = combination.key()
    return Qt.Key.Key_Space <= key <= Qt.Key.Key_ydiaeresis  # the printable range (letters, digits, signs)


class StudyKeys(QObject):
    """Takes the bare-key shortcuts of ``actions`` away while ``reviewer`` is the stack's page."""

    def __init__(self, stack: QStackedWidget, reviewer: QWidget, actions: Iterable[QAction]) -> None:
        super().__init__(stack)
        self._stack, self._reviewer = stack, reviewer
        self.guarded = {action: action.shortcut() for action in actions if is_bare_key(action.shortcut())}
        stack.currentChanged.connect(self._page_changed)
        self._page_changed()

    def _page_changed(self, _index: int = -1) -> None:
        studying = self._stack.currentWidget() is self._reviewer
        for action, shortcut in self.guarded.items():
            action.setShortcut(QKeySequence() if studying else shortcut)
