"""A bare review log as CSV (``card_id,review_rating,review_time,review_duration``), as FSRS tools export it.

It has no card text, only who was answered how and when: enough to fit the user's own FSRS parameters.
Each card's reviews come back in time order as :class:`ReviewDraft` (ord 0), so the import service can
replay them through our scheduler exactly like the history of an Anki package.

A value no real log can hold is refused with its line: a time before 1970, a duration that is not a
number or over a day (``MAX_REVIEW_MS``); a negative duration counts as 0. The file is read as
``decode_file`` reads: a regular file only and at most ``MAX_FILE_BYTES`` of it, so a link to ``/dev/zero``
or a file that keeps growing ends with one line. Times ahead of the clock are left out by the import
service, which knows the time.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from studyapp.core.drafts import MAX_REVIEW_MS, ReviewDraft
from studyapp.core.model import Rating
from studyapp.importers.decoding import open_text
from studyapp.importers.errors import ImportFailure

COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:  # the format says UTC; a naive time is read as such
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _row(path: Path, line: int, row: dict[str, str]) -> tuple[int, ReviewDraft]:
    try:
        card_id = int(row["card_id"])
    except (TypeError, ValueError):
        raise ImportFailure(path, f"card_id {row['card_id']!r} is not a whole number", line) from None
    try:
        rating = Rating(int(row["review_rating"]))
    except (TypeError, ValueError):
        raise ImportFailure(path, f"review_rating {row['review_rating']!r} is not 1, 2, 3 or 4", line) from None
    try:
        reviewed_at = _parse_time(row["review_time"])
    except (AttributeError, ValueError, OverflowError):  # OverflowError: year 1 at UTC+1 is before year 1 in UTC
        raise ImportFailure(path, f"review_time {row['review_time']!r} is not an ISO-8601 time", line) from None
    if reviewed_at < _EPOCH:
        raise ImportFailure(path, f"review_time {row['review_time']!r} is before 1970", line)
    duration_text = (row.get("review_duration") or "0").strip()
    try:
        duration = round(float(duration_text))
    except (ValueError, OverflowError):  # ValueError: "nan"; OverflowError: "inf" or "1e400"
        raise ImportFailure(path, f"review_duration {duration_text!r} is not a number of milliseconds", line) from None
    if duration > MAX_REVIEW_MS:
        raise ImportFailure(path, f"review_duration {duration_text!r} is more than a day in milliseconds", line)
    return card_id, ReviewDraft(0, reviewed_at, rating, max(0, duration))


def read_review_log(path: Path | str) -> dict[int, list[ReviewDraft]]:
    """Each card's reviews, in time order (file order breaks ties), by the log's card id."""
    path = Path(path)
    try:
        with open_text(path, "utf-8-sig") as file:
            reader = csv.DictReader(file)
            missing = [name for name in COLUMNS[:3] if name not in (reader.fieldnames or [])]
            if missing:
                raise ImportFailure(path, f"not a review log: no column {', '.join(missing)}", 1)
            cards: dict[int, list[ReviewDraft]] = {}
            for row in reader:
                if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                    continue  # a blank line
                card_id, review = _row(path, reader.line_num, row)
                cards.setdefault(card_id, []).append(review)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFailure(path, f"cannot read the review log ({error})") from None
    return {card_id: sorted(reviews, key=lambda r: r.reviewed_at) for card_id, reviews in cards.items()}
