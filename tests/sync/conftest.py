"""The real Anki sync server for the sync tests: `python -m anki.syncserver` from the `anki` test dependency.

`sync_server` starts one per test (it is up in well under a second) on 127.0.0.1 and a free port, with its own
temporary SYNC_BASE and two users, waits for GET /health, and kills it by its pid at teardown. `.stop()` and
`.start()` take it down mid-sync and bring it back on the same port with the same data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.sync.engine_device import EngineDevice
    from tests.sync.sides import Here

pytest.importorskip(
    "anki.syncserver", reason="the `anki` test dependency is not installed: no sync server to test against"
)

START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: the kernel kills the server if the test process dies (even by SIGKILL)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


@dataclass
class SyncServer:
    """One running `anki.syncserver`: .endpoint ("http://127.0.0.1:PORT/"), two users, its data folder."""

    base: Path
    port: int = field(default_factory=free_port)
    user: str = "user"
    password: str = "pass"
    user2: str = "other"
    password2: str = "secret2"
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log_path(self) -> Path:
        return self.base.parent / f"{self.base.name}-server.log"

    def start(self) -> None:
        """Start it (again, on the same port and data) and wait until /health answers."""
        if self.process is not None and self.process.poll() is None:
            return
        env = {
            **os.environ,
            "SYNC_USER1": f"{self.user}:{self.password}",
            "SYNC_USER2": f"{self.user2}:{self.password2}",
            "SYNC_BASE": str(self.base),
            "SYNC_HOST": "127.0.0.1",
            "SYNC_PORT": str(self.port),
            "RUST_LOG": "anki=info",
        }
        env.pop("PASSWORDS_HASHED", None)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "anki.syncserver"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"anki.syncserver exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}health", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"anki.syncserver did not answer /health within {START_TIMEOUT:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        """Kill it by its pid (SIGKILL: as abrupt as a server that goes away) and reap it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no server log)"


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[SyncServer]:
    """A fresh `anki.syncserver` on 127.0.0.1 with users user:pass and other:secret2, empty collections."""
    server = SyncServer(base=tmp_path / "syncserver")
    server.base.mkdir()
    for attempt in range(3):  # a free port can be taken between choosing it and the server binding it
        try:
            server.start()
            break
        except RuntimeError:
            if attempt == 2:
                raise
            server.port = free_port()
    try:
        yield server
    finally:
        server.stop()


# The two sides of a collection-sync test (tests/sync/sides.py): studyapp's collection and a phone.


@pytest.fixture
def here(tmp_path: Path, sync_server: SyncServer) -> Iterator[Here]:
    from tests.sync.sides import Here  # (sides imports this module)

    side = Here(tmp_path / "here.db", sync_server)
    yield side
    side.collection.close()


@pytest.fixture
def device(tmp_path: Path, sync_server: SyncServer) -> Iterator[EngineDevice]:
    from tests.sync.engine_device import EngineDevice

    engine = EngineDevice.for_server(tmp_path / "phone", sync_server)
    yield engine
    engine.close()
