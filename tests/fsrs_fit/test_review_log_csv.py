"""The review-log CSV parser: cards' reviews in time order, and one-line errors naming the file and line."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from studyapp.core.model import Rating
from studyapp.importers import ImportFailure
from studyapp.importers.review_log_csv import read_review_log

HEADER = "card_id,review_rating,review_time,review_duration\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_good_log_groups_reviews_by_card_in_time_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "7,3,2024-03-30T10:00:00.500000+00:00,1200\n"
        "5,1,2024-03-29T20:32:32.250000+00:00,25060\n"
        "7,1,2024-03-29T09:00:00+00:00,800\n",
    )
    cards = read_review_log(path)
    assert list(cards) == [7, 5]
    assert [(r.rating, r.reviewed_at, r.duration_ms) for r in cards[7]] == [
        (Rating.AGAIN, datetime(2024, 3, 29, 9, tzinfo=timezone.utc), 800),
        (Rating.GOOD, datetime(2024, 3, 30, 10, 0, 0, 500000, tzinfo=timezone.utc), 1200),
    ]
    assert cards[5][0].reviewed_at.tzinfo is not None


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("5,7,2024-03-29T20:32:32+00:00,100", "review_rating '7' is not 1, 2, 3 or 4"),
        ("5,3,yesterday,100", "review_time 'yesterday' is not an ISO-8601 time"),
    ],
)
def test_a_bad_row_is_a_one_line_error_with_its_line(tmp_path: Path, row: str, words: str) -> None:
    path = write(tmp_path, f"5,3,2024-03-29T20:32:32+00:00,100\n{row}\n")
    with pytest.raises(ImportFailure) as caught:
        read_review_log(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message == f"{path}: line 3: {words}"


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("front,back\na,b\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="not a review log"):
        read_review_log(path)
