"""The main window's menus: File, Decks, Tools and Help, each action kept on the window (``window.stats_action``)
and added to it, so that its shortcut works even when the menu bar is hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from studyapp.ui.app.welcome import open_help_section, readme_help_menu

if TYPE_CHECKING:
    from studyapp.ui.app.main_window import MainWindow


def _action(window: MainWindow, text: str, shortcut: str | None, slot: Callable[[], object]) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def build_menus(window: MainWindow) -> None:
    """File, Decks, Tools and Help, each action also a shortcut of the window (``window.add_action``...)."""
    window.add_action = _action(window, "&Add cards…", "A", window.add_cards)
    window.import_action = _action(window, "&Import…", "Ctrl+I", window.import_deck)
    window.export_action = _action(window, "&Export deck…", "Ctrl+E", window.export_deck)
    window.browse_action = _action(window, "&Browse cards…", "Ctrl+B", window.open_browser)
    window.quit_action = _action(window, "&Quit", "Ctrl+Q", window.close)
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    window.shortcuts_action = _action(window, "&Keyboard shortcuts", "F1", window.show_shortcuts)
    window.about_action = _action(window, "&About studyapp", None, window.show_about)
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
    file_menu = window.menuBar().addMenu("&File")
    file_menu.addAction(window.add_action)
    file_menu.addAction(window.import_action)
    file_menu.addAction(window.export_action)
    file_menu.addAction(window.browse_action)
    window.backups_action = _action(window, "Bac&kups…", None, window.backups.open_dialog)
    file_menu.addAction(window.backups_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    _build_deck_menus(window)
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(window.shortcuts_action)
    readme_help_menu(help_menu, lambda title: open_help_section(window, title))  # the README's sections
    help_menu.addAction(window.about_action)


def _build_deck_menus(window: MainWindow) -> None:
    """Decks and Tools. F2, Delete, O and Ctrl+Z belong to the deck list itself (see ``DeckTable``)."""

    def on_decks(slot: Callable[[], object]) -> Callable[[], object]:
        return lambda: slot() if window.stack.currentWidget() is window.deck_list else None

    actions = window.deck_actions
    window.new_deck_action = _action(window, "&New deck…", "Ctrl+Shift+N", on_decks(actions.new_deck))
    deck_menu = window.menuBar().addMenu("&Decks")
    deck_menu.addAction(window.new_deck_action)
    deck_menu.addAction(_action(window, "&Rename deck…\tF2", None, on_decks(actions.rename)))
    deck_menu.addAction(_action(window, "&Delete deck…\tDel", None, on_decks(actions.delete)))
    deck_menu.addAction(_action(window, "&Options…\tO", None, on_decks(actions.options)))
    deck_menu.addAction(_action(window, "&Custom study…", None, window.custom_study))
    window.settings_action = _action(window, "&Settings…", "Ctrl+,", window.show_settings)
    window.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    tools_menu = window.menuBar().addMenu("&Tools")
    window.stats_action = _action(window, "S&tatistics…", "S", window.open_stats)
    tools_menu.addAction(window.stats_action)
    window.check_action = _action(window, "&Check Collection…", None, window.check_collection)
    tools_menu.addAction(window.check_action)
    window.notetypes_action = _action(window, "&Note Types…", None, window.open_notetypes)
    tools_menu.addAction(window.notetypes_action)
    window.occlusion_action = _action(window, "&Image Occlusion…", None, window.open_occlusion)
    tools_menu.addAction(window.occlusion_action)
    tools_menu.addAction(window.settings_action)
