"""Export to an Anki package (``.apkg``) in the legacy format every Anki version since 2.0 imports.

The package is a zip of ``collection.anki2`` (an SQLite collection of schema 11), a JSON ``media`` map
and the media files as members ``0``, ``1``, ... Every note goes out with its note type (fields, templates,
styling, the Anki keys kept from an import: ``apkg_notetypes``) and all its fields; notes keep their guid, so
importing the package again into Anki updates them rather than adding copies. The cards are those the caller
gives (``cards``: the cards studyapp has, with their decks), else those the note type makes. With schedules
and review logs in ``cards`` the package carries them as Anki's "include scheduling information" does
(``apkg_cards``); without, every card goes out new. This is one of the modules outside storage allowed to
use ``sqlite3``: the file is Anki's format, built in a temporary folder. The finished package is written to a
temporary file next to ``path`` and moved over it in one step, so a failure never leaves a half-written package.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from studyapp.core.drafts import ImportDraft, MediaFile, NoteDraft
from studyapp.core.ids import to_anki_guid
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import FIELD_SEPARATOR, SOURCE_ID, NoteType
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR
from studyapp.exporters.apkg_cards import ExportCard, Timing, card_data, card_schedule_values, revlog_rows
from studyapp.exporters.apkg_fields import (
    anki_tags,
    card_ords,
    deck_with_parents,
    field_checksum,
    normalize_deck_name,
    note_fields,
    strip_html_keeping_media,
)
from studyapp.exporters.apkg_notetypes import (
    DECK_CONFIG_ID,
    DEFAULT_DECK_ID,
    LEGACY_NOTETYPES,
    QUIET_CONFIG_ID,
    collection_config_json,
    deck_config_json,
    deck_json,
    notetype_json,
)

PROGRESS_EVERY = 500
_SCHEMA_11 = """
create table col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
    ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
    models text not null, decks text not null, dconf text not null, tags text not null);
create table notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
    usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
    flags integer not null, data text not null);
create table cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
    mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
    ivl integer not null, factor integer not null, reps integer not null, lapses integer not null,
    left integer not null, odue integer not null, odid integer not null, flags integer not null, data text not null);
create table revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
    ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
    type integer not null);
create table graves (usn integer not null, oid integer not null, type integer not null);
create index ix_notes_usn on notes (usn);
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_cards_sched on cards (did, queue, due);
create index ix_revlog_cid on revlog (cid);
create index ix_notes_csum on notes (csum);
"""

Progress = Callable[[int, int], None]


def write_apkg(
    draft: ImportDraft,
    path: Path,
    progress: Progress | None = None,
    cards: Sequence[Sequence[ExportCard]] | None = None,
    now: datetime | None = None,
    zone: tzinfo = timezone.utc,
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
) -> None:
    """Write ``draft``'s notes, their note types and media to ``path`` as an ``.apkg``; replace ``path`` only
    when complete.

    ``cards[i]`` are the cards of ``draft.notes[i]`` (with their schedules and logs for a package with
    history); without ``cards``, each note gets the new cards its note type makes. ``now`` places the
    schedules' day numbers (default: the clock), with study days starting at ``rollover_hour`` in ``zone`` (the
    collection's, written into the package so Anki counts its days as we do). ``progress(done, total)`` is
    called every few hundred notes and after each media file; it may raise to cancel, and then ``path`` is left
    as it was. Raises ``ValueError`` for a media name that is not a plain file name or appears twice, a note
    whose note type the draft does not hold, or a note with more fields than its note type.
    """
    path = Path(path)
    _check_media_names(draft.media)
    if cards is not None and len(cards) != len(draft.notes):
        raise ValueError(f"{len(cards)} card lists for {len(draft.notes)} notes")
    timing = Timing.at(now or datetime.now(timezone.utc), zone, rollover_hour)
    total = len(draft.notes) + len(draft.media)
    report = progress or (lambda done, total: None)
    report(0, total)
    with tempfile.TemporaryDirectory(prefix="studyapp-apkg-") as temp:
        collection = Path(temp) / "collection.anki2"
        _write_collection(draft, cards, timing, collection, lambda done: report(done, total))
        handle, partial_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        partial = Path(partial_name)
        try:
            with os.fdopen(handle, "wb") as output:
                _write_zip(output, collection, draft.media, lambda done: report(len(draft.notes) + done, total))
                output.flush()
                os.fsync(output.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    report(total, total)


def notetype_of(note: NoteDraft, by_name: dict[str, NoteType]) -> NoteType:
    """The note type a draft note names (one of the draft's), or the stock type of its kind."""
    if note.notetype is None:
        return LEGACY_NOTETYPES[note.kind]
    found = by_name.get(note.notetype)
    if found is None:
        raise ValueError(f"note {note.guid}: its note type '{note.notetype}' is not in the export")
    return found


_LEGACY_IDS = {notetype.id for notetype in LEGACY_NOTETYPES.values()}


def _with_source_ids(notetypes: Sequence[NoteType]) -> list[NoteType]:
    """The note types with the id they had in the Anki package they came from, where each such id is theirs
    alone (then Anki recognises its own note type again instead of adding a copy "Basic+")."""
    wanted: dict[int, int] = {}
    for notetype in notetypes:
        source = notetype.extra_dict().get(SOURCE_ID)
        if isinstance(source, int) and not isinstance(source, bool) and 0 < source < 1 << 63:
            wanted[notetype.id] = source
    taken = [wanted.get(notetype.id, notetype.id) for notetype in notetypes]
    result = []
    for notetype in notetypes:
        source = wanted.get(notetype.id)
        extra = notetype.extra_dict()
        extra.pop(SOURCE_ID, None)
        if source is not None and taken.count(source) == 1 and source not in _LEGACY_IDS:
            notetype = replace(notetype, id=source)
        result.append(replace(notetype, extra=json.dumps(extra)))
    return result


def _write_collection(
    draft: ImportDraft,
    cards: Sequence[Sequence[ExportCard]] | None,
    timing: Timing,
    target: Path,
    on_notes: Callable[[int], None],
) -> None:
    now_ms = int(timing.now.timestamp() * 1000)
    now = now_ms // 1000
    by_name = {notetype.name: notetype for notetype in _with_source_ids(draft.notetypes)}
    deck_ids = _deck_ids(draft, cards, now_ms)
    used_notetypes: dict[int, NoteType] = {}
    revlog_ids: set[int] = set()
    db = sqlite3.connect(target)
    try:
        db.executescript(_SCHEMA_11)
        with db:  # one transaction: fast, and all or nothing
            next_id = now_ms
            for index, note in enumerate(draft.notes):
                notetype = notetype_of(note, by_name)
                used_notetypes[notetype.id] = notetype
                note_id, next_id = next_id, next_id + 1
                fields = note_fields(note, notetype)
                sort_index = notetype.sort_field if 0 <= notetype.sort_field < len(fields) else 0
                guid = to_anki_guid(note.guid) or f"studyapp-{index}"
                db.execute(
                    "insert into notes values (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
                    (
                        note_id,
                        guid,
                        notetype.id,
                        now,
                        anki_tags(note.tags),
                        FIELD_SEPARATOR.join(fields),
                        strip_html_keeping_media(fields[sort_index]),
                        field_checksum(fields[0]),
                    ),
                )
                note_deck = normalize_deck_name(note.deck, _fallback_deck(draft))
                note_cards = cards[index] if cards is not None else [
                    ExportCard(ord_) for ord_ in card_ords(note, notetype)
                ]  # fmt: skip
                for card in note_cards:
                    card_id, next_id = next_id, next_id + 1
                    deck_id = deck_ids[normalize_deck_name(card.deck, note_deck) if card.deck else note_deck]
                    values = card_schedule_values(card, index + 1, timing)  # new cards due in file order
                    db.execute(
                        "insert into cards values (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
                        (card_id, note_id, deck_id, card.ord, now, *values, card.flag, card_data(card.schedule)),
                    )
                    if card.reviews or card.changes:
                        db.executemany(
                            "insert into revlog values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            revlog_rows(card_id, card, revlog_ids),
                        )
                if (index + 1) % PROGRESS_EVERY == 0:
                    on_notes(index + 1)
            notetypes = used_notetypes or {LEGACY_NOTETYPES[NoteKind.BASIC].id: LEGACY_NOTETYPES[NoteKind.BASIC]}
            descriptions = {normalize_deck_name(draft.name, "Default"): draft.description}
            decks = deck_ids.items()
            quiet = {normalize_deck_name(name, "Default") for name in draft.quiet_decks} & set(deck_ids)
            dconf = {str(DECK_CONFIG_ID): deck_config_json()}
            if quiet:
                dconf[str(QUIET_CONFIG_ID)] = deck_config_json(autoplay=False)

            def conf(name: str) -> int:
                return QUIET_CONFIG_ID if name in quiet else DECK_CONFIG_ID

            db.execute(
                "insert into col values (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
                (
                    timing.crt,
                    now_ms,
                    now_ms,
                    json.dumps(collection_config_json(next(iter(notetypes)), timing.rollover_hour)),
                    json.dumps({str(nt.id): notetype_json(nt, now) for nt in notetypes.values()}),
                    json.dumps(
                        {
                            str(did): deck_json(did, name, now, descriptions.get(name, ""), conf(name))
                            for name, did in decks
                        }
                    ),
                    json.dumps(dconf),
                ),
            )
        on_notes(len(draft.notes))
    finally:
        db.close()


def _fallback_deck(draft: ImportDraft) -> str:
    return draft.name or "Default"


def _deck_ids(draft: ImportDraft, cards: Sequence[Sequence[ExportCard]] | None, base: int) -> dict[str, int]:
    """An id for "Default" (always 1) and for every deck the notes and cards use, with all their parents."""
    names = {normalize_deck_name(note.deck, _fallback_deck(draft)) for note in draft.notes}
    names |= {
        normalize_deck_name(card.deck, "Default") for note_cards in cards or () for card in note_cards if card.deck
    }
    ids = {"Default": DEFAULT_DECK_ID}
    for name in sorted(names):
        for level in deck_with_parents(name):
            if level not in ids:
                ids[level] = base + len(ids)
    return ids


def _write_zip(
    output: BinaryIO, collection: Path, media: tuple[MediaFile, ...], on_file: Callable[[int], None]
) -> None:
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.write(collection, "collection.anki2")
        package.writestr("media", json.dumps({str(index): item.name for index, item in enumerate(media)}))
        for index, item in enumerate(media):
            # Media are mostly compressed already (images, audio): stored, as Anki does.
            member = zipfile.ZipInfo(str(index), date_time=time.localtime()[:6])
            member.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            package.writestr(member, item.data)
            on_file(index + 1)


def _check_media_names(media: tuple[MediaFile, ...]) -> None:
    seen: set[str] = set()
    for item in media:
        name = item.name
        if not name or name in {".", ".."} or any(c in name for c in "/\\\x00"):
            raise ValueError(f"media file name {name!r} is not a plain file name")
        if name in seen:
            raise ValueError(f"media file name {name!r} appears twice")
        seen.add(name)


def prepare_for_upload(path: Path, kept_revlog: Sequence[Sequence[Any]] = ()) -> None:
    """Make an exported collection file ready to be a sync server's whole collection (a full upload), as a client
    does before it uploads: every object known to the server (``usn`` 0; the server's sanity check refuses -1), no
    deletions pending, the last sync the last change (``ls = mod``).

    ``kept_revlog``: review-log rows to add as they are, ``(id, cid, usn, ease, ivl, lastIvl, factor, time, type,
    note guid, card ord)``; a row whose card is in the file (by its note's guid and its ord) goes under that card's
    id here, else under its own (Anki keeps the log of deleted cards); an id taken moves to the next free one."""
    db = sqlite3.connect(path)
    try:
        with db:
            for row in kept_revlog:
                revlog_id, card_id, _usn, *values, guid, ord_ = row
                if guid is not None:
                    found = db.execute(
                        "SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE n.guid = ? AND c.ord = ?",
                        (guid, ord_),
                    ).fetchone()
                    card_id = found[0] if found else card_id
                while db.execute("SELECT 1 FROM revlog WHERE id = ?", (revlog_id,)).fetchone():
                    revlog_id += 1
                db.execute("INSERT INTO revlog VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)", (revlog_id, card_id, *values))
            for table in ("notes", "cards", "revlog"):
                db.execute(f"UPDATE {table} SET usn = 0")  # noqa: S608 - fixed names
            db.execute("DELETE FROM graves")
            row = db.execute("SELECT models, decks, dconf, tags FROM col").fetchone()
            objects = [json.dumps(_usn_zero(json.loads(text or "{}"))) for text in row[:3]]
            tags = json.dumps({tag: 0 for tag in json.loads(row[3] or "{}")})
            db.execute("UPDATE col SET usn = 0, ls = mod, models = ?, decks = ?, dconf = ?, tags = ?", [*objects, tags])
    finally:
        db.close()


def _usn_zero(objects: dict[str, Any]) -> dict[str, Any]:
    for value in objects.values():
        if isinstance(value, dict):
            value["usn"] = 0
    return objects
