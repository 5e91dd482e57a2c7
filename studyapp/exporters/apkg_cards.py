"""A card's schedule and review log as Anki keeps them (schema 11 ``cards`` and ``revlog`` rows).

Anki's "include scheduling information": a card goes out with its type and queue (new, learning, review,
relearning; suspended), its due (a position for new cards, a Unix time for learning steps within the day,
else a day number counted from the package's ``crt``), interval, ease, reps and lapses, and its FSRS memory
state in the card's ``data`` as Anki 23.10+ stores it (``{"s": stability, "d": difficulty, "lrt": last
review}``). Each answer becomes a revlog row of Anki's type (learn 0, review 1, relearn 2) with the interval it
set (days, or negative seconds for a step); a reset (Anki's "Forget") and a reschedule (Anki's "Set due
date", or new FSRS parameters) are manual rows (type 4, ease 0): studyapp does not know which of Anki's two
kinds of reschedule an imported one was, and Anki writes "Set due date" rows, the more common, as manual.
Revlog ids are the answer's time in milliseconds, as in Anki, so importing the same package twice adds no row twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo

from studyapp.core.model import CardState, ReviewEntry, Schedule, ScheduleChange, ScheduleChangeKind
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR, DayNumbering, day_bounds

DAY = timedelta(days=1)
_I32 = 2**31 - 1
INITIAL_EASE = 2500
# Anki's revlog types
LEARN, REVIEW, RELEARN, MANUAL = 0, 1, 2, 4
_REVLOG_TYPE = {CardState.NEW: LEARN, CardState.LEARNING: LEARN, CardState.REVIEW: REVIEW,
                CardState.RELEARNING: RELEARN}  # fmt: skip


@dataclass(frozen=True)
class ExportCard:
    """One card of an exported note: its template (``ord``), deck, and with history its schedule and log.

    ``deck``: the card's deck (``None``: the note's). ``schedule``: ``None`` sends the card out as new.
    ``position``: a new card's place in the new queue. ``steps_left``: learning steps still to go (Anki's
    ``left``) for a card in (re)learning. ``reviews`` and ``changes`` in time order.
    """

    ord: int
    deck: str | None = None
    schedule: Schedule | None = None
    position: int | None = None
    suspended: bool = False
    steps_left: int = 1
    flag: int = 0  # 1-7 (Anki's numbering), 0 none
    reviews: tuple[ReviewEntry, ...] = ()
    changes: tuple[ScheduleChange, ...] = ()


@dataclass(frozen=True)
class Timing:
    """The package's day numbering: ``crt`` (Unix seconds) is when day 0 began, ``days`` counts study days on the
    clock's zone (a due day is a date, whatever daylight-saving change lies between), ``now`` is today."""

    now: datetime
    crt: int
    days: DayNumbering

    @property
    def rollover_hour(self) -> int:
        """The hour of ``crt``'s day start, Anki's ``rollover``."""
        return self.days.rollover_hour

    @classmethod
    def at(
        cls,
        now: datetime,
        zone: tzinfo = timezone.utc,
        rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
        days_back: int = 3650,
    ) -> Timing:
        """Day 0 begins ``days_back`` days before the start of ``now``'s study day (``rollover_hour`` in
        ``zone``), so every due day number stays positive and a day number is a study day.

        Anki reads a package's "today" from its ``crt`` and its ``rollover`` hour, placed on ``crt``'s date in
        the importing machine's UTC offset: ``crt`` at that hour (in the offset of ``now``) makes Anki's today
        ours at any hour, so a due day keeps its distance from today. (With ``crt`` at UTC midnight and no
        ``rollover``, Anki counted from 04:00 on its own clock: in UTC, a package made between midnight and 04:00
        had every due a day late, and elsewhere at other hours.)"""
        start, _ = day_bounds(now, zone, rollover_hour)
        offset = timezone(now.astimezone(zone).utcoffset() or timedelta(0))
        # the study day's date at the rollover hour in now's offset, as Anki places it (not the zone's own offset
        # at the start, which a daylight-saving change since then would move by an hour)
        first = start.astimezone(zone).date() - timedelta(days=days_back)
        crt = int(datetime.combine(first, time(rollover_hour), offset).timestamp())
        return cls(now, crt, DayNumbering(first, zone, rollover_hour))

    def day_number(self, moment: datetime) -> int:
        """The study day of ``moment`` as Anki numbers it from ``crt``. Before ``crt`` it is negative, as Anki
        writes a card overdue since before its collection began (clamped at 0, a card overdue for years went to
        the phone due today with an interval of one day)."""
        return max(-_I32, min(_I32, self.days.number(moment)))


def _days(span: timedelta) -> int:
    return max(1, min(_I32, round(span / DAY)))


def _seconds(span: timedelta) -> int:
    return max(1, min(_I32, int(span.total_seconds())))


def card_data(schedule: Schedule | None) -> str:
    """The card's ``data``: its FSRS memory state and last review, as Anki 23.10+ writes them."""
    if schedule is None or schedule.stability is None or schedule.difficulty is None:
        return ""
    data: dict[str, float | int] = {"s": round(schedule.stability, 4), "d": round(schedule.difficulty, 3)}
    if schedule.last_review is not None:
        data["lrt"] = int(schedule.last_review.timestamp())
    return json.dumps(data, separators=(",", ":"))


def review_interval(schedule: Schedule, timing: Timing) -> int:
    """A review (or relearning) card's interval in days, as Anki's ``ivl``: the days from its last review's day to
    its due day, as Anki counts them (its due day less its interval is the day it was last reviewed, whatever the
    hour: a due date set 10 days on in the afternoon is an interval of 10, not 9.5 rounded to 9); a relearning
    card's is its stability."""
    if schedule.due is not None and schedule.last_review is not None and schedule.state is CardState.REVIEW:
        return max(1, min(_I32, timing.day_number(schedule.due) - timing.day_number(schedule.last_review)))
    return _days(timedelta(days=schedule.stability or 1))


def card_schedule_values(card: ExportCard, fallback_position: int, timing: Timing) -> tuple[int, ...]:
    """``(type, queue, due, ivl, factor, reps, lapses, left)`` of a card's row."""
    schedule = card.schedule
    position = card.position if card.position is not None else fallback_position
    if schedule is None or schedule.state is CardState.NEW or schedule.due is None:
        reps, lapses = (schedule.reps, schedule.lapses) if schedule is not None else (0, 0)
        values = [0, 0, min(position, _I32), 0, 0, reps, lapses, 0]
    elif schedule.state is CardState.REVIEW:
        values = [2, 2, timing.day_number(schedule.due), review_interval(schedule, timing), INITIAL_EASE, schedule.reps,
                  schedule.lapses, 0]  # fmt: skip
    else:  # (re)learning: a step within the day is due at a time, a longer one on a day
        relearning = schedule.state is CardState.RELEARNING
        step_start = schedule.last_review or schedule.due
        within_day = schedule.due - step_start < DAY
        queue, due = (1, int(schedule.due.timestamp())) if within_day else (3, timing.day_number(schedule.due))
        interval, ease = (review_interval(schedule, timing), INITIAL_EASE) if relearning else (0, 0)
        values = [3 if relearning else 1, queue, due, interval, ease, schedule.reps, schedule.lapses,
                  max(1, card.steps_left)]  # fmt: skip
    if card.suspended:
        values[1] = -1
    return tuple(values)


def _revlog_interval(schedule: Schedule, moment: datetime) -> int:
    """Anki's revlog interval of a state: days for review, negative seconds for a step, 0 for new."""
    if schedule.state is CardState.NEW or schedule.due is None:
        return 0
    if schedule.state is CardState.REVIEW:
        return _days(schedule.due - (schedule.last_review or moment))
    return -_seconds(schedule.due - (schedule.last_review or moment))


def revlog_rows(card_id: int, card: ExportCard, taken: set[int]) -> list[tuple[int, ...]]:
    """The card's answers and schedule changes as revlog rows ``(id, cid, usn, ease, ivl, lastIvl, factor, time,
    type)``; ``taken`` holds the ids already used (an id is a millisecond: a clash moves to the next one)."""
    rows: list[tuple[int, ...]] = []
    for entry in card.reviews:
        after = entry.after
        factor = INITIAL_EASE if after.state in (CardState.REVIEW, CardState.RELEARNING) else 0
        rows.append((_free_id(entry.reviewed_at, taken), card_id, -1, int(entry.rating),
                     _revlog_interval(after, entry.reviewed_at), _revlog_interval(entry.before, entry.reviewed_at),
                     factor, max(0, min(entry.duration_ms, _I32)), _REVLOG_TYPE[entry.before.state]))  # fmt: skip
    for change in card.changes:
        reset = change.kind is ScheduleChangeKind.RESET
        interval = 0 if reset else _revlog_interval(change.after, change.changed_at)
        rows.append((_free_id(change.changed_at, taken), card_id, -1, 0, interval,
                     _revlog_interval(change.before, change.changed_at), 0 if reset else INITIAL_EASE, 0,
                     MANUAL))  # fmt: skip
    return rows


def _free_id(moment: datetime, taken: set[int]) -> int:
    revlog_id = round(moment.timestamp() * 1000)
    while revlog_id in taken:
        revlog_id += 1
    taken.add(revlog_id)
    return revlog_id
