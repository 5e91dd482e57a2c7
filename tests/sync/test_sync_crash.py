"""A sync killed with SIGKILL at any point loses nothing and half-applies nothing.

A child process runs ``services.sync.service.sync`` on a collection that has changes going both ways (answers, new,
edited and deleted notes here; answers and new notes on the phone, an `anki` engine device); it stops itself at a
chosen call of the protocol (before or after ``start``, a ``chunk``, an ``applyChunk``, ``sanityCheck2``,
``finish``...) or runs until a timer fires, and is killed there. Then the collection must open, pass
``PRAGMA integrity_check`` and hold exactly what it held before (every table, row for row) - unless the kill came
after the sync had committed, when it holds what a finished sync leaves; and the next sync must complete, after
which the phone and this side hold the same notes, cards and review-log rows, none twice, as after a sync that was
never interrupted.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyapp.core.clock import FixedClock
from studyapp.core.model import Rating, ReviewEntry, ReviewMode
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed
from studyapp.services.notes.notes import NoteText, add_note
from studyapp.services.sync.service import SyncAccount, log_in, sync
from studyapp.storage.collection import Collection
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice

ROOT = Path(__file__).resolve().parents[2]
OURS, THEIRS = 320, 40  # notes made on each side; ours answered once each: more than one chunk (250) each way

# The child: sync, stopping (to be killed) at the call named by argv[5], "before:METHOD:N" or "after:METHOD:N".
CHILD = r"""
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from studyapp.services.sync import client as client_module
from studyapp.services.sync.service import SyncAccount, sync
from studyapp.storage.collection import Collection

db, endpoint, user, key, spec = sys.argv[1:6]
seen = {}
original = client_module.SyncClient._call

def hit(when, method):
    seen[(when, method)] = seen.get((when, method), 0) + 1
    if f"{when}:{method}:{seen[(when, method)]}" == spec:
        print("AT " + spec, flush=True)
        time.sleep(120)

def call(self, area, method, body, **kwargs):
    hit("before", method)
    reply = original(self, area, method, body, **kwargs)
    hit("after", method)
    return reply

client_module.SyncClient._call = call
collection = Collection.open(Path(db))
print("READY", flush=True)
summary = sync(collection, None, SyncAccount(endpoint, user, key), now=lambda: datetime.now(timezone.utc))
collection.close()
print("DONE " + summary.describe(), flush=True)
"""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _answer(collection: Collection, rng: random.Random, card_id: int, rating: Rating, when: datetime) -> None:
    card = collection.reviews.card(card_id)
    assert card is not None
    after = Scheduler().answer(card.schedule, rating, when, random.Random(fuzz_seed(card.id, card.schedule.reps)))
    collection.reviews.record(
        ReviewEntry(rng.getrandbits(63), card.id, when, rating, 4000, ReviewMode.FLIP, card.schedule, after)
    )


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table of the collection file, row for row (read with plain sqlite3, not through studyapp)."""
    db = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: sorted(map(tuple, db.execute(f'SELECT * FROM "{table}"')), key=repr) for table in tables}
    finally:
        db.close()


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


@dataclass
class Golden:
    """The state just before the sync that gets killed: our collection, the server's data, the phone's folder."""

    folder: Path
    server: SyncServer
    account: SyncAccount

    @property
    def db(self) -> Path:
        return self.folder / "here.db"

    def restore(self, trial: Path) -> tuple[Path, Path]:
        """Our collection and the phone as they were, in ``trial``; the server's data as it was."""
        trial.mkdir(parents=True)
        shutil.copyfile(self.db, trial / "here.db")
        shutil.copytree(self.folder / "phone", trial / "phone")
        self.server.stop()
        shutil.rmtree(self.server.base)
        shutil.copytree(self.folder / "server", self.server.base)
        self.server.start()
        return trial / "here.db", trial / "phone"


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("sync-crash")
    server = SyncServer(base=folder / "live-server")
    server.base.mkdir()
    server.start()
    try:
        phone = EngineDevice.for_server(folder / "phone", server)
        start = _now() - timedelta(hours=2)
        for number in range(THEIRS):
            phone.add_note(f"phone {number}", f"phone back {number}", deck="Bio")
        assert phone.sync() in ("full_sync", "full_upload")
        phone.full_upload()
        collection = Collection.open(folder / "here.db")
        rng = random.Random(16)
        clock = FixedClock(start)
        deck = collection.decks.create(rng.getrandbits(63), "Mine", "", start)
        ours = [
            add_note(collection, rng, clock, deck.id, NoteText(f"here {n}", f"here back {n}", tags=("t",))).note_id
            for n in range(OURS)
        ]
        account = log_in(server.endpoint, server.user, server.password)
        sync(collection, None, account, now=_now)  # the first sync: both sides share everything
        assert phone.sync() == "normal_sync"
        # changes on both sides since: one note deleted, every other card answered, one note edited, three added ...
        collection.db.execute("DELETE FROM cards WHERE note_id = ?", [ours[1]])
        collection.db.execute("DELETE FROM notes WHERE id = ?", [ours[1]])
        cards = [row[0] for row in collection.db.execute("SELECT id FROM cards ORDER BY id")]
        moment = _now() - timedelta(minutes=30)
        for index, card_id in enumerate(cards):
            _answer(collection, rng, card_id, Rating.GOOD if index % 4 else Rating.AGAIN, moment)
            moment += timedelta(seconds=1)
        collection.db.execute("UPDATE notes SET back = 'edited here', modified_at = ? WHERE id = ?",
                              [int(_now().timestamp() * 1000), ours[0]])  # fmt: skip
        for n in range(3):
            add_note(collection, rng, clock, deck.id, NoteText(f"new here {n}", "b"))
        collection.close()
        # ... and on the phone: five answers, two new notes
        for card_id in [row[0] for row in phone.cards()][:5]:
            phone.answer(card_id, 3)
        for n in range(2):
            phone.add_note(f"new phone {n}", "b", deck="Bio")
        assert phone.sync() == "normal_sync"
        phone.close()
        server.stop()
        shutil.copytree(server.base, folder / "server")
        server.start()
        yield Golden(folder, server, account)
    finally:
        server.stop()


def run_child(golden: Golden, db: Path, spec: str, timer: float | None = None) -> str:
    """Run the sync in a child; kill it with SIGKILL at ``spec`` (or ``timer`` seconds after it is ready).
    Returns "killed" or "finished" (the timer came too late)."""
    account = golden.account
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), account.endpoint, account.user, account.host_key, spec],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.startswith("READY"), (ready, child.stderr.read() if child.stderr else "")
        if timer is not None:
            time.sleep(timer)
            if child.poll() is not None:
                return "finished"
        else:
            line = child.stdout.readline()
            if line.startswith("DONE"):
                child.wait(timeout=10)
                return "finished"
            assert line.startswith("AT "), f"{spec} never came: {line!r} {child.stderr.read() if child.stderr else ''}"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        return "killed"
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
        for pipe in (child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()


def finish_and_compare(golden: Golden, db: Path, phone_folder: Path) -> dict[str, object]:
    """The next sync completes; then the phone syncs and we sync once more; both sides' contents, compared."""
    collection = Collection.open(db)
    try:
        sync(collection, None, golden.account, now=_now)
        phone = EngineDevice(phone_folder, golden.server.endpoint, golden.server.user, golden.server.password)
        try:
            assert phone.sync() in ("normal_sync", "no_changes")
            sync(collection, None, golden.account, now=_now)
            assert phone.sync() in ("normal_sync", "no_changes")
            phone_fronts = sorted(fields.split("\x1f")[0] for *_, fields in phone.notes())
            phone_cards, phone_log = len(phone.cards()), len(phone.revlog())
        finally:
            phone.close()
        one = collection.db.execute
        fronts = sorted(row[0] for row in one("SELECT front FROM notes"))
        reviews = one("SELECT count(*) FROM review_log").fetchone()[0]
        twice = one("SELECT count(*) FROM (SELECT 1 FROM review_log GROUP BY card_id, reviewed_at HAVING count(*) > 1)")
        changes = one("SELECT count(*) FROM schedule_changes").fetchone()[0]
        state = {
            "fronts": fronts,
            "cards": one("SELECT count(*) FROM cards").fetchone()[0],
            "reviews": reviews,
            "log rows": reviews + changes,
            "answered twice at one instant": twice.fetchone()[0],
        }
    finally:
        collection.close()
    assert state["fronts"] == phone_fronts
    assert state["cards"] == phone_cards
    assert state["log rows"] == phone_log
    assert state["answered twice at one instant"] == 0
    return state


@pytest.fixture(scope="module")
def uninterrupted(golden: Golden, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What both sides hold after the same sync, never interrupted: every killed one must end the same."""
    db, phone = golden.restore(tmp_path_factory.mktemp("control") / "t")
    assert run_child(golden, db, "never") == "finished"
    return finish_and_compare(golden, db, phone)


KILL_POINTS = [
    "after:meta:1",
    "after:start:1",
    "after:applyGraves:1",
    "after:applyChanges:1",
    "after:chunk:1",
    "before:applyChunk:1",
    "after:applyChunk:1",
    "after:applyChunk:2",
    "before:sanityCheck2:1",
    "after:sanityCheck2:1",
    "before:finish:1",
    "after:finish:1",
]


@pytest.mark.parametrize("spec", KILL_POINTS)
def test_a_sync_killed_at_a_call_leaves_the_collection_as_it_was(
    golden: Golden, uninterrupted: dict[str, object], tmp_path: Path, spec: str
) -> None:
    before = dump(golden.db)
    db, phone = golden.restore(tmp_path / "trial")
    assert run_child(golden, db, spec) == "killed"
    assert integrity(db) == "ok"
    after = dump(db)
    changed = [table for table in before if before[table] != after.get(table)]
    assert changed == [], f"killed at {spec}: tables changed by a sync that never committed: {changed}"
    assert finish_and_compare(golden, db, phone) == uninterrupted


@pytest.mark.parametrize("seed", range(4))
def test_a_sync_killed_at_a_random_moment_is_all_or_nothing(
    golden: Golden, uninterrupted: dict[str, object], tmp_path: Path, seed: int
) -> None:
    before = dump(golden.db)
    db, phone = golden.restore(tmp_path / "trial")
    timer = random.Random(seed).uniform(0.05, 1.5)
    outcome = run_child(golden, db, "never", timer=timer)
    assert integrity(db) == "ok"
    if outcome == "killed":
        after = dump(db)
        # before its commit nothing changed; at or after it, the whole sync is there (the next sync finds it)
        changed = [table for table in before if before[table] != after.get(table)]
        assert changed == [] or {"notes", "cards", "review_log"} & set(changed), changed
    assert finish_and_compare(golden, db, phone) == uninterrupted
