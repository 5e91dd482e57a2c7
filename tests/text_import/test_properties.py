"""Properties of the text readers: any input gives notes or an ImportFailure, and export then import is exact.

``STUDYAPP_FUZZ_EXAMPLES`` raises the number of examples for a longer fuzz run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import NoteKind
from studyapp.exporters.csv_export import write_csv
from studyapp.importers import ImportFailure
from studyapp.importers.delimited import parse_delimited
from studyapp.importers.detect import detect_text_format, read_text_file
from studyapp.importers.plaintext_qa import parse_qa
from studyapp.importers.quizlet import parse_quizlet

from .support import FUZZ_EXAMPLES

FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text rich in what the parsers look at: separators, quotes, headers, prefixes, line breaks.
TRICKY = st.text(
    alphabet=st.one_of(st.sampled_from(list('\t,;|:"#?\nQA: \r\ufeff\x00')), st.characters(codec="utf-8")),
    max_size=300,
)
OPTIONS = st.builds(
    ImportOptions,
    delimiter=st.sampled_from([None, ",", "\t", ";", "|", ":"]),
    has_header=st.sampled_from([None, True, False]),
    html=st.sampled_from([None, True, False]),
    card_separator=st.sampled_from([None, "\n", ";", "--"]),
)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@FUZZ
@given(text=TRICKY, options=OPTIONS)
def test_text_parsers_give_notes_or_an_import_failure(text: str, options: ImportOptions) -> None:
    path = Path("fuzz.txt")
    for parse in (
        lambda: parse_delimited(text, path, options),
        lambda: parse_quizlet(text, path, options),
        lambda: parse_qa(text, path, "Fuzz"),
        lambda: detect_text_format(text, path),
    ):
        try:
            result = parse()
        except ImportFailure as failure:
            assert "\n" not in str(failure)
            continue
        if isinstance(result, ImportDraft):
            assert all(note.front.strip() for note in result.notes)


@FUZZ
@given(
    data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".csv"]), encoding=st.sampled_from([None, "utf-8"])
)
def test_any_bytes_give_notes_or_an_import_failure(
    folder: Path, data: bytes, suffix: str, encoding: str | None
) -> None:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        read_text_file(path, ImportOptions(encoding=encoding))
    except ImportFailure as failure:
        assert str(failure).startswith(str(path)) and "\n" not in str(failure)


# Field text: anything a card may hold but NUL (which makes a file binary) and CR (line ends become LF).
FIELD = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=40)
FRONT = FIELD.filter(lambda text: text.strip() != "")
TAG = st.text(st.characters(codec="utf-8", exclude_categories=["Zs", "Cc", "Zl", "Zp"]), min_size=1, max_size=12)
DECK = st.sampled_from([None, "Rivers", "Rivers::Long", "Other deck", "Ünïcode::Dëck"])
GUID = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)


@st.composite
def drafts(draw: st.DrawFn) -> ImportDraft:
    guids = draw(st.lists(GUID, min_size=1, max_size=8, unique=True))
    notes = tuple(
        NoteDraft(
            guid=guid,
            front=draw(FRONT),
            back=draw(FIELD),
            tags=tuple(draw(st.lists(TAG, max_size=4, unique=True))),
            kind=draw(st.sampled_from(list(NoteKind))),
            deck=draw(DECK),
        )
        for guid in guids
    )
    return ImportDraft(name="Rivers", notes=notes)


@FUZZ
@given(draft=drafts())
def test_write_csv_then_read_gives_the_same_notes(folder: Path, draft: ImportDraft) -> None:
    path = folder / "round trip.csv"
    write_csv(draft, path)
    again = read_text_file(path, ImportOptions())
    assert again.name == draft.name and not again.skipped
    expected = [  # (a guid not studyapp's own reads back as Anki's, as a package's note's does)
        (from_anki_guid(n.guid), n.front, n.back, n.tags, n.kind, None if n.deck == draft.name else n.deck)
        for n in draft.notes
    ]
    assert [(n.guid, n.front, n.back, n.tags, n.kind, n.deck) for n in again.notes] == expected
