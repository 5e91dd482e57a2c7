"""How many inputs each fuzz target tried in this run, printed at the end of the session.

``STUDYAPP_FUZZ_EXAMPLES`` (100 by default, to keep the whole set quick in CI) sets the examples of a
parse-level target; ``make fuzz`` sets it to 10,000. End-to-end targets, which import into a real
collection, run a fiftieth of that (at least 10). In CI the profile of ``tests/conftest.py`` makes
every run the same (derandomized); these settings inherit it.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("STUDYAPP_FUZZ_EXAMPLES", "0")) or None
PARSE_EXAMPLES = FUZZ_EXAMPLES or 100
END_TO_END_EXAMPLES = max(10, PARSE_EXAMPLES // 50)
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
PARSE = settings(max_examples=PARSE_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
END_TO_END = settings(max_examples=END_TO_END_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)

TRIED: Counter[str] = Counter()
_printed = False


def count(target: str) -> None:
    """One more input tried by ``target`` (a format, with its level)."""
    TRIED[target] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The inputs tried per target (once, though both test folders' conftests register this)."""
    global _printed
    if _printed or not TRIED:
        return
    _printed = True
    terminalreporter.write_sep("=", "fuzz inputs tried")
    width = max(len(name) for name in TRIED)
    for name, tried in sorted(TRIED.items()):
        terminalreporter.write_line(f"{name:<{width}}  {tried:>7}")
