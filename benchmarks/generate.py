"""Generate a large collection for the benchmarks: for studyapp, and the same notes and history for Anki.

Notes are drawn from a small vocabulary (so that a word search hits thousands of cards) into 50 decks; a
simple simulated learner (``learner.py``) answers them over two years, recalling each card with the
probability FSRS predicts. The same data is written twice, in one pass:

- a studyapp collection, by direct SQL through the storage layer (the FTS index fills through its triggers);
- an Anki collection through the ``anki`` package: notes added with ``col.add_notes`` (one
  ``AddNoteRequest`` per note, with its deck), FSRS switched on, then each card's state (type, queue, due,
  interval, reps, lapses, FSRS memory state in its ``data``) and the review history as ``revlog`` rows,
  written into the file with SQL after Anki closed it.

Anki reads the real clock; studyapp's benchmarks run at the fixed instant ``NOW``. So that both see the
same overdue cards, the Anki copy's times are the learner's shifted by ``anki_shift_ms`` (whole days: NOW
becomes the same hour today); ``meta.json`` records it. Everything else is a function of the seed.

Collections are cached by (cards, decks, reviews, seed) in the temp folder, and made again on a new day.

    python benchmarks/generate.py [--cards 100000] [--decks 50] [--reviews 1000000] [--seed N] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from learner import DAY_MS, NOW, Vocabulary, log_id, simulate, snapshot  # noqa: E402

from studyapp.core.model import CardState  # noqa: E402
from studyapp.storage import Collection  # noqa: E402
from studyapp.storage.codec import to_ms  # noqa: E402
from studyapp.storage.notes.notes_store import NewNote  # noqa: E402
from studyapp.storage.schema import LATEST_VERSION  # noqa: E402

__all__ = ["NOW", "Generated", "ensure", "generate", "generate_both"]

SEED = 20260301
TAG_ROOTS = ["anatomy", "physiology", "pathology", "pharmacology", "biochemistry", "histology", "exam", "review"]
TAG_LEAVES = ["heart", "lung", "kidney", "liver", "brain", "blood", "bone", "skin", "muscle", "gut", "2024", "2025"]
DECK_ROOTS = ["Medicine", "Biology", "Chemistry", "Languages", "History"]
DECK_LEAVES = ["Basics", "Cells", "Organs", "Systems", "Diseases", "Drugs", "Words", "Dates", "Review"]
_NEW, _LEARNING, _REVIEW, _RELEARNING = (int(state) for state in CardState)
_CHUNK = 50_000
CACHE_VERSION = 3  # 3: log ids in time order, as studyapp makes them


def deck_names(count: int = 50) -> list[str]:
    """``count`` deck names: the five roots, then their leaves (``Medicine::Basics``, ...), then numbered ones."""
    names = [*DECK_ROOTS, *(f"{root}::{leaf}" for root in DECK_ROOTS for leaf in DECK_LEAVES)]
    extra = (f"{DECK_ROOTS[i % 5]}::Part {i}" for i in range(count))
    return (names + list(extra))[:count] if count > len(names) else names[:count]


@dataclass(frozen=True)
class Generated:
    studyapp_path: Path
    anki_path: Path | None
    csv_path: Path
    cards: int
    decks: int
    reviews: int
    seed: int
    anki_shift_ms: int
    seconds: dict[str, float]


class _AnkiSide:
    """The Anki copy: notes through the ``anki`` package, then cards' state and revlog by SQL."""

    def __init__(self, path: Path, names: list[str], shift_ms: int) -> None:
        from anki.collection import Collection as AnkiCollection

        self.path, self.shift_ms = path, shift_ms
        self.col = AnkiCollection(str(path))
        self.col.set_config("fsrs", True)
        self.deck_ids = [int(self.col.decks.id(name)) for name in names]  # type: ignore[arg-type]
        self.notetype = self.col.models.by_name("Basic")
        self.card_ids: list[int] = []
        self.used_ids: set[int] = set()
        self.updates: list[tuple] = []
        self.db: sqlite3.Connection | None = None
        self.crt = 0
        self.today = 0
        self.cutoff = 0

    def add_notes(self, notes: list[NewNote], deck_index: list[int]) -> None:
        from anki.collection import AddNoteRequest

        requests = []
        for note, deck in zip(notes, deck_index, strict=True):
            anki_note = self.col.new_note(self.notetype)  # type: ignore[arg-type]
            anki_note["Front"], anki_note["Back"] = note.front, note.back
            anki_note.tags = note.tags.split()
            requests.append(AddNoteRequest(anki_note, self.deck_ids[deck]))  # type: ignore[arg-type]
        for start in range(0, len(requests), 10_000):
            self.col.add_notes(requests[start : start + 10_000])
        by_note = dict(self.col.db.all("SELECT nid, id FROM cards"))
        self.card_ids = [by_note[request.note.id] for request in requests]

    def open_sql(self) -> None:
        """Close Anki and write the schedule and history straight into the file (much faster than per card)."""
        self.cutoff = int(self.col.sched.day_cutoff)
        self.col.close()
        self.db = sqlite3.connect(self.path)
        crt = self.db.execute("SELECT crt FROM col").fetchone()[0]
        self.crt = crt - 1000 * 86_400  # created long ago, so that overdue review cards have positive due days
        self.db.execute("UPDATE col SET crt = ?", [self.crt])
        self.today = (self.cutoff - self.crt) // 86_400 - 1

    def _day(self, moment_ms: int) -> int:
        """Anki's day number (days since the collection's creation) of a learner instant."""
        return self.today + 1 + ((moment_ms + self.shift_ms) // 1000 - self.cutoff) // 86_400

    def card(self, index: int, schedule: tuple, suspended: bool) -> None:
        state, stability, difficulty, due, last, reps, lapses = schedule
        if state == _NEW:
            if suspended:
                self.updates.append((0, -1, index, 0, 0, 0, 0, "{}", self.card_ids[index]))
            return
        anki_type = {_LEARNING: 1, _REVIEW: 2, _RELEARNING: 3}[state]
        ivl = max(1, round((due - last) / DAY_MS)) if state == _REVIEW else max(1, round(stability))
        anki_due = self._day(due) if state == _REVIEW else (due + self.shift_ms) // 1000
        queue = -1 if suspended else (2 if state == _REVIEW else 1)
        data = json.dumps({"s": round(stability, 4), "d": round(difficulty, 4), "lrt": (last + self.shift_ms) // 1000})
        self.updates.append((anki_type, queue, anki_due, ivl, reps, lapses, 1 if state != _REVIEW else 0, data,
                             self.card_ids[index]))  # fmt: skip

    def log(self, rows: list[tuple], card_index: dict[int, int]) -> None:
        assert self.db is not None
        revlog = []
        for row in rows:
            card_id, moment, rating, duration = row[1], row[2], row[3], row[4]
            before, after = row[6:14], row[14:22]
            log_id = moment + self.shift_ms
            while log_id in self.used_ids:  # revlog ids are times in ms, and unique
                log_id += 1
            self.used_ids.add(log_id)
            kind = {_NEW: 0, _LEARNING: 0, _REVIEW: 1, _RELEARNING: 2}[before[0]]
            ivl = _interval(after)
            last_ivl = _interval(before) if before[0] != _NEW else 0
            factor = int(round(after[3] * 100)) if after[3] is not None else 0
            revlog.append((log_id, self.card_ids[card_index[card_id]], -1, rating, ivl, last_ivl, factor, duration,
                           kind))  # fmt: skip
        self.db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", revlog)

    def finish(self) -> None:
        assert self.db is not None
        self.db.executemany(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, reps = ?, lapses = ?, left = ?, data = ?, "
            "factor = 2500 WHERE id = ?",
            self.updates,
        )
        self.db.commit()
        self.db.close()


def _step(state: int) -> int | None:
    """A (re)learning card is at its first step (the learner's log leaves the step out)."""
    return 0 if state in (_LEARNING, _RELEARNING) else None


def _interval(schedule: tuple) -> int:
    """A revlog interval: days for a review card, negative seconds for a (re)learning step."""
    state, _, _s, _d, due, last = schedule[:6]
    if due is None or last is None:
        return 0
    return max(1, round((due - last) / DAY_MS)) if state == _REVIEW else -((due - last) // 1000)


def _notes(rng: random.Random, cards: int, decks: int, now_ms: int) -> tuple[list[NewNote], list[int]]:
    vocabulary = Vocabulary(rng)
    notes, deck_index = [], []
    for i in range(cards):
        tags = {rng.choice(TAG_ROOTS) + (f"::{rng.choice(TAG_LEAVES)}" if rng.random() < 0.7 else "")}
        if rng.random() < 0.4:
            tags.add(rng.choice(TAG_ROOTS))
        created = now_ms - rng.randint(0, 730) * DAY_MS - rng.randint(0, DAY_MS)
        front, back = vocabulary.question(), vocabulary.sentence(rng.randint(8, 24))
        deck_index.append(i % decks)
        notes.append(NewNote((1 << 40) + i, f"bench:{i}", 0, front, back, " ".join(sorted(tags)), "basic", 0,
                             created, created, "", 0))  # fmt: skip
    return notes, deck_index


def generate_both(
    path: Path, anki_path: Path | None, cards: int, reviews: int, seed: int = SEED, decks: int = 50, shift_ms: int = 0
) -> None:
    """Write the studyapp collection at ``path`` and (unless ``anki_path`` is None) the Anki one."""
    rng = random.Random(seed)
    now_ms = to_ms(NOW)
    assert now_ms is not None
    names = deck_names(decks)
    notes, deck_index = _notes(rng, cards, len(names), now_ms)
    anki = _AnkiSide(anki_path, names, shift_ms) if anki_path is not None else None
    collection = Collection.open(path)
    try:
        with collection.transaction():
            # The Default preset gets a fixed id and date (a new collection draws them), so the content is the seed's.
            collection.db.conn.execute("UPDATE presets SET id = 1, created_at = ?", [now_ms])
            deck_ids = [collection.decks.create(10_000 + i, name, "", NOW).id for i, name in enumerate(names)]
            # The stock note types likewise (a new collection draws their ids): fixed ids, in name order.
            names_in_order = [row[0] for row in collection.db.conn.execute("SELECT id FROM notetypes ORDER BY name")]
            for number, notetype_id in enumerate(names_in_order, start=1):
                collection.db.conn.execute(
                    "UPDATE notetypes SET id = ?, created_at = ?, modified_at = ? WHERE id = ?",
                    [number, now_ms, now_ms, notetype_id],
                )
            collection.notetypes.refresh()
            basic = collection.notetypes.stock("basic", rng, NOW).id
            notes = [
                note._replace(deck_id=deck_ids[d], notetype_id=basic) for note, d in zip(notes, deck_index, strict=True)
            ]
            collection.notes.add(notes, [])
            if anki is not None:
                anki.add_notes(notes, deck_index)
                anki.open_sql()
            card_base = 1 << 41
            index_of = {card_base + i: i for i in range(cards)}
            log: list[tuple] = []
            schedules, studied, left = [], [], reviews

            used_ids: set[int] = set()

            def flush(rows: list[tuple]) -> None:
                # Log ids are times in ms and 21 random bits, as studyapp makes them: answers at the same millisecond
                # (the extra answers below are at whole days) can draw the same one; it takes the next free one,
                # as studyapp's import does (ReviewStore.add_history).
                for index, row in enumerate(rows):
                    row_id = row[0]
                    while row_id in used_ids:
                        row_id += 1
                    used_ids.add(row_id)
                    if row_id != row[0]:
                        rows[index] = (row_id, *row[1:])
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    collection.db.conn.executemany(f"INSERT INTO review_log VALUES ({marks})", rows)
                    if anki is not None:
                        anki.log(rows, index_of)
                    rows.clear()

            for i, note in enumerate(notes):
                card_id = card_base + i
                schedule: tuple = (_NEW, None, None, None, None, 0, 0)
                first = note.created_at + rng.randint(0, 400) * DAY_MS  # some are still waiting
                if left > 0 and first < now_ms:
                    # A third of the cards were left aside at some point: they are overdue now.
                    until = now_ms if rng.random() < 0.67 else rng.randint(first, now_ms)
                    schedule = simulate(rng, card_id, left, first, until, log)
                    left -= schedule[5]
                    studied.append(card_id)
                schedules.append(schedule)
                if len(log) > _CHUNK:
                    flush(log)
            flush(log)
            collection.db.conn.executemany(
                "INSERT INTO cards (id, note_id, deck_id, ord, position, state, step, stability, difficulty, due, "
                "last_review, reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (card_base + i, n.id, n.deck_id, 0, i, s[0], _step(s[0]), *s[1:])
                    for i, (n, s) in enumerate(zip(notes, schedules, strict=True))
                ],
            )
            # If the learner has not answered often enough: old extra answers of studied cards, up to the number.
            while left > 0 and studied:
                extra: list[tuple] = []
                for card_id in rng.sample(studied, min(left, len(studied))):
                    moment = now_ms - rng.randint(400, 800) * DAY_MS
                    before = snapshot(2, 5.0, 5.0, moment, moment, 1, 0)
                    after = snapshot(2, 5.0, 5.0, moment, moment, 2, 0)
                    extra.append((log_id(moment, rng), card_id, moment, 3, 5000, "flip", *before, *after))
                left -= len(extra)
                flush(extra)
            suspended = set(rng.sample(range(cards), cards // 100))
            collection.db.conn.executemany(
                "UPDATE cards SET suspended = 1 WHERE id = ?", [(card_base + i,) for i in sorted(suspended)]
            )
            if anki is not None:
                for i, schedule in enumerate(schedules):
                    anki.card(i, schedule, i in suspended)
                anki.finish()
    finally:
        collection.close()


def generate(path: Path, cards: int, reviews: int, seed: int = SEED, decks: int = 50) -> None:
    """The studyapp collection alone (as ``search_speed.py`` and the GUI benchmarks use it)."""
    generate_both(path, None, cards, reviews, seed, decks)


def write_csv(path: Path, cards: int, seed: int = SEED, decks: int = 50) -> None:
    """The generated notes as a CSV to import (a header row, then front, back, tags)."""
    rng = random.Random(seed)
    notes, _ = _notes(rng, cards, len(deck_names(decks)), to_ms(NOW) or 0)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["front", "back", "tags"])
        writer.writerows((note.front, note.back, note.tags) for note in notes)


def anki_shift(today: datetime | None = None) -> int:
    """Whole days from the learner's NOW to the same hour today (UTC), in ms."""
    today = today or datetime.now(timezone.utc)
    return (today.date() - NOW.date()).days * DAY_MS


def ensure(
    cards: int = 100_000,
    reviews: int = 1_000_000,
    seed: int = SEED,
    decks: int = 50,
    out: Path | None = None,
    with_anki: bool = True,
) -> Generated:
    """The generated collections, from the cache when they were made today with these numbers."""
    folder = out or Path(tempfile.gettempdir()) / "studyapp-bench-cache" / f"c{cards}-d{decks}-r{reviews}-s{seed}"
    meta_path = folder / "meta.json"
    shift = anki_shift()
    wanted = {"version": CACHE_VERSION, "schema": LATEST_VERSION, "cards": cards, "decks": decks, "reviews": reviews,
              "seed": seed}  # fmt: skip
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        same = {k: meta.get(k) for k in wanted} == wanted and meta.get("anki_shift_ms") == shift
        if same and (meta.get("with_anki") or not with_anki):
            return _generated(folder, meta)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    generate_both(folder / "studyapp.db", folder / "anki.anki2" if with_anki else None, cards, reviews, seed, decks,
                  shift)  # fmt: skip
    seconds["both"] = time.perf_counter() - started
    write_csv(folder / "deck.csv", cards, seed, decks)
    meta = {**wanted, "anki_shift_ms": shift, "with_anki": with_anki, "seconds": seconds}
    meta_path.write_text(json.dumps(meta))
    return _generated(folder, meta)


def _generated(folder: Path, meta: dict) -> Generated:
    anki = folder / "anki.anki2"
    return Generated(
        folder / "studyapp.db", anki if meta["with_anki"] else None, folder / "deck.csv", meta["cards"],
        meta["decks"], meta["reviews"], meta["seed"], meta["anki_shift_ms"], meta.get("seconds", {}),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, help="the folder to write (default: the cache in the temp folder)")
    parser.add_argument("--no-anki", action="store_true", help="only the studyapp collection")
    parser.add_argument("--print-path", action="store_true", help="print only the studyapp collection's path")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    made = ensure(args.cards, args.reviews, args.seed, args.decks, args.out, not args.no_anki)
    if args.print_path:
        print(made.studyapp_path)
        return 0
    print(f"{made.cards:,} cards in {made.decks} decks, {made.reviews:,} reviews (seed {made.seed}) "
          f"in {made.studyapp_path.parent} ({time.perf_counter() - started:.1f} s)")  # fmt: skip
    for path in (made.studyapp_path, made.anki_path, made.csv_path):
        if path is not None:
            print(f"  {path.name}: {path.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
