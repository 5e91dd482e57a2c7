"""benchmarks/check_speed.py runs end to end at a tiny size, so the script cannot rot. No time is asserted."""

from __future__ import annotations

import math
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import check_speed  # noqa: E402
import generate  # noqa: E402
from suite_api import BenchData  # noqa: E402


def test_the_check_benchmark_at_a_tiny_size(tmp_path: Path) -> None:
    made = generate.ensure(300, 3000, seed=5, decks=5, out=tmp_path / "data")
    assert made.anki_path is not None
    data = BenchData(made.studyapp_path, made.anki_path, made.csv_path, made.cards, made.reviews, made.seed,
                     tmp_path / "work", made.decks)  # fmt: skip
    check, thorough = check_speed.measure_check(data, 2)
    assert check.operation == check_speed.CHECK and len(check.studyapp) == len(check.anki or []) == 2
    assert check.ratio is not None and math.isfinite(check.ratio) and check.met in (True, False)
    assert "300 cards" in check.note and "integrity ok" in check.note
    assert thorough.operation == check_speed.THOROUGH and len(thorough.studyapp) == 2
    assert sorted(path.name for path in (tmp_path / "work").iterdir()) == []  # every copy removed
