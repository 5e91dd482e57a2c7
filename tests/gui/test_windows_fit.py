"""Every window and dialog opens within the screen's available area, with its buttons in view.

The tests run on Qt's offscreen platform with one screen of a fixed size (tests/conftest.py gives it a
configuration file from tests/screens/): 1440x900 in the normal run, and 1024x640 in a second pytest
process started by ``test_every_window_fits_a_1024x640_screen``. Windows are opened the way the user
opens them (menu actions of the real main window); what is checked is what a user sees: the frame
inside ``QScreen.availableGeometry()``, each button of the window's button box shown, not covered and
not cut by the window's edge or the screen's.

``WINDOWS`` is the explicit list; ``test_every_top_level_class_is_in_the_list`` fails when a dialog or
window class appears in studyapp/ui without an entry here.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QWidget,
)

import studyapp.ui
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.welcome import open_help_section
from studyapp.ui.app.window_geometry import GEOMETRY_SETTING, WINDOWS_SETTING

from .support import open_window

REPO = Path(__file__).resolve().parents[2]
SCREEN = os.environ.get("STUDYAPP_TEST_SCREEN", "1440x900")

# The offscreen platform cannot pass a dialog's size limits on, nor raise a window, and says so.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


def _studying(window: MainWindow, app: App) -> QWidget:
    """The reviewer with an answer shown (Enter studies the chosen deck, Space shows the answer)."""
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reviewer
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    return window


def _edit(window: MainWindow, app: App) -> QWidget:
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    window.study(deck.id)
    session = window.reviewer.session
    assert session is not None and session.current is not None
    dialog = window.edit_card(session.current.id)
    assert dialog is not None
    return dialog


def _import(window: MainWindow, app: App) -> QWidget:
    dialog = window.open_import_dialog(REPO / "decks" / "calcinosis.txt")
    return dialog


def _corrupt_start(window: MainWindow, app: App) -> QWidget:
    from studyapp.ui.maintenance.backups_dialog import CorruptStartDialog

    dialog = CorruptStartDialog(app.path, "file is not a database", None, app.clock)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def _export_chooser(window: MainWindow, app: App) -> QWidget:
    from studyapp.ui.decks.deck_export import export_dialog

    dialog = export_dialog(window, "Calcinosis")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _card_info(window: MainWindow, app: App) -> QWidget:
    _studying(window, app)
    dialog = window.reviewer.card_actions.show_info()
    assert dialog is not None
    return dialog


def _set_due(window: MainWindow, app: App) -> QWidget:
    _studying(window, app)
    return window.reviewer.card_actions.ask_due_date()


def _custom_study(window: MainWindow, app: App) -> QWidget:
    from studyapp.ui.decks.custom_study_dialog import CustomStudyDialog

    deck = app.find_deck("Calcinosis")
    assert deck is not None
    dialog = CustomStudyDialog(app, deck.id, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _options(window: MainWindow, app: App) -> QWidget:
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    dialog = window.deck_actions.options(deck.id)
    assert dialog is not None
    return dialog


def _sync_progress(window: MainWindow, app: App) -> QWidget:
    from studyapp.services.sync.service import SyncAccount
    from studyapp.ui.sync.sync_progress import SyncProgressDialog

    dialog = SyncProgressDialog(app, SyncAccount("http://192.168.1.20:8080/", "me", "KEY"), parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()  # as Y opens it, without starting a sync
    return dialog


def _sync_conflicts(window: MainWindow, app: App) -> QWidget:
    from datetime import datetime, timezone

    from studyapp.services.sync.service import SyncConflict
    from studyapp.ui.sync.conflicts_dialog import SyncConflictsDialog

    at = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    lost = ("The calcium-phosphate product " * 8, "edited on the phone " * 12)
    found = [SyncConflict(n, 10**15 + n, at, "here", lost, "bio phone", at) for n in range(40)]
    dialog = SyncConflictsDialog(found, timezone.utc, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


# name -> (how the user opens it, the classes it covers)
Opener = Callable[[MainWindow, App], QWidget]
UI = "studyapp.ui."
WINDOWS: dict[str, tuple[Opener, tuple[str, ...]]] = {
    "main window": (lambda window, app: window, (UI + "app.main_window.MainWindow",)),
    "reviewer with the answer": (_studying, ()),
    "browser": (lambda window, app: window.open_browser(), (UI + "browser.browser_window.BrowserWindow",)),
    "statistics": (lambda window, app: window.open_stats(), (UI + "stats.stats_window.StatsWindow",)),
    "import": (_import, (UI + "importing.import_dialog.ImportDialog",)),
    "keyboard shortcuts": (lambda window, app: window.show_shortcuts(), (UI + "app.dialogs.ShortcutsDialog",)),
    "about": (lambda window, app: window.show_about(), ()),
    "help section": (lambda window, app: open_help_section(window, "Study"), (UI + "app.welcome.HelpDialog",)),
    "deck options": (_options, (UI + "decks.deck_options_dialog.DeckOptionsDialog",)),
    "custom study": (_custom_study, (UI + "decks.custom_study_dialog.CustomStudyDialog",)),
    "add": (
        lambda window, app: window.add_cards(),
        (UI + "editing.add_dialog.AddDialog", UI + "editing.discard.AsksBeforeDiscarding"),
    ),
    "edit": (_edit, (UI + "editing.edit_dialog.EditDialog",)),
    "card info": (_card_info, (UI + "review.actions.card_info.CardInfoDialog",)),
    "set due date": (_set_due, (UI + "review.actions.set_due_dialog.SetDueDialog",)),
    "check": (lambda window, app: window.check_collection(), (UI + "maintenance.check_dialog.CheckDialog",)),
    "backups": (lambda window, app: window.backups.open_dialog(), (UI + "maintenance.backups_dialog.BackupsDialog",)),
    "damaged collection": (_corrupt_start, (UI + "maintenance.backups_dialog.CorruptStartDialog",)),
    "settings": (lambda window, app: window.show_settings(), (UI + "app.settings_dialog.SettingsDialog",)),
    "note types": (lambda window, app: window.open_notetypes(), (UI + "notetypes.manager_window.NotetypesWindow",)),
    "image occlusion": (
        lambda window, app: window.open_occlusion(),
        (UI + "occlusion.occlusion_dialog.OcclusionDialog",),
    ),
    "new deck": (lambda window, app: window.deck_actions.new_deck(), (UI + "app.deck_name_prompt.DeckNamePrompt",)),
    "delete deck": (lambda window, app: window.deck_actions.delete("Calcinosis"), ()),
    "export file chooser": (_export_chooser, ()),
    "sync settings": (
        lambda window, app: window.sync.open_settings(),
        (UI + "sync.sync_settings_dialog.SyncSettingsDialog",),
    ),
    "sync progress": (_sync_progress, (UI + "sync.sync_progress.SyncProgressDialog",)),
    "sync conflicts": (_sync_conflicts, (UI + "sync.conflicts_dialog.SyncConflictsDialog",)),
}


def _top_level_classes() -> set[str]:
    """Every QDialog and QMainWindow subclass defined in studyapp/ui, and every QWidget made a window."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(studyapp.ui.__path__, "studyapp.ui."):
        module = importlib.import_module(info.name)
        source = inspect.getsource(module) if not info.ispkg else ""
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != info.name or not issubclass(cls, QWidget):
                continue
            made_window = f"class {name}(" in source and "Qt.WindowType.Window)" in inspect.getsource(cls)
            if issubclass(cls, (QDialog, QMainWindow)) or made_window:
                found.add(f"{info.name}.{name}")
    return found


def test_every_top_level_class_is_in_the_list() -> None:
    covered = {cls for _opener, classes in WINDOWS.values() for cls in classes}
    missing = _top_level_classes() - covered
    assert not missing, f"windows not checked by {Path(__file__).name}: add them to WINDOWS: {sorted(missing)}"


def _buttons(widget: QWidget) -> list[QAbstractButton]:
    """The buttons that close or act for the window: its button boxes', and the reviewer's answer buttons."""
    boxes = [box for box in widget.findChildren(QDialogButtonBox) if box.isVisibleTo(widget)]
    found = [b for box in boxes for b in box.buttons() if b.isVisibleTo(widget)]
    if isinstance(widget, MainWindow) and widget.stack.currentWidget() is widget.reviewer:
        found += [b for b in widget.reviewer.findChildren(QAbstractButton) if b.isVisibleTo(widget)]
    return found


def _assert_in_view(name: str, widget: QWidget) -> None:
    area = widget.screen().availableGeometry()
    assert area.size().toTuple() == tuple(int(n) for n in SCREEN.split("x")), "the screen is not the one asked for"
    frame = widget.frameGeometry()
    assert area.contains(frame), f"{name}: its frame {frame.getRect()} is not within the screen's {area.getRect()}"
    assert widget.width() >= widget.minimumSizeHint().width() and widget.height() >= widget.minimumSizeHint().height()
    inside = widget.geometry()
    for button in _buttons(widget):
        label = f"{name}: the {button.text().replace('&', '')!r} button"
        assert button.isVisible(), f"{label} is hidden"
        assert not button.visibleRegion().isEmpty(), f"{label} is covered"
        rect = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
        assert inside.contains(rect), f"{label} {rect.getRect()} is cut by the window's edge {inside.getRect()}"
        assert area.contains(rect), f"{label} {rect.getRect()} is off the screen {area.getRect()}"


@pytest.mark.parametrize("name", list(WINDOWS))
def test_every_window_fits_the_screen(name: str, window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    opener, _classes = WINDOWS[name]
    shown = opener(window, app)
    qtbot.waitExposed(shown)
    if name == "reviewer with the answer":
        qtbot.waitUntil(lambda: bool(_buttons(shown)) and all(b.isVisible() for b in _buttons(shown)))
        assert len(_buttons(shown)) >= 4  # Again, Hard, Good, Easy
    # the keeper's last look is queued just after the window is shown
    qtbot.waitUntil(lambda: shown.screen().availableGeometry().contains(shown.frameGeometry()), timeout=2000)
    _assert_in_view(name, shown)
    if shown is not window:
        shown.close()


def test_deck_options_stay_in_view_after_suggest_retention(window: MainWindow, app: App, qtbot) -> None:  # noqa: ANN001
    """The FSRS panel grows with its chart: the dialog grows as far as the screen allows, then scrolls."""
    dialog = _options(window, app)
    qtbot.waitExposed(dialog)
    before = dialog.height()
    qtbot.mouseClick(dialog.fsrs.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.fsrs.chart.isVisibleTo(dialog), timeout=60000)
    wanted = dialog.editors_scroll.sizeHint().height()
    qtbot.waitUntil(lambda: dialog.height() > before or dialog.editors_scroll.verticalScrollBar().maximum() > 0)
    _assert_in_view("deck options after Suggest retention", dialog)
    scroll = dialog.editors_scroll
    if scroll.height() < wanted:  # the screen is short: the options scroll, the chart can be reached
        assert scroll.verticalScrollBar().maximum() > 0
    assert dialog.save_button.isVisible()
    dialog.reject()


def test_a_window_opens_where_it_was_and_a_new_session_remembers_it(app: App, qtbot) -> None:  # noqa: ANN001
    first = open_window(app, qtbot)
    browser = first.open_browser()
    qtbot.waitExposed(browser)
    browser.setGeometry(QRect(40, 50, 760, 520))
    qtbot.waitUntil(lambda: browser.geometry() == QRect(40, 50, 760, 520))
    browser.close()
    again = first.open_browser()
    qtbot.waitExposed(again)
    assert again.geometry() == QRect(40, 50, 760, 520)  # in this session
    again.close()
    assert app.setting(WINDOWS_SETTING) is None  # closing a window writes nothing to the collection...
    first.close()
    assert "browser" in app.setting(WINDOWS_SETTING)  # ... closing the main window does

    second = open_window(app, qtbot)
    third = second.open_browser()
    qtbot.waitExposed(third)
    assert third.geometry() == QRect(40, 50, 760, 520)  # in the next
    third.close()
    second.close()


def test_a_place_remembered_on_a_bigger_screen_is_brought_back_in(app: App, qtbot) -> None:  # noqa: ANN001
    big = QWidget()
    big.setGeometry(QRect(900, 700, 2200, 1500))  # a window of a 2560x1600 screen, right and down
    remembered = bytes(big.saveGeometry().toHex().data()).decode("ascii")
    big.deleteLater()
    app.set_setting(GEOMETRY_SETTING, remembered)
    app.set_setting(WINDOWS_SETTING, {"browser": remembered, "stats": remembered})

    window = open_window(app, qtbot)
    _assert_in_view("main window", window)
    for shown in (window.open_browser(), window.open_stats()):
        qtbot.waitExposed(shown)
        qtbot.waitUntil(lambda shown=shown: shown.screen().availableGeometry().contains(shown.frameGeometry()))
        _assert_in_view(shown.objectName(), shown)
        shown.close()
    window.close()


@pytest.mark.skipif(SCREEN != "1440x900", reason="this is the run that starts the 1024x640 one")
def test_every_window_fits_a_1024x640_screen() -> None:
    """The tests above, again, in a pytest of their own on a 1024x640 screen."""
    env = dict(os.environ, STUDYAPP_TEST_SCREEN="1024x640")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider", "-x", "-k", "not a_1024x640"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
