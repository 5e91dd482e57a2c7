"""``make clock-test``: the tests that read the real clock, run at the hours where a day ends.

Most tests run at a fixed time (``tests/conftest.py``), but the Anki engine, the sync server, and the command line
read the real clock, so a test of theirs can pass at noon and fail at 00:05: the package written before the
04:00 rollover, the sync just after midnight. CI runs once, at whatever hour it is. This script runs those tests
at chosen moments instead, with the clock of every process moved there by libfaketime (``LD_PRELOAD``; the
monotonic clock is left alone, so time-outs still work) and, for some, in a zone other than UTC:

- 01:30 UTC: before the day's rollover hour, after midnight;
- 03:57 UTC: across the 04:00 rollover, while the tests run;
- 23:57 UTC: across midnight;
- 05:30 UTC in America/New_York (00:30 local, the day before): a zone west of UTC, before its rollover.

    .venv/bin/python benchmarks/clock_test.py [--all] [--only NAME] [pytest paths...]

``--all`` runs the whole suite at each moment (about 13 minutes each) instead of the real-clock folders. Prints one
line per moment; exits 1 if any failed. Linux only (elsewhere it says why and exits 0).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A test file that may read the real clock: the command line and an App opened without a clock (SystemClock), the
# Anki engine and its sync server, or the clock itself. About a quarter of the suite.
REAL_CLOCK = re.compile(
    r"studyapp_ok|studyapp\(|\bcli\(|run_command|SystemClock|datetime\.now|time\.time\(\)|from anki|import anki|"
    r"sync_server|App\.open(_to_read)?\([^,)]*\)"
)


def real_clock_tests() -> list[str]:
    """The test files that may read the real clock, themselves or through their folder's fixtures."""

    def reads_clock(path: Path) -> bool:
        return path.is_file() and REAL_CLOCK.search(path.read_text(encoding="utf-8")) is not None

    files = sorted((ROOT / "tests").rglob("test_*.py"))
    return [str(f.relative_to(ROOT)) for f in files if reads_clock(f) or reads_clock(f.parent / "conftest.py")]


# (name, UTC hour and minute the run starts at, TZ)
MOMENTS = [
    ("before-rollover", (1, 30), "UTC"),
    ("across-rollover", (3, 57), "UTC"),
    ("across-midnight", (23, 57), "UTC"),
    ("new-york-night", (5, 30), "America/New_York"),
]


def faketime_env() -> dict[str, str] | str:
    """The variables that load libfaketime into every process, or why it cannot be."""
    if not sys.platform.startswith("linux"):
        return f"libfaketime's LD_PRELOAD is used here on Linux only, not on {sys.platform}"
    try:
        from libfaketime import get_reload_information
    except ImportError:
        return "the libfaketime package is not installed (it is a test dependency: make setup)"
    _, additions = get_reload_information()
    return dict(additions)


def offset_to(hour: int, minute: int, now: datetime) -> int:
    """Seconds from ``now`` to the next ``hour:minute`` UTC (a day ahead at most)."""
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return math.ceil((target - now).total_seconds())


def run_at(name: str, start: tuple[int, int], zone: str, paths: list[str], base: dict[str, str]) -> tuple[bool, str]:
    env = {**os.environ, **base, "TZ": zone, "QT_QPA_PLATFORM": "offscreen"}
    env["FAKETIME"] = f"+{offset_to(*start, datetime.now(timezone.utc))}"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    summary = next((line.strip("= ") for line in reversed(lines) if " in " in line and line[:1].isdigit()), "")
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    took = time.monotonic() - started
    line = f"{name:16} {start[0]:02}:{start[1]:02} UTC, TZ={zone:17} {summary or done.stderr[-200:]} ({took:.0f} s)"
    return done.returncode == 0, "\n".join([line, *(f"    {item}" for item in failed)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="the whole suite at each moment")
    parser.add_argument("--only", choices=[name for name, *_ in MOMENTS], help="one moment only")
    parser.add_argument("paths", nargs="*", help="pytest paths (default: the tests that read the real clock)")
    args = parser.parse_args()
    base = faketime_env()
    if isinstance(base, str):
        print(f"clock test skipped: {base}")
        return 0
    paths = args.paths or (["tests"] if args.all else real_clock_tests())
    print(f"clock test: {'the whole suite' if paths == ['tests'] else f'{len(paths)} test files'} at each moment")
    ok = True
    for name, start, zone in MOMENTS:
        if args.only in (None, name):
            passed, report = run_at(name, start, zone, paths, base)
            print(report, flush=True)
            ok &= passed
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
