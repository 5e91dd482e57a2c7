"""``studyapp stats``: the same figures as the window, as JSON or as a readable summary."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.cli.main import build_parser
from studyapp.cli.stats_command import StatsError, stats_from_args
from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.stats.stats import compute_stats

from ..conftest import REPO
from .history import build_history


def run(app: App, *argv: str) -> str:
    args = build_parser().parse_args(["stats", *argv])
    out = io.StringIO()
    stats_from_args(app, args, out)
    return out.getvalue()


def test_json_is_the_service_figures(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    data = json.loads(run(app, "--json"))
    assert data == json.loads(json.dumps(compute_stats(app).to_json()))
    assert data["scope"] == "All decks"
    assert data["today"]["answers"] == 3 and data["today"]["streak_days"] == 2


def test_one_deck_by_name_ignoring_case(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    data = json.loads(run(app, "--deck", "calcinosis", "--json"))
    assert data["scope"] == "Calcinosis"
    assert data["true_retention"]["young"]["total"] == 2


def test_text_summary(app: App, clock: FixedClock, calcinosis_id: int) -> None:
    build_history(app, clock, calcinosis_id)
    text = run(app, "--deck", "Calcinosis")
    lines = text.splitlines()
    assert lines[0] == "Calcinosis, study day 2026-03-01"
    assert "Today:       3 cards in 0.2 min, Again 33.3% of 3" in lines
    assert "Streak:      2 days" in lines
    assert "Retention:   young 100.0% of 2, mature 33.3% of 3 (desired 90%)" in lines
    assert "Cards:       22 new, 3 learning, 4 review, 0 suspended" in lines


def test_an_unknown_deck_is_an_error(app: App) -> None:
    with pytest.raises(StatsError, match="no deck named 'Nothing'"):
        run(app, "--deck", "Nothing")


def test_the_command_runs_as_a_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "studyapp", "--collection", str(tmp_path / "c.db"), "stats", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["states"] == {"new": 29, "learning": 0, "review": 0, "suspended": 0}
    assert data["today"]["answers"] == 0 and len(data["forecast"]) == 30


def test_namespace_defaults() -> None:
    args = build_parser().parse_args(["stats"])
    assert isinstance(args, argparse.Namespace) and args.deck is None and args.json is False
