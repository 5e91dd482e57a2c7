"""The GUI timing machinery (``benchmarks/gui_latency.py``) works on the real window. Times are never asserted."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from studyapp.main import window_collection
from studyapp.ui.app.latency_probe import FIRST_PAINT_PREFIX, KeyToPaintProbe
from studyapp.ui.app.main_window import MainWindow

from .support import press

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import gui_latency  # noqa: E402


def _is_sample(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value) and value >= 0


def test_the_probe_records_one_sample_per_answer_and_none_for_a_reveal(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    press(qtbot, Qt.Key.Key_Return)  # study the bundled deck
    reviewer = window.reviewer
    assert window.stack.currentWidget() is reviewer
    probe = KeyToPaintProbe(reviewer, reviewer.card_view)
    for answered in range(1, 4):
        qtbot.keyClick(reviewer, Qt.Key.Key_Space)  # the reveal is not armed: not measured
        assert reviewer.revealed
        assert not probe.waiting
        probe.arm()
        qtbot.keyClick(reviewer, Qt.Key.Key_3)
        qtbot.waitUntil(lambda: not probe.waiting)  # stopped by the card view's next paint
        assert len(probe.samples) == answered
        assert not reviewer.revealed  # the next card's question
    assert len(window.app.collection.reviews.log()) == 3
    assert all(_is_sample(sample) for sample in probe.samples)
    probe.remove()
    qtbot.keyClick(reviewer, Qt.Key.Key_Space)
    assert len(probe.samples) == 3


def test_the_benchmark_child_measures_each_answer_of_a_generated_collection(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    gui_latency._generate(path, 300, 3000, 7)
    data = gui_latency.BenchData(path, path, path, 300, 3000, 7, tmp_path / "work")
    copy = gui_latency._copy(data, "test")
    samples = gui_latency._child("keypress", copy, "--answers", "4")["samples"]
    assert len(samples) == 4
    assert all(_is_sample(float(sample)) for sample in samples)


def test_the_first_paint_hook_exits_0_and_prints_the_time_since_the_process_started(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYAPP_EXIT_AFTER_FIRST_PAINT": "1"}
    command = [sys.executable, "-m", "studyapp.main", "--collection", str(tmp_path / "collection.db")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith(FIRST_PAINT_PREFIX)]
    assert _is_sample(float(line.removeprefix(FIRST_PAINT_PREFIX).split()[0]))
    assert done.stderr == ""


def test_the_window_alone_skips_the_command_line_parser() -> None:
    assert window_collection([]) == (True, None)
    assert window_collection(["--collection", "a.db"]) == (True, Path("a.db"))
    assert window_collection(["--collection=a.db"]) == (True, Path("a.db"))
    for other in (["decks"], ["--collection", "a.db", "decks"], ["--version"], ["--collection"], ["-h"]):
        assert window_collection(other) == (False, None)


def test_the_benchmark_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert gui_latency.percentile(values, 0.95) == 95.0
    assert gui_latency.percentile(values, 0.5) == 50.0
    assert gui_latency.percentile([3.0], 0.95) == 3.0
