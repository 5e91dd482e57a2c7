"""The benchmark suite: every measurement, studyapp beside Anki's engine, on the same data in one run.

Generates (or takes from the cache) a collection for each side with ``generate.py``, runs the measurement
modules in ``MODULES`` (each by name: one that is missing or fails becomes a row saying so), prints a table
of medians, ratios studyapp / anki and targets, and writes it to ``RESULTS.md`` with the machine's details.

    python benchmarks/suite.py [--cards 100000] [--reviews 1000000] [--repeat 5] [--out benchmarks/RESULTS.md]
        [--quick] [--only MODULE ...]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SEED, ensure  # noqa: E402
from suite_api import BenchData, Measurement, Result, module_measurements  # noqa: E402

# Measurement modules, by name; ``import_csv`` is wrapped below while it has no measure_* functions.
MODULES = ["engine_speed", "import_csv", "import_package", "gui_latency", "check_speed", "sync_speed"]
IMPORT = "import the CSV (all cards)"


def _import_adapter(module: object) -> list[Measurement]:
    """``import_csv`` runs each import in a child process. The children are started from a small intermediate
    process: a child's peak memory (``ru_maxrss``) starts at its parent's resident size, and the suite's own is
    hundreds of MB after the other measurements."""

    def measure_import(data: BenchData, repeat: int) -> list[Result]:
        code = """import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import import_csv
runs = {"studyapp": [], "anki": []}
for _ in range(int(sys.argv[3])):
    for side in runs:  # interleaved, so both sides see the same machine
        runs[side].append(import_csv.measure(side, Path(sys.argv[2])))
print(json.dumps(runs))
"""
        done = subprocess.run(
            [sys.executable, "-c", code, str(HERE), str(data.csv_path), str(repeat)], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "import failed")
        runs = json.loads(done.stdout.strip().splitlines()[-1])
        ours = [r["seconds"] for r in runs["studyapp"]]
        theirs = [r["seconds"] for r in runs["anki"]]
        peak = max(r["peak_mb"] for r in runs["studyapp"])
        result = Result(IMPORT, ours, theirs, "s", "ratio <= 1.0", None, f"{data.cards:,} rows")
        result.met = result.ratio is not None and result.ratio <= 1.0
        memory = Result("import peak memory", [peak], [max(r["peak_mb"] for r in runs["anki"])], "MB", "< 300 MB",
                        peak < 300, "each side in a fresh process")  # fmt: skip
        return [result, memory]

    return [Measurement("measure_import", measure_import, (IMPORT, "import peak memory"))]


def measurements_of(name: str) -> list[Measurement]:
    module = importlib.import_module(name)
    found = module_measurements(module)
    if not found and name == "import_csv" and hasattr(module, "measure"):
        found = _import_adapter(module)
    if not found:
        raise LookupError(f"{name} defines no measure_* function")
    return found


def run(data: BenchData, repeat: int, modules: list[str], log: bool = True) -> list[Result]:
    results: list[Result] = []
    for name in modules:
        try:
            found = measurements_of(name)
        except Exception as error:  # noqa: BLE001 - a module's failure is a row, the suite goes on
            results.append(_failure(name, f"{name}: {type(error).__name__}: {error}"))
            continue
        for item in found:
            started = time.perf_counter()
            try:
                produced = item.function(data, repeat)
            except Exception as error:  # noqa: BLE001
                if log:
                    traceback.print_exc()
                for operation in item.operations or (f"{name}.{item.name}",):
                    results.append(_failure(operation, f"failed: {type(error).__name__}: {error}"))
                continue
            results.extend(produced)
            if log:
                print(f"  {name}.{item.name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


def _failure(operation: str, why: str) -> Result:
    return Result(operation, [], None, "ms", "", None, why.splitlines()[0][:160] if why else "failed")


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


def table_rows(results: list[Result]) -> list[list[str]]:
    rows = []
    for r in results:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        met = "—" if r.met is None else ("yes" if r.met else "no")
        rows.append([r.operation, _number(r.studyapp_median, r.unit), _number(r.anki_median, r.unit), ratio,
                     r.target or "—", met, r.note])  # fmt: skip
    return rows


HEADER = ["operation", "studyapp median", "anki median", "ratio", "target", "met", "note"]


def text_table(results: list[Result]) -> str:
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in rows)  # fmt: skip


def markdown(results: list[Result], data: BenchData, repeat: int, seconds: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Made by `make bench` (`benchmarks/suite.py`); studyapp and Anki's engine (the `anki` package) on the",
        "same generated data in the same run. Medians of the repetitions; ratio = studyapp / anki.",
        "",
        "## Machine and data",
        "",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}; anki {_anki_version()}",
        f"- studyapp commit: {commit()}",
        f"- sizes: {data.cards:,} cards in {data.decks} decks, {data.reviews:,} review-log rows (seed {data.seed}); "
        f"{repeat} repetitions; the whole run took {seconds:.0f} s",
        "",
        "## Results",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(" --- " for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in table_rows(results)]
    return "\n".join(lines) + "\n"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=HERE, capture_output=True, text=True).stdout
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.strip() else "") or "unknown"
    except OSError:
        return "unknown"


def _anki_version() -> str:
    try:
        from anki.buildinfo import version

        return str(version)
    except ImportError:
        return "not installed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="5,000 cards, 50,000 reviews, 3 repetitions")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--cache", type=Path, help="where the generated collections go (default: the temp folder)")
    parser.add_argument("--only", nargs="*", default=None, help="measurement modules to run (default: all)")
    args = parser.parse_args(argv)
    if args.quick:
        args.cards, args.reviews, args.repeat = 5_000, 50_000, 3
    started = time.perf_counter()
    made = ensure(args.cards, args.reviews, args.seed, args.decks, args.cache)
    print(
        f"data: {made.cards:,} cards, {made.reviews:,} reviews ({time.perf_counter() - started:.1f} s)", file=sys.stderr
    )
    with tempfile.TemporaryDirectory(prefix="studyapp-bench-") as work:
        assert made.anki_path is not None
        data = BenchData(made.studyapp_path, made.anki_path, made.csv_path, made.cards, made.reviews, made.seed,
                         Path(work), made.decks)  # fmt: skip
        results = run(data, args.repeat, args.only if args.only is not None else MODULES)
    seconds = time.perf_counter() - started
    print(text_table(results))
    args.out.write_text(markdown(results, data, args.repeat, seconds), encoding="utf-8")
    print(f"\nwritten to {args.out} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
