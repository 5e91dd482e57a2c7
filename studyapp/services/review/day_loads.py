"""The days' loads a study session gives the load balancer: review cards due on each day, per deck preset.

Read once per session, at the first answer (or button label) that needs them, with one grouped query over every
deck (a preset's decks may lie outside the deck studied), then kept up to date in memory as the session's answers
move cards (the card leaves its old day and joins its new one) and its undos move them back: no query per answer.
Days are counted in whole 24-hour steps from the start of the study day they were read in (``origin``), so a
card's day is ``(due - origin) // 24 h`` both in the query and here; a day ``n`` days after an answer at ``now``
is day ``(now - origin) // 24 h + n``. Writes made outside the session (the browser, another window) are not
followed: the loads only lean the choice of a day, and a replay takes the day the log recorded whatever it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from studyapp.core.model import CardState, Schedule
from studyapp.core.scheduling.days import DAY_MS
from studyapp.core.scheduling.load_balancer import DayLoads
from studyapp.storage import Collection
from studyapp.storage.codec import to_ms

_NO_PRESET = -1  # the decks without a preset of their own share the default options


# Days past this one (from the study day the loads were read in) never matter: the balancer looks at most the
# maximum interval (36,500 days) and its fuzz ahead. A due date further out (a damaged one) is not counted.
_HORIZON = 40_000


class DayLoadBook:
    """The review cards due per day and deck preset (see the module)."""

    def __init__(self, collection: Collection, origin: Callable[[], datetime]) -> None:
        self._collection = collection
        self._origin_of = origin  # the start of the study day, asked for when the loads are first read
        self._origin_ms: int | None = None
        self._presets: dict[int, int] = {}  # deck id -> preset id
        self._days: dict[int, list[int]] = {}  # preset id -> review cards due on each day (index: day from origin)
        self.reads = 0  # how often the loads were read (once per session)

    def _read(self) -> int:
        origin = self._origin_of()
        origin_ms = to_ms(origin)
        assert origin_ms is not None
        self._presets = {deck.id: deck.preset_id or _NO_PRESET for deck in self._collection.decks.all()}
        self._days = {}
        for deck_id, day, count in self._collection.reviews.review_loads(origin):
            _add(self._preset_days(deck_id), day, count)
        self._origin_ms = origin_ms
        self.reads += 1
        return origin_ms

    def _preset_days(self, deck_id: int) -> list[int]:
        preset = self._presets.get(deck_id, _NO_PRESET)
        days = self._days.get(preset)
        if days is None:
            days = self._days[preset] = []
        return days

    def loads(self, deck_id: int, now: datetime) -> DayLoads:
        """The loads a card of this deck answered at ``now`` sees: days from ``now`` -> review cards due then."""
        origin_ms = self._origin_ms if self._origin_ms is not None else self._read()
        now_ms = to_ms(now)
        assert now_ms is not None
        return _Window(self._preset_days(deck_id), (now_ms - origin_ms) // DAY_MS)

    def moved(self, deck_id: int, before: Schedule, after: Schedule) -> None:
        """A card of this deck went from ``before`` to ``after`` (an answer, or its undo, swapped)."""
        if self._origin_ms is None:
            return  # not read yet: the read will count it where it is
        days = self._preset_days(deck_id)
        old, new = self._day(before), self._day(after)
        if old == new:
            return
        if old is not None and old < len(days) and days[old] > 0:
            days[old] -= 1
        if new is not None:
            _add(days, new, 1)

    def _day(self, schedule: Schedule) -> int | None:
        if schedule.state is not CardState.REVIEW or schedule.due is None:
            return None
        due_ms = to_ms(schedule.due)
        assert due_ms is not None and self._origin_ms is not None
        return None if due_ms < self._origin_ms else (due_ms - self._origin_ms) // DAY_MS


def _add(days: list[int], day: int, count: int) -> None:
    if 0 <= day < _HORIZON:
        if day >= len(days):
            days.extend([0] * (day + 1 - len(days)))
        days[day] += count


class _Window:
    """A preset's loads as seen from an answer's day: ``loads(n)`` the cards due ``n`` days after it, and
    ``window(low, high)`` those of a whole fuzz range at once (:func:`balanced_day` asks for that)."""

    __slots__ = ("_days", "_today")

    def __init__(self, days: list[int], today: int) -> None:
        self._days, self._today = days, today

    def __call__(self, days: int) -> int:
        day = self._today + days
        return self._days[day] if 0 <= day < len(self._days) else 0

    def window(self, low: int, high: int) -> list[int]:
        first, last = self._today + low, self._today + high + 1
        if first >= 0 and last <= len(self._days):
            return self._days[first:last]
        return [self(day) for day in range(low, high + 1)]
