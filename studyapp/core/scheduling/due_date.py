"""The "set due date" prompt's language, as Anki's: ``0`` today, ``1`` tomorrow, ``3-7`` a random day in that range,
and a trailing ``!`` that also makes the interval that long (the card counts as last reviewed now)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DAYS = 36_500  # a hundred years


class DueDateError(ValueError):
    """What was typed is not a due date; the message is one line for the user."""


@dataclass(frozen=True)
class DueDays:
    low: int
    high: int
    reset_interval: bool = False

    def draw(self, rng: random.Random) -> int:
        return self.low if self.low == self.high else rng.randint(self.low, self.high)


def parse_due_days(text: str) -> DueDays:
    """``"0"``, ``"1"``, ``"1-7"``, ``"7!"``, ``"1-7!"`` (spaces ignored)."""
    typed = "".join(text.split())
    reset = typed.endswith("!")
    body = typed[:-1] if reset else typed
    if not body:
        raise DueDateError("type a number of days: 0 is today, 1 tomorrow, 1-7 a day in that range")
    parts = body.split("-")
    if len(parts) > 2 or not all(part.isdigit() for part in parts):
        raise DueDateError(f"'{text.strip()}' is not a number of days (0 is today, 1 tomorrow, 1-7 a range, ! resets)")
    low, high = int(parts[0]), int(parts[-1])
    if low > high:
        raise DueDateError(f"'{text.strip()}': the range goes from the smaller number to the larger (say {high}-{low})")
    if high > MAX_DAYS:
        raise DueDateError(f"'{text.strip()}': at most {MAX_DAYS:,} days ahead")
    return DueDays(low, high, reset)


def due_after(now: datetime, days: int) -> datetime:
    """The due moment ``days`` days from now (0: now, so due today)."""
    return now + timedelta(days=days)
