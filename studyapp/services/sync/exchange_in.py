"""What the server sends, applied here: its deletions, note types and decks, notes, cards and review-log rows.

A note edited on both sides since the last sync: the later edit wins and the other version is kept as a conflict.
A card that received review-log rows is replayed from its whole merged log (the rows here and the new ones, in
time order); its schedule here is what every device ends with.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.core.ids import new_id
from studyapp.core.model import CardState, ReviewEntry, ReviewMode, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.core.scheduling.scheduling import Scheduler, fuzz_seed, merged_history
from studyapp.importers.anki_notes import note_kind
from studyapp.importers.anki_notetypes import notetype_from_json
from studyapp.services.sync import anki_form as af
from studyapp.storage.codec import from_ms, to_ms
from studyapp.storage.collection import Collection
from studyapp.storage.notes.notes_store import field_columns
from studyapp.storage.sync.mirror_store import Mirrored, MirrorStore

if TYPE_CHECKING:
    from studyapp.services.sync.collection_sync import Tally

_MAX_REVIEW_MS = 24 * 3600 * 1000


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
    ) -> None:
        self.collection = collection
        self.mirror = mirror
        self.rng = rng
        self.tally = tally
        self.prefer = prefer
        self.merge = merge
        self.notetypes: dict[int, int] = {}  # Anki id -> ours, filled by apply_changes
        self.decks: dict[int, int] = {}
        self.presets: dict[int, int] = {}

    # -- deletions --------------------------------------------------------------------------------------------

    def apply_graves(self, graves: dict[str, Any], usn: int) -> None:
        notes, cards = self.mirror.mirrored("note"), self.mirror.mirrored("card")
        gone_notes = [int(i) for i in graves.get("notes", ()) if int(i) in notes]
        gone_cards = [int(i) for i in graves.get("cards", ()) if int(i) in cards]
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

    # -- note types, decks, tags ----------------------------------------------------------------------------

    def apply_changes(self, remote: dict[str, Any], sent: dict[str, Any]) -> None:
        mirrored = self.mirror.mirrored("notetype")
        self.notetypes = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        store = self.collection.notetypes
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
                ours_id = anki_id if store.get(anki_id) is None else new_id(self.rng)
                store.add(replace(theirs, id=ours_id, name=store.unique_name(theirs.name)), at)
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
        self._apply_configs(configs, sent)
        self._apply_decks(decks, sent)
        self.mirror.put_tags(str(tag) for tag in remote.get("tags", ()))

    def _apply_configs(self, configs: list[dict[str, Any]], sent: dict[str, Any]) -> None:
        """Anki's deck options groups become presets here (limits, steps, retention, FSRS parameters, autoplay);
        one changed on both sides keeps this side's (it was sent), unless the server is preferred."""
        mirrored = self.mirror.mirrored("deck_config")
        self.presets = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        store = self.collection.presets
        sent_ids = {int(c["id"]) for c in (sent.get("decks") or [[], []])[1]}
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
            elif anki_id not in sent_ids or self.prefer == "server":
                old = mirrored.get(anki_id)
                changed_here = old is not None and old.digest != af.preset_digest(
                    current.name, current.options.to_json()
                )
                if (not changed_here or self.prefer == "server") and options != current.options:
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
        sent_ids = {int(d["id"]) for d in (sent.get("decks") or [[]])[0]}
        for deck in sorted(decks, key=lambda d: str(d.get("name", "")).count("::")):
            anki_id, name = int(deck["id"]), str(deck.get("name", ""))
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
            elif anki_id not in sent_ids or self.prefer == "server":
                current = store.get(ours_id)
                if current is not None and current.name != name and existing is None:
                    self.collection.db.execute("UPDATE decks SET name = ? WHERE id = ?", [name, ours_id])
            preset = self.presets.get(int(deck.get("conf") or 0))
            current = store.get(ours_id)
            old = mirrored.get(anki_id)
            changed_here = current is not None and old is not None and old.digest != af.deck_digest(current)
            if (
                current is not None
                and preset is not None
                and current.preset_id != preset
                and (anki_id not in sent_ids or self.prefer == "server" or not changed_here)
            ):
                self.collection.presets.assign(ours_id, preset)
            self.decks[anki_id] = ours_id
            current = store.get(ours_id)
            digest = af.deck_digest(current) if current else ""
            self.mirror.put("deck", [Mirrored(anki_id, ours_id, digest, int(deck.get("mod", 0)), deck)])

    # -- notes, cards, review log -----------------------------------------------------------------------------

    def apply_chunks(self, chunks: Sequence[dict[str, Any]], days: af.DayNumbers) -> set[int]:
        """Apply the server's notes, then cards, then review-log rows; return the cards here to send back."""
        notes = [n for c in chunks for n in c.get("notes", ())]
        cards = [c for ch in chunks for c in ch.get("cards", ())]
        revlog = [r for c in chunks for r in c.get("revlog", ())]
        card_decks: dict[int, int] = {}
        for entry in cards:
            card_decks.setdefault(int(entry[af.C_NID]), af.card_home_deck(entry))
        note_map = self._apply_notes(notes, card_decks)
        resend, card_map = self._apply_cards(cards, note_map, days)
        replay = self._apply_revlog(revlog, card_map)
        self._replay(replay, days)
        return resend | replay

    def _apply_notes(self, entries: list[list[Any]], card_decks: dict[int, int]) -> dict[int, int]:
        mirrored = self.mirror.mirrored("note")
        here = self.mirror.notes_here()
        by_guid = {note.guid: note.id for note in here.values()}
        fallback_deck = _first_deck(self.collection)
        result: dict[int, int] = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        puts: list[Mirrored] = []
        for entry in entries:
            anki_id, mod = int(entry[af.N_ID]), int(entry[af.N_MOD])
            notetype_id = self.notetypes.get(int(entry[af.N_MID]))
            notetype = self.collection.notetypes.get(notetype_id) if notetype_id is not None else None
            if notetype is None:
                self.tally.skipped.append(
                    f"note {entry[af.N_GUID]}: its note type {entry[af.N_MID]} never came; skipped"
                )
                continue
            fields = af.fields_of_entry(entry)
            front, back, rest = field_columns(fields)
            tags = af.tags_of_entry(entry)
            ours_id = result.get(anki_id) or by_guid.get(str(entry[af.N_GUID]))
            current = here.get(ours_id) if ours_id is not None else None
            send_ours = False
            if current is None:
                ours_id = anki_id if anki_id not in here else new_id(self.rng)
                deck = self.decks.get(card_decks.get(anki_id, -1), fallback_deck)
                created = anki_id if 0 < anki_id < 10**13 else mod * 1000
                self.mirror.add_notes(
                    [
                        (
                            ours_id,
                            str(entry[af.N_GUID]),
                            deck,
                            front,
                            back,
                            tags,
                            note_kind(notetype).value,
                            1,
                            created,
                            mod * 1000,
                            rest,
                            notetype_id,
                        )
                    ]
                )
                self.tally.notes_down += 1
            else:
                same = (current.front, current.back, current.rest, current.tags, current.notetype_id) == (
                    front,
                    back,
                    rest,
                    tags,
                    notetype_id,
                )
                old = mirrored.get(anki_id)
                changed_here = old is None or af.note_digest(current) != old.digest
                if same:
                    pass
                elif not changed_here or self._server_wins(mod * 1000, current.modified_at):
                    if changed_here:
                        self._conflict(
                            current.id,
                            "server",
                            current.front,
                            current.back,
                            current.rest,
                            current.tags,
                            current.modified_at,
                        )
                    self.mirror.update_note(current.id, front, back, rest, tags, notetype_id, mod * 1000)
                    self.tally.notes_down += 1
                else:
                    self._conflict(current.id, "here", front, back, rest, tags, mod * 1000)
                    send_ours = True
            stored = self.mirror.notes_here_of([ours_id])[ours_id]
            puts.append(Mirrored(anki_id, ours_id, "" if send_ours else af.note_digest(stored), mod, entry))
            result[anki_id] = ours_id
        self.mirror.put("note", puts)
        return result

    def _server_wins(self, their_ms: int, our_ms: int) -> bool:
        if self.prefer is not None:
            return self.prefer == "server"
        return their_ms > our_ms

    def _conflict(self, note_id: int, kept: str, front: str, back: str, rest: str, tags: str, modified: int) -> None:
        from studyapp.storage.notes.notes_store import stored_fields

        self.tally.conflicts += 1
        self.mirror.add_conflict(
            (
                new_id(self.rng),
                note_id,
                to_ms(datetime.now().astimezone()),
                kept,
                json.dumps(list(stored_fields(front, back, rest))),
                tags,
                modified,
            )
        )

    def _apply_cards(
        self, entries: list[list[Any]], notes: dict[int, int], days: af.DayNumbers
    ) -> tuple[set[int], dict[int, int]]:
        mirrored = self.mirror.mirrored("card")
        here = self.mirror.cards_here()
        by_note_ord = {(card.note_id, card.ord): card.id for card in here.values()}
        result = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        resend: set[int] = set()
        puts: list[Mirrored] = []
        fallback_deck = _first_deck(self.collection)
        for entry in entries:
            anki_id, mod = int(entry[af.C_ID]), int(entry[af.C_MOD])
            note_id = notes.get(int(entry[af.C_NID]))
            if note_id is None:
                self.tally.skipped.append(f"card {anki_id}: its note never came; skipped")
                continue
            deck = self.decks.get(af.card_home_deck(entry), fallback_deck)
            ours_id = result.get(anki_id) or by_note_ord.get((note_id, int(entry[af.C_ORD])))
            suspended, flag = int(entry[af.C_QUEUE] == -1), int(entry[af.C_FLAGS]) & 0b111
            if ours_id is None or ours_id not in here:
                ours_id = anki_id if anki_id not in here else new_id(self.rng)
                position = int(entry[af.C_DUE]) if entry[af.C_TYPE] == 0 else 0
                self.mirror.add_cards([(ours_id, note_id, deck, int(entry[af.C_ORD]), position)])
                self.mirror.set_card(
                    ours_id, {"suspended": suspended, "flag": flag, **_schedule_values(_schedule_of_entry(entry, days))}
                )
                self.tally.cards_down += 1
            else:
                current = here[ours_id]
                values = {"deck_id": deck, "suspended": suspended, "flag": flag}
                if any(getattr(current, key) != value for key, value in values.items()):
                    self.mirror.set_card(ours_id, values)
                    self.tally.cards_down += 1
                mine = af.card_entry(current, anki_id, int(entry[af.C_NID]), int(entry[af.C_DID]), mod, 0, days, entry)
                if af.schedule_differs(mine, entry):
                    resend.add(ours_id)  # the schedule here follows the log here: every device takes it
            card = self.mirror.cards_here_of([ours_id])[ours_id]
            puts.append(Mirrored(anki_id, ours_id, af.card_digest(card), mod, entry))
            result[anki_id] = ours_id
        self.mirror.put("card", puts)
        return resend, result

    def _apply_revlog(self, entries: list[list[Any]], cards: dict[int, int]) -> set[int]:
        known = self.mirror.revlog_ids()
        # matched here in every sync, not only a merge: after a sync whose finish reached the server but whose
        # commit here was lost (a crash), the server sends our own rows back (tests/sync/test_sync_crash.py)
        local = self.mirror.local_log_times(
            None if self.merge else [cards.get(int(e[af.R_CID]), int(e[af.R_CID])) for e in entries]
        )
        rows: list[tuple[int, int | None, int, list[Any]]] = []
        replay: set[int] = set()
        for entry in entries:
            anki_id = int(entry[af.R_ID])
            if anki_id in known:
                continue
            card_anki = int(entry[af.R_CID])
            ours = cards.get(card_anki)
            # a row of a card deleted here is matched under the card's id here (the id it was sent with)
            match = local.get((ours if ours is not None else card_anki, anki_id))
            rows.append((anki_id, match, card_anki, entry))
            known.add(anki_id)
            if match is None and ours is not None and af.revlog_event(entry)[0] != "skip":
                replay.add(ours)
                self.tally.reviews_down += 1
        self.mirror.put_revlog(rows)
        return replay

    def _replay(self, card_ids: set[int], days: af.DayNumbers) -> None:
        """Each card's whole log (here and the new rows) replayed in time order; new rows stored with their
        before and after; the card set to where the log ends."""
        if not card_ids:
            return
        cards = self.mirror.cards_here_of(sorted(card_ids))
        anki_of = {m.our_id: m.anki_id for m in self.mirror.mirrored("card").values()}
        pending = self.mirror.unmatched_revlog_of_cards([anki_of[c] for c in card_ids if c in anki_of])
        schedulers: dict[int, Scheduler] = {}
        for card_id in sorted(card_ids):
            card = cards.get(card_id)
            if card is None:
                continue
            deck = self.collection.decks.get(card.deck_id)
            scheduler = schedulers.get(card.deck_id) or schedulers.setdefault(
                card.deck_id, Scheduler(deck.options.scheduler_config()) if deck else Scheduler()
            )
            answers = self.collection.reviews.log(card_id)
            changes = self.collection.schedule_changes.of_card(card_id)
            new_rows = sorted(pending.get(anki_of.get(card_id, -1), []), key=lambda row: row[af.R_ID])
            events: list[tuple[datetime, int, Any]] = [
                (e.reviewed_at if isinstance(e, ReviewEntry) else e.changed_at, 0, e)
                for e in merged_history(answers, changes)
            ]
            events += [(af.EPOCH + timedelta(milliseconds=int(row[af.R_ID])), 1, row) for row in new_rows]
            events.sort(key=lambda item: (item[0], item[1]))
            schedule, new_entries, new_changes, matched = Schedule(), [], [], []
            last_new = new_rows[-1] if new_rows else None
            for at, is_new, event in events:
                if not is_new:
                    if isinstance(event, ScheduleChange):
                        schedule = event.after
                    else:
                        schedule = scheduler.answer(
                            schedule, event.rating, at, random.Random(fuzz_seed(card_id, schedule.reps))
                        )
                    continue
                kind, rating = af.revlog_event(event)
                if kind == "answer" and rating is not None:
                    after = scheduler.answer(schedule, rating, at, random.Random(fuzz_seed(card_id, schedule.reps)))
                    entry = ReviewEntry(
                        new_id(self.rng),
                        card_id,
                        at,
                        rating,
                        min(max(0, int(event[af.R_TIME])), _MAX_REVIEW_MS),
                        ReviewMode.FLIP,
                        schedule,
                        after,
                    )
                    new_entries.append(entry)
                    matched.append((int(event[af.R_ID]), entry.id))
                elif kind in ("reset", "reschedule"):
                    if kind == "reset":
                        after, change_kind = Schedule(), ScheduleChangeKind.RESET
                    else:
                        due = _reschedule_due(event, at, days, card if event is last_new else None)
                        after, change_kind = replace(schedule, due=due), ScheduleChangeKind.SET_DUE
                    change = ScheduleChange(new_id(self.rng), card_id, at, change_kind, schedule, after)
                    new_changes.append(change)
                    matched.append((int(event[af.R_ID]), change.id))
                else:
                    continue
                schedule = after
            self.mirror.insert_log(new_entries)
            self.collection.schedule_changes.record(new_changes)
            self.mirror.set_card(card_id, _schedule_values(schedule))
            self.mirror.match_revlog(matched)
            self.tally.replayed += 1


def _first_deck(collection: Collection) -> int:
    decks = collection.decks.all()
    default = next((d for d in decks if d.name == "Default"), decks[0] if decks else None)
    if default is None:
        return collection.decks.create(new_id(random.SystemRandom()), "Default", "", datetime.now().astimezone()).id
    return default.id


def _free_name(store: Any, name: str, own_id: int) -> str:
    other = store.by_name(name)
    return name if other is None or other.id == own_id else store.unique_name(name)


def _schedule_values(schedule: Schedule) -> dict[str, Any]:
    return {
        "state": int(schedule.state),
        "step": schedule.step,
        "stability": schedule.stability,
        "difficulty": schedule.difficulty,
        "due": to_ms(schedule.due),
        "last_review": to_ms(schedule.last_review),
        "reps": schedule.reps,
        "lapses": schedule.lapses,
    }


def _memory(entry: Sequence[Any]) -> tuple[float | None, float | None, datetime | None]:
    try:
        data = json.loads(entry[af.C_DATA]) if entry[af.C_DATA] else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    s, d, lrt = data.get("s"), data.get("d"), data.get("lrt")
    return (
        float(s) if isinstance(s, (int, float)) else None,
        float(d) if isinstance(d, (int, float)) else None,
        from_ms(int(lrt) * 1000) if isinstance(lrt, int) else None,
    )


def _schedule_of_entry(entry: Sequence[Any], days: af.DayNumbers) -> Schedule:
    """A card that came with no log here: its schedule as the server's tuple says (its replay, once rows come,
    replaces it)."""
    ctype, queue, due, interval = (
        int(entry[af.C_TYPE]),
        int(entry[af.C_QUEUE]),
        int(entry[af.C_DUE]),
        int(entry[af.C_IVL]),
    )
    reps, lapses = int(entry[af.C_REPS]), int(entry[af.C_LAPSES])
    if ctype == 0:
        return Schedule(reps=reps, lapses=lapses)
    stability, difficulty, last = _memory(entry)
    when = af.EPOCH + timedelta(seconds=due) if queue in (1, 4) or due > 10**8 else days.day(due)
    if ctype == 2:
        last = last or when - timedelta(days=max(1, interval))
        return Schedule(
            CardState.REVIEW, None, stability or float(max(1, interval)), difficulty or 5.0, when, last, reps, lapses
        )
    state = CardState.RELEARNING if ctype == 3 else CardState.LEARNING
    return Schedule(state, 0, stability, difficulty, when, last, reps, lapses)


def _reschedule_due(entry: Sequence[Any], at: datetime, days: af.DayNumbers, card: Any) -> datetime | None:
    interval = int(entry[af.R_IVL])
    if interval > 0:
        return (at + timedelta(days=interval)).replace(microsecond=0)
    return None
