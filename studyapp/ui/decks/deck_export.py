"""File → Export deck: ask where (and, for a package, whether the history goes along), write the deck with
``app.export``, say what was written.

A deck is small next to an import and ``export`` reads through the window's own connection (which belongs
to the UI thread), so the export runs here, under a busy cursor. The save dialog is Qt's own (not the
platform's) so that it can hold the "Include scheduling information and review history" checkbox, on by
default: a package taken to Anki or AnkiDroid then keeps the student's progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QFileDialog, QGridLayout, QMessageBox, QWidget

from studyapp.core.deck_names import quoted
from studyapp.services.app import App, ExportError
from studyapp.ui.app.dialogs import EXPORT_FILTERS, export_file_name, show_message
from studyapp.ui.app.time_wording import plural
from studyapp.ui.importing.import_worker import one_line

HISTORY_LABEL = "Include scheduling information and review history (Anki packages)"


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    with_history: bool = True


PathChooser = Callable[[QWidget, str], "ExportChoice | Path | None"]


def export_dialog(parent: QWidget | None, deck_name: str) -> QFileDialog:
    """The save dialog for ``deck_name``, with the history checkbox under the file name (not yet shown)."""
    dialog = QFileDialog(parent, f"Export {quoted(deck_name)}", str(Path.home() / export_file_name(deck_name)))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(list(EXPORT_FILTERS.values()))
    history = QCheckBox(HISTORY_LABEL, dialog)
    history.setObjectName("with_history")
    history.setChecked(True)
    history.setToolTip("Each card's schedule and its review log go into the .apkg; without, every card is new.")
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(history, layout.rowCount(), 0, 1, layout.columnCount())
    return dialog


def export_choice(dialog: QFileDialog) -> ExportChoice | None:
    """What the user chose in a finished ``export_dialog`` (``None`` without a file)."""
    files = dialog.selectedFiles()
    if not files:
        return None
    path = Path(files[0])
    if path.suffix.lower() not in EXPORT_FILTERS:
        chosen = dialog.selectedNameFilter()
        path = path.with_name(path.name + next((s for s, text in EXPORT_FILTERS.items() if text == chosen), ".apkg"))
    history = dialog.findChild(QCheckBox, "with_history")
    return ExportChoice(path, history is None or history.isChecked())


def choose_export(parent: QWidget, deck_name: str) -> ExportChoice | None:
    """Ask where to export ``deck_name`` and whether with its history; ``None`` if cancelled."""
    dialog = export_dialog(parent, deck_name)
    return export_choice(dialog) if dialog.exec() else None


def export_deck(parent: QWidget, app: App, deck_name: str, choose_path: PathChooser) -> QMessageBox | None:
    """Export ``deck_name`` where the user chooses; the message box that reports it (``None`` if cancelled)."""
    chosen = choose_path(parent, deck_name)
    if chosen is None:
        return None
    choice = chosen if isinstance(chosen, ExportChoice) else ExportChoice(Path(chosen))
    path = choice.path
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = app.export(path, deck_name, choice.with_history)
    except ExportError as error:
        return show_message(parent, QMessageBox.Icon.Warning, "Export failed", one_line(str(error)))
    except OSError as error:
        text = f"{path}: cannot be written ({error.strerror or error})"
        return show_message(parent, QMessageBox.Icon.Warning, "Export failed", one_line(text))
    finally:
        QGuiApplication.restoreOverrideCursor()
    text = f"Exported {plural(result.notes, 'note')} of “{deck_name}” to {path.name}."
    if result.with_history and result.reviews:
        text += f" With {plural(result.reviews, 'review')} of history."
    if result.missing_media:
        text += f" {plural(len(result.missing_media), 'media file')} the notes use are missing and were left out."
    return show_message(parent, QMessageBox.Icon.Information, "Export finished", text)
