"""The SQL behind the note type manager: every note of a type read and rewritten at once, a template's cards.

The search index follows the rewritten fields through the triggers sqlite-utils made (``notes_au``). Call the
writers inside a transaction (``Collection.transaction``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import sqlite_utils

from studyapp.storage.collection import Collection

_BATCH = 2000
_FTS_UPDATE_TRIGGER = "notes_au"  # sqlite-utils' trigger that re-indexes each updated note
_BULK_HASH_BYTES = 8 * 1024 * 1024  # FTS5 gathers this much before writing a segment (see notes_store)


class TypedNote(NamedTuple):
    id: int
    deck_id: int
    front: str
    back: str
    rest: str
    tags: str
    html: int


class TemplateCards(NamedTuple):
    """The cards of one template of a note type: how many, how many studied, how many notes have no other card."""

    cards: int
    studied: int
    orphaned_notes: int


class NotetypeEditStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    @classmethod
    def of(cls, collection: Collection) -> NotetypeEditStore:
        return cls(collection.db)

    def notes(self, notetype_id: int) -> Iterator[TypedNote]:
        """Every note of the type, in id order, read in batches (a type may have 100,000 notes)."""
        last = None
        while True:
            rows = self._db.execute(
                "SELECT id, deck_id, front, back, rest, tags, html FROM notes WHERE notetype_id = ?"
                + ("" if last is None else " AND id > ?")
                + f" ORDER BY id LIMIT {_BATCH}",
                [notetype_id] if last is None else [notetype_id, last],
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield TypedNote(*row)
            last = rows[-1][0]

    @contextmanager
    def reindexing(self, notetype_id: int) -> Iterator[None]:
        """Around rewriting the fields of the type's notes (and of no other note), inside a transaction.

        A trigger per updated note costs FTS5 a tiny index segment per statement (20,000 notes: 21 s); so the
        trigger is set aside, the type's notes leave the index in one statement before and come back in one
        after. A rollback puts everything back, the trigger included."""
        row = self._db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [_FTS_UPDATE_TRIGGER]
        ).fetchone()
        if row is None:
            yield
            return
        columns = ", ".join(f'"{c[1]}"' for c in self._db.execute("PRAGMA table_info(notes_fts)"))
        hash_size = self._db.execute("SELECT v FROM notes_fts_config WHERE k = 'hashsize'").fetchone()
        self._db.execute(f"DROP TRIGGER {_FTS_UPDATE_TRIGGER}")
        self._db.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', ?)", [_BULK_HASH_BYTES])
        self._db.execute(
            f"INSERT INTO notes_fts (notes_fts, rowid, {columns}) "
            f"SELECT 'delete', id, {columns} FROM notes WHERE notetype_id = ?",
            [notetype_id],
        )
        yield
        self._db.execute(
            f"INSERT INTO notes_fts (rowid, {columns}) SELECT id, {columns} FROM notes WHERE notetype_id = ?",
            [notetype_id],
        )
        self._db.execute(
            "INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', ?)",
            [1024 * 1024 if hash_size is None else hash_size[0]],
        )
        if hash_size is None:
            self._db.execute("DELETE FROM notes_fts_config WHERE k = 'hashsize'")
        self._db.execute(str(row[0]))

    def set_fields(self, rows: Iterable[tuple[str, str, str, int, int]]) -> int:
        """Write (front, back, rest, modified_at, note id) rows; returns how many notes changed."""
        cursor = self._db.conn.executemany(
            "UPDATE notes SET front = ?, back = ?, rest = ?, modified_at = ? WHERE id = ?", rows
        )
        return max(0, cursor.rowcount)

    def card_counts(self) -> dict[int, int]:
        """How many cards the notes of each note type have."""
        rows = self._db.execute(
            "SELECT n.notetype_id, count(*) FROM cards c JOIN notes n ON n.id = c.note_id GROUP BY n.notetype_id"
        )
        return {int(notetype_id): int(count) for notetype_id, count in rows if notetype_id is not None}

    def template_cards(self, notetype_id: int, ord_: int) -> TemplateCards:
        """What removing template ``ord_`` would take: its cards, those studied (answered, out of new, or
        with history), and the notes that would have no card left."""
        cards, studied = self._db.execute(
            """SELECT count(*), coalesce(sum(c.reps > 0 OR c.state != 0
                   OR EXISTS (SELECT 1 FROM review_log r WHERE r.card_id = c.id)
                   OR EXISTS (SELECT 1 FROM schedule_changes s WHERE s.card_id = c.id)), 0)
               FROM cards c JOIN notes n ON n.id = c.note_id WHERE n.notetype_id = ? AND c.ord = ?""",
            [notetype_id, ord_],
        ).fetchone()
        orphaned = self._db.execute(
            """SELECT count(*) FROM notes n WHERE n.notetype_id = ?
               AND EXISTS (SELECT 1 FROM cards c WHERE c.note_id = n.id AND c.ord = ?)
               AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.note_id = n.id AND c.ord != ?)""",
            [notetype_id, ord_, ord_],
        ).fetchone()[0]
        return TemplateCards(int(cards), int(studied), int(orphaned))

    def remove_template_cards(self, notetype_id: int, ord_: int) -> int:
        """Delete the cards of template ``ord_`` and number the later templates' cards one lower (as Anki).
        The review log keeps the deleted cards' history. Returns how many cards were deleted."""
        notes = "SELECT id FROM notes WHERE notetype_id = ?"
        deleted = self._db.execute(
            f"DELETE FROM cards WHERE ord = ? AND note_id IN ({notes})", [ord_, notetype_id]
        ).rowcount
        # Two steps, so that no row ever takes an ord another row of its note still has (UNIQUE (note_id, ord)).
        self._db.execute(f"UPDATE cards SET ord = -ord WHERE ord > ? AND note_id IN ({notes})", [ord_, notetype_id])
        self._db.execute(f"UPDATE cards SET ord = -ord - 1 WHERE ord < 0 AND note_id IN ({notes})", [notetype_id])
        return max(0, deleted)
