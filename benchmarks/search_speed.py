"""Search speed on a large collection: 100,000 cards in 50 decks with 1,000,000 review-log rows.

The collection is made by ``generate.py`` (the studyapp side only), with words drawn from a small
vocabulary so that a search hits thousands of cards, and the simulated learner of ``learner.py``.
Then for each search the time of ``search_card_ids`` plus ``card_rows`` of the first page (50 rows) is
measured, median of 5.

Goal: under 100 ms for a word search's first page.

    python benchmarks/search_speed.py [--cards 100000] [--reviews 1000000] [--seed N] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, SEED, ensure, generate  # noqa: E402

from studyapp.core.clock import FixedClock  # noqa: E402
from studyapp.services.notes.search import SortKey, card_rows, search_card_ids  # noqa: E402
from studyapp.storage import Collection  # noqa: E402

__all__ = ["NOW", "SEARCHES", "generate", "measure"]

PAGE = 50
RUNS = 5


SEARCHES = [
    ("a word", "muscle", SortKey.ADDED),
    ("a phrase", '"immune system"', SortKey.ADDED),
    ("deck:X", "deck:Biology", SortKey.ADDED),
    ("tag:Y", "tag:anatomy", SortKey.ADDED),
    ("is:due", "is:due", SortKey.DUE),
    ("prop:r<0.8", "prop:r<0.8", SortKey.ADDED),
    ("a rare word", "façade", SortKey.ADDED),
    ("prefix", "cardi*", SortKey.ADDED),
    ("word and deck", "nerve deck:Medicine::Organs -is:new", SortKey.ADDED),
    ("everything", "", SortKey.ADDED),
    ("everything by R", "", SortKey.RETRIEVABILITY),
    ("word by question", "muscle", SortKey.QUESTION),
    ("a field, exact", "back:muscle", SortKey.ADDED),
    ("a field, anywhere", "front:*muscle*", SortKey.ADDED),
    ("a field, not ASCII", "front:*façade*", SortKey.ADDED),
    ("word by sort field", "muscle", SortKey.SORT_FIELD),
]


def measure(path: Path) -> list[tuple[str, str, str, int, float, float, float]]:
    collection = Collection.open(path)
    clock = FixedClock(NOW)
    results = []
    try:
        for label, query, sort in SEARCHES:
            totals, id_times, row_times = [], [], []
            hits = 0
            for _ in range(RUNS):
                start = time.perf_counter()
                ids = search_card_ids(collection, clock, query, sort)
                found = time.perf_counter()
                rows = card_rows(collection, clock, ids[:PAGE])
                done = time.perf_counter()
                assert len(rows) == min(PAGE, len(ids))
                hits = len(ids)
                totals.append(done - start)
                id_times.append(found - start)
                row_times.append(done - found)
            results.append(
                (label, query, sort.value, hits, *(1000 * statistics.median(t) for t in (id_times, row_times, totals)))
            )
    finally:
        collection.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated collection and print its path")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="studyapp-search-bench-"))
    path = folder / "collection.db"
    try:
        started = time.perf_counter()
        made = ensure(args.cards, args.reviews, args.seed, with_anki=False)  # generated once, then from the cache
        shutil.copyfile(made.studyapp_path, path)
        wal = Path(f"{made.studyapp_path}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{path}-wal"))
        with Collection.open(path) as collection:
            cards = collection.db.execute("SELECT count(*) FROM cards").fetchone()[0]
            decks = collection.db.execute("SELECT count(*) FROM decks").fetchone()[0]
            logs = collection.reviews.log_count()
        size = path.stat().st_size / 2**20
        print(
            f"{cards:,} cards in {decks} decks with {logs:,} review-log rows "
            f"({size:.0f} MiB), ready in {time.perf_counter() - started:.0f} s."
        )
        print(f"Median of {RUNS}: search_card_ids (all ids, sorted) + card_rows of the first {PAGE} rows.\n")
        rows = measure(path)
        header = ("search", "query", "sort", "cards", "ids ms", "rows ms", "total ms")
        table = [header] + [(a, b, c, f"{d:,}", f"{e:.1f}", f"{f:.1f}", f"{g:.1f}") for a, b, c, d, e, f, g in rows]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        for row in table:
            cells = zip(row, widths, strict=True)
            print("  ".join(cell.ljust(width) if i < 3 else cell.rjust(width) for i, (cell, width) in enumerate(cells)))
        word = rows[0][-1]
        print(f"\nWord search, first page: {word:.1f} ms (goal < 100 ms): {'met' if word < 100 else 'NOT met'}.")
        if args.keep:
            print(f"Collection kept at {path}")
        return 0 if word < 100 else 1
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
