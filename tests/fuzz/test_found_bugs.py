"""The inputs fuzzing found that escaped as something other than a clean error, kept as plain tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.importers.anki_package import read_anki_package
from studyapp.importers.delimited import parse_delimited
from studyapp.importers.detect import read_text_file
from studyapp.importers.review_log_csv import read_review_log
from studyapp.services.notes.search import SearchError, parse

from ..anki.corpus import write_zip
from .strategies import check_failure

PATH = Path("found.csv")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("#tags column:²\nfront,back,a\n", "#tags column must be a column number from 1, not '²'"),  # was ValueError
        ("#tags column:99999999999999999999\nf,b\n", "past the last column"),  # was OverflowError
        ("#deck column:100000000\nf,b\n", "past the last column"),  # rows padded to 10^8 cells: MemoryError
        ("#separator:,\r,\nf,b\n", r"unknown #separator ',\r,'"),  # a line break in a one-line message
        ("#html:ma\x0bybe\nf,b\n", r"#html must be true or false, not 'ma\x0bybe'"),
    ],
)
def test_header_lines(text: str, reason: str) -> None:
    with pytest.raises(ImportFailure) as failure:
        parse_delimited(text, PATH, ImportOptions())
    check_failure(failure.value, PATH)
    assert reason in str(failure.value)


@pytest.mark.parametrize(("encoding", "reason"), [("utf-16", "is not utf-16 text"), ("rot13", "not a text encoding")])
def test_a_forced_encoding_that_cannot_read_the_file(tmp_path: Path, encoding: str, reason: str) -> None:
    path = tmp_path / "cards.txt"
    path.write_bytes(b"#html:tab\n")  # UTF-16 without a BOM was a UnicodeError; rot13 a TypeError
    with pytest.raises(ImportFailure) as failure:
        read_text_file(path, ImportOptions(encoding=encoding))
    check_failure(failure.value, path)
    assert reason in str(failure.value)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("1,1,2026-01-05T09:30:00Z,1e400", "review_duration '1e400'"),  # OverflowError from round()
        ("1,1,2026-01-05T09:30:00Z,inf", "review_duration 'inf'"),
        ("1,1,0001-01-01T00:00:00+01:00,0", "review_time '0001-01-01T00:00:00+01:00'"),  # before year 1 in UTC
    ],
)
def test_review_log_values_out_of_range(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(f"card_id,review_rating,review_time,review_duration\n{row}\n", encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        read_review_log(path)
    check_failure(failure.value, path)
    assert reason in str(failure.value)


def test_a_collection_whose_sqlite_error_is_not_utf8(tmp_path: Path) -> None:
    """SQLite quotes a damaged schema name in its message; Python could not decode it (UnicodeDecodeError)."""
    db = tmp_path / "collection.anki2"
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("CREATE TABLE t (a)")
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET name = CAST(x'74c5' AS TEXT), sql = 'CREATE TABLE ('")
        connection.commit()
    path = write_zip(tmp_path / "damaged.apkg", {"collection.anki2": db.read_bytes()})
    with pytest.raises(ImportFailure) as failure:
        read_anki_package(path)
    check_failure(failure.value, path)
    assert "collection.anki2 is not an SQLite database (it is damaged)" in str(failure.value)


@pytest.mark.parametrize("query", ["-(a " * 16 + "b" + ")" * 16, "(a or -" * 17 + "b" + ")" * 17, "-" * 30 + "a"])
def test_searches_nested_past_what_sqlite_parses(query: str) -> None:
    """SQLite's parser overflowed on these ("the search could not be run"): now they are refused up front."""
    with pytest.raises(SearchError, match="too deeply nested"):
        parse(query)


def test_a_search_nested_a_little_still_works() -> None:
    parse("-(a " * 6 + "b" + ")" * 6)
