"""First start: a short welcome above the deck list, and Help → the README's sections, offline.

The welcome shows while nothing has ever been answered (a new collection holds the bundled deck only, or
decks just imported): import your decks (File → Import…, or drop a file on the window), or study the sample
deck, and the five keys that matter. It goes once the first card is answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

WELCOME_TEXT = (
    "<b>Welcome to studyapp.</b> Bring your cards in with <b>Import your decks…</b> (Anki .apkg and .colpkg,"
    " CSV, Quizlet, plain text), or drop a file on this window, or try the sample deck first."
    "<br><br><b>Enter</b> study the chosen deck &nbsp;·&nbsp; <b>Space</b> show the answer &nbsp;·&nbsp;"
    " <b>1 2 3 4</b> Again, Hard, Good, Easy &nbsp;·&nbsp; <b>Ctrl+Z</b> undo &nbsp;·&nbsp; <b>A</b> add cards"
)


class WelcomePanel(QWidget):
    """The welcome: its text and two buttons; the window connects them."""

    import_requested = Signal()
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Welcome")
        self.text = QLabel(WELCOME_TEXT)
        self.text.setObjectName("DeckDescription")  # the framed box of the deck list's description
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.import_button = QPushButton("Import your decks…")
        self.import_button.setObjectName("Primary")
        self.sample_button = QPushButton("Study the sample deck")
        for button in (self.import_button, self.sample_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.import_button.clicked.connect(self.import_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.text)
        layout.addLayout(buttons)


def readme_path() -> Path:
    return Path(__file__).resolve().parents[3] / "README.md"


_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def readme_sections(text: str) -> dict[str, str]:
    """The README's ``## `` sections by title, each with its text (subsections included), in order."""
    found = list(_HEADING.finditer(text))
    sections: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        sections[match.group(1).strip()] = text[match.start() : end].strip()
    return sections


class HelpDialog(QDialog):
    """One section of the README, read from the disk (no network), as formatted text."""

    def __init__(self, title: str, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Help: {title}")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(re.sub(r"!\[[^\]]*\]\([^)]*\)\n?", "", markdown))  # pictures: not offline here
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(680, 520)


def readme_help_menu(menu: QMenu, open_section: Callable[[str], object]) -> QMenu:
    """Help → Guide: one entry per README section (Start, Study, Command line…), each opening it in a dialog."""
    guide = menu.addMenu("&Guide")
    path = readme_path()
    titles = list(readme_sections(path.read_text(encoding="utf-8"))) if path.is_file() else []
    for title in titles:
        action = guide.addAction(f"{title}…")
        action.triggered.connect(lambda _checked=False, t=title: open_section(t))
    if not titles:  # an installed copy without its README
        guide.addAction("The guide is the README at the project's home page").setEnabled(False)
    return guide


def open_help_section(parent: QWidget, title: str) -> HelpDialog:
    text = readme_sections(readme_path().read_text(encoding="utf-8")).get(title, f"No section {title!r}.")
    dialog = HelpDialog(title, text, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
