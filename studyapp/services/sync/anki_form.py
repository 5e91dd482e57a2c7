"""Objects here in the form the sync protocol carries them (Anki's note, card and review-log tuples, schema 11
JSON for note types and decks), and digests that tell whether an object here changed since it was last exchanged.

A note or card that came from the server keeps what Anki holds and studyapp does not show (a note's ``flags`` and
``data``, a card's ``odue``, custom data...): the mirrored entry is the base that ours is written over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cached_property
from typing import Any

from studyapp.core.ids import to_anki_guid
from studyapp.core.model import CardState, Rating, Schedule
from studyapp.core.notetypes.model import FIELD_SEPARATOR, NoteType
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR, DayNumbering
from studyapp.exporters.apkg_cards import ExportCard, Timing, card_data, card_schedule_values
from studyapp.exporters.apkg_fields import anki_field, anki_tags
from studyapp.storage.codec import from_ms
from studyapp.storage.notes.notes_store import stored_fields
from studyapp.storage.sync.mirror_store import CardHere, NoteHere

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Anki's card tuple: positions of the columns the sync reads
C_ID, C_NID, C_DID, C_ORD, C_MOD, C_USN, C_TYPE, C_QUEUE, C_DUE, C_IVL, C_FACTOR, C_REPS, C_LAPSES, C_LEFT = range(14)
C_ODUE, C_ODID, C_FLAGS, C_DATA = 14, 15, 16, 17
# Anki's note tuple
N_ID, N_GUID, N_MID, N_MOD, N_USN, N_TAGS, N_FLDS, N_SFLD, N_CSUM, N_FLAGS, N_DATA = range(11)
# Anki's review-log tuple
R_ID, R_CID, R_USN, R_EASE, R_IVL, R_LASTIVL, R_FACTOR, R_TIME, R_TYPE = range(9)
MANUAL, RESCHEDULED, FILTERED = 4, 5, 3
SIBLING_BURIED, USER_BURIED = -2, -3  # Anki's queues of a card buried until its next day
BURIED_QUEUES = (SIBLING_BURIED, USER_BURIED)
_RATINGS = {1: Rating.AGAIN, 2: Rating.HARD, 3: Rating.GOOD, 4: Rating.EASY}


def digest(*values: Any) -> str:
    return hashlib.sha1(json.dumps(values, separators=(",", ":"), default=str).encode()).hexdigest()


# A sync computes each card's digest several times (as it arrives, when the next exchange is weighed, when it is
# sent back): 27,000 card digests in a first sync of 10,000 notes, each a JSON text and a SHA-1. The same values
# give the same digest, so they are remembered for the sync (``forget_digests`` at its end), by the values and their
# types (5 == 5.0, but their JSON differs). A card is 16 numbers; a note's fields can be long, so notes are not kept.
_DIGESTS_KEPT = 65_536
_digests: dict[tuple[Any, ...], str] = {}


def note_digest(note: NoteHere) -> str:
    """What the note is here (its guid as the server knows it: a note stored before guids from the server were
    kept as a package's are, ``anki:`` and all, has the digest it had)."""
    return digest(to_anki_guid(note.guid), note.front, note.back, note.rest, note.tags, note.notetype_id, note.html)


def card_digest(card: CardHere) -> str:
    """What the card is here; a card never buried has the digest it had before burying travelled."""
    key = (card, tuple(map(type, card)))
    known = _digests.get(key)
    if known is None:
        if len(_digests) >= _DIGESTS_KEPT:
            _digests.clear()
        known = _digests[key] = digest(*card[1:]) if card.buried_until is not None else digest(*card[1:-1])
    return known


def forget_digests() -> None:
    """Let go of the digests remembered (and the cards they were of)."""
    _digests.clear()


def note_fields(note: NoteHere) -> list[str]:
    fields = stored_fields(note.front, note.back, note.rest)
    return [anki_field(text, bool(note.html)) for text in fields]


def note_entry(
    note: NoteHere, anki_id: int, mid: int, mod: int, usn: int, base: list[Any] | None, field_count: int
) -> list[Any]:
    """``note`` as Anki's note tuple (``base``: the mirrored one, whose flags and data are kept), with exactly its
    note type's ``field_count`` fields, as Anki requires: a note stores no empty fields after its last one (a
    3-field note with an empty third field is its front and back). ``ValueError`` if it has more, with text."""
    tags = anki_tags(tuple(note.tags.split()))
    flags, data = (base[N_FLAGS], base[N_DATA]) if base else (0, "")
    values = note_fields(note)
    if any(values[field_count:]):
        raise ValueError(f"{len(values)} fields, its note type has {field_count}")
    fields = FIELD_SEPARATOR.join((values + [""] * field_count)[:field_count])
    return [anki_id, to_anki_guid(note.guid), mid, mod, usn, tags, fields, "", "", flags, data]


def fields_of_entry(entry: Sequence[Any]) -> list[str]:
    return str(entry[N_FLDS]).split(FIELD_SEPARATOR)


def tags_of_entry(entry: Sequence[Any]) -> str:
    return " ".join(str(entry[N_TAGS]).split())


def schedule_of(card: CardHere) -> Schedule:
    return Schedule(
        CardState(card.state),
        card.step,
        card.stability,
        card.difficulty,
        from_ms(card.due),
        from_ms(card.last_review),
        card.reps,
        card.lapses,
    )


@dataclass(frozen=True)
class DayNumbers:
    """The server collection's day numbering (``crt``: the Unix time its day 0 began) at ``now``, in study days on
    the clock's ``zone`` that start at ``rollover_hour``: day ``n`` is the study day ``n`` dates after day 0's, as
    the phone counts it."""

    crt: int
    now: datetime
    zone: tzinfo = timezone.utc
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR

    @cached_property
    def numbering(self) -> DayNumbering:
        return DayNumbering.from_stamp(self.crt, self.zone, self.rollover_hour, self.now)

    @cached_property
    def timing(self) -> Timing:
        return Timing(self.now, self.crt, self.numbering)

    def day(self, number: int) -> datetime:
        """When due day ``number`` begins."""
        return self.numbering.start(number)


def card_entry(
    card: CardHere, anki_id: int, nid: int, did: int, mod: int, usn: int, days: DayNumbers, base: list[Any] | None
) -> list[Any]:
    """``card`` as Anki's card tuple: its schedule as Anki keeps one (type, queue, due, interval...) and its FSRS
    memory state in ``data``; what else the mirrored tuple (``base``) held is kept."""
    schedule = schedule_of(card)
    export = ExportCard(
        card.ord, schedule=schedule, position=card.position, suspended=bool(card.suspended), flag=card.flag
    )
    ctype, queue, due, ivl, factor, reps, lapses, left = card_schedule_values(export, card.position, days.timing)
    if not card.suspended and card.buried_until is not None and card.buried_until > days.now.timestamp() * 1000:
        # buried until the next study day: Anki's buried queue (the phone's own kind of burying kept)
        queue = base[C_QUEUE] if base is not None and base[C_QUEUE] in BURIED_QUEUES else USER_BURIED
    if base is not None and base[C_FACTOR] and factor:
        factor = base[C_FACTOR]  # Anki's ease, which FSRS leaves alone: keep the phone's
    data = _merged_data(base[C_DATA] if base else "", card_data(schedule))
    flags = ((base[C_FLAGS] if base else 0) & ~0b111) | card.flag
    return [
        anki_id,
        nid,
        did,
        card.ord,
        mod,
        usn,
        ctype,
        queue,
        due,
        ivl,
        factor,
        reps,
        lapses,
        left,
        0,
        0,
        flags,
        data,
    ]


def _merged_data(old: str, new: str) -> str:
    """The card's ``data`` JSON: its FSRS memory state and last review ours, its other keys (custom data, the
    desired retention Anki noted) as they were."""
    if not old:  # (a card new to the server: ``card_data``'s compact JSON is what the round trip below gives)
        return new
    try:
        kept = json.loads(old)
    except ValueError:
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    for key in ("s", "d", "lrt"):
        kept.pop(key, None)
    if new:
        kept.update(json.loads(new))
    return json.dumps(kept, separators=(",", ":")) if kept else ""


def card_home_deck(entry: Sequence[Any]) -> int:
    """The card's own deck: a card in a filtered deck is at home in its original one (``odid``)."""
    return int(entry[C_ODID]) if entry[C_ODID] else int(entry[C_DID])


def at_home(entry: Sequence[Any]) -> Sequence[Any]:
    """A card tuple as it is in its own deck: one a filtered deck has borrowed (``odid``) has its own deck and due
    (``odue``: a day, a time or a new card's place) put back; any other as it is."""
    if not entry[C_ODID]:
        return entry
    home = list(entry)
    home[C_DID], home[C_ODID], home[C_ODUE] = entry[C_ODID], 0, 0
    if entry[C_ODUE]:
        home[C_DUE] = entry[C_ODUE]
    return home


def schedule_differs(ours: Sequence[Any], theirs: Sequence[Any]) -> bool:
    """Whether two card tuples schedule the card differently (type, queue, due, interval, reps, lapses, memory)."""
    keys = (C_TYPE, C_QUEUE, C_DUE, C_IVL, C_REPS, C_LAPSES)
    if any(ours[k] != theirs[k] for k in keys):
        return True
    return _memory(ours[C_DATA]) != _memory(theirs[C_DATA])


def _memory(data: str) -> tuple[Any, ...]:
    try:
        value = json.loads(data) if data else {}
    except ValueError:
        return ()
    if not isinstance(value, dict):
        return ()
    return tuple(round(float(value[k]), 2) if isinstance(value.get(k), (int, float)) else None for k in ("s", "d"))


def revlog_event(entry: Sequence[Any]) -> tuple[str, Rating | None]:
    """What a review-log tuple is here: ``("answer", rating)``, ``("reset", None)``, ``("reschedule", None)``, or
    ``("skip", None)`` for an answer that left the schedule alone (a filtered deck's preview)."""
    ease, kind, factor, interval = entry[R_EASE], entry[R_TYPE], entry[R_FACTOR], entry[R_IVL]
    if ease == 0 or kind in (MANUAL, RESCHEDULED):
        if kind != RESCHEDULED and (factor == 0 or interval == 0):
            return "reset", None
        return "reschedule", None
    if ease not in _RATINGS:
        return "skip", None
    if kind == FILTERED and factor == 0:
        return "skip", None
    return "answer", _RATINGS[ease]


def notetype_entry(notetype: NoteType, anki_id: int, mod: int, usn: int, base: dict[str, Any] | None) -> dict[str, Any]:
    from studyapp.exporters.apkg_notetypes import notetype_json

    entry = dict(base or {})
    entry.update(notetype_json(notetype, mod))
    entry.update({"id": anki_id, "mod": mod, "usn": usn})
    return entry


def notetype_digest(notetype: NoteType) -> str:
    return digest(
        notetype.name,
        notetype.kind.value,
        [(f.name, f.extra) for f in notetype.fields],
        [(t.name, t.question, t.answer) for t in notetype.templates],
        notetype.css,
        notetype.sort_field,
    )


def deck_digest(deck: Any) -> str:
    return digest(deck.name, deck.description, deck.preset_id)


def deck_entry(
    name: str, description: str, anki_id: int, mod: int, usn: int, base: dict[str, Any] | None, conf: int | None = None
) -> dict[str, Any]:
    from studyapp.exporters.apkg_notetypes import deck_json

    entry = dict(base) if base else deck_json(anki_id, name, mod, description)
    entry.update({"id": anki_id, "name": name, "desc": description, "mod": mod, "usn": usn})
    if conf is not None:
        entry["conf"] = conf
    return entry


# -- deck options presets <-> Anki's deck config (schema 11) -----------------------------------------------------


def preset_digest(name: str, options_json: str) -> str:
    return digest(name, options_json)


def config_entry(
    name: str, options: Any, anki_id: int, mod: int, usn: int, base: dict[str, Any] | None
) -> dict[str, Any]:
    """A preset as Anki's deck config: the mirrored one (or Anki's defaults) with our limits, steps, retention,
    maximum interval, FSRS parameters and autoplay written over it."""
    from studyapp.exporters.apkg_notetypes import deck_config_json

    entry = json.loads(json.dumps(base)) if base else deck_config_json()
    new, rev, lapse = (dict(entry.get(key) or {}) for key in ("new", "rev", "lapse"))
    new.update({"perDay": options.new_per_day, "delays": [s.total_seconds() / 60 for s in options.learning_steps]})
    rev.update({"perDay": options.reviews_per_day, "maxIvl": options.maximum_interval_days})
    lapse["delays"] = [s.total_seconds() / 60 for s in options.relearning_steps]
    entry.update({"id": anki_id, "name": name, "mod": mod, "usn": usn, "new": new, "rev": rev, "lapse": lapse,
                  "desiredRetention": options.desired_retention, "autoplay": options.autoplay_audio})  # fmt: skip
    if options.parameters is not None:
        entry["fsrsParams6"] = list(options.parameters)
    return entry


def options_of_config(config: dict[str, Any], base: Any) -> Any:
    """Our options from Anki's deck config (what it does not say stays as ``base`` has it). Raises ``ValueError``
    for values our options refuse."""
    from dataclasses import replace

    new, rev, lapse = (config.get(key) if isinstance(config.get(key), dict) else {} for key in ("new", "rev", "lapse"))
    changes: dict[str, Any] = {}
    if isinstance(new.get("perDay"), int):
        changes["new_per_day"] = new["perDay"]
    if isinstance(rev.get("perDay"), int):
        changes["reviews_per_day"] = rev["perDay"]
    if isinstance(rev.get("maxIvl"), int):
        changes["maximum_interval_days"] = min(36500, max(1, rev["maxIvl"]))
    for key, source in (("learning_steps", new), ("relearning_steps", lapse)):
        steps = source.get("delays")
        if isinstance(steps, list) and all(isinstance(s, (int, float)) and s > 0 for s in steps):
            changes[key] = tuple(timedelta(minutes=float(s)) for s in steps)
    retention = config.get("desiredRetention")
    if isinstance(retention, (int, float)) and retention > 0:
        changes["desired_retention"] = round(float(retention), 4)
    params = config.get("fsrsParams6")
    if isinstance(params, list) and len(params) == 21 and all(isinstance(p, (int, float)) for p in params):
        changes["parameters"] = tuple(float(p) for p in params)
    if isinstance(config.get("autoplay"), bool):
        changes["autoplay_audio"] = config["autoplay"]
    return replace(base, **changes)
