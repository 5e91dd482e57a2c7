"""A read-only collection (issue 12, point 11): the commands that only read work, the others refuse in one line.

Before the fix a collection in a read-only folder, or a read-only collection file, refused even ``decks``,
``search``, ``export`` and ``backup``. Now those (and ``stats``) open it read-only: no migration, no bundled
deck refresh, no lock file, no ``-wal`` or ``-shm`` (the file alone is opened ``immutable`` when no journal
is beside it), and a shared lock, so readers never read beside a writer. ``backup`` writes into
``<collection>.backups/`` if that folder can be written. Commands that write refuse with the existing line.

Tests run as root, where ``chmod`` stops nothing: the read-only folder is a tmpfs remounted read-only and the
read-only file a read-only bind mount of itself, so the kernel really refuses every write (``EROFS``), as it
does for a user on a read-only disk. Skipped with the reason where nothing can be mounted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from studyapp.services.app import App, CollectionError, CollectionLocked
from studyapp.storage.schema import APPLICATION_ID, MIGRATIONS

from ..conftest import REPO, collection_fingerprint
from ..faults.support import _run, remount_read_only, tiny_filesystem
from ..test_cli import studyapp

NOT_OPENED = "it cannot be opened for study (studyapp saves every answer at once)"

pytestmark = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="read-only mounts need root")


def file_bytes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by name and content hash: nothing may be created, changed or removed."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read_only_line(path: Path) -> str:
    return f"studyapp: {path}: the folder or file is read-only; {NOT_OPENED}\n"


def prepare(path: Path, answers: int = 0) -> None:
    """A collection with the bundled deck, a note of our own, and ``answers`` answers, closed cleanly."""
    assert (
        studyapp("--collection", str(path), "add", "--deck", "Chemistry", "What is a mole?", "6.022e23").returncode == 0
    )
    if answers:
        result = studyapp("--collection", str(path), "review", "--deck", "Calcinosis", stdin="\n3\n" * answers)
        assert result.stdout.count("Saved") == answers, result.stderr


def learning_cards(path: Path, deck: str = "Calcinosis") -> int:
    """The deck's cards in learning, read by ``search`` (at any hour: the deck list counts only those due by the
    end of today's study day, so a 10-minute step taken at 03:55 is not in it)."""
    result = studyapp("--collection", str(path), "search", f"deck:{deck}", "--json")
    assert result.returncode == 0, result.stderr
    return sum(row["state"] == "learning" for row in json.loads(result.stdout))


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """``collection.db`` (2 answers) in a folder on a tmpfs remounted read-only."""
    with tiny_filesystem(tmp_path / "ro", "16m") as folder:
        prepare(folder / "collection.db", answers=2)
        remount_read_only(folder)
        yield folder / "collection.db"


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """``path`` made read-only by a read-only bind mount of itself (its folder stays writable)."""
    if not _run("mount", "--bind", str(path), str(path)):
        pytest.skip("this machine does not let a file be bind-mounted (a container without CAP_SYS_ADMIN?)")
    try:
        assert _run("mount", "-o", "remount,bind,ro", str(path))
        yield path
    finally:
        _run("umount", str(path))


def test_reading_commands_work_in_a_read_only_folder_and_write_nothing(read_only_folder: Path, tmp_path: Path) -> None:
    path = read_only_folder
    before = file_bytes(path.parent)
    assert not (path.parent / "collection.db-wal").exists()  # closed cleanly: the file alone is whole

    result = studyapp("--collection", str(path), "decks", "--json")
    assert result.returncode == 0, result.stderr
    decks = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(decks) == {"Calcinosis", "Chemistry"} and decks["Calcinosis"]["total"] == 29
    assert learning_cards(path) == 2

    result = studyapp("--collection", str(path), "search", "mole", "--json")
    assert result.returncode == 0, result.stderr
    assert [row["question"] for row in json.loads(result.stdout)] == ["What is a mole?"]

    assert studyapp("--collection", str(path), "stats", "--json").returncode == 0

    exported = tmp_path / "chemistry.csv"
    result = studyapp("--collection", str(path), "export", str(exported), "--deck", "Chemistry")
    assert (result.returncode, result.stderr) == (0, "")
    assert "6.022e23" in exported.read_text(encoding="utf-8")

    assert file_bytes(path.parent) == before  # no lock file, no -wal, no -shm, no backup


def test_writing_commands_still_refuse_with_the_existing_line(read_only_folder: Path, tmp_path: Path) -> None:
    path = read_only_folder
    before = file_bytes(path.parent)
    source = tmp_path / "more.txt"
    source.write_text("What is an ion?\n\nA charged atom.\n", encoding="utf-8")
    for command in (
        ["add", "--deck", "Chemistry", "front", "back"],
        ["import", str(source)],
        ["review", "--deck", "Calcinosis"],
        ["check"],
    ):
        result = studyapp("--collection", str(path), *command, stdin=" 3\n")
        assert (result.returncode, result.stderr, result.stdout) == (2, read_only_line(path), ""), command
    assert file_bytes(path.parent) == before


def test_backup_of_a_read_only_collection_needs_a_backups_folder_that_can_be_written(
    read_only_folder: Path,
) -> None:
    path = read_only_folder
    before = file_bytes(path.parent)
    result = studyapp("--collection", str(path), "backup")
    backups = path.with_name("collection.backups")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"studyapp backup: {backups}: cannot be created (")
    assert result.stderr.endswith("; no backup was made\n") and result.stderr.count("\n") == 1
    assert file_bytes(path.parent) == before


def test_backup_of_a_read_only_collection_into_a_writable_backups_folder(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "ro", "16m") as folder:
        path = folder / "collection.db"
        prepare(path, answers=1)
        (folder / "collection.backups").mkdir()
        expected = collection_fingerprint(path)
        remount_read_only(folder)
        before = file_bytes(folder)
        with tiny_filesystem(folder / "collection.backups", "16m") as backups:  # a writable folder inside
            result = studyapp("--collection", str(path), "backup")
            assert result.returncode == 0, result.stderr
            made = Path(result.stdout.strip())
            assert made.parent == backups and made.exists()
            assert collection_fingerprint(made) == expected
        assert file_bytes(folder) == before


def test_a_read_only_file_in_a_writable_folder_is_read_and_nothing_is_created(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    prepare(path, answers=1)
    fingerprint = collection_fingerprint(path)
    with read_only_file(path):
        files = sorted(p.name for p in tmp_path.iterdir())
        result = studyapp("--collection", str(path), "decks")
        assert result.returncode == 0, result.stderr
        assert "Chemistry" in result.stdout
        result = studyapp("--collection", str(path), "add", "--deck", "Chemistry", "front", "back")
        assert (result.returncode, result.stderr) == (2, read_only_line(path))
        assert sorted(p.name for p in tmp_path.iterdir()) == files  # no -wal, no -shm
    assert collection_fingerprint(path) == fingerprint


def crash_after_answers(path: Path, answers: int) -> None:
    """Answer cards in a process that is then killed: its answers are in ``collection.db-wal`` only."""
    script = (
        "import os, signal, sys; from studyapp.core.model import Rating; from studyapp.services.app import App\n"
        "app = App.open(sys.argv[1]); app.collection.db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "session = app.review_session(app.find_deck('Calcinosis').id)\n"
        f"for _ in range({answers}):\n    session.next_card(); session.answer(Rating.GOOD)\n"
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], cwd=REPO, timeout=60)


def test_answers_left_in_the_journal_by_a_crash_are_read(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "ro", "16m") as folder:
        path = folder / "collection.db"
        prepare(path)
        crash_after_answers(path, 3)
        assert (folder / "collection.db-wal").stat().st_size > 0 and (folder / "collection.db-shm").exists()
        remount_read_only(folder)
        before = file_bytes(folder)
        result = studyapp("--collection", str(path), "decks", "--json")
        assert result.returncode == 0, result.stderr
        assert {row["name"] for row in json.loads(result.stdout)} == {"Calcinosis", "Chemistry"}
        assert learning_cards(path) == 3
        assert file_bytes(folder) == before


def test_a_journal_that_cannot_be_read_in_a_read_only_folder_is_told_in_one_line(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "ro", "16m") as folder:
        path = folder / "collection.db"
        prepare(path)
        crash_after_answers(path, 2)
        (folder / "collection.db-shm").unlink()  # copied here without it: SQLite cannot read the journal
        remount_read_only(folder)
        before = file_bytes(folder)
        result = studyapp("--collection", str(path), "decks")
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (
            f"studyapp: {path}: has changes in its journal (collection.db-wal) that can only be read where its "
            "folder can be written; open it once there\n"
        )
        assert file_bytes(folder) == before


def test_a_collection_too_old_for_this_schema_needs_to_be_opened_writable_once(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "ro", "16m") as folder:
        path = folder / "collection.db"
        db = sqlite_utils.Database(path)
        for number, migration in enumerate(MIGRATIONS[:-1], start=1):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.conn.commit()
        db.close()
        remount_read_only(folder)
        before = file_bytes(folder)
        result = studyapp("--collection", str(path), "decks")
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (
            f"studyapp: {path}: was written by an older studyapp (schema {len(MIGRATIONS) - 1}; this one reads "
            f"{len(MIGRATIONS)}) and cannot be upgraded where it is read-only; open it once where it can be written\n"
        )
        assert file_bytes(folder) == before


def test_no_collection_in_a_read_only_folder_is_told_in_one_line(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "ro", "1m") as folder:
        remount_read_only(folder)
        result = studyapp("--collection", str(folder / "collection.db"), "decks")
        assert (result.returncode, result.stdout) == (2, "")
        assert (
            result.stderr == f"studyapp: {folder / 'collection.db'}: there is no collection here; nothing was created\n"
        )
        assert list(folder.iterdir()) == []


def test_readers_share_the_lock_but_never_read_beside_a_writer(tmp_path: Path) -> None:
    """A read-only view (a read-only bind mount of the folder) of a collection a window has open elsewhere."""
    folder = tmp_path / "rw"
    folder.mkdir()
    path = folder / "collection.db"
    prepare(path)
    view = tmp_path / "view"
    view.mkdir()
    if not _run("mount", "--bind", str(folder), str(view)):
        pytest.skip("this machine does not let a folder be bind-mounted (a container without CAP_SYS_ADMIN?)")
    try:
        assert _run("mount", "-o", "remount,bind,ro", str(view))
        seen = view / "collection.db"
        reader = App.open(seen, read_only=True)  # a reader here: other readers may read, a writer may not open
        try:
            assert studyapp("--collection", str(seen), "decks").returncode == 0
            with pytest.raises(CollectionLocked):
                App.open(path)  # this process: refused before a descriptor of the file is even opened
            result = studyapp("--collection", str(path), "add", "--deck", "Chemistry", "front", "back")
            assert (result.returncode, result.stderr) == (
                2,
                f"studyapp: {path} is already open in another studyapp window\n",
            )
        finally:
            reader.close()

        writer = App.open(path)
        try:
            fingerprint = collection_fingerprint(path)
            result = studyapp("--collection", str(seen), "decks")
            assert (result.returncode, result.stderr) == (
                2,
                f"studyapp: {seen} is already open in another studyapp window (process {os.getpid()})\n",
            )
            assert collection_fingerprint(path) == fingerprint
        finally:
            writer.close()
    finally:
        _run("umount", str(view))


def test_a_read_only_app_refuses_writes_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    prepare(path)
    fingerprint = collection_fingerprint(path)
    app = App.open(path, read_only=True)
    try:
        with pytest.raises(CollectionError) as refused:
            app.set_setting("theme", "dark")
        assert str(refused.value) == f"{path}: the folder or file is read-only; the last change was not saved"
    finally:
        app.close()
    assert collection_fingerprint(path) == fingerprint
    assert not (tmp_path / "collection.db-wal").exists()


def test_export_of_a_package_from_a_read_only_folder(read_only_folder: Path, tmp_path: Path) -> None:
    before = file_bytes(read_only_folder.parent)
    exported = tmp_path / "calcinosis.apkg"
    result = studyapp("--collection", str(read_only_folder), "export", str(exported), "--deck", "Calcinosis")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"Calcinosis: 29 notes, 29 cards, 0 media files, 2 review-log rows (with history) exported to {exported}\n"
    )
    with zipfile.ZipFile(exported) as package:
        assert {"collection.anki2", "media"} <= set(package.namelist())
    assert file_bytes(read_only_folder.parent) == before
