"""``make clock-test`` can move the clock: a child process (and the Anki engine in it) sees the chosen hour, and
the files it picks include those that read the real clock. So the tool cannot rot into a run at the real hour."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import clock_test  # noqa: E402


def test_the_files_that_read_the_clock_are_picked() -> None:
    picked = set(clock_test.real_clock_tests())
    # the command line, the engine's round trip, the sync server (through its folder's fixtures), this file
    assert {"tests/test_cli.py", "tests/anki/test_export_roundtrip.py", "tests/sync/test_sync_bulk_cache.py"} <= picked
    assert "tests/test_clock_tool.py" in picked and "tests/test_render.py" not in picked


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="libfaketime is preloaded on Linux only")
@pytest.mark.skipif("FAKETIME" in os.environ, reason="run by make clock-test: this clock is moved already")
def test_a_child_process_and_the_engine_in_it_see_the_moved_clock() -> None:
    env = clock_test.faketime_env()
    assert isinstance(env, dict), env
    now = datetime.now(timezone.utc)
    shift = clock_test.offset_to(3, 57, now)
    assert 0 < shift <= 86400
    script = (
        "import datetime, tempfile, os\n"
        "from anki.collection import Collection\n"
        "print(datetime.datetime.now(datetime.timezone.utc).strftime('%H:%M'))\n"
        "col = Collection(os.path.join(tempfile.mkdtemp(), 'c.anki2'))\n"
        "print(col.crt)\n"
        "col.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env, "TZ": "UTC", "FAKETIME": f"+{shift}"},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    hour_minute, crt = done.stdout.split()
    assert hour_minute in ("03:57", "03:58")
    # the engine's clock too: before the 04:00 rollover its collection's day 0 began at 04:00 the day before
    moved = datetime.fromtimestamp(now.timestamp() + shift, timezone.utc)
    day_zero = moved.replace(hour=4, minute=0, second=0, microsecond=0) - timedelta(days=1)
    assert datetime.fromtimestamp(int(crt), timezone.utc) == day_zero
