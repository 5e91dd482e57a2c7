"""The GUI tests here use the real main window of tests/gui."""

from tests.gui.conftest import window  # noqa: F401 - a fixture
