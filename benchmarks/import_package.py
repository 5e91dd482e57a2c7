"""Import a whole studied collection as a package, with its history: studyapp beside the `anki` engine.

The suite's generated Anki collection (100,000 cards in 50 decks, 1,000,000 review-log rows in ``make bench``) is
exported once by the engine itself as an ``.apkg`` with scheduling (what a student brings from Anki), then imported
by each side in a fresh child process, in turn: studyapp's ``import --with-history`` (every answer replayed) and the
engine's ``import_anki_package`` with scheduling (its rows copied as they are). Reported: each side's seconds, and
studyapp's peak memory, whose target is issue 12's "under 300 MB for any package".

    python benchmarks/import_package.py [--cards 100000] [--reviews 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from suite_api import BenchData, Result, measurement  # noqa: E402

SPEED = "import a studied collection (.apkg with history)"
MEMORY = "import peak memory, .apkg with history"
TARGET_MB = 300


def package_of(anki_path: Path) -> Path:
    """The engine's own export of the collection at ``anki_path`` (with scheduling), made once beside it."""
    target = anki_path.with_name("studied.apkg")
    if target.exists() and target.stat().st_mtime >= anki_path.stat().st_mtime:
        return target
    from anki.collection import Collection, ExportAnkiPackageOptions

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "collection.anki2"
        shutil.copyfile(anki_path, copy)
        col = Collection(str(copy))
        try:
            options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False)
            col.export_anki_package(out_path=str(target.with_suffix(".tmp")), options=options, limit=None)
        finally:
            col.close()
    target.with_suffix(".tmp").replace(target)
    return target


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(side: str, package: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        if side == "studyapp":
            import random
            from datetime import datetime, timezone

            import studyapp.services.importing.import_job  # noqa: F401  loaded before the clock, as anki's are
            from studyapp.core.clock import FixedClock
            from studyapp.core.drafts import ImportOptions
            from studyapp.services.app import App

            app = App.open(Path(folder) / "c.db", FixedClock(datetime.now(timezone.utc)), random.Random(1))
            started = time.perf_counter()
            summary = app.import_file(Path(package), options=ImportOptions(include_history=True))
            seconds = time.perf_counter() - started
            cards = app.collection.db.execute("SELECT count(*) FROM cards").fetchone()[0]
            log = app.collection.db.execute("SELECT count(*) FROM review_log").fetchone()[0]
            assert summary.new > 0, summary
            app.close()
        else:
            from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

            col = Collection(str(Path(folder) / "collection.anki2"))
            started = time.perf_counter()
            options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
            col.import_anki_package(ImportAnkiPackageRequest(package_path=package, options=options))
            seconds = time.perf_counter() - started
            cards, log = col.card_count(), col.db.scalar("select count() from revlog")
            col.close()
    return {"seconds": seconds, "peak_mb": _peak_mb(), "cards": cards, "log": log}


def _run(side: str, package: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", side, str(package)], capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"{side}: {lines[-1] if lines else 'failed'}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(package: Path, repeat: int) -> list[Result]:
    runs: dict[str, list[dict]] = {"studyapp": [], "anki": []}
    for _ in range(repeat):
        for side, reports in runs.items():  # in turn, so both see the same machine
            reports.append(_run(side, package))
    ours, theirs = runs["studyapp"], runs["anki"]
    last = ours[-1]
    counted = f"cards/log rows after: ours {last['cards']:,}/{last['log']:,}, engine {theirs[-1]['cards']:,}/" \
              f"{theirs[-1]['log']:,}"  # fmt: skip
    speed = Result(SPEED, [r["seconds"] for r in ours], [r["seconds"] for r in theirs], "s", "—", None,
                   f"for the record: ours replays every answer, the engine copies its rows; {counted}")  # fmt: skip
    peak = max(r["peak_mb"] for r in ours)
    memory = Result(MEMORY, [peak], [max(r["peak_mb"] for r in theirs)], "MB", f"< {TARGET_MB} MB",
                    peak < TARGET_MB, "each side in a fresh process")  # fmt: skip
    return [speed, memory]


@measurement(SPEED, MEMORY)
def measure_package_import(data: BenchData, repeat: int) -> list[Result]:
    """On the suite's data, at most 2 rounds (each imports the whole collection twice)."""
    return measure(package_of(data.anki_path), min(repeat, 2))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        print(json.dumps(child(argv[1], argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    from generate import ensure

    made = ensure(args.cards, args.reviews)
    assert made.anki_path is not None
    for result in measure(package_of(made.anki_path), args.repeat):
        print(f"{result.operation}: studyapp {statistics.median(result.studyapp):.2f} {result.unit}, anki "
              f"{statistics.median(result.anki or [0]):.2f} {result.unit}; {result.note}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
