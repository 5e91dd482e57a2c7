"""The window as a whole: size and position remembered, Ctrl+Q, the Help menu, and starting up."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication

import studyapp
from studyapp.services.app import App
from studyapp.ui.app import launch
from studyapp.ui.app.dialogs import ShortcutsDialog
from studyapp.ui.app.main_window import DEFAULT_SIZE, GEOMETRY_SETTING, MainWindow
from studyapp.ui.app.style import DARK, LIGHT, install_theme, render_stylesheet, theme_for

from .support import offscreen_dialog_warning, open_window, press


def test_a_new_collection_opens_a_window_of_the_default_size(window: MainWindow) -> None:
    assert (window.width(), window.height()) == DEFAULT_SIZE
    assert window.windowTitle() == "studyapp"


def test_size_and_position_are_remembered_in_the_collection(app: App, qtbot) -> None:
    first = open_window(app, qtbot)
    first.setGeometry(QRect(30, 40, 700, 500))
    qtbot.waitUntil(lambda: first.geometry() == QRect(30, 40, 700, 500))
    first.close()
    assert isinstance(app.collection.setting(GEOMETRY_SETTING), str)

    second = open_window(app, qtbot)
    assert second.geometry() == QRect(30, 40, 700, 500)
    second.close()


def test_ctrl_q_closes_the_window_from_the_deck_list(window: MainWindow, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_ctrl_q_closes_the_window_while_studying(window: MainWindow, app: App, qtbot) -> None:
    press(qtbot, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    press(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
    assert app.collection.setting(GEOMETRY_SETTING) is not None


def test_the_menus_hold_import_quit_shortcuts_and_about(window: MainWindow) -> None:
    menus = {action.text().replace("&", ""): action.menu() for action in window.menuBar().actions()}
    assert list(menus) == ["File", "Decks", "Tools", "Help"]
    file_items = [a.text().replace("&", "") for a in menus["File"].actions() if not a.isSeparator()]
    help_items = [a.text().replace("&", "") for a in menus["Help"].actions()]
    assert file_items == ["Add cards…", "Import…", "Export deck…", "Browse cards…", "Backups…", "Quit"]
    assert help_items == ["Keyboard shortcuts", "Guide", "About studyapp"]  # Guide: the README's sections
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


@offscreen_dialog_warning
def test_f1_lists_every_key(window: MainWindow, qtbot) -> None:
    press(qtbot, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ShortcutsDialog)))
    dialog = next(d for d in window.findChildren(ShortcutsDialog) if d.isVisible())
    text = dialog.text()
    for key in ("Space / Enter", "1", "2", "3", "4", "Ctrl+Z", "Esc", "Ctrl+Q", "Ctrl+I", "Ctrl+E", "F1", "Enter"):
        assert key in text.splitlines()
    dialog.reject()


@offscreen_dialog_warning
def test_about_names_the_version_and_fsrs(window: MainWindow, qtbot) -> None:
    box = window.show_about()
    qtbot.waitUntil(box.isVisible)
    assert f"studyapp {studyapp.__version__}" in box.text()
    assert "FSRS-6" in box.text()
    box.accept()


def test_the_style_sheet_fills_every_colour_for_both_themes() -> None:
    for theme in (LIGHT, DARK):
        sheet = render_stylesheet(theme)
        assert "@" not in sheet
        assert theme.accent in sheet
    with pytest.raises(KeyError):
        render_stylesheet(LIGHT, "QLabel { color: @nonsense; }")


def test_the_dark_theme_installs_and_widgets_follow_it(app: App, qtbot) -> None:
    qt_app = QApplication.instance()
    try:
        install_theme(qt_app, DARK)
        shown = open_window(app, qtbot)
        assert theme_for(shown.deck_list.palette()) is DARK
        shown.close()
    finally:
        install_theme(qt_app, LIGHT)


def test_a_file_that_is_not_a_collection_is_refused_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes, not a database\n")
    shown: list[str] = []
    monkeypatch.setattr(launch, "show_startup_error", shown.append)

    assert launch.run_gui(path) == launch.EXIT_CANNOT_OPEN

    assert path.read_bytes() == b"my precious notes, not a database\n"
    assert len(shown) == 1 and "notes.db" in shown[0] and "\n" not in shown[0]
    assert shown[0] in capsys.readouterr().err
    install_theme(QApplication.instance(), LIGHT)


def test_run_gui_shows_the_window_and_returns_0_when_it_closes(tmp_path: Path, qtbot) -> None:
    closed: list[str] = []

    def close_main_window() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                closed.append(widget.windowTitle())
                widget.close()

    QTimer.singleShot(0, close_main_window)
    assert launch.run_gui(tmp_path / "collection.db") == 0
    assert closed == ["studyapp"]
    assert QApplication.applicationName() == "studyapp"
    assert (tmp_path / "collection.db").exists()
    install_theme(QApplication.instance(), LIGHT)
