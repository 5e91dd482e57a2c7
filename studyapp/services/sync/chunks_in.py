"""The server's notes, cards and review-log rows (its ``chunk`` replies), applied here in batches.

Notes first (matched by their id on the server, else by guid), then cards (by id, else by note and template), then
review-log rows: a row already here (by card and time) is matched, a new one is kept for the card's replay.
A note edited on both sides since the last sync: the later edit wins, the other version is kept as a conflict.
Unless the note's type differs on the two sides and only one side's type has a template for every card the note has
(on either side): that side wins, since the cards follow the note type (a note made reversed on the phone has its
second card there, which a later edit here must not leave without a template).
"""

from __future__ import annotations

import json
import operator
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from studyapp.core.ids import from_anki_guid, new_id
from studyapp.core.model import CardState, Schedule
from studyapp.core.scheduling.days import day_bounds
from studyapp.core.wording import plural
from studyapp.importers.anki_notes import note_kind
from studyapp.services.sync import anki_form as af
from studyapp.services.sync.card_replay import CardReplay, ServerCard, schedule_row
from studyapp.services.sync.note_type_fit import TypeFit
from studyapp.services.sync.progress_text import counted
from studyapp.services.sync.received_log import ReceivedLog, gone_row, local_row
from studyapp.storage.codec import from_ms, to_ms
from studyapp.storage.collection import Collection
from studyapp.storage.notes.notes_store import BulkInsert, field_columns, stored_fields
from studyapp.storage.sync.mirror_store import CardHere, Mirrored, NoteHere
from studyapp.storage.sync.replay_log import ReplayLog

if TYPE_CHECKING:
    from studyapp.services.sync.exchange_in import Incoming

_NEW = int(CardState.NEW)


class ChunksIn:
    """Applies the chunks with what the exchange learnt so far (``Incoming``: the collection, the mirror, the
    server's note types and decks as ours, which side wins a conflict, the tally)."""

    def __init__(self, incoming: Incoming) -> None:
        self.collection = incoming.collection
        self.mirror = incoming.mirror
        self.rng = incoming.rng
        self.tally = incoming.tally
        self.prefer = incoming.prefer
        self.notetypes = incoming.notetypes
        self.notetype_back = incoming.notetype_back
        self.decks = incoming.decks
        self.now = incoming.now
        self._type_fit = TypeFit(self.collection, ())

    def receiving(self) -> ReceivedLog:
        """Where the server's review-log rows go as its chunks come (``ReceivedLog.take``), for ``apply``."""
        return ReceivedLog(self.mirror.revlog_ids())

    def apply(
        self,
        chunks: Sequence[dict[str, Any]],
        days: af.DayNumbers,
        log: ReceivedLog,
        say: Callable[[str], None],
        check: Callable[[], None],
    ) -> set[int]:
        """Apply the server's notes, then cards, then review-log rows (``log``: those of the chunks, taken as they
        came); return the cards here to send back. ``say`` hears each step (and the replay's progress), ``check``
        is called between them and may raise to stop (a cancel; the caller's transaction is then rolled back)."""
        notes = [n for c in chunks for n in c.get("notes") or ()]
        cards = [c for ch in chunks for c in ch.get("cards") or ()]
        if notes or cards:
            say(f"Applying {len(notes):,} notes and {len(cards):,} cards")
        card_decks: dict[int, int] = {}
        for entry in cards:
            card_decks.setdefault(int(entry[af.C_NID]), af.card_home_deck(entry))
        self._type_fit = TypeFit(self.collection, cards)
        fallback = first_deck(self.collection, self.now())
        # new notes and cards through the import's bulk path: the search index filled by one statement at the end
        # rather than by a trigger per note, and (when they outnumber those here) the secondary indexes of notes
        # and cards made again after, in one sort each
        with self.collection.notes.bulk_insert(len(notes)) as bulk:
            note_map = self._notes(notes, card_decks, fallback, bulk) if notes else self._mapped("note")
            resend, card_map = self._cards(cards, note_map, days, fallback) if cards else (set(), self._mapped("card"))
            bulk.finish()
        check()

        def tick(done: int, total: int) -> None:
            say(counted("Replaying answers", done, total))
            check()

        if not log.by_card:
            return resend
        servers = _server_cards(cards, log.special, card_map, days)
        return resend | self._revlog(log, card_map, days, tick, servers)

    def _mapped(self, kind: str) -> dict[int, int]:
        return {anki_id: our_id for anki_id, our_id in self.mirror.ids(kind).items() if our_id is not None}

    # -- notes ----------------------------------------------------------------------------------------------------

    def _notes(
        self, entries: list[list[Any]], card_decks: dict[int, int], fallback: int, bulk: BulkInsert
    ) -> dict[int, int]:
        mirrored = self.mirror.mirrored("note")
        here = self.mirror.notes_here()
        by_guid = {note.guid: note.id for note in here.values()}
        result: dict[int, int] = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        kinds: dict[int, str] = {}
        new_rows: list[tuple[Any, ...]] = []
        puts: list[Mirrored] = []
        taken = set(here)
        for entry in entries:
            anki_id, mod = int(entry[af.N_ID]), int(entry[af.N_MOD])
            notetype_id = self.notetypes.get(int(entry[af.N_MID])) or self.notetype_back(int(entry[af.N_MID]))
            if notetype_id is not None and notetype_id not in kinds:
                notetype = self.collection.notetypes.get(notetype_id)
                if notetype is not None:
                    kinds[notetype_id] = note_kind(notetype).value
            if notetype_id is None or notetype_id not in kinds:
                self.tally.skipped.append(
                    f"note {entry[af.N_GUID]}: its note type {entry[af.N_MID]} never came; skipped"
                )
                continue
            guid = from_anki_guid(str(entry[af.N_GUID]))  # (as a package's note is kept: the same note either way)
            front, back, rest = field_columns(af.fields_of_entry(entry))
            tags = af.tags_of_entry(entry)
            ours_id = result.get(anki_id) or by_guid.get(guid)
            current = here.get(ours_id) if ours_id is not None else None
            stored: NoteHere | None
            if current is None:
                ours_id = anki_id if anki_id not in taken else new_id(self.rng)
                taken.add(ours_id)
                deck = self.decks.get(card_decks.get(anki_id, -1), fallback)
                created = anki_id if 0 < anki_id < 10**13 else mod * 1000
                new_rows.append((ours_id, guid, deck, front, back, tags, kinds[notetype_id], 1, created, mod * 1000,
                                 rest, notetype_id))  # fmt: skip
                stored = NoteHere(ours_id, guid, deck, front, back, rest, tags, 1, notetype_id, mod * 1000)
                self.tally.notes_down += 1
            else:
                stored = self._note_update(
                    current, mirrored.get(anki_id), anki_id, front, back, rest, tags, notetype_id, mod
                )
            puts.append(Mirrored(anki_id, ours_id, "" if stored is None else af.note_digest(stored), mod, entry))
            result[anki_id] = ours_id
        new_rows.sort(key=_FIRST)  # in id order, as the bulk insert takes them: each B-tree appended to, kept full
        bulk.add(new_rows, [])
        self.mirror.put("note", puts)
        return result

    def _note_update(
        self, current: NoteHere, old: Mirrored | None, anki_id: int, front: str, back: str, rest: str, tags: str,
        notetype_id: int, mod: int,
    ) -> NoteHere | None:  # fmt: skip
        """The note as it is after the server's version (``None``: this side's version won, to be sent)."""
        same_text = (current.front, current.back, current.rest, current.tags) == (front, back, rest, tags)
        if same_text and current.notetype_id == notetype_id:
            return current
        # (a note the same on both sides but for its note type, say a shared deck's Cloze here and the phone's copy
        # of it, loses nothing either way: the later one is taken, and no conflict is listed for the student)
        changed_here = old is None or af.note_digest(current) != old.digest
        server_wins = self._server_wins(mod * 1000, current.modified_at)
        if changed_here and current.notetype_id != notetype_id:  # (whichever side a full sync prefers, too)
            fits = self._type_fit.server_fits(current.id, current.notetype_id, anki_id, notetype_id)
            server_wins = server_wins if fits is None else fits
        if changed_here and not server_wins:
            if not same_text:
                self._conflict(current.id, "here", front, back, rest, tags, mod * 1000)
            return None
        if changed_here and not same_text:
            self._conflict(current.id, "server", current.front, current.back, current.rest, current.tags,
                           current.modified_at)  # fmt: skip
        self.mirror.update_note(current.id, front, back, rest, tags, notetype_id, mod * 1000)
        self.tally.notes_down += 1
        return NoteHere(current.id, current.guid, current.deck_id, front, back, rest, tags, 1, notetype_id, mod * 1000)

    def _server_wins(self, their_ms: int, our_ms: int) -> bool:
        if self.prefer is not None:
            return self.prefer == "server"
        return their_ms > our_ms

    def _conflict(self, note_id: int, kept: str, front: str, back: str, rest: str, tags: str, modified: int) -> None:
        self.tally.conflicts += 1
        lost = json.dumps(list(stored_fields(front, back, rest)))
        self.mirror.add_conflict((new_id(self.rng), note_id, to_ms(self.now()), kept, lost, tags, modified))

    # -- cards ----------------------------------------------------------------------------------------------------

    def _cards(
        self, entries: list[list[Any]], notes: dict[int, int], days: af.DayNumbers, fallback: int
    ) -> tuple[set[int], dict[int, int]]:
        mirrored = self.mirror.mirrored("card")
        here = self.mirror.cards_here()
        by_note_ord = {(card.note_id, card.ord): card.id for card in here.values()}
        result = {m.anki_id: m.our_id for m in mirrored.values() if m.our_id is not None}
        resend: set[int] = set()
        new_cards: list[tuple[Any, ...]] = []
        changed: list[tuple[int, int, int, int]] = []
        puts: list[Mirrored] = []
        taken = set(here)
        moved = 0  # cards whose deck was deleted here
        now = self.now()
        now_ms = to_ms(now)
        bury_end = to_ms(day_bounds(now, days.zone, days.rollover_hour)[1])  # (the sync's clock: its zone)
        for entry in entries:
            anki_id, mod = int(entry[af.C_ID]), int(entry[af.C_MOD])
            note_id = notes.get(int(entry[af.C_NID]))
            if note_id is None:
                self.tally.skipped.append(f"card {anki_id}: its note never came; skipped")
                continue
            home_deck = af.card_home_deck(entry)
            deck = self.decks.get(home_deck, fallback)
            ours_id = result.get(anki_id) or by_note_ord.get((note_id, int(entry[af.C_ORD])))
            # A deck deleted here (the deletion reached the server) while the phone added a card to it: the card is
            # put in ``fallback`` here and goes back so, or the phone would keep it in a deck that no longer exists.
            homeless = home_deck not in self.decks
            moved += homeless
            suspended, flag = int(entry[af.C_QUEUE] == -1), int(entry[af.C_FLAGS]) & 0b111
            buried = entry[af.C_QUEUE] in af.BURIED_QUEUES
            home = af.at_home(entry)  # (a card a filtered deck has borrowed: its own due, not its place there)
            if ours_id is None or ours_id not in here:
                ours_id = anki_id if anki_id not in taken else new_id(self.rng)
                taken.add(ours_id)
                position = int(home[af.C_DUE]) if entry[af.C_TYPE] == 0 else 0
                schedule = schedule_row(schedule_of_entry(home, days))
                until = bury_end if buried else None
                card = CardHere(ours_id, note_id, deck, int(entry[af.C_ORD]), position, *schedule, suspended, flag,
                                until)  # fmt: skip
                new_cards.append(tuple(card))
                self.tally.cards_down += 1
                if homeless:
                    resend.add(ours_id)
            else:
                card = here[ours_id]
                until = _buried_until(card.buried_until, buried, bury_end, now_ms)
                # A card new on both sides takes the server's place in the new queue (Anki's Reposition, or its
                # Forget, on another device): no answer logs it, and nothing here moves a card once made.
                position = int(home[af.C_DUE]) if home[af.C_TYPE] == 0 and card.state == _NEW else card.position
                place = (card.deck_id, card.suspended, card.flag, card.buried_until, card.position)
                if place != (deck, suspended, flag, until, position):
                    changed.append((deck, suspended, flag, until, position, ours_id))
                    card = card._replace(deck_id=deck, suspended=suspended, flag=flag, buried_until=until,
                                         position=position)  # fmt: skip
                    self.tally.cards_down += 1
                mine = af.card_entry(card, anki_id, int(entry[af.C_NID]), int(home[af.C_DID]), mod, 0, days, home)
                if af.schedule_differs(mine, home) or homeless:
                    resend.add(ours_id)  # the schedule here follows the log here: every device takes it
            puts.append(Mirrored(anki_id, ours_id, af.card_digest(card), mod, entry))
            result[anki_id] = ours_id
        if moved:
            deck = self.collection.decks.get(fallback)
            self.tally.skipped.append(
                f"{plural(moved, 'card')} from the other device {'was' if moved == 1 else 'were'} in a deck deleted "
                f"here; now in {deck.name if deck else 'the first deck'!r} on both"
            )
        new_cards.sort(key=_FIRST)  # (in id order, as the notes)
        self.mirror.add_full_cards(new_cards)
        self.mirror.set_card_places(changed)
        self.mirror.put("card", puts)
        return resend, result

    # -- review log -----------------------------------------------------------------------------------------------

    def _revlog(
        self,
        log: ReceivedLog,
        cards: dict[int, int],
        days: af.DayNumbers,
        tick: Callable[[int, int], None],
        servers: dict[int, ServerCard],
    ) -> set[int]:
        """Keep every new row in the mirror; rows already here (by card and time: sent by an earlier sync, or by
        one whose ``finish`` reached the server but whose commit here was lost) are matched, not added again;
        the others are replayed into their cards. Returns the cards replayed."""
        grouped = log.by_card
        replay_log = ReplayLog(self.collection.db)
        local = replay_log.local_log_times(sorted({cards.get(card, card) for card in grouped}))
        # answers to cards deleted here (that went up under the card's Anki id, which is gone with the card): by time
        gone_rows: dict[int, list[tuple[int, int, int]]] = {}
        if any(card not in cards for card in grouped):
            for (_card, at), row in replay_log.log_times_of_deleted_cards().items():
                gone_rows.setdefault(at, []).append(row)
        with_rows = {card for card, _at in local}
        used: set[int] = set()
        matches: dict[int, int] = {}  # a server row's id -> the row here it is
        pending: dict[int, list[Sequence[Any]]] = {}
        for card_anki, entries in grouped.items():
            ours = cards.get(card_anki)
            # a row of a card deleted here is matched under the card's id here (the id it was sent with, if it went
            # up before the card did), else among every answer to a deleted card
            mine = ours if ours is not None else card_anki
            gone = ours is None and bool(gone_rows)
            if mine in with_rows or card_anki in log.special or gone:  # row by row
                kept = []
                for entry in entries:
                    match = local_row(local, used, with_rows, mine, entry) if mine in with_rows else None
                    if match is None and gone:
                        match = gone_row(gone_rows, used, entry)
                    if match is not None:
                        matches[int(entry[af.R_ID])] = match
                    elif af.revlog_event(entry)[0] != "skip":
                        kept.append(entry)
            else:  # (the usual case: every row an answer new here, the card's rows as they came)
                kept = entries
            if ours is None or not kept:
                continue
            before = pending.get(ours)
            pending[ours] = kept if before is None else before + kept
            self.tally.reviews_down += len(kept)
        matched = CardReplay(self.collection, self.mirror, self.rng).replay(pending, days, tick, servers)
        self.tally.replayed += len(pending)
        matched.update(matches)
        self.mirror.put_revlog(log.rows, matched)
        return set(pending)


_FIRST = operator.itemgetter(0)


def _server_cards(
    entries: Sequence[Sequence[Any]], special: set[int], cards: dict[int, int], days: af.DayNumbers
) -> dict[int, ServerCard]:
    """The server's card (our id) of each card whose log has a row that is not an answer (Anki's "Set due date",
    "Forget"...): its due day if it is a review card (that row's interval is the card's interval, not the days until
    it is due), and its review and lapse counts (Forget may keep them)."""
    found: dict[int, ServerCard] = {}
    for entry in entries:
        anki_id = int(entry[af.C_ID])
        ours = cards.get(anki_id) if anki_id in special else None
        if ours is None:
            continue
        home = af.at_home(entry)
        due, queue = int(home[af.C_DUE]), int(home[af.C_QUEUE])
        review = int(home[af.C_TYPE]) == 2 and queue not in (1, 4) and 0 <= due < 10**8
        found[ours] = ServerCard(days.day(due) if review else None, int(entry[af.C_REPS]), int(entry[af.C_LAPSES]))
    return found


def first_deck(collection: Collection, now: datetime) -> int:
    """Where a note or card of an unknown deck goes: the deck "Default", else the first, else a new "Default"."""
    decks = collection.decks.all()
    default = next((d for d in decks if d.name == "Default"), decks[0] if decks else None)
    if default is None:
        return collection.decks.create(new_id(random.SystemRandom()), "Default", "", now).id
    return default.id


def _memory(entry: Sequence[Any]) -> tuple[float | None, float | None, datetime | None]:
    try:
        data = json.loads(entry[af.C_DATA]) if entry[af.C_DATA] else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    s, d, lrt = data.get("s"), data.get("d"), data.get("lrt")
    return (float(s) if isinstance(s, (int, float)) else None, float(d) if isinstance(d, (int, float)) else None,
            from_ms(int(lrt) * 1000) if isinstance(lrt, int) else None)  # fmt: skip


def schedule_of_entry(entry: Sequence[Any], days: af.DayNumbers) -> Schedule:
    """A card that came with no log here: its schedule as the server's tuple says (its replay, once rows come,
    replaces it)."""
    ctype, queue, due, interval = (int(entry[af.C_TYPE]), int(entry[af.C_QUEUE]), int(entry[af.C_DUE]),
                                   int(entry[af.C_IVL]))  # fmt: skip
    reps, lapses = int(entry[af.C_REPS]), int(entry[af.C_LAPSES])
    if ctype == 0:
        return Schedule(reps=reps, lapses=lapses)
    stability, difficulty, last = _memory(entry)
    when = af.EPOCH + timedelta(seconds=due) if queue in (1, 4) or due > 10**8 else days.day(due)
    if ctype == 2:
        last = last or when - timedelta(days=max(1, interval))
        return Schedule(CardState.REVIEW, None, stability or float(max(1, interval)), difficulty or 5.0, when, last,
                        reps, lapses)  # fmt: skip
    state = CardState.RELEARNING if ctype == 3 else CardState.LEARNING
    return Schedule(state, 0, stability, difficulty, when, last, reps, lapses)


def _buried_until(here: int | None, buried: bool, bury_end: int, now_ms: int) -> int | None:
    """A card's burying after the server's version of it: buried there, it is buried here until the end of today's
    study day (or as long as it already is); not buried there, a burying here still in force is lifted (the server's
    card is the newer one), a past one left as it is."""
    if buried:
        return here if here is not None and here > now_ms else bury_end
    return None if here is not None and here > now_ms else here
