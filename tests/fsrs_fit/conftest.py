"""The real review log lives beside the clone (never in it); tests that need it skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import REPO

REAL_LOG = REPO.parent / "shared" / "data" / "fsrs-review-log-12580.csv"


@pytest.fixture
def real_log() -> Path:
    if not REAL_LOG.exists():
        pytest.skip(f"the real review log is not at {REAL_LOG}")
    return REAL_LOG
