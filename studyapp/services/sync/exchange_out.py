"""What this side sends: found by comparing every object here with the mirror of what the server held.

A new or changed note, card, note type or deck goes out with a modification time later than the server's copy (so
the server takes it), a review-log row or schedule change the server has not had goes out once, and a mirrored
object that is gone here goes out as a deletion ("grave").
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from studyapp.core.deck_names import SEPARATOR
from studyapp.core.ids import new_id
from studyapp.services.sync import anki_form as af
from studyapp.services.sync.anki_ids import AnkiIds, FreeIds
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.framing import JsonText
from studyapp.storage.collection import Collection
from studyapp.storage.sync.log_out import UnsentLog
from studyapp.storage.sync.mirror_store import Mirrored, MirrorStore

if TYPE_CHECKING:
    from studyapp.services.sync.collection_sync import Tally

CHUNK = 250
_DAY_MS = 86_400_000
_REVLOG_TYPE = {0: 0, 1: 0, 2: 1, 3: 2}  # our state before an answer -> Anki's revlog type (learn, review, relearn)


class Outgoing:
    def __init__(self, collection: Collection, mirror: MirrorStore, rng: random.Random) -> None:
        self.collection = collection
        self.mirror = mirror
        self.rng = rng
        self.resend: set[int] = set()
        self.merge = False
        self.send = True  # False: an exchange that only takes what the server holds
        self.gone_cards: dict[int, int] = {}  # cards deleted here since the last sync: ours -> Anki's id

    # -- is there anything? -----------------------------------------------------------------------------------

    def anything_changed(self) -> bool:
        mirror = self.mirror
        kinds = (
            ("note", mirror.note_ids_here, mirror.notes_here, af.note_digest),
            ("card", mirror.card_ids_here, mirror.cards_here, af.card_digest),
        )
        digests = {kind: mirror.digests(kind) for kind, *_ in kinds}
        # an object added or deleted here shows in the ids alone (a whole collection's first sync: no row read)
        if any(set(digests[kind]) != ids() for kind, ids, *_ in kinds):
            return True
        for kind, _ids, read, digest in kinds:
            mirrored = digests[kind]
            if any(digest(obj) != mirrored[key] for key, obj in read().items()):
                return True
        if self.mirror.unsent_reviews():
            return True
        notetypes = {m.our_id: m.digest for m in self.mirror.mirrored("notetype").values()}
        if any(notetypes.get(nt.id) != af.notetype_digest(nt) for nt in self.collection.notetypes.all()):
            return True
        decks = {m.our_id: m.digest for m in self.mirror.mirrored("deck").values() if m.our_id is not None}
        if any(decks.get(d.id) != af.deck_digest(d) for d in self.collection.decks.all()):
            return True
        presets = {m.our_id: m.digest for m in self.mirror.mirrored("deck_config").values() if m.our_id is not None}
        return any(
            presets.get(p.id) != af.preset_digest(p.name, p.options.to_json()) for p in self.collection.presets.all()
        )

    # -- deletions ----------------------------------------------------------------------------------------------

    def graves(self) -> Iterator[dict[str, list[int]]]:
        if not self.send:
            return
        notes_here, cards_here = self.mirror.notes_here(), self.mirror.cards_here()
        decks_here = {deck.id for deck in self.collection.decks.all()}
        note_ids, card_ids = self.mirror.ids("note"), self.mirror.ids("card")
        gone = {
            "notes": [anki_id for anki_id, ours in note_ids.items() if ours not in notes_here],
            "cards": [anki_id for anki_id, ours in card_ids.items() if ours not in cards_here],
            "decks": [
                m.anki_id
                for m in self.mirror.mirrored("deck").values()
                if m.our_id is not None and m.our_id not in decks_here
            ],
        }
        # their answers not sent yet still go, under the card's Anki id (Anki keeps the log of deleted cards)
        self.gone_cards = {
            ours: anki_id for anki_id, ours in card_ids.items() if ours is not None and ours not in cards_here
        }
        self.mirror.forget("note", gone["notes"])
        self.mirror.forget("card", gone["cards"])
        self.mirror.forget("deck", gone["decks"])
        ids = [(kind, anki_id) for kind in ("cards", "notes", "decks") for anki_id in gone[kind]]
        for start in range(0, len(ids), CHUNK):
            chunk: dict[str, list[int]] = {"cards": [], "notes": [], "decks": []}
            for kind, anki_id in ids[start : start + CHUNK]:
                chunk[kind].append(anki_id)
            yield chunk

    # -- note types, decks, tags ----------------------------------------------------------------------------

    def unchunked(self, usn: int, mod: int) -> dict[str, Any]:
        """Changed note types and decks, and tags the server has not seen. A merge sends none of its note types
        and decks: it learns the server's first (to match them by name), and a second exchange sends the rest."""
        models: list[dict[str, Any]] = []
        decks: list[dict[str, Any]] = []
        if not self.send:
            return {"models": [], "decks": [[], []], "tags": []}
        if not self.merge:
            mirrored = {m.our_id: m for m in self.mirror.mirrored("notetype").values() if m.our_id is not None}
            puts = []
            for notetype in self.collection.notetypes.all():
                old = mirrored.get(notetype.id)
                digest = af.notetype_digest(notetype)
                if old is not None and old.digest == digest:
                    continue
                if old is not None and _shape(old.entry) != (len(notetype.fields), len(notetype.templates)):
                    raise SyncError(
                        f"the note type {notetype.name!r} has other fields or card types here than on the server, "
                        "so the server needs the whole collection from this computer",
                        "full_sync",
                    )
                anki_id = old.anki_id if old else notetype.id
                at = max(mod, old.mod + 1) if old else mod
                entry = af.notetype_entry(notetype, anki_id, at, usn, old.entry if old else None)
                models.append(entry)
                puts.append(Mirrored(anki_id, notetype.id, digest, at, entry))
            self.mirror.put("notetype", puts)
            configs = self._presets(usn, mod)
            preset_ids = {
                m.our_id: m.anki_id for m in self.mirror.mirrored("deck_config").values() if m.our_id is not None
            }
            deck_mirror = {m.our_id: m for m in self.mirror.mirrored("deck").values() if m.our_id is not None}
            puts = []
            self._make_missing_parents(mod)
            # a deck changed here goes with the time it was changed: the server keeps the later of its version and
            # ours, as Anki does (and so does ``Incoming._apply_decks`` with the server's)
            changed_at = self.collection.decks.modified_times()
            for deck in sorted(self.collection.decks.all(), key=lambda d: d.name.count("::")):
                old = deck_mirror.get(deck.id)
                digest = af.deck_digest(deck)
                if old is not None and old.digest == digest:
                    continue
                anki_id = old.anki_id if old else deck.id
                at = _sent_at(changed_at.get(deck.id), mod, old.mod) if old else mod
                conf = preset_ids.get(deck.preset_id) if deck.preset_id is not None else None
                entry = af.deck_entry(deck.name, deck.description, anki_id, at, usn, old.entry if old else None, conf)
                decks.append(entry)
                puts.append(Mirrored(anki_id, deck.id, digest, at, entry))
            self.mirror.put("deck", puts)
        known = self.mirror.tags()
        tags = sorted({tag for note in self.mirror.notes_here().values() for tag in note.tags.split()} - known)
        if not self.merge:
            self.mirror.put_tags(tags)
        return {
            "models": models,
            "decks": [decks, configs if not self.merge else []],
            "tags": tags if not self.merge else [],
        }

    def _make_missing_parents(self, mod: int) -> None:
        """Anki keeps a deck's parents as decks (its Check Database makes a missing one): a parent that is here only
        through its subdecks ("A" of a deck renamed "A::B") becomes a deck before the tree goes to the server."""
        names = [deck.name for deck in self.collection.decks.all()]
        parents = {SEPARATOR.join(parts[:depth]) for parts in (n.split(SEPARATOR) for n in names)
                   for depth in range(1, len(parts))}  # fmt: skip
        for name in sorted(parents - set(names), key=lambda n: n.count(SEPARATOR)):
            if self.collection.decks.by_name(name) is None:
                self.collection.decks.create(new_id(self.rng), name, "", datetime.fromtimestamp(mod, timezone.utc))

    def _presets(self, usn: int, mod: int) -> list[dict[str, Any]]:
        """Presets new or changed here, as Anki's deck options groups."""
        mirrored = {m.our_id: m for m in self.mirror.mirrored("deck_config").values() if m.our_id is not None}
        taken = set(self.mirror.mirrored("deck_config"))
        out, puts = [], []
        changed_at = self.collection.presets.modified_times()  # (the time of the change, as for decks)
        for preset in self.collection.presets.all():
            old = mirrored.get(preset.id)
            digest = af.preset_digest(preset.name, preset.options.to_json())
            if old is not None and old.digest == digest:
                continue
            anki_id = old.anki_id if old else (preset.id if preset.id not in taken else self.rng.getrandbits(53) or 1)
            at = _sent_at(changed_at.get(preset.id), mod, old.mod) if old else mod
            entry = af.config_entry(preset.name, preset.options, anki_id, at, usn, old.entry if old else None)
            out.append(entry)
            puts.append(Mirrored(anki_id, preset.id, digest, at, entry))
        self.mirror.put("deck_config", puts)
        return out

    # -- notes, cards, review log -----------------------------------------------------------------------------

    def replayed(self, card_ids: set[int]) -> None:
        self.resend |= card_ids

    def chunks(
        self, usn: int, days: af.DayNumbers, mod: int, tally: Tally, prefer: str | None
    ) -> Iterator[dict[str, Any]]:
        """Notes, then cards, then review-log rows, in chunks of at most ``CHUNK`` objects, the last one ``done``.

        A chunk is given as soon as it is full: the caller sends it (``sending.ChunkSender``) while the rest is
        found (notes first: cards name them; then cards: the log's rows name those)."""
        if not self.send:
            # An exchange that only takes sends nothing of this side's own; but the server's cards whose replay here
            # gives another schedule go back now (the server has their notes and decks), so that a first sync with
            # nothing new here needs no second exchange, which would read every note, card and log row again.
            chunker = _Chunker()
            cards = self._cards(usn, mod, days, only=self.resend) if self.resend else []
            tally.cards_up += len(cards)
            yield from chunker.add("cards", cards)
            yield chunker.last()
            return
        chunker = _Chunker()
        notes = self._notes(usn, mod, tally)
        tally.notes_up += len(notes)
        yield from chunker.add("notes", notes)
        cards = self._cards(usn, mod, days)
        tally.cards_up += len(cards)
        yield from chunker.add("cards", cards)
        yield from chunker.add("revlog", self._revlog(usn, tally))
        yield chunker.last()

    def _notes(self, usn: int, mod: int, tally: Tally) -> list[list[Any]]:
        mirrored = {m.our_id: m for m in self.mirror.mirrored("note").values()}
        notetypes = {m.our_id: m.anki_id for m in self.mirror.mirrored("notetype").values() if m.our_id is not None}
        field_counts = {notetype.id: len(notetype.fields) for notetype in self.collection.notetypes.all()}
        taken = {m.anki_id for m in mirrored.values()}
        notes = self.mirror.notes_here()
        new_ids = AnkiIds(taken, self.mirror.notes_created([n for n in notes if n not in mirrored]), mod)
        out, puts = [], []
        for note in notes.values():
            old = mirrored.get(note.id)
            digest = af.note_digest(note)
            if old is not None and old.digest == digest:
                continue
            mid = notetypes.get(note.notetype_id)
            if mid is None:  # its note type has not reached the server yet (a merge's first exchange)
                continue
            anki_id = old.anki_id if old else new_ids.take(note.id)
            at = max(mod, old.mod + 1) if old else mod
            try:
                entry = af.note_entry(
                    note, anki_id, mid, at, usn, old.entry if old else None, field_counts[note.notetype_id]
                )
            except ValueError as error:  # text kept past its note type's fields: the server would refuse the sync
                tally.skipped.append(f"note {note.front[:40]!r}: {error}; not sent")
                continue
            out.append(entry)
            puts.append(Mirrored(anki_id, note.id, digest, at, entry))
        self.mirror.put("note", puts)
        return out

    def _cards(self, usn: int, mod: int, days: af.DayNumbers, only: set[int] | None = None) -> list[list[Any]]:
        """The cards to send (``only``: of these, those the server already has)."""
        mirrored = {m.our_id: m for m in self.mirror.mirrored("card").values()}
        notes = {ours: anki_id for anki_id, ours in self.mirror.ids("note").items()}
        decks = {m.our_id: m.anki_id for m in self.mirror.mirrored("deck").values() if m.our_id is not None}
        taken = {m.anki_id for m in mirrored.values()}
        cards = self.mirror.cards_here()
        fresh = [card for card in cards.values() if card.id not in mirrored]
        new_ids = AnkiIds(taken, self.mirror.notes_created([card.note_id for card in fresh]), mod)
        out, puts = [], []
        for card in cards.values():
            old = mirrored.get(card.id)
            if only is not None and (card.id not in only or old is None):
                continue
            digest = af.card_digest(card)
            if old is not None and old.digest == digest and card.id not in self.resend:
                continue
            nid, did = notes.get(card.note_id), decks.get(card.deck_id)
            if nid is None or did is None:
                continue
            anki_id = old.anki_id if old else new_ids.take(card.note_id)
            at = max(mod, old.mod + 1) if old else mod
            entry = af.card_entry(card, anki_id, nid, did, at, usn, days, old.entry if old else None)
            if (
                old is not None
                and card.id in self.resend
                and old.digest == digest
                and not af.schedule_differs(entry, old.entry)
                and af.card_home_deck(entry) == af.card_home_deck(old.entry)  # (one put in a deck here: it goes)
            ):
                continue
            out.append(entry)
            puts.append(Mirrored(anki_id, card.id, digest, at, entry))
        self.mirror.put("card", puts)
        return out

    def _revlog(self, usn: int, tally: Tally) -> Iterator[Sequence[Any] | _Encoded]:
        """The review-log rows the server has not had: answers (``storage.sync.log_out``: found once by SQLite,
        in Anki's form, each row's JSON written by it, given a chunk's worth at a time, and mirrored once it has
        gone), then schedule changes (mirrored after the last)."""
        # a card deleted here goes under its Anki id, or ours if it never reached the server (its answers are
        # still sent: else they would wait for ever, and every sync would find something to send)
        free = FreeIds(self.mirror.revlog_ids)  # (the server's ids read at the first row to go)
        take = free.take
        unsent = UnsentLog(self.collection.db, usn, self.gone_cards)
        try:
            with unsent.mirroring():
                for batch in unsent.chunks(CHUNK):  # each chunk goes as soon as it is read
                    parts = []
                    moved: dict[int, int] = {}  # an answer's place -> its Anki id, for one whose millisecond was taken
                    for place, at, rest in batch:
                        anki_id = take(at)  # its time, or the next free millisecond
                        if anki_id != at:
                            moved[place] = anki_id
                        parts.append(f"[{anki_id},{rest[1:]}")
                    yield _Encoded(JsonText(f"[{','.join(parts)}]".encode()))
                    unsent.mirror(batch[0][0], batch[-1][0], moved)
        finally:
            unsent.close()
        tally.reviews_up += unsent.count  # (every answer has an ease; the schedule changes below have none)
        rows: list[tuple[Any, ...]] = []  # the changes' mirror rows
        keep = rows.append
        gone = self.gone_cards
        changes = self.mirror.unsent_change_rows()
        if changes:
            here = self.mirror.cards_here()
            cards = {ours: anki_id for anki_id, ours in self.mirror.ids("card").items()}
            cards |= {ours: anki for ours, anki in gone.items() if ours not in cards}
        for row_id, card, at, kind, sb, db, lb, sa, da, la in changes:
            cid = cards.get(card, None if card in here else card)
            if cid is None:
                continue
            anki_id = free.take(at)
            reset = kind == "reset"
            entry = [
                anki_id,
                cid,
                usn,
                0,
                0 if reset else _interval(sa, da, la, at),
                _interval(sb, db, lb, at),
                0 if reset else 2500,
                0,
                4,
            ]
            keep((anki_id, row_id, cid, *entry[2:]))
            yield entry
        self.mirror.put_revlog_values(rows)


class _Encoded(NamedTuple):
    """Objects already written as one JSON array (at most ``CHUNK`` of them), sent as they are."""

    text: JsonText


class _Chunker:
    """Objects into chunks of at most ``CHUNK``: each full chunk is given as it fills, the rest by ``last``. An
    ``_Encoded`` array (at most ``CHUNK`` objects) goes as a chunk of its own."""

    def __init__(self) -> None:
        self.chunk: dict[str, Any] = self._empty()

    @staticmethod
    def _empty() -> dict[str, Any]:
        return {"done": False, "revlog": [], "cards": [], "notes": []}

    def add(self, key: str, items: Iterable[Sequence[Any] | _Encoded]) -> Iterator[dict[str, Any]]:
        chunk = self.chunk
        room = CHUNK - sum(len(chunk[k]) for k in ("revlog", "cards", "notes"))
        for item in items:
            if isinstance(item, _Encoded):
                if room < CHUNK:  # what is gathered goes first
                    yield chunk
                yield {**self._empty(), key: item.text}
                chunk = self.chunk = self._empty()
                room = CHUNK
                continue
            chunk[key].append(item)
            room -= 1
            if room == 0:
                yield chunk
                chunk = self.chunk = self._empty()
                room = CHUNK

    def last(self) -> dict[str, Any]:
        self.chunk["done"] = True
        return self.chunk


def _shape(entry: dict[str, Any]) -> tuple[int, int]:
    """How many fields and card templates a mirrored note type has."""
    return len(entry.get("flds") or ()), len(entry.get("tmpls") or ())


def _interval(state: int, due: int | None, last: int | None, at: int) -> int:
    """Anki's revlog interval: days for a review card, negative seconds for a learning step, 0 for a new card."""
    if state == 0 or due is None:
        return 0
    span = due - (last if last is not None else at)
    if state == 2:
        return max(1, min(2**31 - 1, round(span / _DAY_MS)))
    return -max(1, min(2**31 - 1, span // 1000))


def _sent_at(changed_ms: int | None, mod: int, old_mod: int) -> int:
    """The time a deck or preset changed here goes with (seconds): when it changed (at most the sync's ``mod``),
    and after the version the server last sent, so that the server keeps the later of its version and ours."""
    changed = mod if changed_ms is None else min(mod, changed_ms // 1000)
    return max(changed, old_mod + 1)
