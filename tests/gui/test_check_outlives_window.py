"""Check Collection cancelled while it runs closes once its worker has stopped; if the main window (and then the
collection) closed meanwhile, the finished dialog reports to no one: no deck list is refreshed from a closed
collection (an error CI met once, when a check outlasted the test that closed its dialog)."""

from __future__ import annotations

import threading

import pytest

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.maintenance import check_dialog
from studyapp.ui.maintenance.check_dialog import CheckDialog
from tests.gui.support import offscreen_dialog_warning


@offscreen_dialog_warning
def test_a_check_stopping_after_the_window_and_collection_closed_touches_neither(
    window: MainWindow,
    app: App,
    qtbot,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    started, go_on = threading.Event(), threading.Event()
    real_run = check_dialog.CheckJob.run

    def slow_run(job):  # noqa: ANN001, ANN202 - the real check, held until the test lets it go
        started.set()
        go_on.wait(10)
        return real_run(job)

    monkeypatch.setattr(check_dialog.CheckJob, "run", slow_run)
    dialog = window.check_collection()
    assert isinstance(dialog, CheckDialog)
    qtbot.waitUntil(started.is_set)
    dialog.reject()  # Cancel: the dialog waits for its worker
    assert dialog.running
    window.close()
    app.close()
    with qtbot.waitSignal(dialog.check_finished, timeout=10_000):
        go_on.set()
    qtbot.wait(50)  # the dialog's finished signal has run (pytest-qt fails the test on an exception in it)
    assert window.has_closed
