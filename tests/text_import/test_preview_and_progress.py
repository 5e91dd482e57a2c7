"""The import dialog's preview, progress reports and cancelling from them, and the speed of big files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from studyapp.core.drafts import ColumnMap, ImportOptions
from studyapp.importers.delimited import PREVIEW_ROWS, read_delimited, sniff_delimited
from studyapp.importers.detect import read_text_file

from .support import write

ROWS = 100_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    rows = "".join(f'Question {i}?,"Answer {i}, with a comma",tag{i % 7} shared\n' for i in range(ROWS))
    return write(folder, "big.csv", "Front,Back,Tags\n" + rows)


def test_the_preview_shows_the_detected_settings_and_the_first_rows(big_csv: Path) -> None:
    started = time.perf_counter()
    preview = sniff_delimited(big_csv)
    elapsed = time.perf_counter() - started
    assert (preview.encoding, preview.delimiter, preview.has_header, preview.html) == ("utf-8", ",", True, False)
    assert preview.column_names == ("Front", "Back", "Tags")
    assert preview.columns == ColumnMap(front=0, back=1, tags=2)
    assert preview.deck_name == "Big"
    assert len(preview.rows) == PREVIEW_ROWS
    assert preview.rows[0] == ("Question 0?", "Answer 0, with a comma", "tag0 shared")
    assert elapsed < 0.5  # it reads the head of the file only


def test_the_preview_follows_anki_headers_and_the_options(tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", "#separator:Semicolon\n#html:true\n#tags:x\n#notetype column:1\nCloze;a;b\n")
    preview = sniff_delimited(path)
    assert (preview.delimiter, preview.html, preview.tags, preview.notetype_column) == (";", True, ("x",), 0)
    assert preview.columns == ColumnMap(front=1, back=2)
    assert preview.rows == (("Cloze", "a", "b"),)
    forced = sniff_delimited(path, ImportOptions(delimiter=",", has_header=True, html=False, deck_name="D"))
    assert (forced.delimiter, forced.has_header, forced.html, forced.deck_name) == (",", True, False, "D")


def test_the_preview_reads_further_when_fields_are_big(tmp_path: Path) -> None:
    big = "y" * 100_000
    path = write(tmp_path, "d.csv", "".join(f"front {i},{big}\n" for i in range(30)))
    preview = sniff_delimited(path)
    assert len(preview.rows) == PREVIEW_ROWS and preview.rows[-1] == (f"front {PREVIEW_ROWS - 1}", big)


def test_a_hundred_thousand_rows_parse_quickly_with_progress(big_csv: Path) -> None:
    reports: list[tuple[int, int]] = []
    started = time.perf_counter()
    draft = read_delimited(big_csv, ImportOptions(), lambda done, total: reports.append((done, total)))
    elapsed = time.perf_counter() - started
    assert len(draft.notes) == ROWS and draft.notes[-1].line == ROWS + 1
    assert draft.notes[-1].tags == (f"tag{(ROWS - 1) % 7}", "shared")
    assert reports[0] == (0, ROWS + 1) and reports[-1] == (ROWS + 1, ROWS + 1)
    assert 20 <= len(reports) <= 30
    assert elapsed < 4.0  # about 0.6 s on a laptop; generous for slow CI machines


class Cancelled(Exception):
    pass


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("q.txt", "".join(f"Question {i}?\n\nAnswer {i}.\n\n" for i in range(12_000))),
        ("p.txt", "".join(f"Q: {i}\nA: {i}\n" for i in range(12_000))),
        ("c.csv", "".join(f"q{i},a{i}\n" for i in range(12_000))),
        ("z.txt", "".join(f"term{i}\tdef{i}\n" for i in range(12_000))),
        ("s.txt", "".join(f"term{i}\tdef{i};" for i in range(12_000))),
    ],
    ids=["qa", "qa-prefixed", "csv", "quizlet", "quizlet-semicolon"],
)
def test_every_reader_reports_progress_and_lets_the_caller_cancel(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path, name, content)
    reports: list[tuple[int, int]] = []

    def cancel_midway(done: int, total: int) -> None:
        reports.append((done, total))
        if done >= total // 3 and done > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        read_text_file(path, ImportOptions(), cancel_midway)
    assert len(reports) >= 2 and all(0 <= done <= total for done, total in reports)
