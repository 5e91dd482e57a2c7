"""How a backup's time reads in the list: local time, today and yesterday by name."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.services.maintenance.backups import describe_time

NOW = datetime(2026, 11, 24, 13, 30, tzinfo=timezone.utc)  # a Tuesday
BERLIN = ZoneInfo("Europe/Berlin")  # UTC+1 in November


@pytest.mark.parametrize(
    ("taken", "zone", "expected"),
    [
        (datetime(2026, 11, 24, 13, 2, tzinfo=timezone.utc), timezone.utc, "Today 13:02"),
        (datetime(2026, 11, 24, 13, 2, tzinfo=timezone.utc), BERLIN, "Today 14:02"),
        (datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc), timezone.utc, "Yesterday 23:30"),
        (datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc), BERLIN, "Today 00:30"),  # already the 24th there
        (datetime(2026, 11, 23, 8, 15, tzinfo=timezone.utc), BERLIN, "Yesterday 09:15"),
        (datetime(2026, 11, 16, 8, 15, tzinfo=timezone.utc), BERLIN, "Mon 16 Nov 09:15"),
        (datetime(2025, 12, 31, 22, 0, tzinfo=timezone.utc), timezone.utc, "Wed 31 Dec 2025 22:00"),
    ],
)
def test_backup_times_read_in_local_time(taken: datetime, zone: ZoneInfo, expected: str) -> None:
    assert describe_time(taken, NOW, zone) == expected
