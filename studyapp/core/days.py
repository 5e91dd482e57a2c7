"""The study day: it starts at a rollover hour in local time (04:00 by default), as in Anki."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone, tzinfo

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
