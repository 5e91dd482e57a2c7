"""``studyapp import-log`` and ``studyapp optimize``, run as real processes on the real log."""

from __future__ import annotations

import json
from pathlib import Path

from ..test_cli import studyapp


def test_import_log_then_optimize_saves_better_parameters(tmp_path: Path, real_log: Path) -> None:
    collection = str(tmp_path / "c.db")
    imported = studyapp("--collection", collection, "import-log", str(real_log), "--deck", "Real")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "Real: 1205 cards and 12580 reviews imported"

    dry = studyapp("--collection", collection, "optimize", "--deck", "Real", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run: parameters not saved" in dry.stdout

    fitted = studyapp("--collection", collection, "optimize", "--deck", "Real")
    assert fitted.returncode == 0, fitted.stderr
    lines = fitted.stdout.splitlines()
    assert lines[0].startswith("Real: 12580 reviews")
    before = float(lines[1].split("log loss ")[1].split(",")[0])
    after = float(lines[2].split("log loss ")[1].split(",")[0])
    assert after < before
    assert "RMSE(bins)" in lines[1] and "RMSE(bins)" in lines[2]
    assert lines[-1].strip() == "parameters saved to the deck's options preset"

    decks = json.loads(studyapp("--collection", collection, "decks", "--json").stdout)
    assert {d["name"] for d in decks} == {"Calcinosis", "Real"}


def test_a_bad_log_is_one_line_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("card_id,review_rating,review_time,review_duration\n1,9,2025-01-01T00:00:00Z,5\n")
    result = studyapp("--collection", str(tmp_path / "c.db"), "import-log", str(path), "--deck", "X")
    assert result.returncode == 1
    assert result.stderr.strip() == f"studyapp import-log: {path}: line 2: review_rating '9' is not 1, 2, 3 or 4"
