"""File → Export deck: ask where, write the deck with ``app.export_deck``, say what was written.

A deck is small next to an import and ``export_deck`` reads through the window's own connection
(which belongs to the UI thread), so the export runs here, under a busy cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from studyapp.services.app import App, ExportError
from studyapp.ui.app.dialogs import show_message
from studyapp.ui.app.time_wording import plural
from studyapp.ui.importing.import_worker import one_line

PathChooser = Callable[[QWidget, str], "Path | None"]


def export_deck(parent: QWidget, app: App, deck_name: str, choose_path: PathChooser) -> QMessageBox | None:
    """Export ``deck_name`` where the user chooses; the message box that reports it (``None`` if cancelled)."""
    path = choose_path(parent, deck_name)
    if path is None:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        count = app.export_deck(deck_name, Path(path))
    except ExportError as error:
        return show_message(parent, QMessageBox.Icon.Warning, "Export failed", one_line(str(error)))
    except OSError as error:
        text = f"{path}: cannot be written ({error.strerror or error})"
        return show_message(parent, QMessageBox.Icon.Warning, "Export failed", one_line(text))
    finally:
        QGuiApplication.restoreOverrideCursor()
    text = f"Exported {plural(count, 'note')} of “{deck_name}” to {Path(path).name}."
    return show_message(parent, QMessageBox.Icon.Information, "Export finished", text)
