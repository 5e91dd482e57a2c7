"""Short human labels for intervals, as shown on the answer buttons: 1m, 10m, 5h, 2d, 3mo, 1.5y."""

from __future__ import annotations

from datetime import timedelta

_MINUTE = 60.0
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_MONTH = 30 * _DAY
_YEAR = 365 * _DAY


def format_interval(delta: timedelta) -> str:
    seconds = max(0.0, delta.total_seconds())
    if seconds < _MINUTE:
        return "<1m"
    if seconds < _HOUR:
        return f"{round(seconds / _MINUTE)}m"
    if seconds < _DAY:
        return f"{_one_decimal(seconds / _HOUR)}h"
    if seconds < _MONTH:
        return f"{round(seconds / _DAY)}d"
    if seconds < _YEAR:
        return f"{_one_decimal(seconds / _MONTH)}mo"
    return f"{_one_decimal(seconds / _YEAR)}y"


def _one_decimal(value: float) -> str:
    """``3`` for 3.0 and 3.04, ``1.5`` for 1.5: a decimal only where it says something."""
    rounded = round(value, 1)
    if rounded == int(rounded) or rounded >= 10:
        return str(round(value))
    return f"{rounded:.1f}"
