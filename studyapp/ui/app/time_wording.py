"""Friendly wording for durations and due times: "3 minutes", "in 10 minutes (12:10)", "tomorrow at 09:00"."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from studyapp.core.wording import plural

__all__ = ["describe_due", "describe_duration", "plural"]


def describe_duration(ms: int) -> str:
    """Time spent studying: "less than a second", "45 seconds", "3 minutes", "1 hour 5 minutes"."""
    seconds = round(max(0, ms) / 1000)
    if seconds < 1:
        return "less than a second"
    if seconds < 60:
        return plural(seconds, "second")
    minutes = round(seconds / 60)
    if minutes < 60:
        return plural(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    return plural(hours, "hour") + (f" {plural(rest, 'minute')}" if rest else "")


# English names, not strftime's, which follow the C locale that Qt sets from the environment.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _clock_time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _date(moment: datetime, weekday: bool = False, year: bool = False) -> str:
    text = f"{moment.day} {_MONTHS[moment.month - 1]}"
    if weekday:
        text = f"{_WEEKDAYS[moment.weekday()]} {text}"
    return f"{text} {moment.year}" if year else text


def describe_due(due: datetime, now: datetime, zone: tzinfo) -> str:
    """When the next card is due, in the local zone, relative to now.

    "now", "in 10 minutes (at 12:10)", "in 3 hours (at 15:00)", "tomorrow at 09:00",
    "on Tuesday 3 March at 09:00", "on 4 April 2026".
    """
    local_due = due.astimezone(zone)
    local_now = now.astimezone(zone)
    delta = due - now
    if delta < timedelta(minutes=1):
        return "now"
    if delta < timedelta(hours=1):
        return f"in {plural(round(delta.total_seconds() / 60), 'minute')} (at {_clock_time(local_due)})"
    days = (local_due.date() - local_now.date()).days
    if days == 0:
        hours = round(delta.total_seconds() / 3600)
        return f"in {plural(hours, 'hour')} (at {_clock_time(local_due)})"
    if days == 1:
        return f"tomorrow at {_clock_time(local_due)}"
    if days < 7:
        return f"in {days} days, on {_date(local_due, weekday=True)} at {_clock_time(local_due)}"
    return f"in {days} days, on {_date(local_due, year=local_due.year != local_now.year)}"
