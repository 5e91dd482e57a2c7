"""Time as an injected dependency.

Core code never reads the wall clock. It receives a :class:`Clock`, or a datetime, from the caller.
The real clock lives in the services layer; tests pass a :class:`FixedClock`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def local_zone(self) -> tzinfo:
        """The zone in which the day boundary is counted."""
        ...


class FixedClock:
    """A clock that stands still until it is moved: for tests and simulations."""

    def __init__(self, now: datetime, zone: tzinfo = timezone.utc) -> None:
        if now.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = now.astimezone(timezone.utc)
        self._zone = zone

    def now(self) -> datetime:
        return self._now

    def local_zone(self) -> tzinfo:
        return self._zone

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, now: datetime) -> None:
        self._now = now.astimezone(timezone.utc)


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times must be timezone-aware")
    return moment.astimezone(timezone.utc)
