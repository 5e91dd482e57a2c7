"""Which columns the browser shows: a checkable menu on the header, remembered in the collection."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QHeaderView, QMenu

from studyapp.services.app import App
from studyapp.ui.browser.columns import COLUMNS

HIDDEN_COLUMNS_SETTING = "browser.hidden_columns"


def apply_hidden_columns(app: App, header: QHeaderView) -> None:
    """Hide the columns the student hid last time (by key, so reordering the columns keeps the choice)."""
    hidden = app.setting(HIDDEN_COLUMNS_SETTING, [])
    hidden = set(hidden) if isinstance(hidden, list) else set()
    for section, column in enumerate(COLUMNS):
        header.setSectionHidden(section, column.key in hidden)


def set_column_shown(app: App, header: QHeaderView, section: int, shown: bool) -> None:
    """Show or hide one column and remember it; the last visible column cannot be hidden."""
    if not shown and header.count() - header.hiddenSectionCount() <= 1:
        return
    header.setSectionHidden(section, not shown)
    hidden = [column.key for i, column in enumerate(COLUMNS) if header.isSectionHidden(i)]
    app.set_setting(HIDDEN_COLUMNS_SETTING, hidden)


def column_menu(app: App, header: QHeaderView) -> QMenu:
    """The header's context menu: one checkable entry per column."""
    menu = QMenu(header)
    for section, column in enumerate(COLUMNS):
        action = menu.addAction(column.title)
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(section))
        action.toggled.connect(lambda shown, s=section: set_column_shown(app, header, s, shown))
    return menu


def install_column_menu(app: App, header: QHeaderView) -> None:
    def show_menu(point: QPoint) -> None:
        menu = column_menu(app, header)
        menu.popup(header.mapToGlobal(point))

    header.setContextMenuPolicy(header.contextMenuPolicy().CustomContextMenu)
    header.customContextMenuRequested.connect(show_menu)
    apply_hidden_columns(app, header)
