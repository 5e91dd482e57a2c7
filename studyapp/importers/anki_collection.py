"""Reading the SQLite collection inside an Anki package, schema 11 or 18, read-only. No mapping here.

This is one of the two modules outside storage allowed to use ``sqlite3``: the file is Anki's, not ours,
and is read from a temporary copy. Schema 11 (``collection.anki2``/``.anki21``) keeps note types and decks
as JSON in the ``col`` row. Schema 15+ (``collection.anki21b`` is 18) keeps them in tables. Note type
settings there are protobuf, deck names are separated by ``\\x1f``, and indexes use Anki's ``unicase``
collation, which must exist before SQLite touches those tables. Every SQLite or format error becomes an
``ImportFailure`` naming the package and the collection member.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from studyapp.core.notetypes.model import NoteType
from studyapp.importers.anki_notetypes import notetype_from_json, notetype_from_tables
from studyapp.importers.anki_protobuf import int_field, message_fields, parse_message
from studyapp.importers.errors import ImportFailure

_REQUIRED = {
    "col": ("ver", "crt", "models", "decks"),
    "notes": ("id", "guid", "mid", "tags", "flds"),
    "cards": ("id", "nid", "did", "ord", "odid", "type", "queue", "due", "ivl", "flags"),
    "revlog": ("id", "cid", "ease", "ivl", "factor", "time", "type"),
}
_REQUIRED_SCHEMA15 = {
    "notetypes": ("id", "name", "config"),
    "fields": ("ntid", "ord", "name", "config"),
    "templates": ("ntid", "ord", "name", "config"),
    "decks": ("id", "name"),
}


class AnkiNote(NamedTuple):
    """A row of ``notes``. ``fields`` is ``None`` when the note is larger than the reader's limit."""

    id: int
    guid: str
    notetype_id: int
    tags: tuple[str, ...]
    fields: tuple[str, ...] | None
    size: int  # characters in all fields together


class AnkiCard(NamedTuple):
    """A row of ``cards``: its note, template (or cloze) ord, home deck and schedule as Anki keeps it (a tuple: a
    big collection has hundreds of thousands)."""

    id: int
    note_id: int
    ord: int
    deck_id: int  # the home deck (``odid``) of a card in a filtered deck
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int
    due: int  # review cards: days since the collection's creation; learning: seconds since 1970; new: position
    interval: int
    flags: int = 0  # the flag's colour (1-7) in its low bits; 0: none
    reps: int = 0  # answers counted on the card (Anki's Forget may keep them, its log then holds fewer after it)
    lapses: int = 0

    @property
    def suspended(self) -> bool:
        return self.queue == -1


@dataclass(frozen=True)
class AnkiReview:
    """A row of ``revlog`` (every kind: answers, and schedule changes made by hand)."""

    note_id: int
    card_id: int
    card_ord: int
    at_ms: int  # the revlog id: when it happened, in milliseconds since 1970 UTC
    ease: int  # the button: 1-4, 0 for an entry that is not an answer
    duration_ms: int
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled
    interval: int  # days (negative: seconds, for a learning step)
    factor: int  # ease factor in permille (0: a reset, or a filtered answer that did not reschedule)


def _unicase(left: str, right: str) -> int:
    """Anki's case-insensitive collation (Unicode case folding), needed to read schema 18 tables."""
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


class AnkiCollection:
    """An Anki collection file opened read-only. ``package`` and ``member`` name it in messages."""

    def __init__(self, db_path: Path, package: Path, member: str) -> None:
        self.package = package
        self.member = member
        uri = f"{db_path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            self._db = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as error:
            raise self.fail(f"cannot be opened ({error})") from None
        try:
            self._db.create_collation("unicase", _unicase)
            self._db.text_factory = lambda raw: raw.decode("utf-8", "replace")  # bad UTF-8 must not abort a query
            self._db.execute("pragma query_only = on")
            self._db.execute("pragma trusted_schema = off")
            self.schema = self._check_schema()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> AnkiCollection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def fail(self, reason: str) -> ImportFailure:
        return ImportFailure(self.package, f"{self.member} {reason}")

    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> Iterator[tuple]:
        try:
            yield from self._db.execute(sql, parameters)
        except sqlite3.Error as error:
            raise self.fail(f"cannot be read ({error})") from None
        except UnicodeDecodeError:  # SQLite's message quotes damaged bytes, which Python cannot decode
            raise self.fail("cannot be read (it is damaged)") from None

    def _check_schema(self) -> int:
        try:
            kinds = dict(self._db.execute("select name, type from sqlite_master"))
        except sqlite3.DatabaseError as error:
            raise self.fail(f"is not an SQLite database ({error})") from None
        except UnicodeDecodeError:  # SQLite's message quotes damaged bytes, which Python cannot decode
            raise self.fail("is not an SQLite database (it is damaged)") from None
        self._require(kinds, _REQUIRED)
        row = next(self._query("select ver from col"), None)
        if row is None or not isinstance(row[0], int):
            raise self.fail("is not an Anki collection (no version in table col)")
        schema = row[0]
        if schema < 11:
            raise self.fail(f"is an Anki 1 collection (schema {schema}), which cannot be imported")
        if schema >= 15:
            self._require(kinds, _REQUIRED_SCHEMA15)
        return schema

    def _require(self, kinds: dict[str, str], required: dict[str, tuple[str, ...]]) -> None:
        for table, columns in required.items():
            if kinds.get(table) != "table":  # a view could run any query: only plain tables are read
                raise self.fail(f"is not an Anki collection (missing table {table})")
            present = {row[1] for row in self._query(f"pragma table_info({table})")}
            missing = [c for c in columns if c not in present]
            if missing:
                raise self.fail(f"is not an Anki collection (missing column {table}.{missing[0]})")

    def notetypes(self) -> dict[int, NoteType]:
        """Every note type by Anki's id."""
        return self._notetypes_from_tables() if self.schema >= 15 else self._notetypes_from_json()

    def _notetypes_from_json(self) -> dict[int, NoteType]:
        models = self._json_column("models")
        found: dict[int, NoteType] = {}
        for key, model in models.items():
            try:
                notetype = notetype_from_json(key, model)
            except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as error:
                raise self.fail(f"has a damaged note type list (col.models: {error})") from None
            found[notetype.id] = notetype
        return found

    def _notetypes_from_tables(self) -> dict[int, NoteType]:
        fields: dict[int, list[tuple[str, bytes]]] = {}
        for ntid, name, config in self._query("select ntid, name, config from fields order by ntid, ord"):
            fields.setdefault(ntid, []).append((_text(name), _blob(config)))
        templates: dict[int, list[tuple[str, bytes]]] = {}
        for ntid, name, config in self._query("select ntid, name, config from templates order by ntid, ord"):
            templates.setdefault(ntid, []).append((_text(name), _blob(config)))
        found: dict[int, NoteType] = {}
        for ntid, name, config in self._query("select id, name, config from notetypes"):
            try:
                found[ntid] = notetype_from_tables(
                    ntid, _text(name), _blob(config), fields.get(ntid, ()), templates.get(ntid, ())
                )
            except ValueError as error:
                raise self.fail(f"has a damaged note type {_text(name)!r} ({error})") from None
        return found

    def deck_names(self) -> dict[int, str]:
        """Every deck's full name by id, with ``::`` between levels in both schemas."""
        if self.schema >= 15:
            return {did: str(name).replace("\x1f", "::") for did, name in self._query("select id, name from decks")}
        decks = self._json_column("decks")
        try:
            return {int(key): str(deck["name"]) for key, deck in decks.items()}
        except (KeyError, TypeError, ValueError) as error:
            raise self.fail(f"has a damaged deck list (col.decks: {type(error).__name__} {error})") from None

    def deck_audio(self) -> tuple[dict[int, tuple[bool, bool]], int]:
        """For every normal deck by id, its options group's (``autoplay``, ``replayq``): whether a side's sounds
        play when shown, and whether replaying the answer plays the question's too; and how many decks' options
        could not be read (those are left out: they play as the defaults say, both on). Schema 11 keeps these in
        ``col.decks``/``col.dconf`` JSON; schema 15+ in the ``decks.kind`` and ``deck_config.config`` protobufs
        (``Deck.Normal.config_id`` = 1 inside kind's field 1; ``disable_autoplay`` = 23 and
        ``skip_question_when_replaying_answer`` = 26 of the config)."""
        configs: dict[int, tuple[bool, bool]] = {}
        deck_conf: dict[int, int] = {}
        unreadable = 0
        if self.schema >= 15:
            tables = dict(self._query("select name, type from sqlite_master"))
            if tables.get("deck_config") != "table" or not {"kind"} <= self._columns("decks"):
                return {}, 0
            for conf_id, blob in self._query("select id, config from deck_config"):
                try:
                    fields = parse_message(_blob(blob))
                    configs[conf_id] = (not int_field(fields, 23), not int_field(fields, 26))
                except ValueError:
                    continue
            for deck_id, kind in self._query("select id, kind from decks"):
                try:
                    normal = message_fields(parse_message(_blob(kind)), 1)
                    if normal:
                        deck_conf[deck_id] = int_field(parse_message(normal[-1]), 1, 1)
                except ValueError:
                    unreadable += 1
        else:
            row = next(self._query("select decks, dconf from col"), None) if "dconf" in self._columns("col") else None
            try:
                decks = json.loads(row[0]) if row else {}
                dconf = json.loads(row[1]) if row else {}
            except (ValueError, TypeError, RecursionError):
                return {}, 0  # (a damaged deck list fails in ``deck_names`` with its reason)
            for key, conf in dconf.items() if isinstance(dconf, dict) else ():
                if isinstance(conf, dict) and key.lstrip("-").isdigit():
                    autoplay, replay = conf.get("autoplay", True), conf.get("replayq", True)
                    configs[int(key)] = (autoplay is not False, replay is not False)
            for key, deck in decks.items() if isinstance(decks, dict) else ():
                if isinstance(deck, dict) and not deck.get("dyn") and key.lstrip("-").isdigit():
                    conf_id = deck.get("conf", 1)
                    deck_conf[int(key)] = conf_id if isinstance(conf_id, int) else -1
        found: dict[int, tuple[bool, bool]] = {}
        for deck_id, conf_id in deck_conf.items():
            if conf_id in configs:
                found[deck_id] = configs[conf_id]
            else:
                unreadable += 1
        return found, unreadable

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._query(f"pragma table_info({table})")}

    def _json_column(self, column: str) -> dict:
        (text,) = next(self._query(f"select {column} from col"))
        try:
            value = json.loads(text)
        except (ValueError, TypeError, RecursionError) as error:
            raise self.fail(f"is not an Anki collection (col.{column} is not JSON: {error})") from None
        if not isinstance(value, dict):
            raise self.fail(f"is not an Anki collection (col.{column} is not a JSON object)")
        return value

    def note_count(self) -> int:
        return next(self._query("select count(*) from notes"))[0]

    def note_weights(self, max_chars: int) -> Iterator[int]:
        """For each note, the bytes its fields and tags take as Python text: characters times 1 (ASCII), 4 (a
        character beyond U+FFFF: a byte F0-F4 in its UTF-8) or 2 (other text). Read by SQLite, one integer a
        note, before any note is loaded. A note over ``max_chars`` weighs 0: ``notes`` does not load it."""
        sql = (
            "select case when length(flds) > ? then 0"
            " when length(cast(text as blob)) = length(text) then length(text)"
            " when instr(cast(text as blob), x'f0') or instr(cast(text as blob), x'f1')"
            " or instr(cast(text as blob), x'f2') or instr(cast(text as blob), x'f3')"
            " or instr(cast(text as blob), x'f4') then 4 * length(text) else 2 * length(text) end"
            " from (select flds, coalesce(flds, '') || ' ' || coalesce(tags, '') as text from notes)"
        )
        for (weight,) in self._query(sql, (max_chars,)):
            yield weight if isinstance(weight, int) else 0

    def review_count(self) -> int:
        """An upper bound of the entries ``reviews`` yields, counted without loading any."""
        return next(self._query("select count(*) from revlog"))[0]

    def scheduler_version(self) -> int:
        """Anki's scheduler version (``schedVer``: 1, 2, or 3 for v3 on 2). Missing means 1, as Anki reads it: the
        v1 scheduler logged learning answers with three buttons (2 was Good, 3 Easy)."""
        if self.schema >= 15:
            kinds = dict(self._query("select name, type from sqlite_master"))
            if kinds.get("config") != "table":
                return 1
            row = next(self._query("select val from config where key = 'schedVer'"), None)
            value: object = None
            if row is not None:
                try:
                    value = json.loads(_blob(row[0]) or b"null")
                except (ValueError, RecursionError):
                    value = None
        else:
            try:
                row = next(self._query("select conf from col"), None)
                conf = json.loads(row[0]) if row is not None and isinstance(row[0], (str, bytes)) else {}
            except (ImportFailure, ValueError, RecursionError):
                conf = {}  # damaged settings do not stop an import: the version is then unknown, read as 1
            value = conf.get("schedVer") if isinstance(conf, dict) else None
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1

    def created_at(self) -> int:
        """When the collection's first day began (``col.crt``, seconds since 1970): review cards' due days count
        from it."""
        (crt,) = next(self._query("select crt from col"))
        return crt if isinstance(crt, int) else 0

    def notes(self, max_chars: int) -> Iterator[AnkiNote]:
        """Notes in creation order. A note over ``max_chars`` is not loaded at all, so it costs no memory."""
        sql = (
            "select id, guid, mid, tags, case when length(flds) > ? then null else flds end, length(flds)"
            " from notes order by id"
        )
        for nid, guid, mid, tags, flds, size in self._query(sql, (max_chars,)):
            fields = None if flds is None else tuple(_text(flds).split("\x1f"))
            yield AnkiNote(nid, _text(guid), mid, tuple(_text(tags).split()), fields, size or 0)

    def cards(self) -> Iterator[AnkiCard]:
        """Every card, by note and ord. A card in a filtered deck is in its home deck. A value that is not an
        integer (a damaged row) reads as 0, by SQLite, which is much faster than checking each in Python."""
        ints = {name: f"(case when typeof({name}) = 'integer' then {name} else 0 end)" for name in _CARD_INTS}
        counted = self._columns("cards")
        for name in ("reps", "lapses"):  # (every Anki collection has them; a hand-made file may not)
            whole = f"case when typeof({name}) = 'integer' then {name} else 0 end"
            ints[name] = f"max(0, {whole})" if name in counted else "0"
        sql = (
            f"select id, nid, {ints['ord']}, coalesce(nullif({ints['odid']}, 0), {ints['did']}), {ints['type']},"
            f" {ints['queue']}, {ints['due']}, {ints['ivl']}, {ints['flags']} & 7, {ints['reps']}, {ints['lapses']}"
            " from cards order by nid, ord"
        )
        make = AnkiCard._make
        for row in self._query(sql):
            yield make(row)

    def reviews(self) -> Iterator[AnkiReview]:
        """Every entry of the review log whose card is in the collection, by note (in id order, as ``notes``), then
        oldest first."""
        sql = (
            "select c.nid, c.id, c.ord, r.id, r.ease, r.time, r.type, r.ivl, r.factor"
            " from revlog r join cards c on c.id = r.cid order by c.nid, r.id"
        )
        for nid, cid, ord_, at_ms, ease, duration, type_, ivl, factor in self._query(sql):
            yield AnkiReview(
                nid, cid, ord_, at_ms, _int(ease), _int(duration), _int(type_, -1), _int(ivl), _int(factor)
            )


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


_CARD_INTS = ("ord", "did", "odid", "type", "queue", "due", "ivl", "flags")


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _blob(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8") if isinstance(value, str) else b""
