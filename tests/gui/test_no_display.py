"""Without a display, ``studyapp`` says so in one line and exits 2 (Qt would abort with a misleading hint)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.ui.app.launch import NO_DISPLAY, display_problem


@pytest.mark.parametrize(
    ("environ", "platform", "problem"),
    [
        ({}, "linux", True),  # over ssh: nothing set
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),  # tests, benchmarks, the screenshot gallery
        ({"QT_QPA_PLATFORM": "vnc:size=1024x640"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),  # X asked for, none there
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, "linux", True),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_which_environments_have_no_display(environ: dict[str, str], platform: str, problem: bool) -> None:
    assert (display_problem(environ, platform) == NO_DISPLAY) is problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display servers checked are Linux's")
def test_the_command_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
    }
    collection = tmp_path / "collection.db"
    done = subprocess.run(
        [sys.executable, "-m", "studyapp.main", "--collection", str(collection)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"studyapp: {NO_DISPLAY}"]
    assert not collection.exists()  # nothing was opened or made
