"""Import trials: ``studyapp import`` of a large CSV or an Anki package with images, killed at a random moment.

The collection must be exactly as it was (the same fingerprint of every table) or hold the whole import,
never part of it; no file the notes refer to may be missing or half-written. Files a killed import wrote
before its transaction committed are left unreferenced in the media folder (Check Collection's Repair
moves them to ``.trash``): they are counted, not failed.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check

from .harness import WAIT, Figures, Running, fingerprint, studyapp_command


def prepare_import(folder: Path, rows: int) -> tuple[Path, Path, str, int]:
    """A fresh collection (closed, its WAL folded in), a CSV of ``rows`` notes; the base's fingerprint and notes."""
    base = folder / "base.db"
    App.open(base, rng=random.Random(3)).close()
    big = folder / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("front,back,tags\n")
        for i in range(rows):
            out.write(f'"Term {i}: what does it mean?","Meaning number {i}, with ""quotes""",tag{i % 50}\n')
    with closing(sqlite3.connect(base)) as conn:
        notes = int(conn.execute("SELECT count(*) FROM notes").fetchone()[0])
    return base, big, fingerprint(base), notes


def prepare_package(folder: Path, notes: int = 2000, images: int = 400) -> tuple[Path, int, dict[str, bytes]]:
    """An Anki package of ``notes`` notes, ``images`` of them with an image of 32 KB; (path, notes, images)."""
    import genanki  # a test extra: writes real .apkg files

    rng = random.Random(7)
    media_folder = folder / "package-media"
    media_folder.mkdir(exist_ok=True)
    deck = genanki.Deck(2_059_400_200, "Pictures")
    data: dict[str, bytes] = {}
    for i in range(notes):
        front = f"Picture {i}?"
        if i < images:
            name = f"picture-{i}.png"
            data[name] = rng.randbytes(32_768)
            (media_folder / name).write_bytes(data[name])
            front += f' <img src="{name}">'
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, f"Answer {i}"], guid=f"crash-{i}"))
    path = folder / "pictures.apkg"
    genanki.Package(deck, media_files=[str(media_folder / name) for name in data]).write_to_file(str(path))
    return path, notes, data


def _copy_collection(base: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        source = base.with_name(base.name + suffix)
        destination = target.with_name(target.name + suffix)
        destination.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, destination)
    shutil.rmtree(target.with_name(target.stem + ".media"), ignore_errors=True)


def full_import_seconds(base: Path, big: Path, folder: Path, *words: str) -> float:
    """How long one whole import takes here (the range the kills are spread over)."""
    target = folder / "timing.db"
    _copy_collection(base, target)
    started = time.monotonic()
    subprocess.run(studyapp_command(target, "import", str(big), *words), check=True, capture_output=True)
    return time.monotonic() - started


@dataclass(frozen=True)
class ImportCase:
    file: Path
    notes: int  # the notes a whole import adds
    seconds: float  # how long a whole import takes here
    media: dict[str, bytes] = field(default_factory=dict)  # the files its notes refer to


def import_trial(
    base: Path, base_print: str, base_notes: int, case: ImportCase, rng: random.Random, folder: Path, figures: Figures
) -> None:
    target = folder / "import.db"
    _copy_collection(base, target)
    big, rows, seconds = case.file, case.notes, case.seconds
    by_progress = rng.random() < 0.4
    progress_lines = rng.randint(1, 12)
    delay = rng.uniform(0.0, 1.1 * seconds)

    def watch(output: bytes) -> bool:
        return by_progress and output.count(b"%\n") >= progress_lines

    words = ["--deck", "Big"] if big.suffix == ".csv" else []
    run = Running(studyapp_command(target, "import", str(big), *words, "--with-progress"), watch)
    if not by_progress:
        run.wait_for(lambda _out: False, delay)
        run.kill()
    else:
        run.wait_for(lambda _out: run.killed, WAIT)
        run.kill()
    run.finish()
    figures.import_trials += 1
    killed = run.killed and run.process.returncode == -signal.SIGKILL
    figures.kills += killed
    figures.imports_killed += killed
    app = App.open(target, rng=random.Random(4))  # SQLite recovers the WAL here
    notes = app.collection.notes.count()
    app.close()
    untouched = notes == base_notes and fingerprint(target) == base_print
    app = App.open(target, rng=random.Random(4))
    try:
        report = run_check(app.collection, app.clock, app.rng, app.media_dir)  # (it rebuilds the search index)
    finally:
        app.close()
    failures = []
    if report.integrity != ["ok"]:
        failures.append(f"integrity check: {report.integrity[:3]}")
    if report.missing:
        failures.append(f"missing media: {report.missing[:3]}")
    media = target.with_name(target.stem + ".media")
    referenced = {name for name in case.media if (media / name).exists()}
    torn = [name for name in referenced if (media / name).read_bytes() != case.media[name]]
    if torn:
        failures.append(f"half-written media files: {torn[:3]}")
    figures.media_leftovers += len(report.orphans)
    if not report.index_ok or report.indexed != report.notes:
        failures.append("search index out of step")
    landed = notes == base_notes + rows
    if untouched:
        figures.imports_untouched += killed
    elif landed:
        figures.imports_landed += killed
    else:
        figures.imports_partial += 1
        failures.append(f"partial import: {notes - base_notes} of {rows} notes")
    if failures:
        figures.failures.append(f"import trial {figures.import_trials}: " + "; ".join(failures))
    elif killed:
        figures.survived += 1
