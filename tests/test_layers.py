"""The one-way layering, checked by import-linter: core -> storage/importers -> services -> ui/cli."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layering_contracts_hold() -> None:
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("studyapp/core/model.py", "import PySide6.QtCore", "Only studyapp.ui imports Qt"),
        ("studyapp/services/decks/decks.py", "import sqlite3", "Only studyapp.storage speaks SQL"),
        ("studyapp/storage/codec.py", "import studyapp.services.review.review", "Layers"),
        ("studyapp/cli/main.py", "import studyapp.ui.app.launch", "do not depend on each other"),
        # The circle this contract closed: the App builds review sessions, which use the deck tree.
        ("studyapp/services/decks/deck_ops.py", "import studyapp.services.app", "No import cycles"),
        ("studyapp/services/decks/deck_ops.py", "import studyapp.services.fsrs.reschedule", "No import cycles"),
    ],
)
def test_a_violation_is_caught(tmp_path: Path, module: str, line: str, broken: str) -> None:
    """The contracts are not vacuous: the same check fails on a copy of the code with one bad import."""
    shutil.copytree(REPO / "studyapp", tmp_path / "studyapp", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout
    assert any(broken in line and " BROKEN" in line for line in result.stdout.splitlines()), result.stdout
