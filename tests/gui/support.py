"""Helpers for driving the real main window in tests."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.importing.import_dialog import ImportDialog
from studyapp.ui.review.card_view import CardView

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


def choose(qtbot, combo, data: object) -> None:  # noqa: ANN001 - qtbot, QComboBox
    """Pick the item holding ``data`` with the arrow keys, as a keyboard user does (emits ``activated``)."""
    target = combo.findData(data)
    assert target >= 0, f"{data!r} is not offered"
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    for _ in range(combo.count()):
        if combo.currentIndex() == target:
            return
        qtbot.keyClick(combo, key)
    assert combo.currentIndex() == target


def database_fingerprint(path: Path, ignore: tuple[str, ...] = ()) -> str:
    """A hash of every row of every table (but ``ignore``) of the collection at ``path`` (sqlite3: tests only)."""
    digest = hashlib.sha256()
    query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
    with closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute(query) if row[0] not in ignore]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"')):
                digest.update(row.encode())
    return digest.hexdigest()


def folder_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def open_message_box(qtbot, parent: QWidget) -> QMessageBox:  # noqa: ANN001 - qtbot
    """The message box that ``parent`` shows (they open without blocking)."""
    qtbot.waitUntil(lambda: any(box.isVisible() for box in parent.findChildren(QMessageBox)))
    return next(box for box in parent.findChildren(QMessageBox) if box.isVisible())


def wait_for_preview(qtbot, dialog: ImportDialog) -> ImportDialog:
    if dialog.previewing:
        with qtbot.waitSignal(dialog.preview_ready, timeout=5000):
            pass
    return dialog


def open_import(window: MainWindow, qtbot, path: Path) -> ImportDialog:
    """File → Import… (Ctrl+I) with ``path`` chosen, and the dialog's first preview shown."""
    window.choose_import_file = lambda parent: path
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.import_dialog is not None
    return wait_for_preview(qtbot, window.import_dialog)


def run_import(qtbot, dialog: ImportDialog) -> str:
    """Press Enter (Import is the default button) and wait for the worker to stop; the outcome."""
    with qtbot.waitSignal(dialog.import_finished, timeout=10000) as finished:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    return finished.args[0]


def anchor_point(view: CardView) -> QPoint:
    """Where the first link is drawn, in the view's viewport."""
    block = view.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isAnchor():
                cursor = QTextCursor(view.document())
                cursor.setPosition(fragment.position() + 3)
                return view.cursorRect(cursor).center()
            iterator += 1
        block = block.next()
    raise AssertionError("no link in the card")
