"""The reads and writes of Check Collection: SQLite's own checks, the cards and their histories, the search index.

The cards, the review log and the schedule changes are each read in one scan in card id order (the log as one
row of text per card, from its covering index), so a collection of 100,000 cards never has its whole log in
memory at once; cards the fast replay declines are read again as objects, a batch at a time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from studyapp.core.model import ReviewEntry, Schedule, ScheduleChange
from studyapp.core.notetypes.model import split_fields
from studyapp.storage.codec import SCHEDULE_FIELDS, schedule_from_row
from studyapp.storage.review.schedule_changes_store import ScheduleChangeStore

_FTS_TABLE = "notes_fts"


@dataclass(frozen=True)
class CardHistory:
    """One card as stored, with everything its schedule should follow from."""

    card_id: int
    deck_id: int
    stored: Schedule
    answers: list[ReviewEntry]
    changes: list[ScheduleChange]


class CheckStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._changes = ScheduleChangeStore(db)

    # -- cards ----------------------------------------------------------------------------------------

    def cards_without_template(self) -> list[tuple[int, str, str, int, int, str]]:
        """Cards whose note's type has no template of their number (a standard type's ``ord`` beyond its templates,
        or a negative one): (card id, deck, note type, card number from 1, templates, the note's first field), in
        card id order. Such a card cannot be shown; Anki's Check Database deletes it."""
        rows = self._db.execute(
            "SELECT c.id, d.name, t.name, c.ord, json_array_length(t.templates), n.front FROM cards c "
            "JOIN notes n ON n.id = c.note_id JOIN notetypes t ON t.id = n.notetype_id "
            "JOIN decks d ON d.id = c.deck_id "
            "WHERE c.ord < 0 OR (t.kind = 'standard' AND c.ord >= json_array_length(t.templates)) ORDER BY c.id"
        ).fetchall()
        return [(int(card), str(deck), str(name), int(ord_) + 1, int(count), str(front))
                for card, deck, name, ord_, count, front in rows]  # fmt: skip

    # -- SQLite's own checks -----------------------------------------------------------------------

    def integrity_check(self, thorough: bool = True) -> list[str]:
        """``PRAGMA integrity_check`` (``thorough``) or ``PRAGMA quick_check``: ``["ok"]``, or the problems found.

        The quick check reads every page and checks the b-trees, the records and the NOT NULL and CHECK
        constraints: what a damaged file shows. The thorough one also looks up every row in every index of its
        table (and checks UNIQUE constraints): about ten times as long (5 s for 100,000 cards and a million
        answers). Anki's Check Database runs the quick one."""
        pragma = "integrity_check" if thorough else "quick_check"
        return [str(row[0]) for row in self._db.execute(f"PRAGMA {pragma}").fetchall()]

    def reads_beside(self, path: Path | None, thorough: bool = True) -> ReadsBeside:
        """:meth:`unusual_starts`, then :meth:`integrity_check`, of the collection file at ``path``, started on a
        thread with a read-only connection of its own, so that they run while this connection's caller does other
        work (SQLite runs them without holding Python's GIL: on another core). Where that cannot be (no file, a
        connection that will not open), they run here, when asked for."""
        return ReadsBeside(self, path, thorough)

    def foreign_key_check(self) -> list[str]:
        """Rows whose reference points nowhere (``PRAGMA foreign_key_check``), one line each."""
        return [
            f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _index in self._db.execute("PRAGMA foreign_key_check").fetchall()
        ]

    # -- cards -------------------------------------------------------------------------------------

    def card_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM cards").fetchone()[0])

    def histories_of(self, card_ids: list[int]) -> list[CardHistory]:
        """These cards (in id order) with their answers and schedule changes, as objects."""
        columns = ", ".join(("id", "deck_id", *SCHEDULE_FIELDS))
        found: list[CardHistory] = []
        for start in range(0, len(card_ids), 2000):
            ids = sorted(card_ids[start : start + 2000])
            marks = ",".join("?" * len(ids))
            rows = list(self._db.query(f"SELECT {columns} FROM cards WHERE id IN ({marks}) ORDER BY id", ids))
            answers, changes = self._changes.answers_of_cards(ids), self._changes.of_cards(ids)
            found += [
                CardHistory(row["id"], row["deck_id"], schedule_from_row(row), answers.get(row["id"], []),
                            changes.get(row["id"], []))
                for row in rows
            ]  # fmt: skip
        return found

    # -- cards as rows, for the fast replay (one scan of each table, all in card id order) -------------

    def card_rows(self) -> Iterator[tuple[Any, ...]]:
        """Every card in id order: its id, deck id and schedule columns (``SCHEDULE_FIELDS``, times in ms)."""
        columns = ", ".join(("id", "deck_id", *SCHEDULE_FIELDS))
        yield from self._db.execute(f"SELECT {columns} FROM cards ORDER BY id")

    def unusual_starts(self) -> dict[int, str]:
        """The cards whose first answer was not given to a new card with no reviews and no lapses (a history
        imported beside progress, a damaged row): card id -> its state, reps and lapses before that answer, as
        text ("2 4 1"). One look-up in the log per card."""
        return _unusual_starts(self._db.conn)

    def answer_rows(self) -> Iterator[tuple[int, str, str, int]]:
        """One row per answered card, in card id order: (card id, the times of its answers in ms joined by commas,
        their ratings (1-4, a digit each) joined by nothing, their count), in time order. One scan of the log's
        (card, time, rating) index, as a covering index: no row of the log itself is read."""
        query = (
            "SELECT card_id, group_concat(reviewed_at), group_concat(rating, ''), count(*) "
            "FROM review_log GROUP BY card_id ORDER BY card_id"
        )
        yield from self._db.execute(query)

    def review_cards(self) -> Iterator[tuple[Any, ...]]:
        """Every card in review: (id, deck id, stability, due, last review, reps), times in ms."""
        yield from self._db.execute(
            "SELECT id, deck_id, stability, due, last_review, reps FROM cards WHERE state = 2 ORDER BY id"
        )

    def last_answers(self, card_ids: list[int]) -> dict[int, tuple[int, int | None]]:
        """Each card's last answer: card id -> (its time in ms, the due it logged), for the cards that have one.
        One look-up of the log's (card, time) index per card, and one row read."""
        query = "SELECT reviewed_at, due_after FROM review_log WHERE card_id = ? ORDER BY reviewed_at DESC LIMIT 1"
        execute = self._db.conn.execute
        found: dict[int, tuple[int, int | None]] = {}
        for card_id in card_ids:
            row = execute(query, (card_id,)).fetchone()
            if row is not None:
                found[card_id] = (row[0], row[1])
        return found

    def change_rows(self) -> Iterator[tuple[int, list[int], tuple[Any, ...]]]:
        """One row per card with schedule changes, in card id order: (card id, the times of its changes in time
        order, the schedule columns its last change set)."""
        after = ", ".join(f"{name}_after" for name in SCHEDULE_FIELDS)
        query = f"SELECT card_id, changed_at, {after} FROM schedule_changes ORDER BY card_id, changed_at, id"
        card_id, times, last = None, [], ()
        for row in self._db.execute(query):
            if row[0] != card_id:
                if card_id is not None:
                    yield card_id, times, last
                card_id, times = row[0], []
            times.append(row[1])
            last = tuple(row[2:])
        if card_id is not None:
            yield card_id, times, last

    def card_questions(self, card_ids: list[int]) -> dict[int, str]:
        """The front of each card's note (to name the card in a report)."""
        if not card_ids:
            return {}
        marks = ",".join("?" * len(card_ids))
        query = f"SELECT c.id, n.front FROM cards c JOIN notes n ON n.id = c.note_id WHERE c.id IN ({marks})"
        return {row[0]: str(row[1]) for row in self._db.execute(query, card_ids)}

    # -- media -------------------------------------------------------------------------------------

    def notes_naming_files(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(note id, its fields) of the notes whose text may name a media file, in id order: a field with
        a ``[sound:``, an ``=`` (an attribute), a ``url(`` or an ``@import``
        (``core.text.media_refs`` reads no other)."""
        may_name = " OR ".join(
            f"instr({column}, '[sound:') OR instr({column}, '=') OR {column} LIKE '%url(%' OR {column} LIKE '%@import%'"
            for column in ("front", "back", "rest")
        )
        query = f"SELECT id, front, back, rest FROM notes WHERE {may_name} ORDER BY id"
        for row in self._db.execute(query):
            rest = str(row[3])
            yield int(row[0]), (str(row[1]), str(row[2]), *(split_fields(rest) if rest else ()))

    def notes_with_latex(self) -> Iterator[tuple[int, int | None, tuple[str, ...]]]:
        """(note id, note type id, its fields) of the notes with Anki's LaTeX in a field (``[$]``, ``[$$]`` or
        ``[latex]`` in any case: ``core.text.latex_files`` names the pictures Anki made of it), in id order."""
        may_have = " OR ".join(
            f"instr({column}, '[$') OR {column} LIKE '%[latex]%'" for column in ("front", "back", "rest")
        )
        query = f"SELECT id, notetype_id, front, back, rest FROM notes WHERE {may_have} ORDER BY id"
        for row in self._db.execute(query):
            rest = str(row[4])
            notetype_id = None if row[1] is None else int(row[1])
            yield int(row[0]), notetype_id, (str(row[2]), str(row[3]), *(split_fields(rest) if rest else ()))

    # -- the search index --------------------------------------------------------------------------

    def note_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM notes").fetchone()[0])

    def indexed_count(self) -> int:
        """Notes in the search index (its document sizes: one row per indexed note)."""
        return int(self._db.execute(f"SELECT count(*) FROM {_FTS_TABLE}_docsize").fetchone()[0])

    def index_consistent(self) -> bool:
        """FTS5's own check of the index against the notes."""
        try:
            self._db.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
        return True

    def rebuild_index(self) -> None:
        """Rebuild the search index from the notes (FTS5 'rebuild'), in one transaction."""
        with self._db.atomic():
            self._db.execute(f"INSERT INTO {_FTS_TABLE}({_FTS_TABLE}) VALUES ('rebuild')")


def _unusual_starts(conn: sqlite3.Connection) -> dict[int, str]:
    first = (
        "SELECT ifnull(r.state_before, '?') || ' ' || ifnull(r.reps_before, '?') || ' ' || "
        "ifnull(r.lapses_before, '?') FROM review_log r WHERE r.card_id = c.id ORDER BY r.reviewed_at, r.id LIMIT 1"
    )
    query = (
        f"SELECT id, start FROM (SELECT c.id AS id, ({first}) AS start FROM cards c) "
        "WHERE start IS NOT NULL AND start != '0 0 0'"
    )
    return {card_id: start for card_id, start in conn.execute(query) if card_id is not None}


class ReadsBeside:
    """The reads of :meth:`CheckStore.reads_beside`, on their thread: the unusual starts, then the integrity check."""

    def __init__(self, store: CheckStore, path: Path | None, thorough: bool = True) -> None:
        self._store, self._thorough = store, thorough
        self._starts: dict[int, str] | None = None
        self._integrity: list[str] | None = None
        self._connection: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        self._starts_done = threading.Event()
        if path is not None and path.is_file():
            try:
                uri = f"{path.resolve().as_uri()}?mode=ro"
                self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=5.0)
            except (sqlite3.Error, OSError, ValueError):
                self._connection = None
        if self._connection is None:
            self._starts_done.set()
            return
        self._thread = threading.Thread(target=self._run, name="check-reads", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._connection is not None
        try:
            self._starts = _unusual_starts(self._connection)
        except sqlite3.Error:  # interrupted, or the file cannot be read this way: the caller's connection will do
            self._starts = None
        finally:
            self._starts_done.set()
        try:
            pragma = "integrity_check" if self._thorough else "quick_check"
            self._integrity = [str(row[0]) for row in self._connection.execute(f"PRAGMA {pragma}").fetchall()]
        except sqlite3.Error:
            self._integrity = None

    def unusual_starts(self, waiting: Callable[[], None] | None = None) -> dict[int, str]:
        """:meth:`CheckStore.unusual_starts`; waits for them, calling ``waiting`` every 0.1 s meanwhile (an
        exception from it stops the reads: call :meth:`cancel`)."""
        while not self._starts_done.wait(0.1):
            if waiting is not None:
                waiting()
        if self._starts is None:
            self._starts = self._store.unusual_starts()
        return self._starts

    def integrity(self, waiting: Callable[[], None] | None = None) -> list[str]:
        """``["ok"]``, or the problems found (waits as :meth:`unusual_starts` does)."""
        while self._thread is not None and self._thread.is_alive():
            if waiting is not None:
                waiting()
            self._thread.join(0.1)
        self._stop(interrupt=False)
        if self._integrity is None:
            self._integrity = self._store.integrity_check(self._thorough)
        return self._integrity

    def cancel(self) -> None:
        """Stop the reads (they write nothing) and wait for their thread."""
        self._stop(interrupt=True)

    def _stop(self, interrupt: bool) -> None:
        if self._thread is not None:
            if interrupt and self._connection is not None:
                self._connection.interrupt()
            self._thread.join()
            self._thread = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
