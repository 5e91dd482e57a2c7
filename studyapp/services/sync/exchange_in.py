"""What the server sends, applied here: its deletions, note types, deck options and decks; its notes, cards and
review-log rows go through ``chunks_in`` (and the cards that received rows through ``card_replay``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.core.ids import new_id
from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.importers.anki_notetypes import notetype_from_json
from studyapp.services.sync import anki_form as af
from studyapp.services.sync.chunks_in import ChunksIn
from studyapp.services.sync.received_log import ReceivedLog
from studyapp.storage.codec import to_ms
from studyapp.storage.collection import Collection
from studyapp.storage.notes.notes_store import stored_fields
from studyapp.storage.sync.mirror_store import Mirrored, MirrorStore

if TYPE_CHECKING:
    from studyapp.services.sync.collection_sync import Tally


class Incoming:
    def __init__(
        self,
        collection: Collection,
        mirror: MirrorStore,
        rng: random.Random,
        tally: Tally,
        *,
        prefer: str | None,
        merge: bool,
        now: Callable[[], datetime],
    ) -> None:
        self.collection = collection
        self.mirror = mirror
        self.rng = rng
        self.tally = tally
        self.prefer = prefer
        self.merge = merge
        self.now = now
        self.notetypes: dict[int, int] = {}  # Anki id -> ours, filled by apply_changes
        self.decks: dict[int, int] = {}
        self.presets: dict[int, int] = {}
        self._never_sent: set[int] = set()  # note types notes from the server use that it never sent

    # -- deletions --------------------------------------------------------------------------------------------

    def apply_graves(self, graves: dict[str, Any], usn: int) -> None:
        gone_notes: list[int] = []
        gone_cards: list[int] = []
        if graves.get("notes") or graves.get("cards"):  # (else every mirrored card's Anki form read for nothing)
            notes, cards = self.mirror.mirrored("note"), self.mirror.mirrored("card")
            gone_notes = [int(i) for i in graves.get("notes", ()) if int(i) in notes]
            gone_cards = [int(i) for i in graves.get("cards", ()) if int(i) in cards]
            self._keep_edits_of_deleted([notes[i] for i in gone_notes])
            self.mirror.delete_notes([notes[i].our_id for i in gone_notes if notes[i].our_id is not None])
            self.mirror.delete_cards([cards[i].our_id for i in gone_cards if cards[i].our_id is not None])
            by_note = {m.entry[af.C_NID]: m.anki_id for m in cards.values()}
            self.mirror.forget("note", gone_notes)
            self.mirror.forget("card", [*gone_cards, *(by_note[n] for n in gone_notes if n in by_note)])
        decks = self.mirror.mirrored("deck")
        gone_decks = [int(i) for i in graves.get("decks", ()) if int(i) in decks]
        for anki_id in gone_decks:
            ours = decks[anki_id].our_id
            if ours is not None and self.mirror.deck_in_use(ours):
                self.tally.skipped.append(
                    f"deck {decks[anki_id].entry.get('name')!r} deleted there still has cards here; kept"
                )
            elif ours is not None:
                self.mirror.delete_deck(ours)
        self.mirror.forget("deck", gone_decks)
        self.tally.deletions_down += len(gone_notes) + len(gone_cards) + len(gone_decks)

    def _keep_edits_of_deleted(self, gone: list[Mirrored]) -> None:
        """A note deleted on the other device but edited here since the last sync goes (a deletion wins, as in
        Anki), and the version edited here is kept in the sync conflicts, so no edit is lost unseen."""
        here = self.mirror.notes_here_of([m.our_id for m in gone if m.our_id is not None])
        for mirrored in gone:
            note = here.get(mirrored.our_id) if mirrored.our_id is not None else None
            if note is None or af.note_digest(note) == mirrored.digest:
                continue
            lost = json.dumps(list(stored_fields(note.front, note.back, note.rest)))
            self.mirror.add_conflict(
                (new_id(self.rng), note.id, to_ms(self.now()), "server", lost, note.tags, note.modified_at)
            )
            self.tally.conflicts += 1

    # -- note types, decks, tags ----------------------------------------------------------------------------

    def apply_changes(self, remote: dict[str, Any], sent: dict[str, Any]) -> None:
        mirrored = self.mirror.mirrored("notetype")
        store = self.collection.notetypes
        here = {notetype.id for notetype in store.all()}
        # (a note type removed here is still on the server: Anki removes one only with a full sync)
        self.notetypes = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id in here}
        for model in remote.get("models", ()):
            anki_id = int(model["id"])
            theirs = notetype_from_json(str(anki_id), model)
            ours_id = self.notetypes.get(anki_id)
            if ours_id is None:
                match = next(
                    (nt for nt in store.all() if nt.name == theirs.name and nt.field_names == theirs.field_names), None
                )
                if match is not None and anki_id not in {int(m["id"]) for m in sent.get("models", ())}:
                    ours_id = match.id
            at = af.EPOCH + timedelta(seconds=int(model.get("mod", 0)))
            if ours_id is None:
                ours_id = self._add_notetype(anki_id, model, at)
            elif not any(int(m["id"]) == anki_id for m in sent.get("models", ())) or self.prefer == "server":
                current = store.get(ours_id)
                if current is not None:
                    store.update(
                        replace(
                            theirs,
                            id=ours_id,
                            name=current.name
                            if current.name == theirs.name
                            else _free_name(store, theirs.name, ours_id),
                            stock=current.stock,
                        ),
                        at,
                    )
            self.notetypes[anki_id] = ours_id
            kept = store.get(ours_id)
            self.mirror.put(
                "notetype",
                [Mirrored(anki_id, ours_id, af.notetype_digest(kept) if kept else "", int(model.get("mod", 0)), model)],
            )
        decks, configs = (remote.get("decks") or [[], []]) + [[]] * (2 - len(remote.get("decks") or []))
        self._apply_configs(configs + self._deleted_here_but_used(decks, configs), sent)
        self._apply_decks(decks, sent)
        self.mirror.put_tags(str(tag) for tag in remote.get("tags", ()))

    def _add_notetype(self, anki_id: int, model: dict[str, Any], at: datetime) -> int:
        store = self.collection.notetypes
        theirs = notetype_from_json(str(anki_id), model)
        ours_id = anki_id if store.get(anki_id) is None else new_id(self.rng)
        store.add(replace(theirs, id=ours_id, name=store.unique_name(theirs.name)), at)
        return ours_id

    def notetype_back(self, anki_id: int) -> int | None:
        """A note type removed here that a note from the server uses, made again from the server's last form of it
        (it was never removed there); ``None`` if the server never sent it."""
        if anki_id in self._never_sent:
            return None
        old = self.mirror.mirrored("notetype").get(anki_id)
        if old is None or not old.entry:
            self._never_sent.add(anki_id)  # (its notes are skipped each with a line: the mirror is read once)
            return None
        ours_id = self._add_notetype(anki_id, dict(old.entry), af.EPOCH + timedelta(seconds=old.mod))
        kept = self.collection.notetypes.get(ours_id)
        self.mirror.put("notetype", [Mirrored(anki_id, ours_id, af.notetype_digest(kept) if kept else "", old.mod,
                                              old.entry)])  # fmt: skip
        self.notetypes[anki_id] = ours_id
        return ours_id

    def _deleted_here_but_used(
        self, decks: list[dict[str, Any]], configs: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The server's last form of each options group a deck from the server uses whose preset was deleted here
        (Anki deletes a group only with a full sync, so the other devices still have it): it comes back."""
        wanted = {int(deck.get("conf") or 0) for deck in decks if not deck.get("dyn")} - {int(c["id"]) for c in configs}
        if not wanted:
            return []
        here = {preset.id for preset in self.collection.presets.all()}
        mirrored = self.mirror.mirrored("deck_config")
        return [
            dict(mirrored[anki_id].entry)
            for anki_id in sorted(wanted)
            if anki_id in mirrored and mirrored[anki_id].our_id not in here and mirrored[anki_id].entry
        ]

    def _apply_configs(self, configs: list[dict[str, Any]], sent: dict[str, Any]) -> None:
        """Anki's deck options groups become presets here (limits, steps, retention, FSRS parameters, autoplay);
        one changed on both sides keeps the later change, unless the server is preferred. A group whose
        preset was deleted here is made again if it comes (the server keeps it, see ``_deleted_here_but_used``)."""
        mirrored = self.mirror.mirrored("deck_config")
        store = self.collection.presets
        here = {preset.id for preset in store.all()}
        self.presets = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id in here}
        sent_mods = {int(c["id"]): int(c.get("mod", 0)) for c in (sent.get("decks") or [[], []])[1]}
        puts = []
        for config in configs:
            anki_id, mod = int(config["id"]), int(config.get("mod", 0))
            name = str(config.get("name") or "Default")
            ours_id = self.presets.get(anki_id)
            if ours_id is None:
                ours_id = next((p.id for p in store.all() if p.name == name), None)
            current = store.get(ours_id) if ours_id is not None else None
            try:
                options = af.options_of_config(config, current.options if current else DeckOptions())
            except ValueError as error:
                self.tally.skipped.append(f"deck options {name!r}: {error}; kept as they were here")
                options = current.options if current else DeckOptions()
            at = af.EPOCH + timedelta(seconds=mod)
            if current is None:
                ours_id = anki_id if store.get(anki_id) is None else new_id(self.rng)
                taken = {p.name for p in store.all()}
                unique = next(
                    f"{name} ({n})" if n else name
                    for n in range(len(taken) + 2)
                    if (f"{name} ({n})" if n else name) not in taken
                )
                store.create(ours_id, unique, options, at)
            elif anki_id not in sent_mods or self.prefer == "server" or mod > sent_mods[anki_id]:
                old = mirrored.get(anki_id)
                changed_here = old is not None and old.digest != af.preset_digest(
                    current.name, current.options.to_json()
                )
                theirs_later = anki_id in sent_mods and mod > sent_mods[anki_id]  # (changed on both: the later)
                if (not changed_here or self.prefer == "server" or theirs_later) and options != current.options:
                    store.update(ours_id, current.name, options)
            self.presets[anki_id] = ours_id
            kept = store.get(ours_id)
            digest = af.preset_digest(kept.name, kept.options.to_json()) if kept else ""
            puts.append(Mirrored(anki_id, ours_id, digest, mod, config))
        self.mirror.put("deck_config", puts)

    def _apply_decks(self, decks: list[dict[str, Any]], sent: dict[str, Any]) -> None:
        mirrored = self.mirror.mirrored("deck")
        self.decks = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        store = self.collection.decks
        sent_mods = {int(d["id"]): int(d.get("mod", 0)) for d in (sent.get("decks") or [[]])[0]}
        for deck in sorted(decks, key=lambda d: str(d.get("name", "")).count("::")):
            anki_id, name = int(deck["id"]), str(deck.get("name", ""))
            # changed on both sides: the later change wins (the server kept its version if ours was older)
            ours_wins = (
                anki_id in sent_mods and self.prefer != "server" and sent_mods[anki_id] >= int(deck.get("mod", 0))
            )
            if deck.get("dyn"):  # a filtered deck: its cards are at home in their own decks here
                self.mirror.put("deck", [Mirrored(anki_id, None, "", int(deck.get("mod", 0)), deck)])
                continue
            ours_id = self.decks.get(anki_id)
            existing = store.by_name(name)
            if ours_id is None and existing is not None:
                ours_id = existing.id
            at = af.EPOCH + timedelta(seconds=int(deck.get("mod", 0)))
            if ours_id is None:
                ours_id = anki_id if store.get(anki_id) is None else new_id(self.rng)
                store.create(ours_id, name, str(deck.get("desc", "")), at)
            elif not ours_wins:
                current = store.get(ours_id)
                if current is not None and current.name != name and (existing is None or existing.id == ours_id):
                    self.collection.db.execute("UPDATE decks SET name = ? WHERE id = ?", [name, ours_id])
                description = str(deck.get("desc", ""))
                # (a first sync's deck of the same name keeps its description here if the server's has none)
                if current is not None and current.description != description and (description or anki_id in mirrored):
                    store.set_description(ours_id, description)
            preset = self.presets.get(int(deck.get("conf") or 0))
            current = store.get(ours_id)
            old = mirrored.get(anki_id)
            changed_here = current is not None and old is not None and old.digest != af.deck_digest(current)
            if (
                current is not None
                and preset is not None
                and current.preset_id != preset
                and (not ours_wins or not changed_here)
            ):
                self.collection.presets.assign(ours_id, preset)
            self.decks[anki_id] = ours_id
            current = store.get(ours_id)
            digest = af.deck_digest(current) if current else ""
            self.mirror.put("deck", [Mirrored(anki_id, ours_id, digest, int(deck.get("mod", 0)), deck)])

    # -- notes, cards, review log -----------------------------------------------------------------------------

    def receiving(self) -> ReceivedLog:
        """What takes the review-log rows of the server's chunks as they come (for ``ChunksIn.apply``)."""
        return ChunksIn(self).receiving()


def _free_name(store: Any, name: str, own_id: int) -> str:
    other = store.by_name(name)
    return name if other is None or other.id == own_id else store.unique_name(name)
