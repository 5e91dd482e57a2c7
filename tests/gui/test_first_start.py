"""First start: the welcome on a collection never studied, its buttons, the streak line, Help's README sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTextBrowser

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.welcome import HelpDialog

from .support import press

# The offscreen platform cannot pass a dialog's size limits on, and says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_the_welcome_leads_to_the_sample_deck_and_goes_after_the_first_answer(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    assert window.welcome.isVisible()
    assert "Import your decks" in window.welcome.import_button.text()
    assert not window.deck_list.study_days.isVisible()  # nothing answered: no streak line
    qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.reviewer
    assert window.reviewer.session is not None and window.reviewer.session.deck.name == "Calcinosis"
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    press(qtbot, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    assert not window.welcome.isVisible()
    assert window.deck_list.study_days.isVisible()
    assert window.deck_list.study_days.text() == "Today: 1 answer to 1 card · 1 day in a row."


def test_import_your_decks_asks_for_a_file(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    asked: list[object] = []
    window.choose_import_file = lambda parent: asked.append(parent)  # the file chooser, answered "Cancel"
    qtbot.mouseClick(window.welcome.import_button, Qt.MouseButton.LeftButton)
    assert asked == [window]


def test_help_lists_the_readme_sections_and_shows_one_offline(window: MainWindow, qtbot, app: App) -> None:  # noqa: ANN001
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    guide = next(a.menu() for a in help_menu.actions() if a.text() == "&Guide")
    titles = [action.text() for action in guide.actions()]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "Study…" in titles and "Command line…" in titles
    assert [f"## {t.removesuffix('…')}" for t in titles] == [
        line for line in readme.splitlines() if line.startswith("## ")
    ]
    next(a for a in guide.actions() if a.text() == "Study…").trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, HelpDialog) and w.isVisible())
    text = dialog.findChild(QTextBrowser).toPlainText()
    assert "Quiz modes" in text and "1 2 3 4" in text and "Command line" not in text
    dialog.close()
