"""Starting the window: the Qt application, the collection, the main window, and a clean exit.

For the start-up benchmark, ``STUDYAPP_EXIT_AFTER_FIRST_PAINT=1`` makes the window quit as soon as the deck
list has been painted, after printing how long after the process's start that was (``benchmarks/gui_latency.py``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox

from studyapp.core.clock import Clock
from studyapp.services.app import App, CollectionError, CollectionLocked, ImportFailure
from studyapp.services.clock import SystemClock
from studyapp.services.maintenance.backups import (
    is_damaged,
    needs_startup_check,
    newest_good_backup,
    open_app,
    startup_problem,
)
from studyapp.services.paths import APP_NAME, default_collection_path
from studyapp.ui.app.main_window import MainWindow, app_icon
from studyapp.ui.app.style import install_theme
from studyapp.ui.app.unexpected import UnexpectedErrors

EXIT_CANNOT_OPEN = 2


ALREADY_OPEN = "This collection is already open in another studyapp window."


def show_startup_error(message: str, headline: str = "studyapp cannot open its collection.") -> None:
    """Tell the user, before any window exists, why the collection cannot be opened."""
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, headline)
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


NO_DISPLAY = (
    "no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set): run studyapp in a desktop"
    " session, or study in this terminal with 'studyapp review'"
)


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no window can open here (one line), or None. Qt itself would print a misleading hint about a
    missing library and abort the process; on Linux without a display server there is nothing to show on."""
    if not platform.startswith("linux"):
        return None
    wanted = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if wanted and wanted not in ("xcb", "wayland", "wayland-egl"):
        return None  # offscreen, vnc, eglfs, linuxfb...: Qt was told where to draw
    has_x, has_wayland = bool(environ.get("DISPLAY")), bool(environ.get("WAYLAND_DISPLAY"))
    if (wanted == "xcb" and not has_x) or (wanted.startswith("wayland") and not has_wayland):
        return NO_DISPLAY
    return None if has_x or has_wayland else NO_DISPLAY


def run_gui(collection_path: Path | None) -> int:
    """Open the collection in the main window and run until it closes; 2 if it cannot be opened."""
    problem = display_problem(os.environ)
    if problem is not None and QApplication.instance() is None:
        print(f"studyapp: {problem}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    qt_app = _qt_application()
    path = Path(collection_path) if collection_path is not None else default_collection_path()
    try:
        app = open_or_recover(path)
    except (CollectionError, ImportFailure) as error:
        message = str(error)
        print(f"studyapp: {message}", file=sys.stderr)
        if isinstance(error, CollectionLocked):  # a second window: nothing was read or written
            show_startup_error(message, ALREADY_OPEN)
        else:
            show_startup_error(message)
        return EXIT_CANNOT_OPEN
    if app is None:  # damaged, and no backup was restored: the dialog has said why
        return EXIT_CANNOT_OPEN
    try:
        window = MainWindow(app)
        with UnexpectedErrors(lambda: window if window.isVisible() else None):
            window.show()
            show_upgrade_notice(window, app)
            # Ask for the keyboard focus: without a window manager (a bare X server, a kiosk) the
            # window would otherwise receive keys but never become active, and Ctrl+Q would not fire.
            window.activateWindow()
            if os.environ.get("STUDYAPP_EXIT_AFTER_FIRST_PAINT") == "1":
                from studyapp.ui.app.latency_probe import exit_after_first_paint

                exit_after_first_paint(qt_app, window.deck_list.table)
            qt_app.exec()
    finally:
        app.close()
    return 0


UPGRADE_NOTICE_MS = 60_000


def show_upgrade_notice(window: QMainWindow, app: App) -> None:
    """What the first open by this version changed (``App.upgrade_notice``), for a minute in the status bar."""
    if app.upgrade_notice:
        bar = window.statusBar()
        bar.show()
        bar.showMessage(app.upgrade_notice, UPGRADE_NOTICE_MS)


def open_or_recover(path: Path, clock: Clock | None = None) -> App | None:
    """Open the collection; if it is damaged, offer its newest good backup (``None``: not restored).

    Damaged means an SQLite file that cannot be read or fails ``PRAGMA quick_check``. Any other failure
    (a lock, a full disk, a file that is not ours) is raised as before.
    """
    clock = clock or SystemClock()
    try:
        app = open_app(path, clock)
    except CollectionError as error:
        if not is_damaged(path, error):
            raise
        problem = str(error)
    else:
        problem = startup_problem(app) if needs_startup_check(app) else None
        if problem is None:
            return app
        app.close()
    print(f"studyapp: {problem}", file=sys.stderr)
    from studyapp.ui.maintenance.backups_dialog import CorruptStartDialog

    dialog = CorruptStartDialog(path, problem, newest_good_backup(path, clock.now()), clock)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return open_app(path, clock)
