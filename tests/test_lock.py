"""One writer per collection: a second process (or a second App in this one) is refused with a message
naming the file and the process, and writes nothing; a lock left by a killed process is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.services.app import App, CollectionError, CollectionLocked
from studyapp.storage import CollectionLock
from studyapp.storage.lock import lock_path_for

from .conftest import REPO, collection_fingerprint
from .test_cli import studyapp

posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and flock are POSIX")


def already_open(path: Path, pid: int) -> str:
    return f"{path} is already open in another studyapp window (process {pid})"


def owner(path: Path) -> dict[str, object]:
    return json.loads(lock_path_for(path).read_text(encoding="utf-8"))


@pytest.fixture
def other_process(collection_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another studyapp process with the collection open (an App, as the window has), until it is killed."""
    script = (
        "import sys; from studyapp.services.app import App; "
        "App.open(sys.argv[1]); print('open', flush=True); sys.stdin.read()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(collection_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "open\n"  # blocks until the App is open: no sleeping
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=60)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.close()
    process.stdout.close()


@pytest.mark.parametrize("command", [["decks"], ["review", "--deck", "Calcinosis"]])
def test_a_second_process_is_refused_and_writes_nothing(app: App, collection_path: Path, command: list[str]) -> None:
    before = collection_fingerprint(collection_path)
    files_before = sorted(p.name for p in collection_path.parent.iterdir())

    result = studyapp("--collection", str(collection_path), *command, stdin=" 3\n 3\n 3\n")

    assert result.returncode == 2
    assert result.stderr == f"studyapp: {already_open(collection_path, os.getpid())}\n"
    assert result.stdout == ""
    assert collection_fingerprint(collection_path) == before
    assert sorted(p.name for p in collection_path.parent.iterdir()) == files_before
    assert owner(collection_path)["pid"] == os.getpid()  # the holder's lock file is left as it was


@posix_only
def test_a_lock_left_by_a_killed_process_is_taken_over(
    other_process: subprocess.Popen[str], collection_path: Path, clock: FixedClock
) -> None:
    with pytest.raises(CollectionLocked) as refused:
        App.open(collection_path, clock=clock)
    assert str(refused.value) == already_open(collection_path, other_process.pid)
    assert studyapp("--collection", str(collection_path), "decks").returncode == 2

    other_process.send_signal(signal.SIGKILL)  # a crash: no close(), the lock file stays behind
    other_process.wait(timeout=60)
    assert owner(collection_path)["pid"] == other_process.pid  # stale: nobody holds its OS lock

    app = App.open(collection_path, clock=clock)
    try:
        assert owner(collection_path)["pid"] == os.getpid()
        assert app.find_deck("Calcinosis") is not None
        result = studyapp("--collection", str(collection_path), "decks")
        assert result.stderr == f"studyapp: {already_open(collection_path, os.getpid())}\n"
    finally:
        app.close()
    assert studyapp("--collection", str(collection_path), "decks").returncode == 0


def test_opening_the_same_collection_twice_in_one_process_is_refused(app: App, collection_path: Path) -> None:
    before = collection_fingerprint(collection_path)
    with pytest.raises(CollectionLocked) as refused:
        App.open(collection_path)
    assert str(refused.value) == already_open(collection_path, os.getpid())
    assert collection_fingerprint(collection_path) == before
    assert app.deck_counts()  # the first App is unharmed

    app.close()
    again = App.open(collection_path)
    try:
        assert again.find_deck("Calcinosis") is not None
    finally:
        again.close()


def test_a_refused_open_does_not_even_initialise_the_collection(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    lock = CollectionLock.acquire(path)  # a new collection is created empty, to hold the lock on the file itself
    try:
        assert path.stat().st_size == 0
        with pytest.raises(CollectionLocked):
            App.open(path)
        assert path.stat().st_size == 0  # no database, no migrations, no bundled decks
    finally:
        lock.release()
    App.open(path).close()
    assert path.stat().st_size > 0


def test_a_lock_file_is_never_deleted_and_closing_twice_is_harmless(app: App, collection_path: Path) -> None:
    lock_file = lock_path_for(collection_path)
    assert lock_file.exists() and app.lock is not None and app.lock.held
    app.close()
    app.close()
    assert lock_file.exists() and lock_file.read_text(encoding="utf-8") == ""
    assert not app.lock.held


def test_a_lock_file_studyapp_did_not_write_is_left_untouched_and_the_open_refused(collection_path: Path) -> None:
    App.open(collection_path).close()
    before = collection_fingerprint(collection_path)
    lock_path_for(collection_path).write_bytes(b"\xff someone's file, not json")
    with pytest.raises(CollectionError) as refused:
        App.open(collection_path)
    assert str(refused.value) == (
        f"{lock_path_for(collection_path)}: is not a studyapp lock file (it holds something else); it was left "
        f"untouched; remove it if no studyapp has {collection_path} open"
    )
    assert lock_path_for(collection_path).read_bytes() == b"\xff someone's file, not json"
    assert collection_fingerprint(collection_path) == before


def test_an_owner_left_by_a_crash_is_taken_over_when_nobody_holds_the_lock(collection_path: Path) -> None:
    App.open(collection_path).close()
    lock_path_for(collection_path).write_text('{"pid": 1, "host": "elsewhere", "started": "2026"}\n')
    app = App.open(collection_path)
    try:
        assert app.lock is not None and app.lock.took_over
        assert owner(collection_path)["pid"] == os.getpid()
        with pytest.raises(CollectionLocked, match=r"window \(process \d+\)$"):
            App.open(collection_path)
    finally:
        app.close()


def test_a_held_lock_still_being_written_gives_a_message_without_a_pid(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    lock = CollectionLock.acquire(path)
    try:
        os.truncate(lock.path, 0)  # as if the holder had not yet written its pid
        with pytest.raises(CollectionLocked) as refused:
            CollectionLock.acquire(path)
        assert str(refused.value) == f"{path} is already open in another studyapp window"
    finally:
        lock.release()


def test_an_import_job_runs_while_the_app_holds_the_lock(app: App, tmp_path: Path) -> None:
    source = tmp_path / "chemistry.txt"
    source.write_text("What is a mole?\n\n6.022e23 particles.\n", encoding="utf-8")
    assert app.lock is not None and app.lock.held
    assert app.import_file(source).new == 1
    assert app.find_deck("chemistry") is not None
