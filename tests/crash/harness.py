"""Kill ``studyapp review`` and ``studyapp import`` with SIGKILL at random moments: is anything lost or half-written?

Used by the test suite (a few trials) and by ``benchmarks/crash_test.py`` (``make crash-test``: hundreds).
Only one process has the collection open at any time: the harness opens it (``App.open``, which lets
SQLite recover the WAL) only after the killed process has gone.

A review trial feeds flip-mode answers through a pipe and kills the process right after writing an answer,
after its n-th "Saved:" line, once its output has reached a random size, or after a random delay (which may
land before the first answer, or during start-up: still a valid trial). Then:

* ``PRAGMA integrity_check`` is ok (and Check Collection finds nothing: every card's stored schedule is the
  replay of its log and schedule changes, with its deck's options);
* every answer the process confirmed ("Saved: ..." is printed after the commit) is in the log, none twice:
  rows per (card, reviewed_at) are unique, and the new rows number at least the confirmed answers and at
  most one more (an answer committed whose "Saved:" line the kill cut off).

An import trial imports a large CSV into a copy of a fresh collection and kills it at a random moment (a
random share of a full import's time, or at its n-th progress line): the collection must be exactly as it
was (same fingerprint of every table) or hold the whole import, never part of it.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.services.app import App
from studyapp.services.decks import deck_ops
from studyapp.services.maintenance.check import run_check

REVIEW_DECK = "Crash"
WAIT = 30.0  # seconds: the longest any condition is waited for before the kill happens anyway


@dataclass
class Figures:
    review_trials: int = 0
    import_trials: int = 0
    kills: int = 0  # processes that were still running when killed
    survived: int = 0  # kills after which every check passed
    answers_sent: int = 0
    reviews_with_answers: int = 0  # review trials in which at least one answer was confirmed
    answers_confirmed: int = 0
    answers_unconfirmed_but_saved: int = 0
    answers_lost: int = 0
    imports_killed: int = 0
    imports_untouched: int = 0
    imports_landed: int = 0
    imports_partial: int = 0
    media_leftovers: int = 0  # unreferenced files a killed import left in the media folder (check moves them)
    failures: list[str] = field(default_factory=list)

    @property
    def trials(self) -> int:
        return self.review_trials + self.import_trials

    def lines(self) -> list[str]:
        return [
            f"trials run:          {self.trials} ({self.review_trials} reviews, {self.import_trials} imports)",
            f"kills survived:      {self.survived} of {self.kills}",
            f"answers sent:        {self.answers_sent} ({self.reviews_with_answers} review trials confirmed some)",
            f"answers confirmed:   {self.answers_confirmed} (+{self.answers_unconfirmed_but_saved} saved, unconfirmed)",
            f"answers lost:        {self.answers_lost}",
            f"imports killed:      {self.imports_killed} ({self.imports_untouched} untouched, "
            f"{self.imports_landed} landed whole)",
            f"imports partial:     {self.imports_partial}",
            f"media leftovers:     {self.media_leftovers} unreferenced files (none referenced and missing or torn)",
            f"failures:            {len(self.failures)}",
            *(f"  {failure}" for failure in self.failures[:20]),
        ]


def fingerprint(path: Path) -> str:
    """A hash of every row of every table (the search index's shadow tables included)."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        for table in tables:
            digest.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def studyapp_command(collection: Path, *words: str) -> list[str]:
    return [sys.executable, "-m", "studyapp", "--collection", str(collection), *words]


class Running:
    """A studyapp process with its output collected by a reader thread, and a kill that may come from either."""

    def __init__(self, command: list[str], watch: Callable[[bytes], bool] | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
        )
        self.output = b""
        self.killed = False
        self._watch = watch
        self._lock = threading.Lock()
        self.changed = threading.Condition(self._lock)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while chunk := os.read(fd, 4096):
            with self._lock:
                self.output += chunk
                if self._watch is not None and not self.killed and self._watch(self.output):
                    self._kill_locked()
                self.changed.notify_all()
        with self._lock:
            self.changed.notify_all()

    def _kill_locked(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.killed = True

    def kill(self) -> None:
        with self._lock:
            if not self.killed:
                self._kill_locked()

    def send(self, text: str) -> bool:
        """Write to the process's input; False once it is gone."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(text.encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def wait_for(self, condition: Callable[[bytes], bool], timeout: float = WAIT) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition(self.output):
                if self.process.poll() is not None or self.killed or time.monotonic() > deadline:
                    return condition(self.output)
                self.changed.wait(0.05)
        return True

    def finish(self) -> str:
        """Wait for the process to end (after a kill) and for the last of its output; the whole output."""
        self.process.wait(timeout=WAIT)
        self._reader.join(timeout=WAIT)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with suppress(BrokenPipeError, OSError):
                    pipe.close()
        return self.output.decode("utf-8", "replace")


# -- review ---------------------------------------------------------------------------------------


def prepare_review_collection(folder: Path, cards: int = 3000) -> Path:
    """A collection with a deck of ``cards`` new cards that may all be studied today."""
    path = folder / "review.db"
    source = folder / "crash-deck.csv"
    source.write_text("".join(f"Question {i} of the crash deck?,Answer {i}\n" for i in range(cards)), encoding="utf-8")
    app = App.open(path, rng=random.Random(1))
    try:
        app.import_file(source, deck_name=REVIEW_DECK)
        deck = app.find_deck(REVIEW_DECK)
        assert deck is not None and deck.preset_id is not None
        preset = app.collection.presets.create(
            2026, "Crash", DeckOptions(new_per_day=9999, reviews_per_day=99999), app.clock.now()
        )
        deck_ops.save_deck_options(app.collection, deck.id, preset.id, preset.options)
    finally:
        app.close()
    return path


def _log_facts(path: Path) -> tuple[int, int, list[str], list[str], int]:
    """(log rows, duplicated (card, time) pairs, integrity, check problems in words, cards) after a kill."""
    app = App.open(path, rng=random.Random(2))
    try:
        db = app.collection.db
        rows = int(db.execute("SELECT count(*) FROM review_log").fetchone()[0])
        duplicates = int(
            db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM review_log GROUP BY card_id, reviewed_at HAVING count(*) > 1)"
            ).fetchone()[0]
        )
        report = run_check(app.collection, app.clock, app.rng, app.media_dir)
        problems = []
        if report.mismatches:
            problems.append(f"{len(report.mismatches)} cards differ from the replay of their log")
        if report.foreign_keys:
            problems.append(f"broken references: {report.foreign_keys[:3]}")
        if not report.index_ok or report.indexed != report.notes:
            problems.append("search index out of step")
        return rows, duplicates, report.integrity, problems, report.cards
    finally:
        app.close()


def review_trial(path: Path, rng: random.Random, figures: Figures, command: list[str] | None = None) -> None:
    """One ``studyapp review`` run (or ``command``, to test the harness), killed at a random moment; then the checks."""
    rows_before = _log_facts(path)[0]
    how = rng.choice(["after-answer", "after-saved", "mid-output", "delay", "delay", "start-up"])
    answers = rng.randint(1, 14)
    saved_target = rng.randint(1, 10)
    output_bytes = rng.randint(0, 4000)
    delay = rng.uniform(0.0, 0.3) if how == "start-up" else rng.uniform(0.0, 2.0)

    def watch(output: bytes) -> bool:
        if how == "after-saved":
            return output.count(b"Saved: ") >= saved_target
        return how == "mid-output" and len(output) >= output_bytes

    run = Running(command or studyapp_command(path, "review", "--deck", REVIEW_DECK, "--mode", "flip"), watch)
    started, sent = time.monotonic(), 0
    while run.process.poll() is None and not run.killed:
        if how in ("delay", "start-up") and time.monotonic() - started >= delay:
            run.kill()
            break
        if time.monotonic() - started > WAIT:
            run.kill()  # whatever it was waiting for did not come: kill it now, still a trial
            break
        if how == "after-answer" and sent >= answers:
            run.kill()
            break
        # One answer (Enter shows it, then a rating), mostly after its card's prompt, at times queued ahead.
        timeout = max(0.0, delay - (time.monotonic() - started)) if how in ("delay", "start-up") else 5.0
        if rng.random() < 0.8 and not run.wait_for(lambda out, n=sent: out.count(b"[Enter] show answer") > n, timeout):
            continue
        # Mostly Again and Hard: the cards stay in learning, so a long run never runs out of cards for today.
        if not run.send("\n" + f"{rng.choices([1, 2, 3, 4], [0.45, 0.25, 0.2, 0.1])[0]}\n"):
            break
        sent += 1
        if how == "after-answer" and sent >= answers:
            run.kill()  # right after writing the answer
            break
        time.sleep(rng.choice([0.0, 0.0, 0.001, 0.005, 0.02]))
    output = run.finish()
    figures.review_trials += 1
    figures.answers_sent += sent
    killed = run.killed and run.process.returncode == -signal.SIGKILL
    figures.kills += killed
    confirmed = output.count("Saved: ")
    figures.answers_confirmed += confirmed
    figures.reviews_with_answers += confirmed > 0
    rows, duplicates, integrity, problems, _cards = _log_facts(path)
    new_rows = rows - rows_before
    failures = []
    if integrity != ["ok"]:
        failures.append(f"integrity check: {integrity[:3]}")
    if new_rows < confirmed:
        figures.answers_lost += confirmed - new_rows
        failures.append(f"{confirmed - new_rows} confirmed answers are not in the log")
    if new_rows > confirmed + 1:
        failures.append(f"{new_rows} new log rows for {confirmed} confirmed answers")
    figures.answers_unconfirmed_but_saved += max(0, new_rows - confirmed)
    if duplicates:
        failures.append(f"{duplicates} (card, time) pairs logged twice")
    failures += problems
    if failures:
        figures.failures.append(f"review trial {figures.review_trials} ({how}): " + "; ".join(failures))
    elif killed:
        figures.survived += 1
