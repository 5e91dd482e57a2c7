"""Daily limits: how many new and review cards are left to study today."""

from __future__ import annotations


def remaining(available: int, limit: int, done_today: int) -> int:
    """Cards still to show today: what is available, capped by what the daily limit leaves."""
    return max(0, min(available, limit - done_today))
