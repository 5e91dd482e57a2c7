"""Progress lines for standard error that a long run cannot flood.

A sync reports every chunk it receives and every 10,000 answers it replays: a million answers would be some 4,500
lines. Lines that differ only in their numbers are one step ("Receiving (1,250)", "Receiving (1,500)"): a step's
first line is shown, then at most one a second, and its latest line when the next step begins (or at the end), so
the counts shown are the real last ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

_NUMBERS = re.compile(r"\d[\d,]*")


class ThrottledLines:
    def __init__(
        self, write: Callable[[str], None], clock: Callable[[], float] = time.monotonic, every: float = 1.0
    ) -> None:
        self._write, self._clock, self._every = write, clock, every
        self._step: str | None = None
        self._shown_at = 0.0
        self._pending: str | None = None  # the step's latest line, not shown yet

    def __call__(self, line: str) -> None:
        step, now = _NUMBERS.sub("#", line), self._clock()
        if step == self._step and now - self._shown_at < self._every:
            self._pending = line
            return
        if step != self._step:
            self.flush()
        self._write(line)
        self._step, self._shown_at, self._pending = step, now, None

    def flush(self) -> None:
        """Show the latest line held back (at the end of a run, or before a failure is told)."""
        if self._pending is not None:
            self._write(self._pending)
            self._pending = None
