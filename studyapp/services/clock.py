"""The real clock, and the local time zone with its rules. Core code receives them (or fixed ones, in tests)
and never reads time itself.

The local zone is a ``ZoneInfo`` wherever one can be found, so that a July review read in January (or
the other way round) is placed by the offset that held on its own day, not by today's: a fixed
offset, as ``datetime.now().astimezone()`` gives, puts every summer instant an hour off in winter.
"""

from __future__ import annotations

import functools
import os
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["SystemClock", "local_zone"]

LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")  # Debian and Ubuntu also write the zone's name here


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def local_zone(self) -> tzinfo:
        return local_zone()


def local_zone() -> tzinfo:
    """The zone the user lives in, with its daylight-saving rules: the only place that finds it.

    In order: the ``TZ`` environment variable when it names a zone (``Europe/Berlin``, ``:Europe/Berlin``,
    or a zone file's path); else the zone ``/etc/localtime`` links to (its IANA name is the part of the link
    after ``zoneinfo/``), else the name in ``/etc/timezone``, else the rules in ``/etc/localtime`` itself (a
    copied file). Only when none of these gives a zone (Windows without tzdata, a POSIX rule string in
    ``TZ``) is it the fixed offset in force now.
    """
    tz = os.environ.get("TZ")
    try:
        link = os.readlink(LOCALTIME) if tz is None else None
    except OSError:
        link = None
    zone = _zone(tz, link, LOCALTIME, TIMEZONE_FILE)
    return zone if zone is not None else _fixed_offset()


@functools.lru_cache(maxsize=16)
def _zone(tz: str | None, link: str | None, localtime: Path, timezone_file: Path) -> tzinfo | None:
    """Cached: the browser asks for the zone for every cell it shows. A changed ``TZ`` or link is a new key."""
    if tz is not None:
        return _from_tz(tz)
    if link is not None and (zone := _from_path(link)) is not None:
        return zone
    try:
        name = timezone_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    if name and (zone := _named(name)) is not None:
        return zone
    return _from_file(localtime)


def _from_tz(tz: str) -> tzinfo | None:
    """``TZ`` as the C library reads it: empty is UTC, a leading ``:`` is dropped, a path is a zone file."""
    value = tz.removeprefix(":")
    if not value:
        return _named("UTC") or timezone.utc
    if value.startswith("/"):
        return _from_path(value) or _from_file(Path(value))
    return _named(value)  # None for a POSIX rule such as "CET-1CEST,M3.5.0,M10.5.0/3": the fixed offset then


def _from_path(path: str) -> tzinfo | None:
    """A zone from a zone file's path such as ``/usr/share/zoneinfo/Europe/Berlin`` (or a link to one)."""
    marker = "zoneinfo/"
    if marker not in path:
        return None
    name = path.rsplit(marker, 1)[1]
    for prefix in ("posix/", "right/"):
        name = name.removeprefix(prefix)
    return _named(name)


def _named(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _from_file(path: Path) -> tzinfo | None:
    try:
        with path.open("rb") as handle:
            return ZoneInfo.from_file(handle, key=str(path))
    except (OSError, ValueError):
        return None


def _fixed_offset() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else timezone.utc
