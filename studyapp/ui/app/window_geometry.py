"""The main window's size and position, kept in the collection's settings, and its icon."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QWidget

from studyapp.services.app import App
from studyapp.services.paths import resources_dir

GEOMETRY_SETTING = "gui.window_geometry"
DEFAULT_SIZE = (960, 680)
MINIMUM_SIZE = (640, 480)


def app_icon() -> QIcon:
    path = resources_dir() / "icons" / "studyapp.png"
    return QIcon(str(path)) if path.is_file() else QIcon()


def restore_geometry(window: QWidget, app: App) -> None:
    """The size and position saved last time, else the default size, centred on the screen."""
    saved = app.setting(GEOMETRY_SETTING)
    if isinstance(saved, str) and window.restoreGeometry(QByteArray.fromHex(saved.encode("ascii"))):
        return
    window.resize(*DEFAULT_SIZE)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        frame = window.frameGeometry()
        frame.moveCenter(screen.availableGeometry().center())
        window.move(frame.topLeft())


def save_geometry(window: QWidget, app: App) -> None:
    app.set_setting(GEOMETRY_SETTING, bytes(window.saveGeometry().toHex().data()).decode("ascii"))
