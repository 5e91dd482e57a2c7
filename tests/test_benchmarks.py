"""The benchmark suite runs end to end at a tiny size (so the scripts cannot rot). No time is asserted."""

from __future__ import annotations

import importlib.util
import math
import sqlite3
import sys
import types
from pathlib import Path

import pytest

from tests.conftest import collection_fingerprint

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import engine_speed  # noqa: E402
import generate  # noqa: E402
import suite  # noqa: E402
from suite_api import BenchData, Result, measurement  # noqa: E402

CARDS, REVIEWS = 300, 3000
ENGINE_ROWS = [engine_speed.DECK_LIST, engine_speed.ANSWER_P50, engine_speed.ANSWER_P95, engine_speed.SEARCH]


def _anki_content(path: Path) -> tuple[list, list, list]:
    conn = sqlite3.connect(path)
    notes = conn.execute("SELECT flds, tags FROM notes ORDER BY id").fetchall()
    revlog = conn.execute("SELECT id, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id").fetchall()
    cards = conn.execute("SELECT type, queue, ivl, reps, lapses, data FROM cards ORDER BY nid").fetchall()
    conn.close()
    return notes, revlog, cards


def test_generation_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    made = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        folder = tmp_path / name
        folder.mkdir()
        generate.generate_both(folder / "s.db", folder / "a.anki2", CARDS, REVIEWS, seed, shift_ms=0)
        made.append((collection_fingerprint(folder / "s.db"), _anki_content(folder / "a.anki2")))
    assert made[0] == made[1]
    assert made[0][0] != made[2][0] and made[0][1] != made[2][1]  # another seed, other data


def test_both_sides_hold_the_same_history(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "s.db", tmp_path / "a.anki2"
    generate.generate_both(ours, theirs, CARDS, REVIEWS, seed=3, decks=10)
    studyapp, anki = sqlite3.connect(ours), sqlite3.connect(theirs)
    assert studyapp.execute("SELECT count(*) FROM review_log").fetchone()[0] == REVIEWS
    assert anki.execute("SELECT count(*) FROM revlog").fetchone()[0] == REVIEWS
    assert studyapp.execute("SELECT count(*) FROM decks").fetchone()[0] == 10
    by_state = dict(studyapp.execute("SELECT state, count(*) FROM cards GROUP BY state").fetchall())
    by_type = dict(anki.execute("SELECT type, count(*) FROM cards GROUP BY type").fetchall())
    assert by_type == {kind: count for kind, count in by_state.items()}
    suspended = studyapp.execute("SELECT count(*) FROM cards WHERE suspended = 1").fetchone()[0]
    assert anki.execute("SELECT count(*) FROM cards WHERE queue = -1").fetchone()[0] == suspended == CARDS // 100
    # The FSRS memory state of every studied card is in its data, as Anki reads it.
    ratings = sorted(row[0] for row in studyapp.execute("SELECT rating FROM review_log"))
    assert ratings == sorted(row[0] for row in anki.execute("SELECT ease FROM revlog"))
    studyapp.close()
    anki.close()
    from anki.collection import Collection

    col = Collection(str(theirs))
    try:
        assert col.get_config("fsrs") is True
        card = col.get_card(col.find_cards("card:1 -is:new")[0])
        assert card.memory_state is not None and card.memory_state.stability > 0
    finally:
        col.close()


def test_the_cache_is_used_again(tmp_path: Path) -> None:
    first = generate.ensure(CARDS, REVIEWS, seed=5, out=tmp_path / "cache")
    stamp = first.studyapp_path.stat().st_mtime_ns
    again = generate.ensure(CARDS, REVIEWS, seed=5, out=tmp_path / "cache")
    assert again == first and again.studyapp_path.stat().st_mtime_ns == stamp


def test_a_missing_or_failing_module_becomes_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = types.ModuleType("broken_bench")

    @measurement("broken row")
    def measure_broken(data: BenchData, repeat: int) -> list[Result]:
        raise RuntimeError("boom")

    @measurement("fine row")
    def measure_fine(data: BenchData, repeat: int) -> list[Result]:
        return [Result("fine row", [1.0], [2.0], "ms", "ratio <= 1.0", True)]

    def measure_helper(csv_path: Path, repeat: int) -> None:  # not a measurement: unmarked, not (data, repeat)
        raise AssertionError("called")

    broken.measure_broken, broken.measure_fine = measure_broken, measure_fine  # type: ignore[attr-defined]
    broken.measure_helper = measure_helper  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "broken_bench", broken)
    data = BenchData(tmp_path / "none.db", tmp_path / "none.anki2", tmp_path / "none.csv", 1, 1, 1, tmp_path)
    results = suite.run(data, 1, ["no_such_benchmark_module", "broken_bench"], log=False)
    assert [r.operation for r in results] == ["no_such_benchmark_module", "broken row", "fine row"]
    assert "ModuleNotFoundError" in results[0].note and results[1].note == "failed: RuntimeError: boom"
    assert results[2].ratio == 0.5 and suite.table_rows(results)[1][3:6] == ["—", "—", "—"]


def test_the_whole_suite_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    gui = importlib.util.find_spec("gui_latency") is not None
    modules = ["engine_speed", "import_csv", *(["gui_latency"] if gui else [])]
    args = ["--cards", str(CARDS), "--reviews", str(REVIEWS), "--repeat", "1", "--cache", str(tmp_path / "data")]
    assert suite.main([*args, "--out", str(out), "--only", *modules]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in ("# Benchmark results", "## Machine and data", "## Results", "| operation | studyapp median"):
        assert heading in text
    assert "cores" in text and "Python" in text and "commit" in text and f"{CARDS:,} cards" in text
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in text.splitlines() if line.startswith("| ")}
    for operation in [*ENGINE_ROWS, engine_speed.FIT, suite.IMPORT]:
        assert operation in rows, operation
        ratio = rows[operation][3]
        assert math.isfinite(float(ratio)), (operation, ratio)  # a number, not a failure's dash
        assert rows[operation][5] in ("yes", "no")
    if gui:
        import gui_latency

        assert gui_latency.KEYPRESS in rows and gui_latency.COLD_START in rows


def test_result_medians_and_ratio() -> None:
    result = Result("x", [3.0, 1.0, 2.0], [4.0, 4.0], "ms", "ratio <= 1.0", None)
    assert (result.studyapp_median, result.anki_median, result.ratio) == (2.0, 4.0, 0.5)
    assert Result("y", [1.0], None, "s", "", None).ratio is None
    assert suite.table_rows([Result("z", [], None, "ms", "", None, "failed: boom")])[0][3:6] == ["—", "—", "—"]


def test_the_package_import_benchmark_at_a_tiny_size(tmp_path: Path) -> None:
    """Both sides import the engine's own export of the generated collection, with its whole history."""
    import import_package

    made = generate.ensure(CARDS, REVIEWS, out=tmp_path / "data")
    assert made.anki_path is not None
    package = import_package.package_of(made.anki_path)
    assert package.stat().st_size > 0 and import_package.package_of(made.anki_path) == package  # made once
    speed, memory = import_package.measure(package, 1)
    assert (speed.operation, memory.operation) == (import_package.SPEED, import_package.MEMORY)
    assert len(speed.studyapp) == len(speed.anki or []) == 1 and speed.met is None
    assert f"engine {CARDS:,}/{REVIEWS:,}" in speed.note and f"ours {CARDS + 29:,}/{REVIEWS:,}" in speed.note
    assert memory.met is True and 0 < memory.studyapp[0] < import_package.TARGET_MB
