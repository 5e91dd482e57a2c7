"""The ``studyapp`` command run as a user runs it: a fresh process on a given collection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run_studyapp(collection: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``studyapp --collection COLLECTION ARGS...`` in a new process (without the user's STUDYAPP_COLLECTION)."""
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    return subprocess.run(
        [sys.executable, "-m", "studyapp", "--collection", str(collection), *args],
        capture_output=True, text=True, env=environment, cwd=REPO, timeout=timeout,
    )  # fmt: skip


def studyapp_ok(collection: Path, *args: str) -> str:
    """``run_studyapp`` that must succeed without a traceback; its standard output."""
    done = run_studyapp(collection, *args)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout
