"""Optimize on a worker thread's own connection, and cancelling it: nothing is written unless it commits, and a
cancel says truly whether it came in time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from studyapp.services.app import App
from studyapp.services.cancellation import Cancellation, Cancelled
from studyapp.services.fsrs.optimizer import optimize_on_worker
from studyapp.services.fsrs.review_log_import import import_review_log

from ..conftest import collection_fingerprint
from .test_reschedule import write_log


def _logged(app: App, tmp_path: Path) -> None:
    import_review_log(app, write_log(tmp_path, cards=40), "Log")


def test_the_worker_fits_saves_and_reschedules_through_its_own_connection(app: App, tmp_path: Path) -> None:
    _logged(app, tmp_path)
    cancellation = Cancellation()
    result, saved = optimize_on_worker(app.path, app.clock, 5, "Log", cancellation)
    assert saved.saved and saved.rescheduled is not None and saved.rescheduled.changed > 0
    deck = app.find_deck("Log")
    assert deck is not None and deck.options.parameters == result.parameters  # seen by the window's connection
    assert cancellation.cancel() is False  # too late: it had committed


def test_cancelled_before_it_starts_writes_nothing(app: App, tmp_path: Path) -> None:
    _logged(app, tmp_path)
    before = collection_fingerprint(app.path)
    cancellation = Cancellation()
    assert cancellation.cancel() is True
    with pytest.raises(Cancelled):
        optimize_on_worker(app.path, app.clock, 5, "Log", cancellation)
    assert collection_fingerprint(app.path) == before


def test_cancelled_in_the_middle_of_the_reschedule_rolls_everything_back(app: App, tmp_path: Path) -> None:
    _logged(app, tmp_path)
    before = collection_fingerprint(app.path)

    class CancelInTheReschedule(Cancellation):
        calls = 0

        def check(self) -> None:
            self.calls += 1
            if self.calls == 2:  # the first check is after the fit; the second, the reschedule's first card
                assert self.cancel() is True
            super().check()

    cancellation = CancelInTheReschedule()
    with pytest.raises(Cancelled):
        optimize_on_worker(app.path, app.clock, 5, "Log", cancellation)
    assert cancellation.calls == 2
    assert collection_fingerprint(app.path) == before


def test_a_cancel_waits_for_a_commit_under_way_and_says_it_was_too_late() -> None:
    cancellation = Cancellation()
    answers: list[bool] = []
    canceller = threading.Thread(target=lambda: answers.append(cancellation.cancel()))
    with cancellation.committing():
        cancellation.last_check()  # from here the commit is under way
        canceller.start()
        canceller.join(timeout=0.2)
        assert canceller.is_alive() and answers == []  # waiting for the commit
    canceller.join()
    assert answers == [False]


def test_a_failed_commit_lets_a_later_cancel_through() -> None:
    cancellation = Cancellation()
    with pytest.raises(OSError), cancellation.committing():
        cancellation.last_check()
        raise OSError("disk full")
    assert cancellation.cancel() is True
