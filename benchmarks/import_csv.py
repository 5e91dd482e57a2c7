"""Import a 100,000-row CSV with studyapp and with the `anki` engine's own CSV import, in the same run.

Each side runs in a fresh child process (so peak memory is that side's alone), several times; the table
shows median seconds, the ratio studyapp / anki (goal: 1.0 or lower) and studyapp's peak memory (goal:
under 300 MB). Usage: python benchmarks/import_csv.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "cell",
    "nucleus",
    "membrane",
    "protein",
    "enzyme",
    "acid",
    "base",
    "river",
    "capital",
    "mountain",
    "verb",
    "noun",
    "theorem",
    "proof",
]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic deck: a header row, quoted fields with commas, a few multi-line answers, tags."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("front,back,tags\n")
        for i in range(rows):
            front = f"Question {i}: what is the {rng.choice(WORDS)} of {rng.choice(WORDS)} {i}?"
            back = ", ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            if i % 50 == 0:
                back += "\nSecond line of the answer."
            out.write(f'"{front}","{back}",{rng.choice(WORDS)}_{i % 40}\n')


def run_studyapp(csv_path: Path, work: Path) -> float:
    from datetime import datetime, timezone

    import studyapp.services.importing.import_job  # noqa: F401  loaded before the clock starts, as anki's modules are
    from studyapp.core.clock import FixedClock
    from studyapp.services.app import App

    app = App.open(work / "collection.db", FixedClock(datetime(2026, 3, 1, tzinfo=timezone.utc)), random.Random(1))
    start = time.perf_counter()
    summary = app.import_file(csv_path)
    elapsed = time.perf_counter() - start
    assert summary.new > 0, summary
    app.close()
    return elapsed


def run_anki(csv_path: Path, work: Path) -> float:
    from anki.collection import Collection, ImportCsvRequest

    col = Collection(str(work / "collection.anki2"))
    start = time.perf_counter()
    # A careful user's way: let Anki read the file's metadata (delimiter, header, columns), then import.
    metadata = col.get_csv_metadata(str(csv_path), None)
    log = col.import_csv(ImportCsvRequest(path=str(csv_path), metadata=metadata))
    elapsed = time.perf_counter() - start
    assert len(log.log.new) > 0
    col.close()
    return elapsed


def child(side: str, csv_path: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        elapsed = (run_studyapp if side == "studyapp" else run_anki)(csv_path, Path(work))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb}))


def measure(side: str, csv_path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", side, "--file", str(csv_path)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_import(csv_path: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Both sides on the same file, interleaved ``repeat`` times: ``{side: {"seconds": [...], "peak_mb": [...]}}``."""
    runs: dict[str, dict[str, list[float]]] = {side: {"seconds": [], "peak_mb": []} for side in ("studyapp", "anki")}
    for _ in range(repeat):
        for side, lists in runs.items():  # interleaved, so both sides see the same machine
            result = measure(side, csv_path)
            lists["seconds"].append(result["seconds"])
            lists["peak_mb"].append(result["peak_mb"])
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["studyapp", "anki"])
    parser.add_argument("--file", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.file)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "deck.csv"
        make_csv(csv_path, args.rows)
        runs = measure_import(csv_path, args.repeat)
    ours = statistics.median(runs["studyapp"]["seconds"])
    theirs = statistics.median(runs["anki"]["seconds"])
    our_peak = max(runs["studyapp"]["peak_mb"])
    their_peak = max(runs["anki"]["peak_mb"])
    print(f"import a {args.rows:,}-row CSV ({args.repeat} runs each, median)")
    for side, lists in runs.items():
        print(f"  {side} runs: " + ", ".join(f"{seconds:.2f}" for seconds in lists["seconds"]))
    print(f"{'':10} {'seconds':>8} {'peak MB':>8}")
    print(f"{'studyapp':10} {ours:8.2f} {our_peak:8.0f}")
    print(f"{'anki':10} {theirs:8.2f} {their_peak:8.0f}")
    ratio = ours / theirs
    print(f"ratio studyapp/anki: {ratio:.2f} (goal <= 1.0: {'met' if ratio <= 1.0 else 'MISSED'}); "
          f"peak memory goal < 300 MB: {'met' if our_peak < 300 else 'MISSED'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
