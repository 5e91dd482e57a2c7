"""Power cuts: is every answer, import and restore that studyapp confirmed on the disk itself?

A SIGKILL (see harness.py) leaves the kernel's page cache alone, so it cannot tell a write that reached the disk
from one that did not. Here the collection lives on a small ext4 file system in an image file, mounted through
a loop device. After studyapp confirms ("Saved: ...", "N new", "restored ..."), the process is frozen (SIGSTOP)
and the raw image file is copied, without unmounting or syncing anything: the copy holds what the "disk" had
received at that moment, which is what a power cut or an OS crash leaves. Then the process is killed, the copy
is mounted (ext4 replays its journal, SQLite its WAL at the first open) and checked: every confirmed answer is
in the log, none twice, integrity ok, every card the replay of its log; a confirmed import is there whole; a
confirmed restore is the state restored.

The image is mounted with ``commit=300``: the file system's own periodic flush (every 5 s by default) would
otherwise write unsynced data at random moments, and could land half-way through a copy. So only what the
application syncs (and the file system's fsync path) reaches the image during a trial, as with a disk whose
cache is lost in the cut.

Needs Linux, root, loop devices and mkfs.ext4: :func:`unavailable` says in one line why it cannot run.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.services.app import App

from .harness import REVIEW_DECK, WAIT, Running, _log_facts, prepare_review_collection, studyapp_command

IMAGE_MB = 64
TOOLS = ("mkfs.ext4", "mount", "umount", "losetup")
_CHUNK = 1 << 16


class PowerCutUnavailable(Exception):
    """The power-cut mode cannot run here; the message says why, in one line."""


def unavailable() -> str | None:
    """Why the power-cut mode cannot run on this machine, in one line; ``None`` if it may."""
    if sys.platform != "linux":
        return f"the power-cut mode needs Linux (loop devices, ext4); this is {sys.platform}"
    if os.geteuid() != 0:
        return "the power-cut mode needs root (it mounts ext4 images through loop devices)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"the power-cut mode needs {', '.join(missing)} (not found on PATH)"
    if not Path("/dev/loop-control").exists():
        return "the power-cut mode needs loop devices (/dev/loop-control is missing; a container needs --privileged)"
    return None


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        words = (done.stderr or done.stdout).strip().splitlines()
        raise PowerCutUnavailable(f"{' '.join(command[:2])} failed: {words[-1] if words else done.returncode}")


@contextlib.contextmanager
def mounted(image: Path, point: Path) -> Iterator[Path]:
    """``image`` mounted (read-write, so that its journal is replayed) at ``point`` through a loop device."""
    point.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "ext4", "-o", "loop,commit=300", str(image), str(point))
    try:
        yield point
    finally:
        done = subprocess.run(["umount", str(point)], capture_output=True, timeout=60)
        if done.returncode != 0:  # a process still in there: detach it lazily rather than leave it mounted
            subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=60)


def make_image(path: Path, megabytes: int = IMAGE_MB) -> None:
    """An empty ext4 file system in a sparse file (its inode tables written now, not lazily later)."""
    with path.open("wb") as out:
        out.truncate(megabytes << 20)
    _run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", str(path))


def cut_power(image: Path, copy: Path) -> None:
    """The power cut: copy the image's bytes as the loop device has received them (sparse: zeros are skipped).

    Nothing is synced or unmounted first: what the mounted file system holds only in memory is not in the copy.
    """
    with image.open("rb") as source, copy.open("wb") as out:
        while chunk := source.read(_CHUNK):
            if chunk.count(0) == len(chunk):
                out.seek(len(chunk), os.SEEK_CUR)
            else:
                out.write(chunk)
        out.truncate(source.tell())


def sync_file_system(point: Path) -> None:
    """Flush the file system at ``point`` (the collection prepared before the trials is on the image)."""
    handle = os.open(point, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.syncfs(handle) if hasattr(os, "syncfs") else os.sync()  # type: ignore[attr-defined]
    finally:
        os.close(handle)


class Freezing(Running):
    """A studyapp process whose watch freezes it (SIGSTOP) the moment it has confirmed, instead of killing it."""

    def _kill_locked(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)
            self.killed = True  # here: frozen

    def end(self) -> str:
        """Kill the frozen process; its whole output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        return self.finish()


@dataclass
class PowerCutFigures:
    review_trials: int = 0
    import_trials: int = 0
    restore_trials: int = 0
    answers_confirmed: int = 0
    answers_in_copy: int = 0
    answers_lost: int = 0
    imports_confirmed: int = 0
    imports_whole: int = 0
    restores_confirmed: int = 0
    restores_whole: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def trials(self) -> int:
        return self.review_trials + self.import_trials + self.restore_trials

    @property
    def lost(self) -> int:
        """Confirmed answers, imports and restores not (wholly) in the copy."""
        imports = self.imports_confirmed - self.imports_whole
        return self.answers_lost + imports + self.restores_confirmed - self.restores_whole

    def lines(self) -> list[str]:
        return [
            f"power cuts:          {self.trials} ({self.review_trials} reviews, {self.import_trials} imports, "
            f"{self.restore_trials} restores)",
            f"answers confirmed:   {self.answers_confirmed}, in the copy {self.answers_in_copy}, "
            f"lost {self.answers_lost}",
            f"imports confirmed:   {self.imports_confirmed}, whole in the copy {self.imports_whole}",
            f"restores confirmed:  {self.restores_confirmed}, in the copy {self.restores_whole}",
            f"failures:            {len(self.failures)}",
            *(f"  {failure}" for failure in self.failures[:20]),
        ]


@dataclass
class Rig:
    """The live image (mounted) with the collection on it, and a folder beside it for the copies."""

    image: Path
    point: Path
    work: Path
    collection: Path

    def check_copy(self, figures: PowerCutFigures, trial: str, check: Callable[[Path], list[str]]) -> None:
        """Cut the power (copy the image), mount the copy and run ``check`` on its collection file."""
        copy = self.work / "after-cut.img"
        try:
            cut_power(self.image, copy)
            with mounted(copy, self.work / "after-cut") as point:
                problems = check(point / self.collection.relative_to(self.point))
        finally:
            copy.unlink(missing_ok=True)
        if problems:
            figures.failures.append(f"{trial}: " + "; ".join(problems))


def _facts_problems(path: Path) -> tuple[int, list[str]]:
    """(log rows, problems) of the collection at ``path``: integrity, duplicates, cards not the replay of their log."""
    rows, duplicates, integrity, problems, _cards = _log_facts(path)
    found = list(problems)
    if integrity != ["ok"]:
        found.insert(0, f"integrity check: {integrity[:3]}")
    if duplicates:
        found.append(f"{duplicates} (card, time) pairs logged twice")
    return rows, found


def review_trial(rig: Rig, rng: random.Random, figures: PowerCutFigures) -> None:
    """Answer 1 to 6 cards through a pipe; freeze studyapp at its last "Saved:"; the copy must hold them all."""
    rows_before = _log_facts(rig.collection)[0]
    target = rng.randint(1, 6)
    command = studyapp_command(rig.collection, "review", "--deck", REVIEW_DECK, "--mode", "flip")
    run = Freezing(command, lambda output: output.count(b"Saved: ") >= target)
    for sent in range(target):
        if not run.wait_for(lambda out, n=sent: out.count(b"[Enter] show answer") > n, WAIT):
            break
        run.send(f"\n{rng.choice([1, 1, 2, 3, 4])}\n")
    run.wait_for(lambda _out: run.killed, WAIT)  # frozen at the target's "Saved:"
    confirmed = run.output.count(b"Saved: ")
    figures.review_trials += 1
    figures.answers_confirmed += confirmed

    def check(copied: Path) -> list[str]:
        rows, problems = _facts_problems(copied)
        kept = max(0, rows - rows_before)
        figures.answers_in_copy += min(kept, confirmed)
        if kept < confirmed:
            figures.answers_lost += confirmed - kept
            problems.insert(0, f"{confirmed - kept} of {confirmed} confirmed answers are not in the copy")
        return problems

    try:
        if not run.killed:
            figures.failures.append(f"review trial {figures.review_trials}: no confirmation ({run.output[-200:]!r})")
            return
        rig.check_copy(figures, f"review trial {figures.review_trials} ({confirmed} confirmed)", check)
    finally:
        run.end()


def _notes(path: Path) -> int:
    app = App.open(path, rng=random.Random(5))
    try:
        return app.collection.notes.count()
    finally:
        app.close()


def import_trial(rig: Rig, rows: int, figures: PowerCutFigures) -> None:
    """Import a CSV of ``rows`` new notes; freeze studyapp at its "N new" line; the copy must hold all of them."""
    figures.import_trials += 1
    number = figures.import_trials
    source = rig.work / f"import-{number}.csv"
    source.write_text(
        "".join(f"Power cut {number}, term {i}: what is it?,Meaning {i}\n" for i in range(rows)), encoding="utf-8"
    )
    before = _notes(rig.collection)
    run = Freezing(
        studyapp_command(rig.collection, "import", str(source), "--deck", f"Imported {number}"),
        lambda output: b" new, " in output,
    )
    run.wait_for(lambda _out: run.killed, WAIT)
    said = re.search(rb": ([\d,]+) new, ", run.output)
    confirmed = run.killed and said is not None and int(said.group(1).replace(b",", b"")) == rows
    figures.imports_confirmed += bool(confirmed)

    def check(copied: Path) -> list[str]:
        _rows, problems = _facts_problems(copied)
        notes = _notes(copied)
        if notes == before + rows:
            figures.imports_whole += 1
        else:
            problems.insert(0, f"the confirmed import of {rows} notes has {notes - before} in the copy")
        return problems

    try:
        if not confirmed:
            figures.failures.append(f"import trial {number}: no confirmation ({run.output[-200:]!r})")
            return
        rig.check_copy(figures, f"import trial {number}", check)
    finally:
        run.end()
        source.unlink(missing_ok=True)


def restore_trial(rig: Rig, rng: random.Random, figures: PowerCutFigures) -> None:
    """Back up, answer a few cards (synced: the app is closed), restore the backup; freeze at "restored"; the
    copy must hold the backup's state (its log rows), not the answers given after it."""
    figures.restore_trials += 1
    number = figures.restore_trials
    done = subprocess.run(studyapp_command(rig.collection, "backup"), capture_output=True, text=True, timeout=WAIT)
    if done.returncode != 0:
        figures.failures.append(f"restore trial {number}: backup failed ({done.stderr.strip()[-200:]})")
        return
    backup = Path(done.stdout.strip().splitlines()[-1])
    rows_backed_up = _log_facts(rig.collection)[0]
    answers = "".join(f"\n{rng.choice([1, 2, 3])}\n" for _ in range(rng.randint(1, 4))) + "q\n"
    subprocess.run(studyapp_command(rig.collection, "review", "--deck", REVIEW_DECK, "--mode", "flip"),
                   input=answers, capture_output=True, text=True, timeout=WAIT)  # fmt: skip
    run = Freezing(studyapp_command(rig.collection, "restore", str(backup)), lambda output: b": restored " in output)
    run.wait_for(lambda _out: run.killed, WAIT)
    figures.restores_confirmed += run.killed

    def check(copied: Path) -> list[str]:
        rows, problems = _facts_problems(copied)
        if rows == rows_backed_up:
            figures.restores_whole += 1
        else:
            problems.insert(0, f"the confirmed restore should leave {rows_backed_up} log rows; the copy has {rows}")
        return problems

    try:
        if not run.killed:
            figures.failures.append(f"restore trial {number}: no confirmation ({run.output[-200:]!r})")
            return
        rig.check_copy(figures, f"restore trial {number}", check)
    finally:
        run.end()


@contextlib.contextmanager
def rig(folder: Path, cards: int = 400) -> Iterator[Rig]:
    """A fresh image, mounted, with a review collection of ``cards`` cards on it (synced to the image)."""
    reason = unavailable()
    if reason is not None:
        raise PowerCutUnavailable(reason)
    image = folder / "disk.img"
    make_image(image)
    work = folder / "work"
    work.mkdir(exist_ok=True)
    try:
        with mounted(image, folder / "disk") as point:
            collection = prepare_review_collection(point, cards)
            sync_file_system(point)
            yield Rig(image, point, work, collection)
    finally:
        image.unlink(missing_ok=True)


def run_power_cuts(
    folder: Path, reviews: int, imports: int, restores: int, import_rows: int, seed: int, say: Callable[[str], None]
) -> PowerCutFigures:
    """``reviews`` review trials, ``imports`` import trials and ``restores`` restore trials, seeded."""
    rng = random.Random(seed)
    figures = PowerCutFigures()
    with tempfile.TemporaryDirectory(prefix="power-cut-", dir=folder) as place, rig(Path(place)) as live:
        for number in range(reviews):
            review_trial(live, rng, figures)
            if (number + 1) % 10 == 0:
                say(f"  {number + 1} review power cuts, {figures.answers_confirmed} answers confirmed")
        for _ in range(imports):
            import_trial(live, import_rows, figures)
        for _ in range(restores):
            restore_trial(live, rng, figures)
    return figures
