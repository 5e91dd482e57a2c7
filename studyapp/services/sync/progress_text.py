"""A sync's progress lines that count toward a known end: "Replaying answers (120,000 of 1,000,000)".

The sync reports its steps as lines of text (the window shows them, the terminal prints them); a step that knows
its end says so in this one form, written by ``counted`` and read back by ``counts_of`` (the window's bar fills).
"""

from __future__ import annotations

import re

_COUNTS = re.compile(r"\((\d[\d,]*) of (\d[\d,]*)\)$")


def counted(step: str, done: int, total: int) -> str:
    return f"{step} ({done:,} of {total:,})"


def counts_of(line: str) -> tuple[int, int]:
    """``(done, total)`` of a line that ``counted`` wrote (after any prefix), else ``(0, 0)``: no known end."""
    found = _COUNTS.search(line)
    if found is None:
        return 0, 0
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))
