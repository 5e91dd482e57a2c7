"""Which backups to keep: a pure function of the backups' times and now.

The newest ``RECENT`` backups are always kept, however old (a collection left alone for months keeps
its last backups). Beyond those, the newest backup of each UTC calendar day is kept while it is at most
``DAILY`` old, and the newest of each ISO week (UTC, Monday to Sunday) while it is at most ``WEEKLY``
old. Everything else goes. All the reasoning is in UTC, so a change of daylight-saving time neither
merges nor splits a day. A backup dated a little after ``now`` (the clock was put back) counts as new.

Which backups are "the newest" is given by the caller (``newest``): studyapp ranks them by the
collection's own history, not by the clock that named them. A backup named more than ``FUTURE_SLACK``
after now was made while the clock was ahead: its day is unknown, so it holds no day's or week's place
(it would hold one until long after its date, that is for ever in effect) and is kept only while it is
among the ``RECENT`` newest by history.

Days and weeks are calendar ones, not "24 hours before now": the newest backup of a past day stays
the newest of that day, so the kept set only ever shrinks as time goes on, never swaps one file for
another.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from studyapp.core.clock import to_utc

RECENT = 20
DAILY = timedelta(days=7)
WEEKLY = timedelta(days=30)
FUTURE_SLACK = timedelta(days=1)

_Backup = TypeVar("_Backup", bound=Hashable)


def _day(moment: datetime) -> date:
    return moment.date()


def _week(moment: datetime) -> tuple[int, int]:
    year, week, _weekday = moment.isocalendar()
    return year, week


def backups_to_keep(
    backups: Iterable[_Backup],
    now: datetime,
    taken: Callable[[_Backup], datetime],
    recent: int = RECENT,
    newest: Callable[[_Backup], Any] | None = None,
) -> set[_Backup]:
    """The backups to keep out of ``backups``, each taken at ``taken(backup)`` (timezone-aware).

    The ``recent`` newest by ``newest(backup)`` (a sort key, larger is newer; by default ``taken``) are kept;
    then the newest of each day and week by ``taken``. Of two backups equal by a key, the one listed later
    counts as the newer.
    """
    now = to_utc(now)
    indexed = list(enumerate(backups))
    rank = newest or (lambda backup: to_utc(taken(backup)))
    by_rank = sorted(indexed, key=lambda item: (rank(item[1]), item[0]), reverse=True)
    kept = {backup for _index, backup in by_rank[:recent]}
    newest_first = sorted(indexed, key=lambda item: (to_utc(taken(item[1])), item[0]), reverse=True)
    seen_days: set[date] = set()
    seen_weeks: set[tuple[int, int]] = set()
    for _index, backup in newest_first:
        moment = to_utc(taken(backup))
        age = now - moment
        if age < -FUTURE_SLACK:
            continue  # named while the clock was ahead: its day is not known
        if age <= DAILY and _day(moment) not in seen_days:
            seen_days.add(_day(moment))
            kept.add(backup)
        if age <= WEEKLY and _week(moment) not in seen_weeks:
            seen_weeks.add(_week(moment))
            kept.add(backup)
    return kept


def times_to_keep(times: Iterable[datetime], now: datetime, recent: int = RECENT) -> set[datetime]:
    """:func:`backups_to_keep` for plain times (each one a backup)."""
    return backups_to_keep(times, now, lambda moment: moment, recent)
