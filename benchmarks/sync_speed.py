"""Sync speed: studyapp's collection sync beside Anki's engine, through the same real ``anki.syncserver``.

The data: ``generate.py`` writes the same notes, cards' state and review history for both sides (10,000 notes and
200,000 review-log rows by default). Each repetition starts a fresh server with two accounts and measures, each side
in its own child process (so its peak memory is its own), the sync call alone (the log-in comes before the clock):

- up: the whole collection sent to an empty account by the normal-sync exchange (``start`` .. ``applyChunk`` ..
  ``finish``). studyapp: its first sync (``services.sync.service.sync``: a merge with the empty server, every note,
  card and review-log row sent). The engine: the generated ``.anki2`` given the server collection's ``scm`` first,
  so that ``sync_collection`` makes a normal sync (not a full upload) and sends every object it holds (all at usn
  -1), as a phone does with what it added since its last sync.
- down: the server is stopped, the engine's account folder copied over studyapp's (both accounts then hold the
  same collection, as the engine sent it) and started again; a side with no notes then receives everything by the
  normal-sync exchange (``chunk`` until done). studyapp: a new collection's first sync (a merge; every received
  card is replayed from its log). The engine: a new collection given the server's ``scm``, normal sync.

Target: ours <= the engine's, each way. Also reported: studyapp's peak memory (RSS) in either direction, and the
counts each side ends with (so a fast sync that lost rows cannot pass). And, for the record, the down sync's floor:
the server and the wire alone (``child_wire``: the same account's ``start``, ``applyChanges`` and every ``chunk``
read to the end, nothing applied, then ``abort``), which no client's code can take away. The engine's down sync
less that floor is what it spends receiving the rows (0.58 s at 2026-12-07: 2.6 us a row of 220,000).

What the generated data costs studyapp's down sync that a phone on FSRS would not: ``generate.py``'s learner is not
FSRS (its stabilities grow by fixed factors, as with Anki's SM-2). So 154,731 of the 200,000 answers logged a day
outside FSRS's fuzz range. An answer that another follows keeps its logged day (``Scheduler.answer``'s ``final``);
a card's last answer has its day drawn from a generator seeded for it (~7 us a seed; before that rule every one of
the 154,731 was drawn, ~1.1 s). And each of the 7,286 studied cards replays to another schedule than its tuple
holds, so all are sent back (~0.7 s). A device scheduling with FSRS logs days the replay takes as they are, and its
cards hold the schedules the replay gives (not measured here: that would take an FSRS learner in ``generate.py``).
The engine replays nothing.

    python benchmarks/sync_speed.py [--cards 10000] [--reviews 200000] [--repeat 3] [--profile up|down]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from suite_api import BenchData, Result, measurement  # noqa: E402

UP, DOWN = "sync up: whole collection, normal exchange", "sync down: whole collection, normal exchange"
WIRE = "sync down: the server and the wire alone"
MEMORY = "sync peak memory (studyapp)"
CARDS, REVIEWS, DECKS = 10_000, 200_000, 10


# -- the child processes: one sync each, timed; prints one JSON line ------------------------------------------------


def _peak_mb() -> float:
    """This process's peak RSS. Linux's ``ru_maxrss`` survives ``exec``: a child of the suite (itself ~700 MB)
    would report the suite's peak, so the kernel's high-water mark of this process image (VmHWM) is read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_ours(db: str, endpoint: str, user: str, password: str, profile: str = "") -> dict:
    from datetime import datetime, timezone

    from studyapp.services.sync.service import log_in, sync
    from studyapp.storage.collection import Collection

    collection = Collection.open(Path(db))
    try:
        account = log_in(endpoint, user, password)
        started = time.perf_counter()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        summary = sync(collection, None, account, now=lambda: datetime.now(timezone.utc))
        seconds = time.perf_counter() - started
        if profile:
            profiler.disable()
            profiler.dump_stats(profile)
        one = collection.db.execute
        counts = {
            "notes": one("SELECT count(*) FROM notes").fetchone()[0],
            "cards": one("SELECT count(*) FROM cards").fetchone()[0],
            "revlog": one("SELECT count(*) FROM review_log").fetchone()[0]
            + one("SELECT count(*) FROM schedule_changes").fetchone()[0],
        }
    finally:
        collection.close()
    return {"seconds": seconds, "peak_mb": _peak_mb(), "kind": summary.kind, "summary": summary.describe(),
            "counts": counts}  # fmt: skip


def child_engine(path: str, endpoint: str, user: str, password: str) -> dict:
    from anki.collection import Collection
    from anki.sync import SyncAuth

    col = Collection(path)
    try:
        login = col.sync_login(user, password, endpoint)
        auth = SyncAuth(hkey=login.hkey, endpoint=endpoint, io_timeout_secs=120)
        started = time.perf_counter()
        output = col.sync_collection(auth, sync_media=False)
        seconds = time.perf_counter() - started
        counts = {
            "notes": col.db.scalar("SELECT count(*) FROM notes"),
            "cards": col.db.scalar("SELECT count(*) FROM cards"),
            "revlog": col.db.scalar("SELECT count(*) FROM revlog"),
        }
    finally:
        col.close()
    return {"seconds": seconds, "peak_mb": _peak_mb(), "required": int(output.required), "counts": counts}


def child_wire(endpoint: str, user: str, password: str) -> dict:
    """What any client of the down sync waits for: ``start``, ``applyChanges`` and every ``chunk`` until done, read
    (decompressed, JSON parsed) and nothing applied; then ``abort``. The part of the engine's time no client
    code can take away."""
    from studyapp.services.sync.client import SyncClient

    client = SyncClient(endpoint, timeout=120)
    try:
        client.host_key(user, password)
        started = time.perf_counter()
        client.meta()
        client.start(0, False)
        client.apply_changes({"models": [], "decks": [[], []], "tags": []})
        rows = 0
        while True:
            chunk = client.chunk()
            rows += sum(len(chunk.get(key) or ()) for key in ("revlog", "cards", "notes"))
            if chunk.get("done"):
                break
        seconds = time.perf_counter() - started
        client.abort()
    finally:
        client.close()
    return {"seconds": seconds, "rows": rows}


def _run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"{args[0]}: {lines[-1] if lines else 'failed'}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the parent: servers, copies, the measurement --------------------------------------------------------------------


def _server(base: Path):  # noqa: ANN202 - tests.sync.conftest.SyncServer (imported late: it needs pytest and anki)
    from tests.sync.conftest import SyncServer

    base.mkdir(parents=True)
    server = SyncServer(base=base)
    server.start()
    return server


def _server_scm(server, user: str, password: str) -> int:  # noqa: ANN001
    from studyapp.services.sync.client import SyncClient

    client = SyncClient(server.endpoint)
    try:
        client.host_key(user, password)
        return int(client.meta()["scm"])
    finally:
        client.close()


def _sql(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    db.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    try:
        with db:
            for statement in statements:
                db.execute(statement)
    finally:
        db.close()


def _skeleton(source: Path, target: Path) -> Path:
    """The generated Anki collection without its notes, cards and history: its note types, decks and options."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    _sql(target, "DELETE FROM notes", "DELETE FROM cards", "DELETE FROM revlog", "DELETE FROM graves")
    return target


def _give_account_skeleton(server, skeleton: Path, work: Path, user: str, password: str) -> int:  # noqa: ANN001
    """Full-upload the skeleton to the account, so that the server holds exactly the engine's note types and decks
    (an account's own stock objects would make the engine's normal sync fail its sanity check); returns its scm."""
    from anki.collection import Collection
    from anki.sync import SyncAuth

    path = work / "collection.anki2"
    work.mkdir(parents=True)
    shutil.copyfile(skeleton, path)
    col = Collection(str(path))
    try:
        login = col.sync_login(user, password, server.endpoint)
        auth = SyncAuth(hkey=login.hkey, endpoint=server.endpoint, io_timeout_secs=120)
        col.close_for_full_sync()
        col.full_upload_or_download(auth=auth, server_usn=None, upload=True)
        col.reopen(after_full_sync=True)
    finally:
        col.close()
    return _server_scm(server, user, password)


def _engine_file(target: Path, scm: int, source: Path) -> Path:
    """A copy of an Anki collection sharing the server's schema time (so that the engine's sync is a normal one),
    whose note types, decks and options the server already holds (usn 0): what goes is notes, cards, history."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    _sql(
        target,
        f"UPDATE col SET scm = {int(scm)}, usn = 0, ls = 0",
        *(f"UPDATE {table} SET usn = 0" for table in ("notetypes", "decks", "deck_config", "config", "tags")),
    )
    return target


def _account_folder(server, user: str) -> Path:  # noqa: ANN001
    return server.base / user


def one_round(studyapp_db: Path, anki_file: Path, work: Path) -> dict[str, dict]:
    """Up then down for both sides on a fresh server; returns each child's report."""
    work.mkdir(parents=True)
    server = _server(work / "server")
    try:
        out: dict[str, dict] = {}
        skeleton = _skeleton(anki_file, work / "skeleton.anki2")
        scm = _give_account_skeleton(server, skeleton, work / "skeleton-up", server.user, server.password)
        engine_up = _engine_file(work / "engine-up" / "collection.anki2", scm, anki_file)
        ours_up = work / "ours-up.db"
        shutil.copyfile(studyapp_db, ours_up)
        out["engine_up"] = _run_child("engine", str(engine_up), server.endpoint, server.user, server.password)
        out["ours_up"] = _run_child("ours", str(ours_up), server.endpoint, server.user2, server.password2)
        # both accounts now hold the engine's upload: each down sync receives exactly the same collection
        server.stop()
        shutil.rmtree(_account_folder(server, server.user2))
        shutil.copytree(_account_folder(server, server.user), _account_folder(server, server.user2))
        server.start()
        engine_down = _engine_file(work / "engine-down" / "collection.anki2", scm, skeleton)
        out["engine_down"] = _run_child("engine", str(engine_down), server.endpoint, server.user, server.password)
        out["ours_down"] = _run_child("ours", str(work / "ours-down.db"), server.endpoint, server.user2,
                                      server.password2)  # fmt: skip
        out["wire_down"] = _run_child("wire", server.endpoint, server.user, server.password)
        return out
    finally:
        server.stop()


def _ensure(cards: int, reviews: int):  # noqa: ANN202
    from generate import ensure

    return ensure(cards, reviews, decks=DECKS)


def measure(cards: int, reviews: int, repeat: int, work: Path, log=print) -> list[Result]:  # noqa: ANN001
    made = _ensure(cards, reviews)
    assert made.anki_path is not None
    rounds = []
    for number in range(repeat):
        report = one_round(made.studyapp_path, made.anki_path, work / f"round{number}")
        log(json.dumps(report))
        rounds.append(report)
    last = rounds[-1]
    size = f"{cards:,} notes, {reviews:,} review-log rows"

    def counts(key: str) -> str:
        c = last[key]["counts"]
        return f"{c['notes']:,}/{c['cards']:,}/{c['revlog']:,}"

    up = Result(UP, [r["ours_up"]["seconds"] for r in rounds], [r["engine_up"]["seconds"] for r in rounds], "s",
                "ratio <= 1.0", None,
                f"{size} to an empty account; studyapp's first sync (a merge) vs the engine's normal sync given "
                f"the server's scm; notes/cards/log after: ours {counts('ours_up')}, engine "
                f"{counts('engine_up')}")  # fmt: skip
    down = Result(DOWN, [r["ours_down"]["seconds"] for r in rounds], [r["engine_down"]["seconds"] for r in rounds],
                  "s", "ratio <= 1.0", None,
                  f"the engine's upload received by a new collection; studyapp's first sync (a merge, every card "
                  f"replayed) vs the engine's normal sync; notes/cards/log after: ours {counts('ours_down')}, "
                  f"engine {counts('engine_down')}")  # fmt: skip
    wire = Result(WIRE, [r["wire_down"]["seconds"] for r in rounds], None, "s", "—", None,
                  f"for the record: the same account's start, applyChanges and chunks ({last['wire_down']['rows']:,} "
                  f"rows) read and not applied; the engine's whole down sync took "
                  f"{statistics.median(r['engine_down']['seconds'] for r in rounds):.2f} s")  # fmt: skip
    for result in (up, down):
        result.met = result.ratio is not None and result.ratio <= 1.0
    peak = max(max(r["ours_up"]["peak_mb"], r["ours_down"]["peak_mb"]) for r in rounds)
    engine_peak = max(max(r["engine_up"]["peak_mb"], r["engine_down"]["peak_mb"]) for r in rounds)
    memory = Result(MEMORY, [peak], [engine_peak], "MB", "< 300 MB", peak < 300,
                    "peak RSS of the child process doing the sync, either way")  # fmt: skip
    return [up, down, wire, memory]


@measurement(UP, DOWN, WIRE, MEMORY)
def measure_sync(data: BenchData, repeat: int) -> list[Result]:
    """In the suite: its own data, a tenth of the suite's cards and a fifth of its reviews (10,000 notes and 200,000
    rows in ``make bench``, 500 and 10,000 in ``bench-quick``), at most 3 rounds."""
    work = data.workdir / "sync"
    cards, reviews = max(100, data.cards // 10), max(1000, data.reviews // 5)
    results = measure(cards, reviews, min(repeat, 3), work, log=lambda _: None)
    shutil.rmtree(work, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "--child":
        side, *rest = argv[1:]
        report = {"ours": child_ours, "engine": child_engine, "wire": child_wire}[side](*rest)
        print(json.dumps(report))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=CARDS)
    parser.add_argument("--reviews", type=int, default=REVIEWS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=("up", "down"), help="one studyapp sync under cProfile, top 25")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="studyapp-sync-bench-") as folder:
        if args.profile:
            return profile(args.cards, args.reviews, args.profile, Path(folder))
        results = measure(args.cards, args.reviews, args.repeat, Path(folder))
    for r in results:
        print(f"{r.operation}: studyapp {statistics.median(r.studyapp):.2f} {r.unit}, anki "
              f"{statistics.median(r.anki or [0]):.2f} {r.unit}, met {r.met}; {r.note}")  # fmt: skip
    return 0


def profile(cards: int, reviews: int, direction: str, work: Path) -> int:
    import pstats

    made = _ensure(cards, reviews)
    server = _server(work / "server")
    try:
        if direction == "down":
            skeleton = _skeleton(made.anki_path, work / "skeleton.anki2")
            scm = _give_account_skeleton(server, skeleton, work / "skeleton-up", server.user, server.password)
            engine = _engine_file(work / "e" / "collection.anki2", scm, made.anki_path)
            _run_child("engine", str(engine), server.endpoint, server.user, server.password)
            db = work / "ours.db"
        else:
            db = work / "ours.db"
            shutil.copyfile(made.studyapp_path, db)
        stats = work / "profile.out"
        report = _run_child("ours", str(db), server.endpoint, server.user if direction == "down" else server.user2,
                            server.password if direction == "down" else server.password2, str(stats))  # fmt: skip
        print(json.dumps(report))
        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(25)
        pstats.Stats(str(stats)).sort_stats("tottime").print_stats(15)
        shutil.copyfile(stats, Path(tempfile.gettempdir()) / f"studyapp-sync-{direction}.prof")  # to read further
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
