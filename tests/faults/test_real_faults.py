"""Real faults where this machine can make them: a folder renamed away under the open collection, a
read-only folder, and a tiny filesystem filled to the last byte (root only; skipped with a reason else)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating
from studyapp.services.app import App, StorageError

from ..conftest import REPO, collection_fingerprint
from .support import fill_disk, remount_read_only, tiny_filesystem


def run_studyapp(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    return subprocess.run(
        [sys.executable, "-m", "studyapp", *args], capture_output=True, text=True, env=environment, cwd=REPO, timeout=60
    )


def file_bytes(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` by name and content hash (a WAL collection in a read-only folder cannot
    even be read by SQLite, so its bytes are compared instead)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def first_card_session(app: App):  # noqa: ANN201 - a ReviewSession
    deck = app.find_deck("Calcinosis")
    assert deck is not None
    session = app.review_session(deck.id)
    assert session.next_card() is not None
    return session


def test_answering_after_the_folder_was_renamed_away_saves_nothing(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "usb" / "collection.db"
    app = App.open(path, clock=clock)
    try:
        session = first_card_session(app)
        card = session.current
        (tmp_path / "usb").rename(tmp_path / "moved")  # the drive is gone (its files stay open, elsewhere)
        moved = tmp_path / "moved" / "collection.db"
        before = collection_fingerprint(moved)

        with pytest.raises(StorageError) as raised:
            session.answer(Rating.GOOD)

        assert str(raised.value) == (
            f"{path}: the collection file is no longer reachable (was its folder moved or its drive removed?); "
            "the last change was not saved"
        )
        assert collection_fingerprint(moved) == before
        assert session.current == card
        assert not path.exists()  # nothing was created in its place either
    finally:
        app.close()


@pytest.fixture
def read_only_folder(tmp_path: Path, clock: FixedClock) -> Iterator[Path]:
    """A folder holding a collection, then made read-only: a read-only mount as root, chmod 0o555 else."""
    folder = tmp_path / "readonly"
    if os.name == "posix" and os.geteuid() == 0:  # chmod does not stop root: mount a tmpfs and remount it ro
        with tiny_filesystem(folder, "8m"):
            App.open(folder / "collection.db", clock=clock).close()
            remount_read_only(folder)
            yield folder / "collection.db"
        return
    App.open(folder / "collection.db", clock=clock).close()
    os.remove(folder / "collection.db.lock")  # as if it had been copied here without it
    os.chmod(folder / "collection.db", 0o444)
    os.chmod(folder, 0o555)
    try:
        yield folder / "collection.db"
    finally:
        os.chmod(folder, 0o755)


def test_a_collection_in_a_read_only_folder_is_refused_with_a_clear_message(
    read_only_folder: Path, clock: FixedClock
) -> None:
    path = read_only_folder
    before = file_bytes(path.parent)
    with pytest.raises(StorageError) as raised:
        App.open(path, clock=clock)
    message = (
        f"{path}: the folder or file is read-only; it cannot be opened for study (studyapp saves every answer at once)"
    )
    assert str(raised.value) == message

    # A command that writes; one that only reads opens it read-only (tests/attacks/test_read_only.py).
    result = run_studyapp("--collection", str(path), "add", "--deck", "Calcinosis", "front", "back")
    assert (result.returncode, result.stderr, result.stdout) == (2, f"studyapp: {message}\n", "")
    assert file_bytes(path.parent) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with tiny_filesystem(tmp_path / "small", "4m") as folder:
        yield folder


def test_an_answer_on_a_full_disk_saves_nothing_and_works_once_there_is_room(
    small_disk: Path, clock: FixedClock
) -> None:
    path = small_disk / "collection.db"
    app = App.open(path, clock=clock)
    try:
        session = first_card_session(app)
        card = session.current
        app.collection.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next answer must grow the WAL
        filler = fill_disk(small_disk)
        before = collection_fingerprint(path)

        with pytest.raises(StorageError) as raised:
            session.answer(Rating.GOOD)

        assert str(raised.value) == f"{path}: the disk is full; the last change was not saved"
        assert collection_fingerprint(path) == before
        assert session.current == card
        filler.unlink()
        session.answer(Rating.GOOD)
        assert app.collection.reviews.log_count() == 1
        assert app.collection.integrity_check() == "ok"
    finally:
        app.close()


def test_an_import_on_a_full_disk_is_rolled_back_with_its_media(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "collection.db"
    App.open(path).close()
    source = tmp_path / "big.csv"
    source.write_text("".join(f"Question {i} {'x' * 200}?,Answer {i} {'y' * 200}\n" for i in range(20_000)))
    app = App.open(path)
    try:
        app.collection.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill_disk(small_disk)
        os.truncate(filler, max(0, filler.stat().st_size - 256 * 1024))  # room to start, not to finish
        before = collection_fingerprint(path)

        with pytest.raises(StorageError) as raised:
            app.import_file(source)

        assert str(raised.value) == f"{path}: the disk is full; nothing was imported"
        assert collection_fingerprint(path) == before
        assert app.find_deck("big") is None
        assert app.collection.integrity_check() == "ok"
    finally:
        app.close()


def test_the_command_line_tells_a_full_disk_in_one_line(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "collection.db"
    App.open(path).close()  # closed: no WAL left, the next write must find room
    source = tmp_path / "big.csv"
    source.write_text("".join(f"Question {i} {'x' * 200}?,Answer {i} {'y' * 200}\n" for i in range(20_000)))
    filler = fill_disk(small_disk)
    os.truncate(filler, max(0, filler.stat().st_size - 256 * 1024))
    before = collection_fingerprint(path)

    result = run_studyapp("--collection", str(path), "import", str(source))

    assert result.returncode == 1
    assert result.stderr == f"studyapp import: {path}: the disk is full; nothing was imported\n"
    assert collection_fingerprint(path) == before
