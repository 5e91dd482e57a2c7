"""Small dialogs: messages, the file choosers for import and export, keyboard shortcuts, About.

Messages open window-modal without blocking (``open()``, not ``exec()``), so the event loop and the
tests keep running while one is up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

import studyapp
from studyapp.core.deck_names import quoted
from studyapp.ui.app.window_geometry import keep_on_screen, scroll_area

SHORTCUTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Deck list",
        (
            ("↑ / ↓", "Choose a deck"),
            ("Enter", "Study the chosen deck"),
            ("M", "Quiz mode of the chosen deck: Flip, Type, Choice"),
            ("A", "Add cards (Ctrl+Enter adds, Esc closes)"),
            ("Ctrl+B", "Browse and search all cards"),
            ("S", "Statistics of the chosen deck (or all decks)"),
            ("Ctrl+I", "Import a file (or drop it on the window)"),
            ("Ctrl+E", "Export the chosen deck"),
            ("Ctrl+Shift+N", "New deck"),
            ("F2", "Rename the chosen deck"),
            ("Delete", "Delete the chosen deck (asks first; Ctrl+Z undoes)"),
            ("O", "Options of the chosen deck"),
            ("Y", "Sync with your sync server (Tools → Sync settings…)"),
        ),
    ),
    (
        "Studying",
        (
            ("Space / Enter", "Show the answer (then: Good)"),
            ("1", "Again"),
            ("2", "Hard"),
            ("3", "Good"),
            ("4", "Easy"),
            ("Enter", "Type mode: check the typed answer (then Enter or Space takes the grade suggested)"),
            ("1 – 4", "Choice mode: pick an option (then Enter, Space or 1 – 4 goes on)"),
            ("Ctrl+Z", "Undo the last answer or card action"),
            ("E", "Edit the current card"),
            ("-", "Bury the card until tomorrow"),
            ("@", "Suspend the card"),
            ("Ctrl+1 – 7", "Flag the card (the same key again, or Ctrl+0, clears it)"),
            ("Ctrl+Delete", "Delete the card's note (asks first)"),
            ("I", "Card info: its dates, memory and history"),
            ("Ctrl+Shift+D", "Set the due date (0 today, 1 tomorrow, 3-7 a range, ! resets the interval)"),
            ("↑ / ↓ / PgUp / PgDn", "Scroll a long card"),
            ("Esc", "Back to the deck list"),
        ),
    ),
    (
        "Anywhere",
        (
            ("F1", "This list"),
            ("Ctrl+,", "Settings"),
            ("Ctrl+Q", "Quit"),
        ),
    ),
)

ABOUT_TEXT = (
    f"<h3>studyapp {studyapp.__version__}</h3>"
    "<p>A desktop spaced-repetition study app.</p>"
    "<p>Cards are scheduled with FSRS-6, the Free Spaced Repetition Scheduler, which predicts when "
    "you are about to forget each card and brings it back just before.</p>"
)


def show_message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A window-modal message box that does not block; it deletes itself when closed."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("MessageBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


IMPORT_SUFFIXES = (".txt", ".csv", ".tsv", ".apkg", ".colpkg")
IMPORT_FILTER = (
    "Decks and notes (*.txt *.csv *.tsv *.apkg *.colpkg);;"
    "Text and CSV (*.txt *.csv *.tsv);;"
    "Anki packages (*.apkg *.colpkg);;"
    "All files (*)"
)
EXPORT_FILTERS = {
    ".apkg": "Anki package (*.apkg)",
    ".csv": "CSV, comma-separated (*.csv)",
    ".txt": "Text, tab-separated (*.txt)",
}


def choose_import_file(parent: QWidget) -> Path | None:
    """Ask for a file to import; ``None`` if cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, "Import", str(Path.home()), IMPORT_FILTER)
    return Path(name) if name else None


_STEM_BYTES = 200


def export_file_name(deck_name: str, suffix: str = ".apkg") -> str:
    """A file name for a deck: ``Medicine::Cardiology`` -> ``Medicine - Cardiology.apkg``."""
    stem = " - ".join(part.strip() for part in deck_name.split("::"))
    stem = "".join("_" if char in '<>:"/\\|?*' or ord(char) < 32 else char for char in stem).strip(" .")
    # A file name holds 255 bytes on most systems; a deck name may have 1,000 characters of several bytes each.
    stem = stem.encode("utf-8")[:_STEM_BYTES].decode("utf-8", "ignore").rstrip(" .-")
    return (stem or "deck") + suffix


def choose_export_path(parent: QWidget, deck_name: str) -> Path | None:
    """Ask where to export ``deck_name`` (.apkg, .csv or .txt); ``None`` if cancelled."""
    filters = ";;".join(EXPORT_FILTERS.values())
    start = str(Path.home() / export_file_name(deck_name))
    name, chosen = QFileDialog.getSaveFileName(parent, f"Export {quoted(deck_name)}", start, filters)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in EXPORT_FILTERS:
        suffix = next((s for s, text in EXPORT_FILTERS.items() if text == chosen), ".apkg")
        path = path.with_name(path.name + suffix)
    return path


def choose_deck(parent: QWidget, names: list[str]) -> str | None:
    """Ask which deck to export when none is chosen; ``None`` if cancelled."""
    name, ok = QInputDialog.getItem(parent, "Export", "Deck to export:", names, 0, False)
    return name if ok and name else None


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        row = 0
        for section, keys in SHORTCUTS:
            heading = QLabel(section)
            heading.setObjectName("SectionHeading")
            grid.addWidget(heading, row, 0, 1, 2)
            row += 1
            for key, action in keys:
                key_label = QLabel(key)
                key_label.setObjectName("KeyCap")
                key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(key_label, row, 0, Qt.AlignmentFlag.AlignLeft)
                grid.addWidget(QLabel(action), row, 1)
                row += 1
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        keys = QWidget()
        keys.setLayout(grid)
        grid.setContentsMargins(0, 0, 12, 0)  # room for the scroll bar beside the descriptions
        self.keys_scroll = scroll_area(keys, "ShortcutsScroll")  # a small screen scrolls the list, Close stays
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(16)
        layout.addWidget(self.keys_scroll, 1)
        layout.addWidget(buttons)
        self.resize(self.sizeHint())  # all of it when the screen has room; less, and it scrolls
        keep_on_screen(self)

    def text(self) -> str:
        return "\n".join(label.text() for label in self.findChildren(QLabel))


def show_about(parent: QWidget) -> QMessageBox:
    box = show_message(parent, QMessageBox.Icon.NoIcon, "About studyapp", ABOUT_TEXT)
    icon = parent.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    return box
