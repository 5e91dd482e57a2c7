"""The collection schema, as ordered migrations.

``PRAGMA user_version`` holds the number of migrations applied. Each migration runs in one
transaction together with the version bump, so a collection is always at a whole version. Append new
migrations to the list; never edit one that has shipped.

Times are integers, milliseconds since the Unix epoch in UTC: compact, and fast to index and compare.
Ids are random 63-bit integers made by the caller, never row counters.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import sqlite_utils

from studyapp.core.notetypes.model import STOCK, stock_type
from studyapp.core.scheduling.deck_options import DeckOptions

# "Stdy": marks the SQLite file as a studyapp collection (PRAGMA application_id).
APPLICATION_ID = 0x53746479

_SCHEDULE_COLUMNS = """
    state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due INTEGER,
    last_review INTEGER,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0
"""


def _snapshot_columns(suffix: str) -> str:
    return f"""
    state_{suffix} INTEGER NOT NULL,
    step_{suffix} INTEGER,
    stability_{suffix} REAL,
    difficulty_{suffix} REAL,
    due_{suffix} INTEGER,
    last_review_{suffix} INTEGER,
    reps_{suffix} INTEGER NOT NULL,
    lapses_{suffix} INTEGER NOT NULL"""


_V1 = [
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE decks (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        new_per_day INTEGER NOT NULL DEFAULT 20 CHECK (new_per_day >= 0),
        reviews_per_day INTEGER NOT NULL DEFAULT 200 CHECK (reviews_per_day >= 0),
        created_at INTEGER NOT NULL
    )""",
    """CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        guid TEXT NOT NULL UNIQUE,
        deck_id INTEGER NOT NULL REFERENCES decks(id),
        front TEXT NOT NULL,
        back TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL
    )""",
    f"""CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
        deck_id INTEGER NOT NULL REFERENCES decks(id),
        ord INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL,
        {_SCHEDULE_COLUMNS},
        UNIQUE (note_id, ord)
    )""",
    f"""CREATE TABLE review_log (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL,
        reviewed_at INTEGER NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
        mode TEXT NOT NULL,
        {_snapshot_columns("before")},
        {_snapshot_columns("after")}
    )""",
    "CREATE INDEX cards_deck_state_due ON cards (deck_id, state, due)",
    "CREATE INDEX cards_deck_new_order ON cards (deck_id, state, position)",
    "CREATE INDEX notes_deck ON notes (deck_id)",
    "CREATE INDEX review_log_card_time ON review_log (card_id, reviewed_at)",
    "CREATE INDEX review_log_time ON review_log (reviewed_at)",
    # The log is the source of truth: rows are never changed. The only removal is the undo of a
    # card's latest answer, which puts the card back exactly as it was before that answer.
    """CREATE TRIGGER review_log_append_only BEFORE UPDATE ON review_log
       BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END""",
    """CREATE TRIGGER review_log_undo_latest_only BEFORE DELETE ON review_log
       WHEN EXISTS (SELECT 1 FROM review_log later
                    WHERE later.card_id = OLD.card_id AND later.reviewed_at > OLD.reviewed_at)
       BEGIN SELECT RAISE(ABORT, 'only the latest answer of a card can be undone'); END""",
]


# Version 2: notes know their kind (basic, reversed, cloze) and whether their fields are HTML.
# No CHECK constraints here: they cost a third of the insert time of a 100,000-note import, and the
# values only ever come from the NoteKind enum and a bool, which the codec checks again on reading.
_V2 = [
    "ALTER TABLE notes ADD COLUMN kind TEXT NOT NULL DEFAULT 'basic'",
    "ALTER TABLE notes ADD COLUMN html INTEGER NOT NULL DEFAULT 0",
]


# Version 3: suspending and burying, option presets shared between decks, and full-text search.
_V3 = [
    "ALTER TABLE cards ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN buried_until INTEGER",  # ms: hidden from study until the next day
    """CREATE TABLE presets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        options TEXT NOT NULL,
        created_at INTEGER NOT NULL
    )""",
    "ALTER TABLE decks ADD COLUMN preset_id INTEGER REFERENCES presets(id)",
]


def _v3(db: sqlite_utils.Database) -> None:
    _run(_V3)(db)
    # The search index over the notes' text: an FTS5 table made by sqlite-utils, which also creates the
    # triggers that keep it in step with every insert, update and delete of a note, and fills it.
    db["notes"].enable_fts(
        ["front", "back"], fts_version="FTS5", create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )
    # Every deck starts on one "Default" preset holding the limits it had.
    preset_id = random.SystemRandom().getrandbits(63) or 1
    db.execute(
        "INSERT INTO presets (id, name, options, created_at) "
        "VALUES (?, 'Default', ?, CAST(strftime('%s') AS INTEGER) * 1000)",
        [preset_id, DeckOptions().to_json()],
    )
    db.execute("UPDATE decks SET preset_id = ?", [preset_id])


# Version 4: the log of schedule changes that are not answers (a reschedule after new parameters, a reset),
# so that every card's stored schedule still follows from its history: its answers and these, in time order.
_V4 = [
    f"""CREATE TABLE schedule_changes (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL,
        changed_at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reschedule', 'reset')),
        {_snapshot_columns("before")},
        {_snapshot_columns("after")}
    )""",
    "CREATE INDEX schedule_changes_card_time ON schedule_changes (card_id, changed_at)",
    # History, like the review log: never changed; the only removal is the undo of a card's latest change.
    """CREATE TRIGGER schedule_changes_append_only BEFORE UPDATE ON schedule_changes
       BEGIN SELECT RAISE(ABORT, 'the schedule changes are append-only'); END""",
    """CREATE TRIGGER schedule_changes_undo_latest_only BEFORE DELETE ON schedule_changes
       WHEN EXISTS (SELECT 1 FROM schedule_changes later
                    WHERE later.card_id = OLD.card_id AND later.changed_at > OLD.changed_at)
       BEGIN SELECT RAISE(ABORT, 'only the latest schedule change of a card can be undone'); END""",
    # Answers and changes form one history per card: neither can be taken back under a later one of the other.
    """CREATE TRIGGER schedule_changes_undo_before_answers BEFORE DELETE ON schedule_changes
       WHEN EXISTS (SELECT 1 FROM review_log later
                    WHERE later.card_id = OLD.card_id AND later.reviewed_at > OLD.changed_at)
       BEGIN SELECT RAISE(ABORT, 'a card answered since that change cannot have it undone'); END""",
    """CREATE TRIGGER review_log_undo_before_changes BEFORE DELETE ON review_log
       WHEN EXISTS (SELECT 1 FROM schedule_changes later
                    WHERE later.card_id = OLD.card_id AND later.changed_at > OLD.reviewed_at)
       BEGIN SELECT RAISE(ABORT, 'a card rescheduled or reset since that answer cannot have it undone'); END""",
    # True retention (statistics) reads every answer given in review state: a covering partial index
    # turns that into one index scan (1,000,000 rows: about 450 ms without it, about 230 ms with it).
    """CREATE INDEX review_log_review_answers ON review_log
       (reviewed_at, card_id, rating, due_before, last_review_before, stability_before) WHERE state_before = 2""",
]


# Version 5: the deck list's counts from one index alone. Today's new, learning and due cards of each deck are
# counted along (deck, state, due) with suspended and buried read from the index too (as Anki's queue column
# lets it): at 100,000 cards the deck list went from 46 ms to 18 ms. The version 1 index (deck, state, due) stays:
# the next card is read along it in (due, id) order, which the longer index cannot give without a sort.
_V5 = [
    "CREATE INDEX cards_deck_counts ON cards (deck_id, state, due, suspended, buried_until)",
]


# Version 6: the study loop and the FSRS fit read from fewer, covering indexes.
# - The fit reads every answer as (card, time, rating), card by card: with the rating in the (card, time) index
#   that is one walk of the index, without a sort or a look into the table (1,000,000 answers: 0.2 s, not 1.9 s).
#   The per-card lookups the index served (a card's history, the undo guards) are unchanged.
# - The next learning and review cards are read along (deck, state, due, suspended, buried_until) now that each
#   deck's arm of that query no longer asks for the id's order (see reviews_store._first_per_deck_sql): the
#   version 1 index (deck, state, due) is no longer used, and each answer no longer updates it.
# - The next new cards likewise: (deck, state, position) gains suspended and buried_until, so the new queue is
#   read from the index alone (50 new cards of ten decks: 0.24 ms instead of 0.34 ms).
_V6 = [
    "DROP INDEX review_log_card_time",
    "CREATE INDEX review_log_card_time ON review_log (card_id, reviewed_at, rating)",
    "DROP INDEX cards_deck_state_due",
    "DROP INDEX cards_deck_new_order",
    "CREATE INDEX cards_deck_new_order ON cards (deck_id, state, position, suspended, buried_until)",
]


# Version 7: note types. A note type names its fields, holds its card templates and styling; a note holds every
# field of its type: the first two stay in ``front`` and ``back`` (so a note of a two-field type is stored as
# before, byte for byte), the others in ``rest``, joined by the field separator (U+001F, as Anki joins them).
# The notes of version 6 become notes of the stock types their kind named, with the same ids, text and cards;
# the search index covers the other fields too.
_V7 = [
    """CREATE TABLE notetypes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        fields TEXT NOT NULL,
        templates TEXT NOT NULL,
        css TEXT NOT NULL DEFAULT '',
        sort_field INTEGER NOT NULL DEFAULT 0,
        extra TEXT NOT NULL DEFAULT '{}',
        stock TEXT,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL
    )""",
    "ALTER TABLE notes ADD COLUMN notetype_id INTEGER REFERENCES notetypes(id)",
    "ALTER TABLE notes ADD COLUMN rest TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX notes_notetype ON notes (notetype_id)",
]

# The stock type each version 6 kind of note becomes.
_V7_KINDS = {"basic": "basic", "reversed": "basic_reversed", "cloze": "cloze"}


def _v7(db: sqlite_utils.Database) -> None:
    from studyapp.storage.notes.notetypes_codec import notetype_row  # (the codec needs nothing of the schema)

    _run(_V7)(db)
    draw = random.SystemRandom()
    now = db.execute("SELECT CAST(strftime('%s') AS INTEGER) * 1000").fetchone()[0]
    ids = {}
    for key in STOCK:
        notetype = stock_type(key, draw.getrandbits(63) or 1)
        db["notetypes"].insert(notetype_row(notetype, now))
        ids[key] = notetype.id
    for kind, key in _V7_KINDS.items():
        db.execute("UPDATE notes SET notetype_id = ? WHERE kind = ?", [ids[key], kind])
    db.execute("UPDATE notes SET notetype_id = ? WHERE notetype_id IS NULL", [ids["basic"]])
    # The search index over every field: made again with the new column (sqlite-utils' triggers with it).
    db["notes"].disable_fts()
    db["notes"].enable_fts(
        ["front", "back", "rest"], fts_version="FTS5", create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


# Version 8: flags, and set due date as a logged schedule change.
# - A card's flag: a colour from 1 to 7 (Anki's numbering: red, orange, green, blue, pink, turquoise, purple), 0 none.
# - ``schedule_changes.kind`` also takes 'set_due' (the reviewer's and browser's "set due date"). SQLite cannot change
#   a CHECK constraint in place, so the table is made again with the same rows, index and triggers (the review log's
#   trigger that names it is dropped first and made again after, so the rename finds no dangling reference).
_SCHEDULE_CHANGES_V8 = f"""CREATE TABLE schedule_changes_v8 (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL,
        changed_at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reschedule', 'reset', 'set_due')),
        {_snapshot_columns("before")},
        {_snapshot_columns("after")}
    )"""

_V8 = [
    "ALTER TABLE cards ADD COLUMN flag INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX cards_flag ON cards (flag) WHERE flag != 0",
    _SCHEDULE_CHANGES_V8,
    "INSERT INTO schedule_changes_v8 SELECT * FROM schedule_changes",
    "DROP TRIGGER review_log_undo_before_changes",
    "DROP TABLE schedule_changes",
    "ALTER TABLE schedule_changes_v8 RENAME TO schedule_changes",
    *[statement for statement in _V4 if "schedule_changes" in statement and "CREATE TABLE" not in statement],
]


# Version 9: sync with an Anki sync server (AnkiDroid, AnkiMobile, Anki itself on the same server).
# What the server holds is mirrored here, object by object, as it was when last exchanged: the Anki object itself
# (``entry``, JSON: what Anki keeps that studyapp does not show travels back unchanged), the id of the object it
# became here (``our_id``; a review-log row Anki keeps that studyapp cannot replay has none), and a digest of that
# object here as it was then (``digest``): an object whose digest has changed since is a change to send, a mirrored
# object whose own is gone a deletion. Nothing in the tables studyapp already had changes shape, and no write path
# needs to mark what it changed: the sync finds it. ``mod`` is the object's modification time (Unix seconds) on the
# server's side, to let the later edit win.
_V9 = [
    """CREATE TABLE sync_notes (
        anki_id INTEGER PRIMARY KEY,
        our_id INTEGER NOT NULL,
        digest TEXT NOT NULL,
        mod INTEGER NOT NULL,
        entry TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX sync_notes_ours ON sync_notes (our_id)",
    """CREATE TABLE sync_cards (
        anki_id INTEGER PRIMARY KEY,
        our_id INTEGER NOT NULL,
        digest TEXT NOT NULL,
        mod INTEGER NOT NULL,
        entry TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX sync_cards_ours ON sync_cards (our_id)",
    # Review-log rows, as Anki's columns (a collection has hundreds of thousands: no JSON): Anki's id is the
    # answer's time in ms, ``card`` the card's Anki id; ``our_id`` a review_log or schedule_changes id.
    """CREATE TABLE sync_revlog (
        anki_id INTEGER PRIMARY KEY,
        our_id INTEGER,
        card INTEGER NOT NULL,
        usn INTEGER NOT NULL,
        ease INTEGER NOT NULL,
        ivl INTEGER NOT NULL,
        last_ivl INTEGER NOT NULL,
        factor INTEGER NOT NULL,
        time INTEGER NOT NULL,
        type INTEGER NOT NULL
    )""",
    "CREATE INDEX sync_revlog_ours ON sync_revlog (our_id) WHERE our_id IS NOT NULL",
    # Note types, decks and deck options presets (Anki's "deck config"), as Anki's schema 11 JSON.
    """CREATE TABLE sync_objects (
        kind TEXT NOT NULL CHECK (kind IN ('notetype', 'deck', 'deck_config')),
        anki_id INTEGER NOT NULL,
        our_id INTEGER,
        digest TEXT NOT NULL,
        mod INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (kind, anki_id)
    )""",
    "CREATE TABLE sync_tags (name TEXT PRIMARY KEY)",
    # The version of a note that lost to the other side's later edit, kept for the student to look at.
    """CREATE TABLE sync_conflicts (
        id INTEGER PRIMARY KEY,
        note_id INTEGER NOT NULL,
        happened_at INTEGER NOT NULL,
        kept_side TEXT NOT NULL CHECK (kept_side IN ('here', 'server')),
        lost_fields TEXT NOT NULL,
        lost_tags TEXT NOT NULL,
        lost_modified_at INTEGER NOT NULL,
        seen INTEGER NOT NULL DEFAULT 0
    )""",
    # Media sync, as an Anki client keeps it: each file's SHA-1 and mtime when last seen, and whether it changed
    # here since the last media sync (``dirty``); a deleted file keeps its row with ``sha1`` NULL until sent.
    """CREATE TABLE sync_media (
        name TEXT PRIMARY KEY,
        sha1 TEXT,
        mtime INTEGER NOT NULL DEFAULT 0,
        dirty INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX sync_media_dirty ON sync_media (dirty) WHERE dirty = 1",
]


# Version 10: one index of the log by time instead of two, so that an answer writes fewer pages (the log's B-tree
# pages written per answer went from 4.2 to 3.5, of 7.8 and 7.1 in all; see benchmarks/engine_speed.py).
# (state before, time, ...) replaces both (time) and the covering partial index of version 4: the answers given in
# review are one range of it, as they were all of the partial index, and a time range over every answer is one
# range per state (``storage.review.log_times``).
_V10 = [
    "DROP INDEX review_log_time",
    "DROP INDEX review_log_review_answers",
    """CREATE INDEX review_log_state_time ON review_log
       (state_before, reviewed_at, card_id, rating, due_before, last_review_before, stability_before)""",
]

# Version 11: a note from a sync server or from a text file's guid column keeps its guid as a note from a package
# does (``anki:`` and Anki's guid: ``core.ids.from_anki_guid``), so that the same note reached two ways is one note.
# Those stored before kept Anki's guid bare (every guid studyapp makes begins ``h:``): they take the prefix, unless a
# note with the prefixed guid is already here (the same note brought twice, which stays as it is).
_V11 = [
    """UPDATE notes SET guid = 'anki:' || guid
       WHERE substr(guid, 1, 2) != 'h:' AND substr(guid, 1, 5) != 'anki:'
         AND 'anki:' || guid NOT IN (SELECT guid FROM notes)""",
]


# Version 12: a deck's and a preset's modification time (ms), so that a sync can tell which device changed one last
# (Anki keeps the later version). Triggers keep it on every real change of a deck's name, description or preset and
# of a preset's name or options, from SQLite's clock, unless the change sets it too (a sync writing the server's).
def _v12(db: sqlite_utils.Database) -> None:
    for table in ("decks", "presets"):
        if "modified_at" not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
            db.execute(f"ALTER TABLE {table} ADD COLUMN modified_at INTEGER")
    _run(_V12)(db)


_V12 = [
    "UPDATE decks SET modified_at = created_at WHERE modified_at IS NULL",
    """CREATE TRIGGER IF NOT EXISTS decks_modified AFTER UPDATE OF name, description, preset_id ON decks
       WHEN NEW.modified_at IS OLD.modified_at AND (NEW.name IS NOT OLD.name
         OR NEW.description IS NOT OLD.description OR NEW.preset_id IS NOT OLD.preset_id)
       BEGIN
         UPDATE decks SET modified_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
       END""",
    "UPDATE presets SET modified_at = created_at WHERE modified_at IS NULL",
    """CREATE TRIGGER IF NOT EXISTS presets_modified AFTER UPDATE OF name, options ON presets
       WHEN NEW.modified_at IS OLD.modified_at AND (NEW.name IS NOT OLD.name OR NEW.options IS NOT OLD.options)
       BEGIN
         UPDATE presets SET modified_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
         WHERE id = NEW.id;
       END""",
]


def _run(statements: list[str]) -> Callable[[sqlite_utils.Database], None]:
    def migrate(db: sqlite_utils.Database) -> None:
        for statement in statements:
            db.execute(statement)

    return migrate


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _run(_V1),
    _run(_V2),
    _v3,
    _run(_V4),
    _run(_V5),
    _run(_V6),
    _v7,
    _run(_V8),
    _run(_V9),
    _run(_V10),
    _run(_V11),
    _v12,
]

LATEST_VERSION = len(MIGRATIONS)
