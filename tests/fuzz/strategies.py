"""Inputs rich in what the parsers look at, and the checks every fuzz target shares."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import strategies as st

from studyapp.core.drafts import ColumnMap, ImportDraft, ImportOptions
from studyapp.importers import ImportFailure

# Separators, quotes, header and Q&A prefixes, line ends, BOMs, NULs, digits of other scripts, surrogates.
SPECIAL = list("\t,;|: \"'#?\n\r\ufeff\x00\\") + ["Q:", "A:", "Q: ", "A: ", "\r\n", "\u2028", "²", "٣"]
# Decoded text never holds a lone surrogate (decoding is strict), so neither do these.
CHARS = st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8"))
TEXT = st.lists(CHARS, max_size=200).map("".join)

HEADER_KEYS = [
    "separator", "html", "tags", "columns", "deck", "notetype", "tags column", "deck column", "guid column",
    "notetype column", "Separator", "HTML", "  tags   column ",
]  # fmt: skip
HEADER_VALUES = [
    "tab", "Tab", "comma", "semicolon", "pipe", "space", "colon", ",", ";", "\t", "", "  ", "ab", "true", "false",
    "TRUE", "maybe", "0", "1", "2", "3", "99", "99999999999999999999", "-1", "²", "١", "٣", "1.5", "Front\tBack",
    "Front,Back,Tags", "Cloze", "Basic (and reversed card)", "Deck::Sub", "a b c", "<b>x</b>",
]  # fmt: skip
HEADER_LINE = st.one_of(
    st.tuples(st.sampled_from(HEADER_KEYS), st.sampled_from(HEADER_VALUES)).map(lambda kv: f"#{kv[0]}:{kv[1]}"),
    st.tuples(st.sampled_from(HEADER_KEYS), TEXT).map(lambda kv: f"#{kv[0]}:{kv[1]}"),
    TEXT.map(lambda text: "#" + text),
)
HEADERS = st.lists(HEADER_LINE, max_size=6).map(lambda lines: "".join(line + "\n" for line in lines))
ROW_CELL = st.one_of(
    st.sampled_from(["front", "back", "tags", "deck", "guid", "notetype", "Cloze", "{{c1::x}}", "", '"', '""']),
    TEXT.map(lambda text: text[:20]),
)
ROWS = st.lists(
    st.tuples(st.lists(ROW_CELL, max_size=6), st.sampled_from([",", "\t", ";", "|", ":"])).map(
        lambda cells: cells[1].join(cells[0])
    ),
    max_size=8,
).map("\n".join)
DELIMITED = st.one_of(st.tuples(HEADERS, ROWS).map("".join), st.tuples(HEADERS, TEXT).map("".join), TEXT)
# Column numbers come from the dialog's lists (never negative); past the last column is possible.
COLUMN = st.one_of(st.none(), st.integers(0, 8))
COLUMNS = st.one_of(
    st.none(),
    st.builds(
        ColumnMap,
        front=st.integers(0, 8),
        back=st.integers(0, 8),
        tags=COLUMN,
        deck=COLUMN,
        guid=COLUMN,
        extra_as_tags=st.lists(st.integers(0, 8), max_size=3).map(tuple),
    ),
)
OPTIONS = st.builds(
    ImportOptions,
    delimiter=st.sampled_from([None, ",", "\t", ";", "|", ":", " ", "", "ab", "\n", '"']),
    has_header=st.sampled_from([None, True, False]),
    html=st.sampled_from([None, True, False]),
    card_separator=st.sampled_from([None, "\n", ";", "--", "", "\n\n"]),
    columns=COLUMNS,
    deck_name=st.sampled_from([None, "Fuzz", "", "::", "A::B"]),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"])


def encode(text: str, encoding: str) -> bytes:
    """The text in ``encoding``; what it cannot hold becomes ``?``."""
    return text.encode(encoding, "replace")


def check_failure(failure: ImportFailure, path: Path) -> None:
    """A clean, user-facing error: one line, with a message, naming the file."""
    message = str(failure)
    assert message.startswith(str(path)), message
    assert len(message.splitlines()) == 1, message  # no line break of any kind
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in message), message
    assert failure.reason.strip(), message


def check_draft(draft: ImportDraft) -> None:
    assert all(isinstance(note.front, str) and note.front.strip() for note in draft.notes)
    assert all(isinstance(skip.reason, str) for skip in draft.skipped)
