"""Fixtures for the GUI tests: the real main window on a temporary collection, in the light theme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT, install_theme

from .support import open_window


@pytest.fixture
def window(app: App, qtbot) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()
