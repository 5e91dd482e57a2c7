"""``make crash-test``: kill ``studyapp review`` and ``studyapp import`` with SIGKILL hundreds of times.

After each kill the collection is reopened and checked (see tests/crash/harness.py): integrity, no confirmed
answer lost and none logged twice, every card's schedule the replay of its history, an import either not
there at all or there whole. Prints the figures; exits 1 if any answer was lost or any check failed.

    .venv/bin/python benchmarks/crash_test.py [--reviews 160] [--imports 40] [--rows 30000] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash.trials import run_trials  # noqa: E402 - after the path set-up above


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=160, help="review trials (default 160)")
    parser.add_argument("--imports", type=int, default=40, help="import trials (default 40)")
    parser.add_argument("--rows", type=int, default=30_000, help="rows of the imported CSV (default 30,000)")
    parser.add_argument("--seed", type=int, default=20260301)
    args = parser.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
