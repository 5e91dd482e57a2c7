"""Issue 12, point 7: values past what a date or a 64-bit integer holds, and files with no end, end in one line.

Each used to end in a traceback (the collection was unchanged): review times in the year 9999 in an
``.apkg`` or an ``import-log`` CSV (OverflowError: the card's next due date is past the year 9999), a review
duration of 10**20 ms (OverflowError: SQLite's integers are 64-bit), a CSV that is a symlink to
``/dev/zero`` (MemoryError: the size cap read ``stat``, which says 0 bytes, not the bytes read). Now:

- a review time ahead of the clock is left out with its reason (point 8, ``test_future_history``), and one
  before 1970 is refused (``import-log``, with its line) or left out as impossible (``.apkg``);
- a duration over a day is refused with its line (``import-log``) or its entry left out as impossible
  (``.apkg``; Anki's own timer stops at an hour), and NaN or infinity is not a duration;
- only regular files are read, and never more than ``MAX_FILE_BYTES`` of them whatever ``stat`` says, by
  every text importer, the preview and ``import-log``: a device, a named pipe or a file that grows while
  it is read ends with one line, at once, in bounded memory.
"""

from __future__ import annotations

import os
import sqlite3
import time
import tracemalloc
from pathlib import Path

import pytest

from studyapp.core.drafts import MAX_REVIEW_MS, ImportOptions
from studyapp.importers import decoding
from studyapp.importers.errors import ImportFailure
from studyapp.importers.review_log_csv import read_review_log
from studyapp.services.app import App
from studyapp.services.importing.import_preview import preview_file

from ..conftest import collection_fingerprint
from ..test_cli import studyapp
from .history_packages import Revlog, history_package, ms, review_log_csv

YEAR_9999 = ms(9999, 12, 31)  # a valid date, whose next due date is not


def refused(collection: Path, *args: str) -> str:
    """Run ``studyapp --collection collection ARGS``; it must fail with one line and change nothing."""
    before = collection_fingerprint(collection)
    started = time.monotonic()
    result = studyapp("--collection", str(collection), *args)
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert collection_fingerprint(collection) == before
    return result.stderr.strip()


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    path = tmp_path / "cli" / "collection.db"  # not the ``app`` fixture's
    path.parent.mkdir()
    result = studyapp("--collection", str(path), "decks")
    assert result.returncode == 0, result.stderr
    return path


def durations(path: Path) -> list[int]:
    db = sqlite3.connect(path)
    try:
        return [duration for (duration,) in db.execute("select duration_ms from review_log order by reviewed_at")]
    finally:
        db.close()


# -- import-log ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,3,2025-01-01T00:00:00Z,1e20", "line 3: review_duration '1e20' is more than a day in milliseconds"),
        ("1,3,2025-01-01T00:00:00Z,100000000000000000000", "line 3: review_duration '100000000000000000000' is more"),
        ("1,3,2025-01-01T00:00:00Z,nan", "line 3: review_duration 'nan' is not a number of milliseconds"),
        ("1,3,2025-01-01T00:00:00Z,-inf", "line 3: review_duration '-inf' is not a number of milliseconds"),
        ("1,3,1969-12-31T23:59:59Z,10", "line 3: review_time '1969-12-31T23:59:59Z' is before 1970"),
        ("1,3,0001-01-01T00:00:00+01:00,10", "line 3: review_time '0001-01-01T00:00:00+01:00' is not an ISO-8601"),
        ("1" * 5000 + ",3,2025-01-01T00:00:00Z,10", "line 3: card_id '111111"),
    ],
    ids=["duration-1e20", "duration-10^20", "nan", "-inf", "before-1970", "year-0", "5000-digit-id"],
)
def test_import_log_values_out_of_range_are_refused_with_their_line(
    collection: Path, tmp_path: Path, row: str, message: str
) -> None:
    log = review_log_csv(tmp_path, ["2,3,2025-01-01T00:00:00Z,1000", row])
    line = refused(collection, "import-log", str(log), "--deck", "Log")
    assert line.startswith(f"studyapp import-log: {log}: {message}")


def test_import_log_in_the_year_9999_leaves_those_reviews_out(collection: Path, tmp_path: Path) -> None:
    log = review_log_csv(
        tmp_path,
        [
            "1,3,2025-01-01T00:00:00Z,1000",
            "1,3,9999-12-31T23:00:00Z,1000",
            f"{2**70},3,2025-01-02T00:00:00Z,{MAX_REVIEW_MS}",
        ],
    )
    result = studyapp("--collection", str(collection), "import-log", str(log), "--deck", "Log")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines()[0] == "Log: 2 cards and 2 reviews imported, 1 review left out"
    assert "skipped card_id 1: 1 review dated 9999-12-31 23:00 UTC or later" in result.stdout
    assert durations(collection) == [1000, MAX_REVIEW_MS]  # a card id past 64 bits is only a name: fine


# -- packages -----------------------------------------------------------------------------------------


def test_a_package_with_reviews_in_the_year_9999_or_before_1970_imports_without_them(
    collection: Path, tmp_path: Path
) -> None:
    package = history_package(
        tmp_path, [Revlog(0, ms(2025)), Revlog(0, YEAR_9999), Revlog(1, -86_400_000), Revlog(2, ms(2025) + 1)]
    )
    result = studyapp("--collection", str(collection), "import", str(package), "--with-history")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [
        "Hist: 3 new, 0 updated, 0 unchanged, 2 skipped",
        "  history in the file: 3 answers on 2 cards",
        "  skipped review log: 1 entries with an impossible time, rating or card were left out",
        result.stdout.splitlines()[3],
    ]
    assert result.stdout.splitlines()[3].startswith("  skipped note 1: 1 review dated 9999-12-31 00:00 UTC or later")
    assert len(durations(collection)) == 2


@pytest.mark.parametrize("duration", [10**18, 1e20, MAX_REVIEW_MS + 1], ids=["10^18", "1e20-real", "a-day-and-1ms"])
def test_a_package_with_an_impossible_duration_imports_without_it(
    collection: Path, tmp_path: Path, duration: float
) -> None:
    package = history_package(tmp_path, [Revlog(0, ms(2025), duration_ms=duration), Revlog(1, ms(2025) + 1)])
    result = studyapp("--collection", str(collection), "import", str(package), "--with-history")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert durations(collection) == [4000] if duration != 1e20 else [0, 4000]  # 1e20 is stored by SQLite as a REAL
    assert all(0 <= value <= MAX_REVIEW_MS for value in durations(collection))


# -- files with no end ---------------------------------------------------------------------------------


def test_a_symlink_to_a_device_is_refused_at_once(app: App, collection: Path, tmp_path: Path) -> None:
    """Every text reader, the preview and ``import-log``; the command line for two of them."""
    before = collection_fingerprint(app.path)
    for target in ("/dev/zero", "/dev/urandom"):
        for name in ("deck.csv", "deck.txt", "deck.tsv", "log.csv"):
            link = tmp_path / target.removeprefix("/dev/") / name
            link.parent.mkdir(exist_ok=True)
            link.symlink_to(target)
            device = f"{link}: is not a regular file but a device"
            for read in (app.import_file, preview_file, read_review_log):
                with pytest.raises(ImportFailure) as caught:
                    read(link)
                assert str(caught.value) == device
            for format_ in ("qa", "csv", "quizlet"):
                with pytest.raises(ImportFailure, match="is not a regular file but a device"):
                    app.import_file(link, options=ImportOptions(format=format_))
    assert collection_fingerprint(app.path) == before
    link = tmp_path / "zero" / "deck.csv"
    assert refused(collection, "import", str(link)) == f"studyapp import: {link}: is not a regular file but a device"
    line = refused(collection, "import-log", str(link), "--deck", "Log")
    assert line == f"studyapp import-log: {link}: is not a regular file but a device"


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(collection: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "deck.csv"
    os.mkfifo(pipe)
    assert (
        refused(collection, "import", str(pipe)) == f"studyapp import: {pipe}: is not a regular file but a named pipe"
    )
    line = refused(collection, "import-log", str(pipe), "--deck", "Log")
    assert line == f"studyapp import-log: {pipe}: is not a regular file but a named pipe"
    with pytest.raises(ImportFailure, match="is not a regular file but a named pipe"):
        preview_file(pipe)


class _LyingStat:
    """``os.fstat`` as for a file that grows after it is looked at: it says the file has 10 bytes."""

    def __init__(self) -> None:
        self._fstat = os.fstat

    def __call__(self, fd: int) -> os.stat_result:
        real = self._fstat(fd)
        return os.stat_result((real.st_mode, *real[1:6], 10, *real[7:]))


def test_the_cap_counts_the_bytes_read_not_what_stat_says(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows while it is read (here: whose ``stat`` says 10 bytes) is read up to the cap, no further."""
    cap = 2**20
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", cap)
    big = tmp_path / "grown.csv"
    big.write_bytes(b"front,back\n" * (4 * cap // 11))  # 4 MB, four times the cap
    log = tmp_path / "grown-log.csv"
    log.write_bytes(b"card_id,review_rating,review_time,review_duration\n" + b"1,3,2025-01-01T00:00:00Z,10\n" * 80_000)
    before = collection_fingerprint(app.path)
    too_large = "is too large to import (the limit is 1 MB)"
    monkeypatch.setattr(decoding.os, "fstat", _LyingStat())
    tracemalloc.start()
    try:
        with pytest.raises(ImportFailure) as caught:
            app.import_file(big, "Grown")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value) == f"{big}: {too_large}"
    assert peak < 3 * cap  # the cap and a copy at most, never the whole file
    with pytest.raises(ImportFailure) as caught:
        read_review_log(log)
    assert str(caught.value) == f"{log}: {too_large}"
    assert preview_file(big, ImportOptions(format="csv")).rows[0] == ("front", "back")  # a head is just a head
    monkeypatch.undo()
    assert collection_fingerprint(app.path) == before


def test_a_file_of_the_right_size_is_still_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 1000)
    exact = tmp_path / "exact.csv"
    exact.write_bytes(b"a,b\n" * 250)
    assert decoding.decode_file(exact).text == "a,b\n" * 250
    exact.write_bytes(b"a,b\n" * 250 + b"c")
    with pytest.raises(ImportFailure, match="is too large to import"):
        decoding.decode_file(exact)
