"""The real clock. Core code receives it (or a fixed one, in tests) and never reads time itself."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def local_zone(self) -> tzinfo:
        zone = datetime.now().astimezone().tzinfo
        assert zone is not None
        return zone
