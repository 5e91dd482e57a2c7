"""Tools → Settings: theme, card font size, the hour a new study day starts, and the shortcut keys.

Settings live in the collection (``services.settings``); ``apply_settings`` puts them into effect, at
start-up and when the dialog is saved, so the student sees a change at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.services.app import App, StorageError
from studyapp.services.settings import FONT_SIZES, Settings, load_settings, save_settings
from studyapp.ui.app.dialogs import SHORTCUTS, show_message
from studyapp.ui.app.style import DARK, LIGHT, install_theme
from studyapp.ui.app.window_geometry import remember_geometry
from studyapp.ui.review.card_view import CardView

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def apply_settings(
    settings: Settings, card_views: list[CardView], previous: Settings | None = None, start_up: bool = False
) -> None:
    """Put settings into effect. The theme is installed only when it changed (or at start-up when it is
    not "system": the launcher has already installed the system's), as it restyles every widget.
    """
    for view in card_views:
        font = QFont(view.font())
        font.setPixelSize(settings.card_font_size)
        view.setFont(font)  # the view's document follows its font
    changed = previous is not None and previous.theme != settings.theme
    qt_app = QApplication.instance()
    if isinstance(qt_app, QApplication) and (changed or (start_up and settings.theme != "system")):
        install_theme(qt_app, {"light": LIGHT, "dark": DARK}.get(settings.theme))


class SettingsDialog(QDialog):
    def __init__(self, app: App, card_views: list[CardView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.card_views = card_views
        self.setObjectName("SettingsDialog")
        self.setWindowTitle("Settings")
        current = load_settings(app.collection)

        self.theme = QComboBox()
        for value, label in THEME_LABELS.items():
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(self.theme.findData(current.theme))
        self.font_size = QSpinBox()
        self.font_size.setRange(FONT_SIZES.start, FONT_SIZES.stop - 1)
        self.font_size.setSuffix(" px")
        self.font_size.setValue(current.card_font_size)
        self.rollover = QSpinBox()
        self.rollover.setRange(0, 23)
        self.rollover.setSuffix(":00")
        self.rollover.setValue(current.rollover_hour)
        self.rollover.setToolTip("Cards due \u201ctoday\u201d are due until this hour of the next morning.")

        form = QFormLayout()
        form.addRow("Theme:", self.theme)
        form.addRow("Card text size:", self.font_size)
        form.addRow("A new day starts at:", self.rollover)

        self.shortcuts = QTableWidget(0, 2)
        self.shortcuts.setHorizontalHeaderLabels(["Keys", "Action"])
        self.shortcuts.verticalHeader().hide()
        self.shortcuts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.shortcuts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.shortcuts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for section, rows in SHORTCUTS:
            for keys, action in rows:
                row = self.shortcuts.rowCount()
                self.shortcuts.insertRow(row)
                self.shortcuts.setItem(row, 0, QTableWidgetItem(keys))
                self.shortcuts.setItem(row, 1, QTableWidgetItem(f"{action} ({section.lower()})"))
        header = self.shortcuts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(QLabel("Keyboard shortcuts"))
        layout.addWidget(self.shortcuts, 1)
        layout.addWidget(self.buttons)
        remember_geometry(self, app, "settings", (560, 520))  # where it was last, within the screen

    def settings(self) -> Settings:
        return Settings(str(self.theme.currentData()), self.font_size.value(), self.rollover.value())

    def save(self) -> None:
        previous = load_settings(self.app.collection)
        chosen = self.settings()
        try:
            save_settings(self.app.collection, chosen)
        except StorageError as error:
            show_message(self, QMessageBox.Icon.Warning, "Settings not saved", str(error))
            return
        apply_settings(chosen, self.card_views, previous)
        self.accept()
