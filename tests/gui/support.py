"""Helpers for driving the real main window in tests."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.ui.main_window import MainWindow

# The offscreen platform cannot pass a dialog's size limits to a window system, and says so.
offscreen_dialog_warning = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def open_window(app: App, qtbot) -> MainWindow:  # noqa: ANN001 - qtbot
    """The main window on ``app``, shown and active, as a user would have it."""
    shown = MainWindow(app)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    return shown


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """A key press where the user's keys go: to the focused widget."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)
