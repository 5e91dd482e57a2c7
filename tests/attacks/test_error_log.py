"""The error log behind "stopped by an unexpected error": bounded, whole entries, and never in the way.

An unexpected error (a bug) is told in one line, with its traceback kept in a log file for a bug report
(``services.error_log``). The log must not grow without end, must keep the newest entries whole, and when it
cannot be written the user still gets the line, saying so. The command line's and the window's use of it are
tested with the sync (``tests/sync/test_sync_cli.py``) and in ``tests/gui/test_unexpected_errors.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.services import error_log
from studyapp.services.error_log import MAX_BYTES, record_unexpected, unexpected_line


def _raised(message: str) -> Exception:
    try:
        raise ValueError(message)
    except ValueError as error:
        return error


def test_an_entry_holds_the_traceback_under_a_dated_heading(tmp_path: Path) -> None:
    log = tmp_path / "deep" / "folder" / "errors.log"  # made as needed
    assert record_unexpected(_raised("bad value"), "studyapp import", log) == log
    text = log.read_text()
    heading, traceback_start, *_ = text.splitlines()
    assert heading.startswith("=== 20") and heading.endswith(" UTC studyapp import")
    assert traceback_start == "Traceback (most recent call last):" and "ValueError: bad value" in text


def test_the_log_keeps_the_newest_entries_whole_within_its_size(tmp_path: Path) -> None:
    log = tmp_path / "errors.log"
    for number in range(3000):  # ~600 bytes each: 1.8 MB written in all
        record_unexpected(_raised(f"error number {number} " + "x" * 300), f"run {number}", log)
        assert log.stat().st_size <= MAX_BYTES
    text = log.read_text()
    assert text.startswith("=== ") and text.count("=== ") == text.count("Traceback")  # whole entries only
    assert "error number 2999 " in text and "error number 0 " not in text


def test_one_entry_bigger_than_the_log_keeps_its_end(tmp_path: Path) -> None:
    log = tmp_path / "errors.log"
    record_unexpected(_raised("y" * (3 * MAX_BYTES)), "a huge message", log)
    assert log.stat().st_size <= MAX_BYTES and log.read_text().rstrip().endswith("y")


def test_a_log_that_cannot_be_written_still_gives_the_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    error = _raised("bad value")
    assert record_unexpected(error, "studyapp decks", blocker / "errors.log") is None
    assert unexpected_line(error, None) == (
        "stopped by an unexpected error (ValueError: bad value); what it had not finished was not saved; the "
        "details could not be written to a log file"
    )


def test_the_line_is_one_line_of_bounded_length() -> None:
    line = unexpected_line(_raised("first line\nsecond line\t" + "z" * 5000), Path("/logs/errors.log"))
    assert "\n" not in line and len(line) < 400
    assert line.startswith("stopped by an unexpected error (ValueError: first line second line zzz")
    assert unexpected_line(KeyboardInterrupt(), None).startswith("stopped by an unexpected error (KeyboardInterrupt)")


def test_the_log_lives_in_the_platforms_log_folder_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(error_log.ERROR_LOG_ENV, raising=False)
    assert error_log.error_log_path().name == "errors.log" and "studyapp" in str(error_log.error_log_path())
    monkeypatch.setenv(error_log.ERROR_LOG_ENV, "/somewhere/else.log")
    assert error_log.error_log_path() == Path("/somewhere/else.log")
