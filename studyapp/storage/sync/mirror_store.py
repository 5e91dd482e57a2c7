"""The sync mirror: what the sync server holds, object by object, and the rows here that the sync reads and writes.

Each mirrored object keeps Anki's own form (``entry``, JSON), the id of the object it is here (``our_id``), a digest
of that object here as it was when last exchanged (``digest``) and its modification time on the server's side
(``mod``, Unix seconds). The sync service decides; this module only reads and writes rows (schema version 9).
"""

from __future__ import annotations

import contextlib
import json
import operator
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import orjson
import sqlite_utils

_CHUNK = 5000  # ids per statement, well under SQLite's limit of bound parameters
_REVLOG_OURS_INDEX = "CREATE INDEX sync_revlog_ours ON sync_revlog (our_id) WHERE our_id IS NOT NULL"  # (schema 9)
_FIRST = operator.itemgetter(0)
_INSERT_REVLOG = ("INSERT OR REPLACE INTO sync_revlog (anki_id, our_id, card, usn, ease, ivl, last_ivl, factor, time, "
                  "type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")  # fmt: skip
BULK_LOG_ROWS = 20_000  # from here, rows for a smaller log go in with its indexes made again after


@contextlib.contextmanager
def revlog_index_set_aside(conn: sqlite3.Connection, coming: int) -> Iterator[None]:
    """Around the writing of ``coming`` mirror review-log rows: for a whole collection's log (at least
    ``BULK_LOG_ROWS``, and more than the mirror holds) its index is dropped and made again after, as the review
    log's are."""
    bulk = coming >= BULK_LOG_ROWS and coming > conn.execute("SELECT count(*) FROM sync_revlog").fetchone()[0]
    if bulk:
        conn.execute("DROP INDEX sync_revlog_ours")
    yield
    if bulk:
        conn.execute(_REVLOG_OURS_INDEX)


class Mirrored:
    """One mirrored object. Its Anki form is decoded from the stored JSON only when read (a sync reads every
    mirrored note and card, and looks into few of them)."""

    __slots__ = ("anki_id", "our_id", "digest", "mod", "_entry", "_raw")

    def __init__(
        self, anki_id: int, our_id: int | None, digest: str, mod: int, entry: Any = None, *, raw: str | None = None
    ) -> None:
        self.anki_id, self.our_id, self.digest, self.mod = anki_id, our_id, digest, mod
        self._entry, self._raw = entry, raw

    @property
    def entry(self) -> Any:
        """The Anki object (a list for notes and cards, a dict for the others)."""
        if self._entry is None and self._raw is not None:
            self._entry = json.loads(self._raw)
        return self._entry

    def raw(self) -> str:
        return self._raw if self._raw is not None else _json_text(self._entry)


def _json_text(value: Any) -> str:
    """Compact JSON (a whole collection's first sync writes 20,000 entries: orjson, a fifth of the json module's
    time), or the json module's for what orjson refuses (a lone surrogate, an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"))


class NoteHere(NamedTuple):
    id: int
    guid: str
    deck_id: int
    front: str
    back: str
    rest: str
    tags: str
    html: int
    notetype_id: int | None
    modified_at: int


class CardHere(NamedTuple):
    id: int
    note_id: int
    deck_id: int
    ord: int
    position: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: int | None
    last_review: int | None
    reps: int
    lapses: int
    suspended: int
    flag: int
    buried_until: int | None = None  # ms: hidden from study until then (Anki's buried queue while it lasts)


SCHEDULE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
_NOTE_COLUMNS = ", ".join(NoteHere._fields)
_CARD_COLUMNS = ", ".join(CardHere._fields)
_TABLES = {"note": "sync_notes", "card": "sync_cards"}


def id_chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


class MirrorStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    # -- the mirror -------------------------------------------------------------------------------------------

    def mirrored(self, kind: str) -> dict[int, Mirrored]:
        """Every mirrored note, card (``kind`` "note", "card") or note type, deck, deck config, by Anki id."""
        if kind in _TABLES:
            rows = self._db.execute(f"SELECT anki_id, our_id, digest, mod, entry FROM {_TABLES[kind]}")
        else:
            rows = self._db.execute(
                "SELECT anki_id, our_id, digest, mod, entry FROM sync_objects WHERE kind = ?", [kind]
            )
        return {row[0]: Mirrored(row[0], row[1], row[2], row[3], raw=row[4]) for row in rows}

    def ids(self, kind: str) -> dict[int, int | None]:
        """Every mirrored note or card (``kind`` "note", "card"): Anki id -> our id, without reading the rest (a
        sync asks for these many times, and ``mirrored`` reads every object's Anki form)."""
        return dict(self._db.execute(f"SELECT anki_id, our_id FROM {_TABLES[kind]}").fetchall())

    def digests(self, kind: str) -> dict[int | None, str]:
        """Every mirrored note or card: our id -> its digest when last exchanged."""
        return dict(self._db.execute(f"SELECT our_id, digest FROM {_TABLES[kind]}").fetchall())

    def put(self, kind: str, items: Iterable[Mirrored]) -> None:
        rows = [(m.anki_id, m.our_id, m.digest, m.mod, m.raw()) for m in items]
        rows.sort(key=_FIRST)  # (stable: of one id given twice, the later is kept)
        if kind in _TABLES:
            self._db.conn.executemany(
                f"INSERT OR REPLACE INTO {_TABLES[kind]} (anki_id, our_id, digest, mod, entry) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        else:
            self._db.conn.executemany(
                "INSERT OR REPLACE INTO sync_objects (kind, anki_id, our_id, digest, mod, entry) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(kind, *row) for row in rows],
            )

    def forget(self, kind: str, anki_ids: Sequence[int]) -> None:
        for part in id_chunks(list(anki_ids)):
            marks = ", ".join("?" * len(part))
            if kind in _TABLES:
                self._db.execute(f"DELETE FROM {_TABLES[kind]} WHERE anki_id IN ({marks})", list(part))
            else:
                self._db.execute(f"DELETE FROM sync_objects WHERE kind = ? AND anki_id IN ({marks})", [kind, *part])

    def clear(self) -> None:
        """Forget the whole mirror (a new server, or a full sync): the next sync matches everything again."""
        for table in ("sync_notes", "sync_cards", "sync_revlog", "sync_objects", "sync_tags"):
            self._db.execute(f"DELETE FROM {table}")

    def revlog_ids(self) -> set[int]:
        return {row[0] for row in self._db.execute("SELECT anki_id FROM sync_revlog")}

    def put_revlog(self, rows: list[tuple[int, int, Sequence[Any]]], ours: Mapping[int, int]) -> None:
        """The server's rows ``(anki_id, card anki id, entry)``, each mirrored as the row here ``ours`` names (by its
        Anki id; none if missing); ``entry`` Anki's tuple (id, cid, usn, ease, ivl, lastIvl, factor, time, type).
        ``rows`` is sorted in place by id (the mirror's B-tree is appended to, its pages full), and their values
        are made as they are written (a whole collection's log is a million rows and more: ~130 bytes each, held
        at once)."""
        rows.sort(key=_FIRST)
        get = ours.get
        with revlog_index_set_aside(self._db.conn, len(rows)):
            self._db.conn.executemany(
                _INSERT_REVLOG, ((a, get(a), c, e[2], e[3], e[4], e[5], e[6], e[7], e[8]) for a, c, e in rows)
            )

    def put_revlog_values(self, values: list[tuple[Any, ...]]) -> None:
        """``put_revlog``'s rows as the table's columns: (anki_id, our_id, card, usn, ease, ivl, last_ivl, factor,
        time, type)."""
        conn = self._db.conn
        values.sort(key=_FIRST)
        with revlog_index_set_aside(conn, len(values)):
            conn.executemany(
                _INSERT_REVLOG,
                values,
            )

    def tags(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT name FROM sync_tags")}

    def put_tags(self, names: Iterable[str]) -> None:
        self._db.conn.executemany("INSERT OR IGNORE INTO sync_tags (name) VALUES (?)", [(name,) for name in names])

    def counts(self) -> dict[str, int]:
        """What the server should hold after a sync: its cards, notes, review-log rows, note types, decks, configs."""
        one = self._db.execute
        objects = dict(one("SELECT kind, count(*) FROM sync_objects GROUP BY kind").fetchall())
        return {
            "cards": one("SELECT count(*) FROM sync_cards").fetchone()[0],
            "notes": one("SELECT count(*) FROM sync_notes").fetchone()[0],
            "revlog": one("SELECT count(*) FROM sync_revlog").fetchone()[0],
            "notetypes": objects.get("notetype", 0),
            "decks": objects.get("deck", 0),
            "deck_config": objects.get("deck_config", 0),
        }

    # -- what is here -----------------------------------------------------------------------------------------

    def notes_here(self) -> dict[int, NoteHere]:
        return {row[0]: NoteHere(*row) for row in self._db.execute(f"SELECT {_NOTE_COLUMNS} FROM notes")}

    def notes_here_of(self, note_ids: Sequence[int]) -> dict[int, NoteHere]:
        """``notes_here`` of these notes only."""
        found: dict[int, NoteHere] = {}
        for part in id_chunks(sorted(set(note_ids))):
            marks = ", ".join("?" * len(part))
            rows = self._db.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id IN ({marks})", list(part))
            found.update((row[0], NoteHere(*row)) for row in rows)
        return found

    def notes_created(self, note_ids: Sequence[int]) -> dict[int, int]:
        """When these notes were made here (ms): a note's Anki id is the time it was made, as Anki's are."""
        found: dict[int, int] = {}
        for part in id_chunks(sorted(set(note_ids))):
            marks = ", ".join("?" * len(part))
            found.update(self._db.execute(f"SELECT id, created_at FROM notes WHERE id IN ({marks})", list(part)))
        return found

    def cards_here(self) -> dict[int, CardHere]:
        return {row[0]: CardHere(*row) for row in self._db.execute(f"SELECT {_CARD_COLUMNS} FROM cards")}

    def unsent_reviews(self) -> bool:
        """Whether there is an answer or schedule change here the server has not had yet."""
        return bool(
            self._db.execute(
                "SELECT EXISTS (SELECT 1 FROM review_log r WHERE NOT EXISTS "
                "(SELECT 1 FROM sync_revlog s WHERE s.our_id = r.id)) OR EXISTS (SELECT 1 FROM schedule_changes c "
                "WHERE NOT EXISTS (SELECT 1 FROM sync_revlog s WHERE s.our_id = c.id))"
            ).fetchone()[0]
        )

    def card_ids_here(self) -> set[int]:
        return {row[0] for row in self._db.execute("SELECT id FROM cards")}

    def note_ids_here(self) -> set[int]:
        return {row[0] for row in self._db.execute("SELECT id FROM notes")}

    def unsent_change_rows(self) -> list[tuple[Any, ...]]:
        """``(id, card_id, changed_at, kind, state_before, due_before, last_review_before, state_after, due_after,
        last_review_after)`` of each schedule change here the server has not had yet."""
        return self._db.execute(
            "SELECT id, card_id, changed_at, kind, state_before, due_before, last_review_before, state_after, "
            "due_after, last_review_after FROM schedule_changes c "
            "WHERE NOT EXISTS (SELECT 1 FROM sync_revlog s WHERE s.our_id = c.id)"
        ).fetchall()

    def update_note(self, note_id: int, front: str, back: str, rest: str, tags: str, notetype_id: int, at: int) -> None:
        self._db.execute(
            "UPDATE notes SET front = ?, back = ?, rest = ?, tags = ?, notetype_id = ?, html = 1, modified_at = ? "
            "WHERE id = ?",
            [front, back, rest, tags, notetype_id, at, note_id],
        )

    def delete_notes(self, note_ids: Sequence[int]) -> None:
        """Delete notes and their cards; the review log keeps their history (it is never deleted)."""
        for part in id_chunks(list(note_ids)):
            marks = ", ".join("?" * len(part))
            self._db.execute(f"DELETE FROM cards WHERE note_id IN ({marks})", list(part))
            self._db.execute(f"DELETE FROM notes WHERE id IN ({marks})", list(part))

    def delete_cards(self, card_ids: Sequence[int]) -> None:
        for part in id_chunks(list(card_ids)):
            self._db.execute(f"DELETE FROM cards WHERE id IN ({', '.join('?' * len(part))})", list(part))

    def deck_in_use(self, deck_id: int) -> bool:
        row = self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?) OR EXISTS (SELECT 1 FROM notes WHERE deck_id = ?)",
            [deck_id, deck_id],
        ).fetchone()
        return bool(row[0])

    def delete_deck(self, deck_id: int) -> None:
        self._db.execute("DELETE FROM decks WHERE id = ?", [deck_id])

    def add_conflict(self, row: tuple[Any, ...]) -> None:
        """``(id, note_id, happened_at, kept_side, lost_fields, lost_tags, lost_modified_at)``."""
        self._db.execute(
            "INSERT INTO sync_conflicts (id, note_id, happened_at, kept_side, lost_fields, lost_tags, "
            "lost_modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            row,
        )

    def conflicts(self) -> list[tuple[Any, ...]]:
        return list(
            self._db.execute(
                "SELECT id, note_id, happened_at, kept_side, lost_fields, lost_tags, lost_modified_at, seen "
                "FROM sync_conflicts ORDER BY happened_at DESC"
            )
        )

    # -- reads and writes of the exchange ----------------------------------------------------------------------

    def cards_here_of(self, ids: Sequence[int]) -> dict[int, CardHere]:
        found: dict[int, CardHere] = {}
        for part in id_chunks(list(ids)):
            marks = ", ".join("?" * len(part))
            for row in self._db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE id IN ({marks})", list(part)):
                found[row[0]] = CardHere(*row)
        return found

    def add_full_cards(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """New cards from the server: ``(id, note_id, deck_id, ord, position, <schedule columns>, suspended,
        flag, buried_until)``."""
        columns = (
            "id",
            "note_id",
            "deck_id",
            "ord",
            "position",
            *SCHEDULE_COLUMNS,
            "suspended",
            "flag",
            "buried_until",
        )
        self._db.conn.executemany(
            f"INSERT INTO cards ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
        )

    def set_card_places(self, rows: Sequence[tuple[int, int, int, int | None, int, int]]) -> None:
        """``(deck_id, suspended, flag, buried_until, position, card id)``: what the server changed of cards besides
        their schedule."""
        self._db.conn.executemany(
            "UPDATE cards SET deck_id = ?, suspended = ?, flag = ?, buried_until = ?, position = ? WHERE id = ?", rows
        )

    def mirror_only_revlog(self) -> list[tuple[Any, ...]]:
        """The server's review-log rows that are no row here, as ``(id, cid, usn, ease, ivl, lastIvl, factor,
        time, type, note guid, card ord)``; the guid and ord of the card here they belong to, if any."""
        return self._db.execute(
            "SELECT s.anki_id, s.card, s.usn, s.ease, s.ivl, s.last_ivl, s.factor, s.time, s.type, n.guid, k.ord "
            "FROM sync_revlog s LEFT JOIN sync_cards c ON c.anki_id = s.card LEFT JOIN cards k ON k.id = c.our_id "
            "LEFT JOIN notes n ON n.id = k.note_id WHERE s.our_id IS NULL ORDER BY s.anki_id"
        ).fetchall()
