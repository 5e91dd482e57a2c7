"""The study day: it starts at a rollover hour in local time (04:00 by default), as in Anki."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

DEFAULT_ROLLOVER_HOUR = 4


def day_bounds(now: datetime, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> tuple[datetime, datetime]:
    """The UTC start and end of the study day that contains ``now``.

    The day runs from ``rollover_hour`` local time to the same hour the next local day, so a
    23-hour or 25-hour day around a daylight-saving change is handled by the zone.
    """
    if not 0 <= rollover_hour <= 23:
        raise ValueError(f"rollover hour must be 0 to 23, not {rollover_hour}")
    local = now.astimezone(zone)
    day = local.date()
    if local.hour < rollover_hour:
        day -= timedelta(days=1)
    start = datetime.combine(day, time(rollover_hour), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(rollover_hour), tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def study_date(moment: datetime, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The local date of the study day that contains ``moment`` (before the rollover hour: the day before's)."""
    local = moment.astimezone(zone)
    return local.date() - timedelta(days=1) if local.hour < rollover_hour else local.date()


@dataclass(frozen=True)
class DayNumbering:
    """Study days counted from a first one, as Anki numbers a review card's due day: day ``n`` is the study day
    ``n`` dates after ``first``, however many hours lie between. Counted in seconds (``crt + n * 86400``), a day
    after a daylight-saving change began an hour off: a due at the start of a summer day, read in winter, fell
    before the rollover hour and showed a day early."""

    first: date
    zone: tzinfo
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR

    @classmethod
    def from_stamp(
        cls, crt: int, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR, now: datetime | None = None
    ) -> DayNumbering:
        """Anki's numbering of a collection that began at ``crt`` (Unix seconds): day 0 is ``crt``'s date on the
        clock's offset ``now`` (Anki's reading of a collection that does not say its creation offset), or without
        ``now`` at ``crt`` (Anki's reading of one that does, made here). The two differ only for a ``crt`` within
        an hour of midnight; Anki begins a collection at its rollover hour."""
        offset = timezone((now.astimezone(zone) if now is not None else datetime.fromtimestamp(crt, zone)).utcoffset()
                          or timedelta(0))  # fmt: skip
        return cls(datetime.fromtimestamp(crt, offset).date(), zone, rollover_hour)

    def number(self, moment: datetime) -> int:
        """The day number of the study day that contains ``moment``."""
        return (study_date(moment, self.zone, self.rollover_hour) - self.first).days

    def start(self, number: int) -> datetime:
        """When day ``number`` begins (UTC): its rollover hour on its date (the last possible day for a number
        past the calendar's end, the first for one before its start)."""
        try:
            day = self.first + timedelta(days=number)
        except OverflowError:
            day = date.max - timedelta(days=1) if number > 0 else date.min + timedelta(days=1)
        return datetime.combine(day, time(self.rollover_hour), tzinfo=self.zone).astimezone(timezone.utc)


DAY_MS = 86_400_000
_HOUR_MS = 3_600_000


@dataclass(frozen=True)
class DayPiece:
    """From ``start_ms`` on (until the next piece), the study day of an instant ``t`` in ms since the epoch is
    ``(t + shift_ms) // DAY_MS`` days after 1 January 1970: ``shift_ms`` is the zone's offset then, less the
    rollover hour."""

    start_ms: int
    shift_ms: int


def _offset_ms(moment_ms: int, zone: tzinfo) -> int:
    offset = datetime.fromtimestamp(moment_ms / 1000, timezone.utc).astimezone(zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds() * 1000)


def study_day_pieces(
    zone: tzinfo, first_ms: int, last_ms: int, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> list[DayPiece]:
    """The pieces of time from ``first_ms`` to ``last_ms`` in which one zone offset holds, so that the study
    day of a million instants is integer arithmetic (in SQL, say) instead of a million zone conversions.

    The offset is looked at once per day and each change is found to the millisecond by bisection; a zone
    that changed its offset twice within one day (none has since the 1940s) would be seen as changing once.
    Instants before ``first_ms`` fall in the first piece.
    """
    rollover = rollover_hour * _HOUR_MS
    pieces = [DayPiece(first_ms, _offset_ms(first_ms, zone) - rollover)]
    moment, offset = first_ms, _offset_ms(first_ms, zone)
    while moment < last_ms:
        later = min(moment + DAY_MS, last_ms)
        later_offset = _offset_ms(later, zone)
        if later_offset != offset:
            low, high = moment, later  # offset(low) == offset != offset(high)
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_ms(middle, zone) == offset:
                    low = middle
                else:
                    high = middle
            pieces.append(DayPiece(high, _offset_ms(high, zone) - rollover))
            moment, offset = high, pieces[-1].shift_ms + rollover
            continue
        moment = later
    return pieces
