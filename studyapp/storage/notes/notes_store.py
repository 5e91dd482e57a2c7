"""Notes and their cards: looking them up by guid, adding, updating. The import service decides what to do."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlite_utils

from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import FIELD_SEPARATOR, fit_fields, join_fields
from studyapp.storage.codec import to_ms

_CHUNK = 5000  # well below SQLite's limit of 32,766 bound parameters


@dataclass(frozen=True)
class StoredNote:
    id: int
    guid: str
    deck_id: int
    front: str
    back: str
    tags: str
    kind: NoteKind
    html: bool
    rest: str = ""
    notetype_id: int | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field as stored (a type's last empty fields may be missing: ``padded`` gives its count)."""
        return stored_fields(self.front, self.back, self.rest)

    def padded(self, count: int) -> tuple[str, ...]:
        return fit_fields(self.fields, count)


def stored_fields(front: str, back: str, rest: str) -> tuple[str, ...]:
    """A note's fields from its columns (``front``, ``back`` and the others joined in ``rest``)."""
    return (front, back, *rest.split(FIELD_SEPARATOR)) if rest else (front, back)


def field_columns(fields: Sequence[str]) -> tuple[str, str, str]:
    """(front, back, rest) of a note's fields: the first two in their columns, the others joined."""
    count = len(fields)
    return (fields[0] if count else "", fields[1] if count > 1 else "", join_fields(list(fields[2:])))


class NewNote(NamedTuple):
    """A row of the notes table, in column order: an import builds 100,000 of these."""

    id: int
    guid: str
    deck_id: int
    front: str
    back: str
    tags: str
    kind: str  # a NoteKind value
    html: int
    created_at: int
    modified_at: int
    rest: str
    notetype_id: int


class NewCard(NamedTuple):
    id: int
    note_id: int
    deck_id: int
    ord: int
    position: int


# Rows as the bulk insert takes them: plain tuples in column order (``NewNote`` and ``NewCard`` are such tuples).
NoteRow = tuple[int, str, int, str, str, str, str, int, int, int, str, int]
CardRow = tuple[int, int, int, int, int]

# The trigger sqlite-utils made (enable_fts) to index each inserted note; set aside for bulk inserts.
_FTS_INSERT_TRIGGER = "notes_ai"
# FTS5 gathers new terms in memory up to ``hashsize`` bytes (1 MiB by default), then writes them as a segment
# and merges segments as they pile up. For one bulk statement 8 MiB means two segments instead of about fifteen
# merged again and again (a fifth of the indexing time); the setting is put back afterwards.
_BULK_HASH_BYTES = 8 * 1024 * 1024
_DEFAULT_HASH_BYTES = 1024 * 1024
_BULK_INDEX = 500  # notes: from here on, one indexing statement beats a trigger per note
# SQLite's page cache for this connection during a bulk insert, in KiB (the collection opens with 32 MiB).
# A 100,000-note import dirties about 70 MiB of pages; with room for them all, none is spilled to the log
# and written again, and the search index is built from pages still in memory (0.1 s of 2.4 s). The cache
# only grows as pages are used, and goes back to its size when the insert finishes.
_BULK_CACHE_KIB = 128 * 1024


def _marks(row: type[tuple]) -> str:
    return ", ".join("?" * len(row._fields))  # type: ignore[attr-defined]


_INSERT_NOTE = f"INSERT INTO notes ({', '.join(NewNote._fields)}) VALUES ({_marks(NewNote)})"
_NOTE_COLUMNS = "id, guid, deck_id, front, back, tags, kind, html, rest, notetype_id"


def _stored(row: tuple[Any, ...]) -> StoredNote:
    """The note of a row of ``SELECT {_NOTE_COLUMNS}``."""
    return StoredNote(*row[:6], kind=NoteKind(row[6]), html=bool(row[7]), rest=row[8], notetype_id=row[9])


_INSERT_CARD = f"INSERT INTO cards ({', '.join(NewCard._fields)}) VALUES ({_marks(NewCard)})"


class NoteStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM notes").fetchone()[0])

    def by_guids(self, guids: Sequence[str]) -> dict[str, StoredNote]:
        """The notes among ``guids`` that are in the collection, by guid.

        One scan of the guid index finds which are there (for a first import: none, so nothing more is
        read); only those rows are then fetched.
        """
        known = {row[0] for row in self._db.execute("SELECT guid FROM notes")}
        present = [guid for guid in guids if guid in known]
        found: dict[str, StoredNote] = {}
        for start in range(0, len(present), _CHUNK):
            chunk = present[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE guid IN ({marks})", chunk):
                note = _stored(row)
                found[note.guid] = note
        return found

    def get(self, note_id: int) -> StoredNote | None:
        row = self._db.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", [note_id]).fetchone()
        return None if row is None else _stored(row)

    def of_card(self, card_id: int) -> StoredNote | None:
        row = self._db.execute("SELECT note_id FROM cards WHERE id = ?", [card_id]).fetchone()
        return None if row is None else self.get(row[0])

    def fronts_in_deck(self, deck_id: int) -> list[tuple[int, str]]:
        """(note id, front) of every note of a deck: for the duplicate check of the Add dialog."""
        return [
            (row[0], row[1]) for row in self._db.execute("SELECT id, front FROM notes WHERE deck_id = ?", [deck_id])
        ]

    def in_decks(self, deck_ids: Sequence[int]) -> list[StoredNote]:
        """The notes of these decks, in the order their first cards are introduced."""
        marks = ",".join("?" * len(deck_ids))
        rows = self._db.execute(
            f"""SELECT n.id, n.guid, n.deck_id, n.front, n.back, n.tags, n.kind, n.html, n.rest, n.notetype_id
                FROM notes n
                LEFT JOIN (SELECT note_id, min(position) AS first FROM cards GROUP BY note_id) c ON c.note_id = n.id
                WHERE n.deck_id IN ({marks}) ORDER BY n.deck_id, c.first, n.id""",
            list(deck_ids),
        )
        return [_stored(row) for row in rows]

    def guids_like(self, prefix: str) -> set[str]:
        """Guids that start with ``prefix`` (for numbering duplicates)."""
        rows = self._db.execute("SELECT guid FROM notes WHERE substr(guid, 1, ?) = ?", [len(prefix), prefix])
        return {row[0] for row in rows}

    def cards_without_history(self, note_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        """(note id, ord) -> card id of these notes' cards that were never studied: new, with no answer and no
        schedule change logged (the cards an imported history may still be given)."""
        ids = list(note_ids)
        found: dict[tuple[int, int], int] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"""SELECT c.note_id, c.ord, c.id FROM cards c WHERE c.note_id IN ({marks}) AND c.state = 0
                    AND c.reps = 0 AND NOT EXISTS (SELECT 1 FROM review_log r WHERE r.card_id = c.id)
                    AND NOT EXISTS (SELECT 1 FROM schedule_changes s WHERE s.card_id = c.id)""",
                chunk,
            )
            for note_id, ord_, card_id in rows:
                found[(note_id, ord_)] = card_id
        return found

    def card_ords(self, note_ids: Iterable[int]) -> dict[int, set[int]]:
        """The card ords each note already has."""
        ids = list(note_ids)
        result: dict[int, set[int]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for note_id, ord_ in self._db.execute(f"SELECT note_id, ord FROM cards WHERE note_id IN ({marks})", chunk):
                result.setdefault(note_id, set()).add(ord_)
        return result

    def next_position(self, deck_id: int) -> int:
        """The new-card position after the last card of the deck."""
        row = self._db.execute("SELECT max(position) FROM cards WHERE deck_id = ?", [deck_id]).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def add(self, notes: Sequence[NoteRow], cards: Sequence[CardRow]) -> None:
        """Insert notes and their cards (new cards, no progress). Call inside a transaction."""
        with self.bulk_insert(len(notes)) as bulk:
            bulk.add(notes, cards)
            bulk.finish()

    def bulk_insert(self, expected: int) -> BulkInsert:
        """An insert of up to ``expected`` new notes (with their cards) in chunks: see :class:`BulkInsert`."""
        return BulkInsert(self._db, expected)

    @contextmanager
    def references_made_here(self) -> Iterator[None]:
        """Around a transaction whose new rows only refer to rows it made or read itself: an import's.

        SQLite's foreign key checks cost a lookup of the note and of the deck for every card inserted
        (a twentieth of a 100,000-note import) and can never fail there: a card's note is inserted just
        before it and its deck was found or created in the same transaction. So this connection skips
        them for the block and checks again after it. Inside an open transaction, where SQLite cannot
        switch them, nothing changes.
        """
        conn = self._db.conn
        if conn.in_transaction or not conn.execute("PRAGMA foreign_keys").fetchone()[0]:
            yield
            return
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def suspend_cards(self, card_ids: Sequence[int]) -> None:
        """Mark these cards suspended (an imported package's suspended cards)."""
        for start in range(0, len(card_ids), _CHUNK):
            chunk = list(card_ids[start : start + _CHUNK])
            self._db.conn.execute(f"UPDATE cards SET suspended = 1 WHERE id IN ({','.join('?' * len(chunk))})", chunk)

    def add_cards(self, cards: Sequence[CardRow]) -> None:
        self._db.conn.executemany(_INSERT_CARD, cards)

    def update(self, note_id: int, fields: dict[str, Any], now: datetime) -> None:
        """Change a note's text, tags, kind or html flag; its cards and their progress stay.

        ``fields`` may hold ``"fields"``: every field of the note (stored as front, back and rest)."""
        values = {key: (value.value if isinstance(value, NoteKind) else value) for key, value in fields.items()}
        if "fields" in values:
            values["front"], values["back"], values["rest"] = field_columns(values.pop("fields"))
        if "html" in values:
            values["html"] = int(values["html"])
        self._db["notes"].update(note_id, {**values, "modified_at": to_ms(now)})


class BulkInsert:
    """New notes and their cards, handed over in chunks inside one transaction; ``finish`` after the last.

    The bulk path of an import (100,000 rows): the rows are tuples in column order, inserted with one
    prepared statement per table through the connection sqlite-utils wraps, rather than its row-by-row
    dict handling (3x faster here). Callers hand over rows in ascending id order, so each B-tree is
    appended to (see services/importing/draft_writes.py), and in chunks, so that the rows of a big file are never
    all in memory at once.

    The search index is kept in step by a trigger per inserted note, and FTS5 then writes a tiny index
    segment per statement: 4 s for 100,000 notes. For a large insert the trigger is set aside inside
    this transaction and the new notes are indexed with one statement at the end; a rollback (a failure,
    a cancel) puts everything back, the trigger included. When the insert is at least as big as what is
    already there, the secondary indexes of notes and cards are set aside too and built again at the
    end: one sort each instead of 100,000 scattered inserts.

    Use it as a context manager around the transaction's work: the larger page cache it takes for the
    insert is a setting of the connection, which a rollback does not put back; leaving the block by an
    exception does (``abandon``), so a failed import or sync leaves the connection as it found it.
    """

    def __init__(self, db: sqlite_utils.Database, expected: int) -> None:
        self._db = db
        self._expected = expected
        self._started = False
        self._trigger: str | None = None
        self._indexes: list[tuple[str, str]] = []
        # Which notes the search index still lacks at the end: those not among the notes there were at the
        # start (when the insert is the bigger part), else those listed as they are inserted.
        self._by_old_ids = False
        self._hash_size: tuple[int] | None = None
        self._cache_size: int | None = None

    def __enter__(self) -> BulkInsert:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if kind is not None:
            self.abandon()

    def abandon(self) -> None:
        """The insert failed (its transaction is being rolled back): put the connection's page cache back."""
        self._started = False
        self._restore_cache_size()

    def _restore_cache_size(self) -> None:
        if self._cache_size is not None:
            self._db.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def add(self, notes: Sequence[NoteRow], cards: Sequence[CardRow]) -> None:
        conn = self._db.conn
        if self._expected < _BULK_INDEX:
            conn.executemany(_INSERT_NOTE, notes)
            conn.executemany(_INSERT_CARD, cards)
            return
        if not self._started:
            self._start()
        conn.executemany(_INSERT_NOTE, notes)
        if self._trigger is not None and not self._by_old_ids:
            conn.executemany("INSERT INTO temp.bulk_note_ids (id) VALUES (?)", ((note[0],) for note in notes))
        conn.executemany(_INSERT_CARD, cards)

    def _start(self) -> None:
        self._started = True
        size = int(self._db.execute("PRAGMA cache_size").fetchone()[0])
        page_kib = int(self._db.execute("PRAGMA page_size").fetchone()[0]) // 1024
        if (-size if size < 0 else size * page_kib) < _BULK_CACHE_KIB:  # negative sizes are KiB, positive pages
            self._cache_size = size
            self._db.execute(f"PRAGMA cache_size = {-_BULK_CACHE_KIB}")
        before = int(self._db.execute("SELECT count(*) FROM notes").fetchone()[0])
        if self._expected >= before:
            self._indexes = _secondary_indexes(self._db)
            for name, _ in self._indexes:
                self._db.execute(f"DROP INDEX [{name}]")
        self._trigger = _fts_insert_trigger(self._db)
        if self._trigger is None:
            return
        self._db.execute(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}")
        self._hash_size = self._db.execute("SELECT v FROM notes_fts_config WHERE k = 'hashsize'").fetchone()
        self._db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', ?)", [_BULK_HASH_BYTES])
        self._by_old_ids = self._expected >= before
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS bulk_note_ids (id INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM temp.bulk_note_ids")
        if self._by_old_ids:
            self._db.execute("INSERT INTO temp.bulk_note_ids (id) SELECT id FROM notes")

    def finish(self) -> None:
        """Index the new notes' text with one statement and put the trigger and indexes back.

        Between the first chunk and ``finish`` notes are only added or updated (an update is indexed by
        its own trigger), never deleted.
        """
        if not self._started:
            return
        self._started = False
        if self._trigger is not None:
            if self._by_old_ids:
                self._db.execute(
                    "INSERT INTO notes_fts (rowid, front, back, rest) SELECT id, front, back, rest FROM notes "
                    "WHERE id NOT IN (SELECT id FROM temp.bulk_note_ids)"
                )
            else:
                self._db.execute(
                    "INSERT INTO notes_fts (rowid, front, back, rest) "
                    "SELECT n.id, n.front, n.back, n.rest FROM temp.bulk_note_ids b JOIN notes n ON n.id = b.id"
                )
            self._db.execute("DELETE FROM temp.bulk_note_ids")
            self._restore_hash_size()
            self._db.execute(self._trigger)
        for _, sql in self._indexes:
            self._db.execute(sql)
        self._restore_cache_size()

    def _restore_hash_size(self) -> None:
        """Put FTS5's ``hashsize`` back as it was: its value, or no setting at all (the default)."""
        before = self._hash_size
        value = _DEFAULT_HASH_BYTES if before is None else before[0]
        self._db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', ?)", [value])
        if before is None:  # this connection now uses the default, and the file says nothing, as before
            self._db.execute("DELETE FROM notes_fts_config WHERE k = 'hashsize'")


def _secondary_indexes(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes on notes and cards other than their keys and UNIQUE columns."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('notes', 'cards') "
        "AND sql IS NOT NULL ORDER BY name"
    )
    return [(str(name), str(sql)) for name, sql in rows]


def _fts_insert_trigger(db: sqlite_utils.Database) -> str | None:
    row = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [_FTS_INSERT_TRIGGER]
    ).fetchone()
    return None if row is None else str(row[0])
