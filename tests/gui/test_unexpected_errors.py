"""A bug behind a key or a click, in the real window: logged, told once in a message, and the window goes on.

Qt hands an exception raised in a slot to ``sys.excepthook`` and carries on; before, its traceback went to a terminal
the student does not see and the key seemed to do nothing. ``launch.run_gui`` runs the window under
``UnexpectedErrors``. (pytest-qt's own capture of such exceptions is off here: it would fail the test first.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studyapp.ui.app import dialogs
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.unexpected import UnexpectedErrors

from .support import offscreen_dialog_warning, press

pytestmark = [pytest.mark.qt_no_exception_capture, offscreen_dialog_warning]


def test_a_bug_behind_a_key_is_logged_and_told_once(
    window: MainWindow,
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,  # noqa: ANN001
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the shortcuts list is broken")

    monkeypatch.setattr(dialogs.ShortcutsDialog, "__init__", broken)
    log = tmp_path / "errors.log"
    with UnexpectedErrors(lambda: window, log) as errors:
        press(qtbot, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: errors.box is not None and errors.box.isVisible())
        box = errors.box
        assert box is not None and box.parent() is window
        assert box.text() == "Something went wrong, and what you asked for did not finish."
        assert box.informativeText() == (
            "RuntimeError: the shortcuts list is broken\n\nYour collection is safe: what was saved stays saved, and "
            f"nothing half-done was kept.\n\nThe details, for a bug report, are in {log}."
        )
        box.close()
        press(qtbot, Qt.Key.Key_F1)  # the same again: logged, not shown again
        qtbot.waitUntil(lambda: log.read_text().count("RuntimeError: the shortcuts list is broken") == 2)
        assert errors.box is box
    text = log.read_text()
    assert text.count("Traceback (most recent call last):") == 2 and ", in broken\n" in text
    assert "unexpected error RuntimeError: the shortcuts list is broken" in capsys.readouterr().err
    assert window.isVisible()


def test_the_hook_is_the_windows_only_while_it_runs(tmp_path: Path) -> None:
    import sys

    before = sys.excepthook
    with UnexpectedErrors(lambda: None, tmp_path / "errors.log") as errors:
        assert sys.excepthook == errors.hook
    assert sys.excepthook is before


def test_an_interrupt_is_left_to_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, trace: seen.append(kind))
    with UnexpectedErrors(lambda: None, tmp_path / "errors.log") as errors:
        errors.hook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert seen == [KeyboardInterrupt] and not (tmp_path / "errors.log").exists() and errors.box is None


def test_an_error_on_a_worker_thread_is_logged_without_a_message(tmp_path: Path) -> None:
    import threading

    log = tmp_path / "errors.log"
    with UnexpectedErrors(lambda: None, log) as errors:
        try:
            raise ValueError("from a worker")
        except ValueError as error:
            worker = threading.Thread(target=errors.hook, args=(ValueError, error, error.__traceback__))
            worker.start()
            worker.join()
    assert "ValueError: from a worker" in log.read_text() and errors.box is None
