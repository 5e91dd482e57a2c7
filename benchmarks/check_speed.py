"""Check Collection beside Anki's Check Database, on the same generated collection (a suite module).

- studyapp: ``run_check`` as ``studyapp check`` runs it: SQLite's ``quick_check`` (on a thread of its own) and
  ``foreign_key_check``, every card's answers replayed with its deck's options and compared with its stored
  schedule, cards dated far ahead, media, the search index checked and rebuilt. The generated collection's
  schedules come from a simple simulated learner, not from FSRS, so about two thirds of the cards are reported
  as mismatches: the check does all of its work, the report included.
- anki: ``col.fix_integrity()``, what Tools → Check Database runs: ``quick_check``, ``VACUUM`` and ``ANALYZE``,
  every card's and review's properties checked, every note re-saved with its card generation (its scheduler
  state is not replayed).

Both write (studyapp rebuilds its search index; Anki vacuums the file), so each repetition of each side runs on
a fresh copy of the collection, made before the clock starts; the sides take turns. The collection is opened
before the clock starts on both sides. ``--thorough`` (``PRAGMA integrity_check``, every index against its
table) is timed too, for the record.

    python benchmarks/check_speed.py [--cards N --reviews N] [--repeat K]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW  # noqa: E402
from suite_api import BenchData, Result, measurement  # noqa: E402

CHECK = "check collection (studyapp check / anki Check Database)"
THOROUGH = "check collection --thorough (integrity_check)"
TARGET_S = 10.0


def _fresh(source: Path, target: Path) -> Path:
    """A private copy of a collection file (with its WAL, if one was left)."""
    shutil.rmtree(target.parent, ignore_errors=True)
    target.parent.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        extra = Path(str(source) + suffix)
        if extra.exists():
            shutil.copyfile(extra, Path(str(target) + suffix))
    return target


def studyapp_check(path: Path, thorough: bool = False) -> tuple[float, str]:
    """Seconds of one ``run_check`` on the collection at ``path`` (opened before the clock starts), and a summary."""
    from studyapp.core.clock import FixedClock
    from studyapp.services.maintenance.check import run_check
    from studyapp.services.media.media import media_dir_for
    from studyapp.storage import Collection

    with Collection.open(path) as collection:
        started = time.perf_counter()
        report = run_check(collection, FixedClock(NOW), random.Random(1), media_dir_for(path), thorough=thorough)
        seconds = time.perf_counter() - started
    summary = f"{report.cards:,} cards, {len(report.mismatches):,} mismatches, integrity {report.integrity[0]}"
    return seconds, summary


def anki_check(path: Path) -> float:
    """Seconds of one ``col.fix_integrity()`` (Anki's Check Database) on the collection at ``path``."""
    from anki.collection import Collection

    collection = Collection(str(path))
    try:
        started = time.perf_counter()
        _problems, _ok = collection.fix_integrity()
        return time.perf_counter() - started
    finally:
        collection.close()


@measurement(CHECK, THOROUGH)
def measure_check(data: BenchData, repeat: int) -> list[Result]:
    ours: list[float] = []
    theirs: list[float] = []
    summary = ""
    for run in range(repeat):
        copy = _fresh(data.studyapp_path, data.workdir / f"check-{run}" / "collection.db")
        seconds, summary = studyapp_check(copy)
        ours.append(seconds)
        shutil.rmtree(copy.parent, ignore_errors=True)
        anki_copy = _fresh(data.anki_path, data.workdir / f"check-anki-{run}" / "collection.anki2")
        theirs.append(anki_check(anki_copy))
        shutil.rmtree(anki_copy.parent, ignore_errors=True)
    thorough: list[float] = []
    for run in range(min(repeat, 2)):
        copy = _fresh(data.studyapp_path, data.workdir / f"check-thorough-{run}" / "collection.db")
        thorough.append(studyapp_check(copy, thorough=True)[0])
        shutil.rmtree(copy.parent, ignore_errors=True)
    check = Result(CHECK, ours, theirs, "s", f"< {TARGET_S:.0f} s", None, summary)
    check.met = check.studyapp_median is not None and check.studyapp_median < TARGET_S
    return [check, Result(THOROUGH, thorough, None, "s", "—", None, "for the record: not what the window runs")]


def main(argv: list[str] | None = None) -> int:
    from generate import ensure
    from suite import text_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args(argv)
    made = ensure(args.cards, args.reviews, out=args.cache)
    assert made.anki_path is not None
    import tempfile

    with tempfile.TemporaryDirectory(prefix="studyapp-check-") as work:
        data = BenchData(made.studyapp_path, made.anki_path, made.csv_path, made.cards, made.reviews, made.seed,
                         Path(work), made.decks)  # fmt: skip
        print(text_table(measure_check(data, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
