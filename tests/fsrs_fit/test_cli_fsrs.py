"""``studyapp import-log`` and ``studyapp optimize``, run as real processes on a simulated learner's log."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..test_cli import studyapp as run_studyapp
from .learner_log import FORGETFUL, learner_log


def studyapp(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in UTC: the figures below count the learner's answers in UTC study days (in New York the
    scoring split falls elsewhere: 416 answers after it and 1,672 before, not 422 and 1,676)."""
    return run_studyapp(*args, env={"TZ": "UTC"})


def test_import_log_then_optimize_saves_better_parameters(tmp_path: Path) -> None:
    """A learner who forgets faster than the defaults assume: the fit wins on the answers it never saw."""
    collection = str(tmp_path / "c.db")
    log = learner_log(tmp_path / "log.csv", FORGETFUL, cards=300, days=120, seed=2)
    imported = studyapp("--collection", collection, "import-log", str(log), "--deck", "Real")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "Real: 300 cards and 3,117 reviews imported"

    dry = studyapp("--collection", collection, "optimize", "--deck", "Real", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run: parameters not saved" in dry.stdout

    fitted = studyapp("--collection", collection, "optimize", "--deck", "Real")
    assert fitted.returncode == 0, fitted.stderr
    lines = fitted.stdout.splitlines()
    assert lines[0].startswith("Real: 3,117 reviews")
    before = float(lines[1].split("log loss ")[1].split(",")[0])
    after = float(lines[2].split("log loss ")[1].split(",")[0])
    assert after < before
    assert "RMSE(bins)" in lines[1] and "RMSE(bins)" in lines[2]
    assert lines[3].strip() == (
        "Scored on answers the fit never saw: the 422 from 31 Mar 2025 on (the fit learnt from the 1,676 before): "
        "the fitted parameters predict them better (lower log loss)."
    )
    assert lines[4].strip() == "parameters saved to preset 'Default', used by 2 decks"
    assert lines[5].strip().startswith("rescheduled 300 studied cards in 2 decks: ")
    assert "got a new due date" in lines[5]

    again = studyapp("--collection", collection, "optimize", "--deck", "Real", "--no-reschedule")
    assert again.returncode == 0, again.stderr
    assert "kept the old ones" in again.stdout

    suggested = studyapp("--collection", collection, "suggest-retention", "--deck", "Real", "--json")
    assert suggested.returncode == 0, suggested.stderr
    figures = json.loads(suggested.stdout)
    assert figures["parameters"] == "fitted" and figures["deck_size"] == 300
    assert [p["retention"] for p in figures["points"]][:2] == [0.7, 0.71] and len(figures["points"]) == 28
    assert 0.8 <= figures["suggested"] <= 0.95
    assert "reviews a day" in figures["explanation"]

    decks = json.loads(studyapp("--collection", collection, "decks", "--json").stdout)
    assert {d["name"] for d in decks} == {"Calcinosis", "Real"}


def test_a_bad_log_is_one_line_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("card_id,review_rating,review_time,review_duration\n1,9,2025-01-01T00:00:00Z,5\n")
    result = studyapp("--collection", str(tmp_path / "c.db"), "import-log", str(path), "--deck", "X")
    assert result.returncode == 1
    assert result.stderr.strip() == f"studyapp import-log: {path}: line 2: review_rating '9' is not 1, 2, 3 or 4"
