"""Starting the window: the Qt application, the collection, the main window, and a clean exit."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from studyapp.services.app import App, CollectionError, ImportFailure
from studyapp.services.paths import APP_NAME, default_collection_path
from studyapp.ui.main_window import MainWindow, app_icon
from studyapp.ui.style import install_theme

EXIT_CANNOT_OPEN = 2


def show_startup_error(message: str) -> None:
    """Tell the user, before any window exists, why the collection cannot be opened."""
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "studyapp cannot open its collection.")
    box.setInformativeText(message)
    box.exec()


def _qt_application() -> QApplication:
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0] if sys.argv else APP_NAME])
    qt_app.setApplicationName(APP_NAME)
    qt_app.setApplicationDisplayName(APP_NAME)
    qt_app.setDesktopFileName(APP_NAME)
    qt_app.setWindowIcon(app_icon())
    install_theme(qt_app)
    return qt_app


def run_gui(collection_path: Path | None) -> int:
    """Open the collection in the main window and run until it closes; 2 if it cannot be opened."""
    qt_app = _qt_application()
    path = Path(collection_path) if collection_path is not None else default_collection_path()
    try:
        app = App.open(path)
    except (CollectionError, ImportFailure) as error:
        message = str(error)
        print(f"studyapp: {message}", file=sys.stderr)
        show_startup_error(message)
        return EXIT_CANNOT_OPEN
    try:
        window = MainWindow(app)
        window.show()
        # Ask for the keyboard focus: without a window manager (a bare X server, a kiosk) the
        # window would otherwise receive keys but never become active, and Ctrl+Q would not fire.
        window.activateWindow()
        qt_app.exec()
    finally:
        app.close()
    return 0
