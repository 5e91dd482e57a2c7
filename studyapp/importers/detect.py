"""Which reader a file needs, from its extension and, for ``.txt``, from its content; and the text dispatch.

``.apkg`` and ``.colpkg`` are Anki packages and ``.csv``/``.tsv`` delimited text. A ``.txt`` may be
any of the text formats, told apart in this order: Anki's header lines mean delimited text; ``Q:``/``A:``
lines or question-and-answer paragraphs mean Q&A; cards separated by semicolons mean a Quizlet export, and so
do lines that nearly all hold one run of punctuation (``term/////definition``, ``term---definition``) that
fits them better than any delimiter; rows that mostly (half of them at least: a few irregular rows do not
make a table Q&A) split into the same number of columns mean a Quizlet export when they are all two unquoted
columns separated by a tab with no header row nor ``#`` comment lines (what Quizlet writes by default), or
when commas split them
into two columns only at the first comma of each line (a definition with commas in it), and delimited text
otherwise. Anything else is read as Q&A, whose reader says what it expected.

Given a separator that is no delimiter (``/////``), or a card separator, the file is a Quizlet export.
"""

from __future__ import annotations

from pathlib import Path

from studyapp.core.drafts import ImportDraft, ImportOptions
from studyapp.importers.anki_headers import looks_like_header_row, read_anki_headers, separator_from_value
from studyapp.importers.decoding import Progress, decode_file_head
from studyapp.importers.delimited import delimiter_fit, detect_delimiter, read_delimited
from studyapp.importers.errors import ImportFailure
from studyapp.importers.plaintext_qa import is_prefixed, looks_like_paragraphs, read_qa_file
from studyapp.importers.quizlet import custom_term_separator, detect_quizlet_layout, read_quizlet

PACKAGE_SUFFIXES = {".apkg": "apkg", ".colpkg": "colpkg"}
DELIMITED_SUFFIXES = (".csv", ".tsv", ".tab")
TEXT_SUFFIXES = (".txt", ".text")
TEXT_READERS = {"qa": read_qa_file, "csv": read_delimited, "quizlet": read_quizlet}
_SNIFF_BYTES = 64 * 1024
_CONSISTENT = 0.8  # share of cards that split the same way for a semicolon-separated Quizlet export
_TABLE = 0.5  # share of rows with the same number of columns for text to count as a table


def detect_format(path: Path, encoding: str | None = None) -> str:
    """``"apkg"``, ``"colpkg"``, ``"csv"``, ``"qa"`` or ``"quizlet"``; ``encoding`` forces one for ``.txt``."""
    path = Path(path)
    if not path.exists():
        raise ImportFailure(path, "no such file")
    suffix = path.suffix.lower()
    if suffix in PACKAGE_SUFFIXES:
        return PACKAGE_SUFFIXES[suffix]
    if suffix in DELIMITED_SUFFIXES:
        return "csv"
    if suffix in TEXT_SUFFIXES:
        head = decode_file_head(path, _SNIFF_BYTES, encoding)
        return detect_text_format(head.text, path, head.complete)
    known = ", ".join((*TEXT_SUFFIXES, *DELIMITED_SUFFIXES, *PACKAGE_SUFFIXES))
    raise ImportFailure(path, f"unknown file type '{suffix or 'no extension'}' (known: {known})")


def detect_text_format(text: str, path: Path, complete: bool = True) -> str:
    """The text format of ``text`` (the head of the file when ``complete`` is false): qa, csv or quizlet."""
    headers, body = read_anki_headers(text, path)
    if headers.has_settings:
        return "csv"
    lines = text.split("\n")
    if not complete:
        lines.pop()  # it may be cut
    if is_prefixed(lines) or looks_like_paragraphs(lines):
        return "qa"
    quizlet = detect_quizlet_layout(text, complete=complete)
    if quizlet is not None and quizlet.card_separator == ";" and quizlet.fit >= _CONSISTENT:
        return "quizlet"
    delimiter = detect_delimiter(text[body:], complete)
    consistency, width = delimiter_fit(text[body:], delimiter, complete) if delimiter else (0.0, 1)
    custom = custom_term_separator(text, complete)
    if custom is not None and custom[1] > consistency:
        return "quizlet"
    if delimiter is None or consistency < _TABLE:
        return "qa"
    if headers.lines:  # comment lines at the top: made for Anki (Quizlet writes none), read as Anki would
        return "csv"
    first_line = lines[0] if lines else ""
    plain = not _quoted(text[body:])
    if delimiter == "\t" and width == 2 and consistency == 1.0 and plain and not _has_header_row(first_line):
        return "quizlet"
    if delimiter == "," and plain and _pairs_at_first_comma(lines):
        return "quizlet"
    return "csv"


def _pairs_at_first_comma(lines: list[str]) -> bool:
    """Whether every line is a term, a comma and a definition, and commas split some lines into more than two:
    a Quizlet export with commas in its definitions, which CSV would cut at their second comma."""
    rows = [line for line in lines if line.strip()]
    if not rows or any(not line.partition(",")[0].strip() or "," not in line for line in rows):
        return False
    return len({line.count(",") for line in rows}) > 1


def _quoted(text: str) -> bool:
    """Whether any field starts with a quote, as CSV quoting does and Quizlet's plain export never does."""
    return text.startswith('"') or '\n"' in text or '\t"' in text


def _has_header_row(first_line: str) -> bool:
    return looks_like_header_row(first_line.split("\t"))


def read_text_file(path: Path, options: ImportOptions, progress: Progress | None = None) -> ImportDraft:
    """Read a text file with the reader its format needs (``options.format``, else detected)."""
    path = Path(path)
    kind = options.format or quizlet_by_options(options) or detect_format(path, options.encoding)
    reader = TEXT_READERS.get(kind)
    if reader is None:
        raise ImportFailure(path, f"is not read as text (format '{kind}'); formats here: qa, csv, quizlet")
    return reader(path, options, progress)


def quizlet_by_options(options: ImportOptions) -> str | None:
    """``"quizlet"`` when the options give a card separator, or a term separator no delimited file has."""
    custom = options.delimiter is not None and separator_from_value(options.delimiter) is None
    return "quizlet" if options.card_separator is not None or custom else None
