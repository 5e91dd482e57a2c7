"""A few kills of ``studyapp review`` and ``studyapp import`` (``make crash-test`` runs hundreds): nothing lost."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from .harness import Figures, prepare_review_collection, review_trial
from .trials import run_trials


def test_killed_reviews_and_imports_lose_nothing_and_leave_nothing_half_done(tmp_path: Path) -> None:
    figures = run_trials(tmp_path, reviews=7, imports=3, import_rows=20_000, seed=20260301, say=lambda _line: None)
    report = "\n".join(figures.lines())
    assert figures.trials == 10, report
    assert figures.failures == [], report
    assert (figures.answers_lost, figures.imports_partial) == (0, 0), report
    # Every trial is valid however its kill landed (before the first answer too); the checks ran on each.
    assert figures.review_trials == 7 and figures.import_trials == 3, report


# A reviewer that says "Saved" without saving anything: the harness must catch it.
_LIAR = """
import sys
while True:
    sys.stdout.write("[Enter] show answer, u undo, q quit: "); sys.stdout.flush()
    if not sys.stdin.readline() or not sys.stdin.readline():
        break
    sys.stdout.write("Saved: Good, next in 10m.\\n"); sys.stdout.flush()
"""


def test_the_harness_catches_answers_confirmed_but_not_saved(tmp_path: Path) -> None:
    path = prepare_review_collection(tmp_path, cards=40)
    figures = Figures()
    rng = random.Random(4)
    while figures.answers_confirmed == 0:
        review_trial(path, rng, figures, command=[sys.executable, "-c", _LIAR])
    assert figures.answers_lost == figures.answers_confirmed > 0
    assert "confirmed answers are not in the log" in figures.failures[-1]
