"""``make crash-test``: kill ``studyapp review`` and ``studyapp import`` with SIGKILL hundreds of times.

After each kill the collection is reopened and checked (see tests/crash/harness.py): integrity, no confirmed
answer lost and none logged twice, every card's schedule the replay of its history, an import either not
there at all or there whole. Prints the figures; exits 1 if any answer was lost or any check failed.

    .venv/bin/python benchmarks/crash_test.py [--reviews 160] [--imports 40] [--rows 30000] [--seed N]

With ``--power-cut [--trials 40]``: power cuts instead of kills (see tests/crash/power_cut.py). The collection
lives on a small ext4 image mounted through a loop device; after studyapp confirms answers, an import or a
restore, the raw image is copied without unmounting or syncing (the power cut), the copy is mounted and every
confirmed change must be in it. Needs Linux, root and loop devices; elsewhere it says why in one line and is
skipped (exit status 0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash.power_cut import run_power_cuts, unavailable  # noqa: E402 - after the path set-up above
from tests.crash.trials import run_trials  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=160, help="review trials (default 160)")
    parser.add_argument("--imports", type=int, default=40, help="import trials (default 40)")
    parser.add_argument("--rows", type=int, default=30_000, help="rows of the imported CSV (default 30,000)")
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--power-cut", action="store_true", help="power cuts on an ext4 image instead of kills")
    parser.add_argument("--trials", type=int, default=40, help="power cuts (default 40: reviews, imports, restores)")
    args = parser.parse_args()
    if args.power_cut:
        return power_cut(args.trials, args.seed)
    started = time.monotonic()
    print(f"crash test: {args.reviews} review and {args.imports} import trials, seed {args.seed}", flush=True)
    with tempfile.TemporaryDirectory(prefix="studyapp-crash-") as folder:
        figures = run_trials(
            Path(folder), args.reviews, args.imports, args.rows, args.seed, lambda line: print(line, flush=True)
        )
    print("\n".join(figures.lines()))
    print(f"took {time.monotonic() - started:.0f} s")
    ok = not figures.failures and figures.answers_lost == 0 and figures.imports_partial == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


POWER_CUT_IMPORT_ROWS = 500  # an import that fits in the WAL: nothing but its commit syncs it


def power_cut(trials: int, seed: int) -> int:
    reason = unavailable()
    if reason is not None:
        print(f"power-cut test skipped: {reason}")
        return 0
    imports, restores = max(1, trials // 8), max(1, trials // 10)
    reviews = max(1, trials - imports - restores)
    started = time.monotonic()
    print(f"power-cut test: {reviews} review, {imports} import and {restores} restore trials, seed {seed}", flush=True)
    with tempfile.TemporaryDirectory(prefix="studyapp-power-cut-") as folder:
        figures = run_power_cuts(
            Path(folder), reviews, imports, restores, POWER_CUT_IMPORT_ROWS, seed, lambda line: print(line, flush=True)
        )
    print("\n".join(figures.lines()))
    print(f"took {time.monotonic() - started:.0f} s")
    ok = not figures.failures and figures.lost == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
