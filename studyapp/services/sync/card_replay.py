"""Cards that received review-log rows, replayed from their whole merged log.

A card's schedule is the replay of its answers and schedule changes in time order, here as on every device. A card
with no history here yet (the usual case: a whole collection arriving) whose new rows are answers at distinct
milliseconds is replayed by :class:`FastReplay` (the same arithmetic as the scheduler, bit for bit, a few
microseconds an answer) and its log rows are written as plain tuples; any other card goes through
:class:`Scheduler` with the rows already here.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from studyapp.core.ids import time_ordered_id
from studyapp.core.model import ReviewEntry, ReviewMode, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.fast_replay import FastReplay, replayed_log_rows
from studyapp.core.scheduling.scheduling import CardFuzz, Scheduler, counts_kept_by_reset, merged_history
from studyapp.services.sync import anki_form as af
from studyapp.storage.codec import to_ms
from studyapp.storage.collection import Collection
from studyapp.storage.sync.mirror_store import MirrorStore
from studyapp.storage.sync.replay_log import ReplayLog

MAX_REVIEW_MS = 24 * 3600 * 1000
# Replayed answers are written in batches of this many (~50 MB held): a batch is every card's answers of part of
# the cards, so its rows go in all over the log's B-tree; 10 batches of a million answers took 2.8 s, 100 took 5.5 s
# (1.8 s in one).
_WRITE_EVERY = 100_000
TICK_EVERY = 10_000  # replayed rows between two progress reports (and chances to cancel)
_R_ID, _R_EASE, _R_IVL, _R_FACTOR, _R_TIME, _R_TYPE = af.R_ID, af.R_EASE, af.R_IVL, af.R_FACTOR, af.R_TIME, af.R_TYPE
_DAY_MS = 86_400_000
_BY_ID = operator.itemgetter(af.R_ID)


class CardReplay:
    """Replays cards with one scheduler (and fast replay) per deck options preset."""

    def __init__(self, collection: Collection, mirror: MirrorStore, rng: random.Random) -> None:
        self.collection = collection
        self.mirror = mirror
        self.log = ReplayLog(collection.db)
        self.rng = rng
        self._by_deck: dict[int, tuple[Scheduler, FastReplay | None]] = {}

    def _schedulers(self, deck_id: int) -> tuple[Scheduler, FastReplay | None]:
        known = self._by_deck.get(deck_id)
        if known is None:
            deck = self.collection.decks.get(deck_id)
            config = deck.options.scheduler_config() if deck is not None else Scheduler().config
            fast = FastReplay(config)
            known = self._by_deck[deck_id] = (Scheduler(config), fast if fast.supported else None)
        return known

    def replay(
        self,
        new_rows: dict[int, list[Sequence[Any]]],
        days: af.DayNumbers,
        tick: Callable[[int, int], None] | None = None,
        servers: dict[int, ServerCard] | None = None,
    ) -> dict[int, int]:
        """Replay each card (our id) with its new rows (Anki's review-log tuples); store the rows that became
        answers or schedule changes here and each card's end state. Returns Anki row id -> our row id.

        ``tick(rows replayed, rows in all)`` is called before the first card and then every ``TICK_EVERY`` rows (a
        million rows take ~15 s): it may raise to stop (a cancel), leaving the caller's transaction to roll back."""
        matched: dict[int, int] = {}
        if not new_rows:
            return matched
        cards = self.mirror.cards_here_of(sorted(new_rows))
        with_history = self.log.cards_with_history(sorted(new_rows))
        log_values: list[tuple[Any, ...]] = []
        ends: list[tuple[Any, ...]] = []
        total = sum(len(rows) for rows in new_rows.values())
        indexes = self.log.drop_log_indexes(total)
        done = next_tick = 0
        for card_id, rows in new_rows.items():
            if tick is not None and done >= next_tick:
                tick(done, total)
                next_tick = done + TICK_EVERY
            done += len(rows)
            card = cards.get(card_id)
            if card is None:
                continue
            rows = sorted(rows, key=_BY_ID)
            scheduler, fast = self._schedulers(card.deck_id)
            end = None
            if card_id not in with_history and fast is not None:
                end = self._fast(fast, card_id, rows, log_values, matched)
            if end is None:
                end = self._slow(scheduler, card_id, rows, days, matched, (servers or {}).get(card_id))
            ends.append((*end, card_id))
            if len(log_values) >= _WRITE_EVERY:  # written as it goes: 200,000 rows held at once were 100 MB
                self.log.insert_log_values(log_values)
                log_values = []
        if log_values:
            self.log.insert_log_values(log_values)
        self.log.make_indexes(indexes)
        self.log.set_schedules(ends)
        return matched

    def _fast(
        self,
        fast: FastReplay,
        card_id: int,
        rows: list[Sequence[Any]],
        log_values: list[tuple[Any, ...]],
        matched: dict[int, int],
    ) -> tuple[Any, ...] | None:
        """A card new here whose rows are all answers at distinct times; ``None`` if it is not one."""
        times: list[int] = []
        ratings: list[int] = []
        logged: list[int | None] = []  # the day Anki chose (_logged_ms)
        previous = -1
        # (af.revlog_event's "answer" and _logged_ms, written out in one pass: it runs for every row of a whole
        # collection)
        for row in rows:
            at, ease, kind = row[_R_ID], row[_R_EASE], row[_R_TYPE]
            if not 1 <= ease <= 4 or kind in (4, 5) or (kind == 3 and row[_R_FACTOR] == 0) or at <= previous:
                return None
            previous = at = int(at)
            times.append(at)
            ratings.append(int(ease))
            interval = row[_R_IVL]
            logged.append(at + interval * _DAY_MS if isinstance(interval, int) and interval > 0 else None)
        trail: list[Any] = []
        if fast.replay(card_id, times, ratings, None, trail, logged) is None:
            return None
        durations = [min(max(0, int(row[_R_TIME])), MAX_REVIEW_MS) for row in rows]
        replayed = replayed_log_rows(card_id, times, ratings, durations, trail, self.rng)
        for row in replayed:
            matched[row[2]] = row[0]  # (by the answer's time: the server's row id)
        log_values.extend(replayed)
        return trail[-1]

    def _slow(
        self,
        scheduler: Scheduler,
        card_id: int,
        rows: list[Sequence[Any]],
        days: af.DayNumbers,
        matched: dict[int, int],
        server: ServerCard | None = None,
    ) -> tuple[Any, ...]:
        """The card's answers and changes here and the new rows, replayed in time order through the scheduler.
        ``server``: the server's card, when its log has rows that are not answers (see ``ServerCard``)."""
        answers = self.collection.reviews.log(card_id)
        changes = self.collection.schedule_changes.of_card(card_id)
        events: list[tuple[datetime, int, Any]] = [
            (event.reviewed_at if isinstance(event, ReviewEntry) else event.changed_at, 0, event)
            for event in merged_history(answers, changes)
        ]
        events += [(af.EPOCH + timedelta(milliseconds=int(row[af.R_ID])), 1, row) for row in rows]
        events.sort(key=lambda item: (item[0], item[1]))
        kinds = [af.revlog_event(e) if fresh else None for _, fresh, e in events]  # (each server row read once)
        walk = _Walk(self, scheduler, card_id, events, kinds, server.due if server is not None else None)
        schedule, new_entries, new_changes, found = walk.run()
        # the counts Anki's Forget kept, when the card's last reset came from the server (a reset here keeps none)
        if server is not None and walk.last_reset_from_server():
            kept = counts_kept_by_reset((server.reps, server.lapses), schedule)
            if kept is not None:
                schedule, new_entries, new_changes, found = walk.run(kept)
        matched.update(found)
        self.log.insert_log(new_entries)
        self.collection.schedule_changes.record(new_changes)
        return schedule_row(schedule)


class ServerCard(NamedTuple):
    """What the server's card says that its log does not, for a card whose log has rows that are not answers: the
    due day a "Set due date" that ends the log gave it (None if it is not a review card), and its review and lapse
    counts (which Anki's Forget may keep)."""

    due: datetime | None
    reps: int
    lapses: int


class _Walk:
    """One card's merged events replayed in time order (``run``), with the counts the last reset keeps."""

    def __init__(
        self,
        replay: CardReplay,
        scheduler: Scheduler,
        card_id: int,
        events: list[tuple[datetime, int, Any]],
        kinds: list[tuple[str, Any] | None],
        set_due: datetime | None,
    ) -> None:
        self.replay, self.scheduler, self.card_id, self.events, self.kinds = replay, scheduler, card_id, events, kinds
        self.set_due = set_due
        # An answer that another answer follows keeps its logged day (``final=False``: Scheduler.answer); one
        # followed by a schedule change or by nothing is replayed as the last (a change can keep the due it had).
        self.answers = [
            kind[0] == "answer" if kind is not None else isinstance(e, ReviewEntry)
            for kind, (_, _, e) in zip(kinds, events, strict=True)
        ]
        resets = [
            index
            for index, (kind, (_, _, event)) in enumerate(zip(kinds, events, strict=True))
            if (kind is not None and kind[0] == "reset")
            or (isinstance(event, ScheduleChange) and event.kind is ScheduleChangeKind.RESET)
        ]
        self.last_reset = resets[-1] if resets else None

    def last_reset_from_server(self) -> bool:
        return self.last_reset is not None and self.kinds[self.last_reset] is not None

    def run(
        self, kept: tuple[int, int] = (0, 0)
    ) -> tuple[Schedule, list[ReviewEntry], list[ScheduleChange], dict[int, int]]:
        """The card's end schedule, its new log rows and changes, and Anki row id -> our row id; the last reset
        (a server's) keeps ``kept`` reviews and lapses."""
        card_id, scheduler, events, answers, rng = (
            self.card_id,
            self.scheduler,
            self.events,
            self.answers,
            self.replay.rng,
        )
        schedule = Schedule()
        new_entries: list[ReviewEntry] = []
        new_changes: list[ScheduleChange] = []
        matched: dict[int, int] = {}
        for index, (at, is_new, event) in enumerate(events):
            final = index + 1 == len(events) or not answers[index + 1]
            if not is_new:
                if isinstance(event, ScheduleChange):
                    schedule = event.after
                else:
                    fuzz = CardFuzz(card_id, schedule.reps)
                    schedule = scheduler.answer(
                        schedule, event.rating, at, fuzz, logged_due=event.after.due, final=final
                    )
                continue
            read = self.kinds[index]
            assert read is not None  # (a server row)
            kind, rating = read
            if kind == "answer" and rating is not None:
                logged = _logged_ms(to_ms(at), event)
                logged_due = None if logged is None else at + timedelta(milliseconds=logged - to_ms(at))
                fuzz = CardFuzz(card_id, schedule.reps)
                after = scheduler.answer(schedule, rating, at, fuzz, logged_due=logged_due, final=final)
                duration = min(max(0, int(event[af.R_TIME])), MAX_REVIEW_MS)
                row_id = time_ordered_id(to_ms(at), rng)
                entry = ReviewEntry(row_id, card_id, at, rating, duration, ReviewMode.FLIP, schedule, after)
                new_entries.append(entry)
                matched[int(event[af.R_ID])] = entry.id
            elif kind in ("reset", "reschedule"):
                if kind == "reset":
                    counts = kept if index == self.last_reset else (0, 0)
                    after, change_kind = Schedule(reps=counts[0], lapses=counts[1]), ScheduleChangeKind.RESET
                else:
                    interval = int(event[af.R_IVL])
                    due = (at + timedelta(days=interval)).replace(microsecond=0) if interval > 0 else schedule.due
                    if self.set_due is not None and index + 1 == len(events):  # (its ivl is the card's interval)
                        due = self.set_due
                    after, change_kind = replace(schedule, due=due), ScheduleChangeKind.SET_DUE
                change = ScheduleChange(time_ordered_id(to_ms(at), rng), card_id, at, change_kind, schedule, after)
                new_changes.append(change)
                matched[int(event[af.R_ID])] = change.id
            else:
                continue
            schedule = after
        return schedule, new_entries, new_changes, matched


def _logged_ms(at_ms: int | None, row: Sequence[Any]) -> int | None:
    """The due an Anki review-log row gave its answer (its ``ivl``, when in days), in ms: the replay takes that
    day if it lies within the answer's fuzz range (the other device's fuzz or load balancer chose it)."""
    interval = row[af.R_IVL]
    if at_ms is None or not isinstance(interval, int) or interval <= 0:
        return None
    return at_ms + interval * 86_400_000


def schedule_row(schedule: Schedule) -> tuple[Any, ...]:
    """A schedule as the card's columns (state, step, stability, difficulty, due, last_review, reps, lapses)."""
    return (int(schedule.state), schedule.step, schedule.stability, schedule.difficulty, to_ms(schedule.due),
            to_ms(schedule.last_review), schedule.reps, schedule.lapses)  # fmt: skip
