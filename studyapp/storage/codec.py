"""Converting between stored rows and core objects."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from studyapp.core.model import CardState, Schedule

_UTC = timezone.utc
SCHEDULE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


def to_ms(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times must be timezone-aware")
    return round(moment.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1000, _UTC)  # (tz given by position: no keyword parsing)


def schedule_to_row(schedule: Schedule, suffix: str = "") -> dict[str, Any]:
    values = {
        "state": int(schedule.state),
        "step": schedule.step,
        "stability": schedule.stability,
        "difficulty": schedule.difficulty,
        "due": to_ms(schedule.due),
        "last_review": to_ms(schedule.last_review),
        "reps": schedule.reps,
        "lapses": schedule.lapses,
    }
    return {f"{name}{suffix}": value for name, value in values.items()}


def schedule_from_row(row: Mapping[str, Any], suffix: str = "") -> Schedule:
    return Schedule(
        state=CardState(row[f"state{suffix}"]),
        step=row[f"step{suffix}"],
        stability=row[f"stability{suffix}"],
        difficulty=row[f"difficulty{suffix}"],
        due=from_ms(row[f"due{suffix}"]),
        last_review=from_ms(row[f"last_review{suffix}"]),
        reps=row[f"reps{suffix}"],
        lapses=row[f"lapses{suffix}"],
    )
