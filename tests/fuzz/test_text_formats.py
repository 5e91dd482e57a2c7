"""Fuzz the text importers (Q&A, delimited with and without ``#`` headers, Quizlet) and the review log.

Parse level: the readers' parse functions on text, and the file readers on bytes. End to end: the same
inputs as files through ``App.import_file`` (``import_review_log`` for a log) on a real collection, which
must be unchanged, media folder included, whenever the import fails.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.clock import FixedClock
from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.importers.anki_headers import layout_for, read_anki_headers
from studyapp.importers.delimited import parse_delimited, sniff_delimited
from studyapp.importers.detect import detect_text_format, read_text_file
from studyapp.importers.plaintext_qa import parse_qa
from studyapp.importers.quizlet import detect_quizlet_layout, parse_quizlet
from studyapp.importers.review_log_csv import read_review_log
from studyapp.services.app import App
from studyapp.services.fsrs.review_log_import import import_review_log

from ..conftest import T0, collection_fingerprint
from .counting import END_TO_END, PARSE, count
from .strategies import DELIMITED, ENCODINGS, OPTIONS, TEXT, check_draft, check_failure, encode

PATH = Path("fuzz.txt")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-text")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One collection for a whole end-to-end target: every example compares its fingerprint."""
    app = App.open(tmp_path_factory.mktemp("fuzz-collection") / "collection.db", FixedClock(T0), random.Random(7))
    yield app
    app.close()


def state(app: App) -> tuple[str, list[str]]:
    media = sorted(path.name for path in app.media_dir.iterdir()) if app.media_dir.is_dir() else []
    return collection_fingerprint(app.path), media


def parse_or_fail(target: str, path: Path, parse) -> None:  # noqa: ANN001 - any reader
    count(target)
    try:
        result = parse()
    except ImportFailure as failure:
        check_failure(failure, path)
    else:
        if hasattr(result, "notes"):
            check_draft(result)


# -- parse level -----------------------------------------------------------------------------------------


@PARSE
@given(text=TEXT)
def test_qa_parse(text: str) -> None:
    parse_or_fail("qa (parse)", PATH, lambda: parse_qa(text, PATH, "Fuzz"))


@PARSE
@given(text=DELIMITED, options=OPTIONS)
def test_delimited_parse(text: str, options: ImportOptions) -> None:
    parse_or_fail("csv with # headers (parse)", PATH, lambda: read_anki_headers(text, PATH))
    parse_or_fail("csv (parse)", PATH, lambda: parse_delimited(text, PATH, options))


@PARSE
@given(text=DELIMITED, names=st.lists(st.text(max_size=8), max_size=5), options=OPTIONS)
def test_anki_headers_layout(text: str, names: list[str], options: ImportOptions) -> None:
    def layout() -> object:
        headers, _ = read_anki_headers(text, PATH)
        return layout_for(names, headers, options.columns)

    parse_or_fail("csv with # headers (layout)", PATH, layout)


@PARSE
@given(text=DELIMITED, options=OPTIONS)
def test_quizlet_parse(text: str, options: ImportOptions) -> None:
    parse_or_fail("quizlet (parse)", PATH, lambda: parse_quizlet(text, PATH, options))
    count("quizlet (layout)")
    detect_quizlet_layout(text, complete=True)
    parse_or_fail("detect (parse)", PATH, lambda: detect_text_format(text, PATH))


@PARSE
@given(
    text=DELIMITED,
    data=st.binary(max_size=300),
    encoding=ENCODINGS,
    raw=st.booleans(),
    suffix=st.sampled_from([".txt", ".csv", ".tsv", ".text", ".TXT"]),
    options=OPTIONS,
    forced=st.sampled_from(
        [None, "utf-8", "cp1252", "utf-16", "shift_jis", "utf-32", "no-such-codec", "rot13", "base64"]
    ),
)
def test_text_files_from_bytes(
    folder: Path, text: str, data: bytes, encoding: str, raw: bool, suffix: str, options: ImportOptions, forced: str
) -> None:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data if raw else encode(text, encoding))
    options = replace(options, encoding=forced)
    parse_or_fail("text file (bytes)", path, lambda: read_text_file(path, options))
    parse_or_fail("csv preview (bytes)", path, lambda: sniff_delimited(path, options))


# Review logs: the right columns, most of the time, with values at and beyond every edge.
LOG_VALUES = {
    "card_id": ["1", "0", "-5", "12345678901234567890123", "1.5", "", " 7 ", "١٢", "²", "x", "nan"],
    "review_rating": ["1", "2", "3", "4", "0", "5", "-1", "", "3.0", "²", "99999999999999999999"],
    "review_time": [
        "2026-01-05T09:30:00Z", "2026-01-05 09:30:00+01:00", "2026-01-05", "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00", "", "yesterday", "2026-13-01", "2026-01-05T09:30:00+25:00",
        "2026-01-05T09:30:00.123456789Z", "٢٠٢٦-01-05",
    ],
    "review_duration": ["0", "1500", "", "-3", "1e400", "inf", "-inf", "nan", "1e308", "1.5", "x", "²"],
}  # fmt: skip
LOG_CELL = st.one_of(st.sampled_from(sorted({v for values in LOG_VALUES.values() for v in values})), TEXT)


@st.composite
def review_logs(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    columns = draw(st.permutations(list(LOG_VALUES)))
    columns = columns[: draw(st.integers(0, len(columns)))] if draw(st.integers(0, 4)) == 0 else columns
    lines = [",".join(columns + draw(st.lists(st.sampled_from(["extra", "", "card_id"]), max_size=2)))]
    for _ in range(draw(st.integers(0, 5))):
        cells = [draw(st.one_of(st.sampled_from(LOG_VALUES[name]), LOG_CELL)) for name in columns]
        cells = cells[: draw(st.integers(0, len(cells)))] if draw(st.integers(0, 5)) == 0 else cells
        lines.append(",".join(cells))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines).encode(draw(ENCODINGS), "replace")


@PARSE
@given(data=review_logs())
def test_review_log_parse(folder: Path, data: bytes) -> None:
    path = folder / "log.csv"
    path.write_bytes(data)
    parse_or_fail("review log (parse)", path, lambda: read_review_log(path))


# -- end to end ------------------------------------------------------------------------------------------

TEXT_FILES = st.one_of(
    st.tuples(st.just(".txt"), TEXT, st.just(None)),
    st.tuples(st.sampled_from([".csv", ".tsv", ".txt"]), DELIMITED, st.sampled_from([None, "csv"])),
    st.tuples(st.just(".txt"), DELIMITED, st.just("quizlet")),
    st.tuples(st.just(".txt"), TEXT, st.just("qa")),
)


@END_TO_END
@given(file=TEXT_FILES, encoding=ENCODINGS, options=OPTIONS)
def test_text_import_end_to_end(
    fuzz_app: App, folder: Path, file: tuple[str, str, str | None], encoding: str, options: ImportOptions
) -> None:
    suffix, text, kind = file
    path = folder / f"import{suffix}"
    path.write_bytes(encode(text, encoding))
    before = state(fuzz_app)
    count(f"{kind or 'detected'} text (import_file)")
    try:
        fuzz_app.import_file(path, options=replace(options, format=kind))
    except ImportFailure as failure:
        check_failure(failure, path)
        assert state(fuzz_app) == before


@END_TO_END
@given(data=review_logs(), deck=st.sampled_from(["Log", "Calcinosis", "A::B"]))
def test_review_log_end_to_end(fuzz_app: App, folder: Path, data: bytes, deck: str) -> None:
    path = folder / "import-log.csv"
    path.write_bytes(data)
    before = state(fuzz_app)
    count("review log (import-log)")
    try:
        import_review_log(fuzz_app, path, deck)
    except ImportFailure as failure:
        check_failure(failure, path)
        assert state(fuzz_app) == before
