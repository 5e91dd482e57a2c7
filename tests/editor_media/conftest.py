"""The GUI fixtures of tests/gui (the real main window on a temporary collection)."""

from tests.gui.conftest import window  # noqa: F401 - a fixture
