"""Attacks on the one-writer lock (issue 12, points 2 and 3).

2. A lock file that is a symlink (to the collection itself, or to any file), a pipe, a folder, a hard link
   to another file, or a file of someone else's: refused in one line naming it, and nothing it leads to is
   written (before the fix, ``ln -s c.db c.db.lock`` emptied ``c.db``).
3. A second path to the same collection (a hard link, a symlink, a ``../`` path, a bind mount): the lock is
   keyed on the file itself, so a second process through any of them is refused in one line (exit status
   2, no traceback) and the collection stays exactly as the first process left it. A collection with a
   second name (hard link) is not opened at all once the first process is gone: its journal is kept beside
   the name it was opened by, so committed answers in one name's ``-wal`` would be invisible through the
   other; it says so in one line, and through the original name, once alone again, every answer is there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.services.app import App, CollectionError, CollectionLocked
from studyapp.storage.lock import lock_path_for

from ..conftest import REPO, collection_fingerprint
from ..faults.support import _run
from ..test_cli import studyapp

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks, pipes, hard links and flock are POSIX here")

# Opens the collection at argv[1] as the window does, then obeys lines on stdin: "answer" answers a card
# (and prints "Saved"), "import FILE" imports a file, "close" closes and exits.
HOLDER = """
import sys
from studyapp.core.model import Rating
from studyapp.services.app import App
app = App.open(sys.argv[1])
print("open", flush=True)
for line in sys.stdin:
    word, _, rest = line.strip().partition(" ")
    if word == "answer":
        session = app.review_session(app.find_deck("Calcinosis").id)
        session.next_card()
        session.answer(Rating.GOOD)
        print("Saved", flush=True)
    elif word == "import":
        print(app.import_file(rest).new, "new", flush=True)
    elif word == "close":
        app.close()
        print("closed", flush=True)
        break
"""


class Holder:
    """Another studyapp process with the collection open through ``path``, driven line by line."""

    def __init__(self, path: Path, prelude: str = "") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", prelude + HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert self.say(None) == "open"

    def say(self, line: str | None) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        if line is not None:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        return self.process.stdout.readline().strip()  # blocks until the holder has done it: no sleeping

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=60)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def holder() -> Iterator[list[Holder]]:
    made: list[Holder] = []
    yield made
    for one in made:
        one.stop()


def already_open(path: Path, pid: int | None) -> str:
    return f"{path} is already open in another studyapp window" + (f" (process {pid})" if pid else "")


def refused_once(result: subprocess.CompletedProcess[str], line: str) -> None:
    """Refused with exactly one line and exit status 2: no traceback, nothing on standard output."""
    assert (result.returncode, result.stderr, result.stdout) == (2, f"studyapp: {line}\n", "")


def deck_names(path: Path) -> list[str]:
    app = App.open(path)
    try:
        return [deck.name for deck in app.decks()]
    finally:
        app.close()


def qa_file(folder: Path, name: str, questions: int = 3) -> Path:
    source = folder / f"{name}.txt"
    source.write_text("".join(f"{name} question {i}?\n\n{name} answer {i}.\n\n" for i in range(questions)))
    return source


# -- point 2: the lock file ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["the collection", "another file"])
def test_a_symlinked_lock_file_is_refused_and_its_target_left_byte_for_byte(
    collection_path: Path, tmp_path: Path, target: str
) -> None:
    App.open(collection_path).close()
    lock = lock_path_for(collection_path)
    lock.unlink()
    victim = collection_path if target == "the collection" else tmp_path / "notes.txt"
    if target == "another file":
        victim.write_text("my notes, not studyapp's\n")
    lock.symlink_to(victim.name)
    before = victim.read_bytes()
    fingerprint = collection_fingerprint(collection_path)

    for command in (["decks"], ["add", "--deck", "X", "front", "back"], ["import", str(qa_file(tmp_path, "bio"))]):
        result = studyapp("--collection", str(collection_path), *command)
        refused_once(
            result,
            f"{lock}: is a symbolic link; studyapp never writes through one, so it and what it points to were "
            f"left untouched; remove it if no studyapp has {collection_path} open",
        )

    assert victim.read_bytes() == before  # before the fix: c.db emptied to 0 bytes
    assert collection_fingerprint(collection_path) == fingerprint
    assert lock.is_symlink()


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_folder(path: Path) -> None:
    path.mkdir()


def make_hard_link(path: Path) -> None:
    other = path.with_name("someone-elses.txt")
    other.write_text("someone else's file\n")
    os.link(other, path)


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (make_fifo, "is not a regular file (a pipe or a device?)"),
        (make_folder, "is a folder, not studyapp's lock file"),
        (make_hard_link, "has other names (hard links), so it is some other file too"),
    ],
    ids=["pipe", "folder", "hard link"],
)
def test_a_lock_path_that_is_not_a_plain_file_of_ours_is_refused_in_bounded_time(
    collection_path: Path, make: object, what: str
) -> None:
    App.open(collection_path).close()
    lock = lock_path_for(collection_path)
    lock.unlink()
    make(lock)  # type: ignore[operator]
    fingerprint = collection_fingerprint(collection_path)
    other = collection_path.with_name("someone-elses.txt")

    result = studyapp("--collection", str(collection_path), "decks")  # a pipe must not block the open (timeout 60)

    refused_once(result, f"{lock}: {what}; it was left untouched; remove it if no studyapp has {collection_path} open")
    assert collection_fingerprint(collection_path) == fingerprint
    if other.exists():
        assert other.read_text() == "someone else's file\n"


@pytest.mark.parametrize(
    "content",
    [b'{"anything": "else"}', b"[1, 2, 3]", b"x" * 5000, b'{"pid": "1234"}', b"\xff\xfe"],
    ids=["other json", "a list", "too big", "pid not a number", "bytes"],
)
def test_a_lock_file_with_foreign_content_is_left_as_it_is(collection_path: Path, content: bytes) -> None:
    App.open(collection_path).close()
    lock = lock_path_for(collection_path)
    lock.write_bytes(content)
    fingerprint = collection_fingerprint(collection_path)

    with pytest.raises(CollectionError) as refused:
        App.open(collection_path)

    assert str(refused.value).startswith(f"{lock}: is not a studyapp lock file (it holds something else)")
    assert lock.read_bytes() == content
    assert collection_fingerprint(collection_path) == fingerprint


def test_a_new_collection_is_not_created_beside_a_foreign_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    lock_path_for(path).write_text("not ours")
    result = studyapp("--collection", str(path), "decks")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert not path.exists()


# -- point 3: a second path to the same file -----------------------------------------------------------


def hard_link(path: Path) -> Path:
    other = path.with_name("other-name.db")
    os.link(path, other)
    return other


def symlink(path: Path) -> Path:
    other = path.with_name("shortcut.db")
    other.symlink_to(path)
    return other


def dot_dot(path: Path) -> Path:
    (path.parent / "sub").mkdir()
    return path.parent / "sub" / ".." / path.name


@pytest.mark.parametrize(
    ("second_path", "names_pid"),
    [(hard_link, False), (symlink, True), (dot_dot, True)],
    ids=["hard link", "symlink", "../ path"],
)
def test_a_second_process_through_another_path_is_refused_and_changes_nothing(
    collection_path: Path, tmp_path: Path, holder: list[Holder], second_path: object, names_pid: bool
) -> None:
    first = Holder(collection_path)
    holder.append(first)
    other = second_path(collection_path)  # type: ignore[operator]
    sources = qa_file(tmp_path, "first"), qa_file(tmp_path, "second")
    assert first.say(f"import {sources[0]}") == "3 new"
    fingerprint = collection_fingerprint(collection_path)
    files = sorted(p.name for p in collection_path.parent.iterdir())

    pid = first.process.pid if names_pid else None  # a hard link has no lock file of its own to read the pid from
    refused_once(studyapp("--collection", str(other), "import", str(sources[1])), already_open(other, pid))
    refused_once(studyapp("--collection", str(other), "review", stdin=" 3\n 3\n"), already_open(other, pid))
    refused_once(studyapp("--collection", str(other), "decks"), already_open(other, pid))
    assert collection_fingerprint(collection_path) == fingerprint
    assert sorted(p.name for p in collection_path.parent.iterdir()) == files  # no -wal, no lock file of its own

    assert first.say("answer") == "Saved"  # the first process goes on, unharmed
    assert first.say("close") == "closed"
    first.stop()
    if second_path is hard_link:
        os.unlink(other)
    assert sorted(deck_names(collection_path)) == ["Calcinosis", "First"]


def test_a_second_app_in_the_same_process_through_a_symlink_is_refused(app: App, collection_path: Path) -> None:
    before = collection_fingerprint(collection_path)
    with pytest.raises(CollectionLocked) as refused:
        App.open(symlink(collection_path))
    assert str(refused.value) == already_open(collection_path.with_name("shortcut.db"), os.getpid())
    assert collection_fingerprint(collection_path) == before
    assert app.deck_counts()


def test_a_symlinked_collection_keeps_its_journal_and_lock_beside_its_real_name(collection_path: Path) -> None:
    App.open(collection_path).close()
    link = symlink(collection_path)
    app = App.open(link)
    try:
        assert app.path == collection_path
        assert lock_path_for(collection_path).read_text()  # the owner, where a process through any name reads it
        assert not lock_path_for(link).exists()
    finally:
        app.close()


def test_a_hard_linked_collection_is_refused_so_a_crashed_journal_is_never_split(
    collection_path: Path, holder: list[Holder]
) -> None:
    first = Holder(collection_path)
    holder.append(first)
    assert first.say("answer") == "Saved"
    first.process.send_signal(signal.SIGKILL)  # a crash: its answer is in collection.db-wal only
    first.stop()
    wal = collection_path.with_name(collection_path.name + "-wal")
    assert wal.stat().st_size > 0
    other = hard_link(collection_path)
    journal = wal.read_bytes()

    for path in (other, collection_path):
        refused_once(
            studyapp("--collection", str(path), "decks"),
            f"{path}: has 2 names (hard links); studyapp keeps a collection's journal beside the name it is opened "
            "by, so it opens only a file with one name: remove the other names or open a copy; it was left untouched",
        )
    assert wal.read_bytes() == journal
    assert not other.with_name(other.name + "-wal").exists()

    os.unlink(other)
    app = App.open(collection_path)
    try:
        assert app.collection.db.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1  # the answer survived
    finally:
        app.close()


def test_a_second_process_through_a_bind_mount_is_refused(
    collection_path: Path, tmp_path: Path, holder: list[Holder]
) -> None:
    if os.geteuid() != 0:
        pytest.skip("a bind mount needs root")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    first = Holder(collection_path)
    holder.append(first)
    if not _run("mount", "--bind", str(collection_path.parent), str(mirror)):
        pytest.skip("this machine does not let a folder be bind-mounted (a container without CAP_SYS_ADMIN?)")
    try:
        other = mirror / collection_path.name
        fingerprint = collection_fingerprint(collection_path)
        refused_once(studyapp("--collection", str(other), "decks"), already_open(other, first.process.pid))
        assert collection_fingerprint(collection_path) == fingerprint
    finally:
        _run("umount", str(mirror))


def test_a_collection_path_that_is_a_pipe_or_a_dangling_link_is_refused_in_one_line(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    refused_once(
        studyapp("--collection", str(pipe), "decks"),
        f"{pipe}: is not a regular file (a device or a pipe?); it was left untouched",
    )
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "nowhere.db")
    refused_once(
        studyapp("--collection", str(dangling), "decks"),
        f"{dangling}: is a symbolic link to nothing ({tmp_path / 'nowhere.db'}); it was left untouched",
    )
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.parametrize("second_path", [hard_link, symlink], ids=["hard link", "symlink"])
def test_two_concurrent_imports_through_two_names_never_both_write(
    collection_path: Path, tmp_path: Path, second_path: object
) -> None:
    """The attack as found: two imports at once through two names both said "N new", and one deck went missing."""
    App.open(collection_path).close()
    other = second_path(collection_path)  # type: ignore[operator]
    sources = [qa_file(tmp_path, name, questions=1500) for name in ("alpha", "beta")]
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "studyapp", "--collection", str(path), "import", str(source)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=environment,
        )
        for path, source in zip((collection_path, other), sources, strict=True)
    ]
    outcomes = [run.communicate(timeout=120) + (run.returncode,) for run in runs]

    if second_path is hard_link:
        os.unlink(other)
    app = App.open(collection_path)
    try:
        assert app.collection.integrity_check() == "ok"
        names = {deck.name for deck in app.decks()}
    finally:
        app.close()
    imported = 0
    for (out, err, code), deck in zip(outcomes, ("Alpha", "Beta"), strict=True):
        if code == 0:  # it had the collection to itself: all of its notes are there
            assert out == f"{deck}: 1500 new, 0 updated, 0 unchanged\n" and err == "" and deck in names
            imported += 1
        else:  # refused before writing anything: one line, none of its notes
            assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err, err
            assert deck not in names
    if second_path is symlink:
        assert imported >= 1  # one of them had it (a hard link: both may be refused, as the file has two names)


# As on macOS and the BSDs, where a flock on the collection would block SQLite's own locks.
LOCK_FILE_ONLY = "import studyapp.storage.lock as lock_module; lock_module.LOCKS_DATABASE = False\n"


def studyapp_lock_file_only(*args: str) -> subprocess.CompletedProcess[str]:
    script = LOCK_FILE_ONLY + "import sys; from studyapp.main import main; raise SystemExit(main(sys.argv[1:]))"
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=environment, cwd=REPO, timeout=60
    )


@pytest.mark.parametrize("second_path", [symlink, dot_dot], ids=["symlink", "../ path"])
def test_where_the_lock_file_is_the_lock_a_second_name_is_still_refused(
    collection_path: Path, tmp_path: Path, holder: list[Holder], second_path: object
) -> None:
    first = Holder(collection_path, prelude=LOCK_FILE_ONLY)
    holder.append(first)
    other = second_path(collection_path)  # type: ignore[operator]
    fingerprint = collection_fingerprint(collection_path)
    refused_once(studyapp_lock_file_only("--collection", str(other), "decks"), already_open(other, first.process.pid))
    result = studyapp_lock_file_only("--collection", str(other), "import", str(qa_file(tmp_path, "second")))
    refused_once(result, already_open(other, first.process.pid))
    assert collection_fingerprint(collection_path) == fingerprint
    assert first.say("answer") == "Saved"
    assert first.say("close") == "closed"
    assert studyapp_lock_file_only("--collection", str(other), "decks").returncode == 0


def test_a_symlinked_collection_has_one_set_of_backups_whichever_name_is_used(collection_path: Path) -> None:
    App.open(collection_path).close()
    link = symlink(collection_path)
    made = studyapp("--collection", str(link), "backup")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert backup.parent == collection_path.with_name("collection.backups")
    for name in (link, collection_path):
        listed = studyapp("--collection", str(name), "backups")
        assert listed.returncode == 0 and listed.stdout.startswith(f"{backup}  "), listed.stdout
