"""Lint and formatting, so CI holds the line on style as well as behaviour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import REPO

RUFF = Path(sys.executable).parent / "ruff"


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RUFF), *args, "--no-cache", "studyapp", "tests", "benchmarks"], cwd=REPO, capture_output=True, text=True
    )


def test_ruff_finds_nothing() -> None:
    result = ruff("check")
    assert result.returncode == 0, result.stdout


def test_code_is_formatted() -> None:
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout
