"""CSV, TSV and other delimited text, with Anki's header lines; and a cheap preview for the import dialog.

The delimiter is told from the structure of the rows, not from the first likely byte as Anki does (which
picks the colon of ``9:00`` or of a ``Parent::Child`` tag): a sample is parsed with the csv module for
each candidate, quotes and quoted line breaks included, and the candidate that splits the rows into the
most consistent number of columns (more than one) wins. Ties go to the candidate whose occurrences look
less like punctuation inside the text (a comma before a space or between digits, as in ``3,50``), then
to tab, comma, semicolon and pipe in that order. A colon is used only when a header or the user says so.

Rows are streamed through the csv module (``delimited_rows``). Line numbers in messages are the line a record
starts on. Every column is kept: which one goes to which field of which note type is ``columns``' business.
Fields are HTML when ``#html:true`` or the options say so, or, without either, when a field looks like HTML
(a tag such as ``<b>``, ``<br>``, ``<div>``, or an entity such as ``&nbsp;``), as Anki decides; HTML is then
sanitized. The draft's details say which, and why (``html_from``: header, chosen or detected).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.drafts import ColumnMap, ImportDraft, ImportOptions
from studyapp.core.model import NoteKind
from studyapp.importers.anki_headers import (
    AnkiHeaders,
    layout_for,
    looks_like_header_row,
    notetype_kind,
    read_anki_headers,
    separator_from_value,
)
from studyapp.importers.columns import plan_columns
from studyapp.importers.decoding import MAX_FILE_BYTES, Progress, decode_file, decode_file_head
from studyapp.importers.delimited_rows import RowPlan, read_rows
from studyapp.importers.errors import ImportFailure
from studyapp.importers.plaintext_qa import deck_name_from_path

CANDIDATES = ("\t", ",", ";", "|")  # in order of preference when the structure cannot tell them apart
PREVIEW_ROWS = 20
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 200
_MAX_SAMPLE_CHARS = 16 * 1024 * 1024
_PREVIEW_FIRST_BYTES = 64 * 1024
_PREVIEW_MAX_BYTES = 16 * 1024 * 1024
_HTML_TAGS = (
    "a|abbr|audio|b|big|blockquote|br|center|code|dd|del|div|dl|dt|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p"
    "|pre|q|rp|rt|ruby|s|small|source|span|strike|strong|sub|sup|table|tbody|td|th|thead|tr|tt|u|ul|var|video|wbr"
)
# What makes a field HTML: an HTML tag of the names above, a comment, or a character entity.
_LOOKS_LIKE_HTML = re.compile(
    rf"<(?:/?(?:{_HTML_TAGS})(?:\s[^<>]*)?/?>|!--)|&(?:nbsp|amp|lt|gt|quot|apos|#\d{{1,7}}|#x[0-9a-f]{{1,6}});",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DelimitedPreview:
    """What the import dialog shows before anything is read in full: the detected settings and first rows.

    ``rows`` are the first data rows (after any header row) as the csv module splits them.
    ``notetype_column`` is the 0-based column naming each row's note type, if any. ``columns`` is the mapping
    a full read will use: for a file of more than two columns its ``fields`` put every column into a field of
    ``notetype`` (named ``field_names``). ``html_from`` says why ``html``: "header", "chosen" or "detected".
    ``notices`` are what was decided that the user should hear of (a column read as tags...).
    """

    encoding: str
    delimiter: str
    has_header: bool
    column_names: tuple[str, ...]
    columns: ColumnMap
    notetype_column: int | None
    html: bool
    deck_name: str
    tags: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    warnings: tuple[str, ...] = ()  # bytes of the head that were not UTF-8, replaced
    notetype: str | None = None  # the note type every note goes into; None: Basic, or the note type column's
    field_names: tuple[str, ...] = ()
    html_from: str = "detected"
    notices: tuple[str, ...] = ()


def delimiter_name(delimiter: str) -> str:
    """How a delimiter is shown: ``tab`` and ``space`` by name, the others as themselves."""
    return {"\t": "tab", " ": "space"}.get(delimiter, delimiter)


def detect_delimiter(sample: str, complete: bool = True) -> str | None:
    """The candidate that splits the sample's rows most consistently into more than one column, or ``None``.

    ``complete=False`` says the sample is cut from a longer text, so its last record may be cut too.
    """
    best: str | None = None
    best_key: tuple[float, float, int] | None = None
    for rank, candidate in enumerate(CANDIDATES):
        if candidate not in sample:
            continue
        consistency, _ = delimiter_fit(sample, candidate, complete)
        key = (consistency, -_incidental_share(sample, candidate), -rank)
        if consistency > 0 and (best_key is None or key > best_key):
            best, best_key = candidate, key
    return best


def delimiter_fit(sample: str, delimiter: str, complete: bool = True) -> tuple[float, int]:
    """The share of the sample's rows that have the commonest number of columns above one, and that number."""
    widths = [len(row) for row in _sample_rows(sample, delimiter, complete)]
    several = [width for width in widths if width > 1]
    if not several:
        return 0.0, 1
    width, count = Counter(several).most_common(1)[0]
    return count / len(widths), width


def _sample_rows(sample: str, delimiter: str, complete: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) > _SAMPLE_RECORDS:
                    return rows[:_SAMPLE_RECORDS]
    except csv.Error:
        pass
    if not complete and rows:
        rows.pop()  # it may run on past the end of the sample
    return rows


def _incidental_share(sample: str, delimiter: str) -> float:
    """How many of the delimiter's occurrences look like text: before a space, or between two digits."""
    spaced = sample.count(delimiter + " ")
    numeric = len(re.findall(rf"\d{re.escape(delimiter)}(?=\d)", sample))
    return (spaced + numeric) / sample.count(delimiter)


def _allow_large_fields() -> None:
    """The csv module refuses fields over 128 KiB by default; a field may be as large as a file we accept."""
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds an HTML tag (``<b>``, ``<br/>``, ``</div>``...), a comment or an entity (``&nbsp;``)."""
    return ("<" in text or "&" in text) and _LOOKS_LIKE_HTML.search(text) is not None


def _html(options: ImportOptions, headers: AnkiHeaders, body: str) -> tuple[bool, str]:
    if options.html is not None:
        return options.html, "chosen"
    if headers.html is not None:
        return headers.html, "header"
    return looks_like_html(body), "detected"


def _plan(text: str, path: Path, options: ImportOptions, complete: bool) -> tuple[RowPlan, str, tuple[str, ...]]:
    """How to read the rows, why the fields are or are not HTML, and notices for the user."""
    headers, body = read_anki_headers(text, path)
    first_line = headers.lines + 1
    delimiter = _chosen_delimiter(options.delimiter, path) or headers.separator
    size = _SAMPLE_CHARS
    while delimiter is None:
        end = body + size
        delimiter = detect_delimiter(text[body:end], complete and end >= len(text))
        if end >= len(text) or size >= _MAX_SAMPLE_CHARS:
            break
        size *= 8  # a first record of megabytes fills the sample: look further
    if delimiter is None:
        reason = "has no tab, comma, semicolon or pipe between the fields of its rows"
        raise ImportFailure(path, reason, first_line if body < len(text) else None)
    names = tuple(name.strip() for name in _first_row(headers.columns or "", 0, delimiter))
    sample = _sample_rows(text[body : body + _SAMPLE_CHARS], delimiter, complete and body + _SAMPLE_CHARS >= len(text))
    first_row = sample[0] if sample else []
    has_header = options.has_header
    if has_header is None:
        # A file with Anki's headers says where things are; Anki would read a header row as a note.
        has_header = not headers.has_settings and looks_like_header_row(first_row)
    if has_header:
        sample = sample[1:]
        if not names:
            names = tuple(name.strip() for name in first_row)
    html, html_from = _html(options, headers, text[body:])
    layout = layout_for(names, headers, options.columns)
    notetype_name = options.notetype or (headers.notetype if layout.notetype is None else None)
    columns = plan_columns(
        layout, names, sample, options.columns, notetype_name, path.name, headers.has_settings, headers.notetype
    )
    plan = RowPlan(
        delimiter=delimiter,
        has_header=has_header,
        names=names,
        layout=columns.layout,
        html=html,
        deck_name=options.deck_name or headers.deck or deck_name_from_path(path),
        tags=headers.tags,
        kind=notetype_kind(notetype_name) if notetype_name else NoteKind.BASIC,
        body=body,
        first_line=first_line,
        width=columns.width,
        fields=columns.fields,
        ignored=columns.ignored,
        column_names=names,
    )
    return plan, html_from, columns.notices


def _chosen_delimiter(value: str | None, path: Path) -> str | None:
    if value is None:
        return None
    delimiter = separator_from_value(value)
    if delimiter is None:
        raise ImportFailure(path, f"cannot use '{value}' as the delimiter (use one character, or Tab, Comma...)")
    return delimiter


def _first_row(text: str, start: int, delimiter: str) -> list[str]:
    try:
        for row in csv.reader(io.StringIO(text[start : start + _SAMPLE_CHARS]), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                return row
    except csv.Error:
        pass
    return []


def parse_delimited(
    text: str, path: Path, options: ImportOptions, encoding: str = "utf-8", progress: Progress | None = None
) -> ImportDraft:
    """Parse delimited text read from ``path`` (named in messages) into notes in file order."""
    _allow_large_fields()
    plan, html_from, notices = _plan(text, path, options, complete=True)
    read = read_rows(text, plan, path, progress)
    details = {
        "format": "csv",
        "encoding": encoding,
        "delimiter": delimiter_name(plan.delimiter),
        "header": "yes" if plan.has_header else "no",
        "html": "yes" if plan.html else "no",
        "html_from": html_from,
    }
    if plan.fields is not None:
        details["fields"] = str(len(plan.fields.columns))
        if plan.fields.notetype is not None:
            details["notetype"] = plan.fields.notetype
    warnings = tuple(f"{path}: {notice}" for notice in notices) + tuple(read.warnings)
    return ImportDraft(
        name=plan.deck_name,
        notes=tuple(read.notes),
        skipped=tuple(read.skipped),
        details=details,
        warnings=warnings,
        notetypes=read.notetypes,
    )


def read_delimited(path: Path, options: ImportOptions, progress: Progress | None = None) -> ImportDraft:
    """Read a CSV, TSV or other delimited file with the user's options; the uniform reader entry point."""
    decoded = decode_file(path, options.encoding)
    draft = parse_delimited(decoded.text, path, options, decoded.encoding, progress)
    return replace(draft, warnings=decoded.warnings(path) + draft.warnings) if decoded.replaced else draft


def sniff_delimited(path: Path, options: ImportOptions | None = None) -> DelimitedPreview:
    """The settings a full read would use and the first rows, from the head of the file only."""
    options = options or ImportOptions()
    _allow_large_fields()
    size = _PREVIEW_FIRST_BYTES
    while True:
        decoded = decode_file_head(path, size, options.encoding)
        last_try = decoded.complete or size >= _PREVIEW_MAX_BYTES
        try:
            plan, html_from, notices = _plan(decoded.text, path, options, decoded.complete)
        except ImportFailure:
            if last_try:
                raise
        else:
            rows = _preview_rows(decoded.text, plan, decoded.complete)
            if last_try or len(rows) >= PREVIEW_ROWS:
                break
        size *= 4  # rows with big fields: read more of the head
    return DelimitedPreview(
        encoding=decoded.encoding,
        delimiter=plan.delimiter,
        has_header=plan.has_header,
        column_names=plan.names,
        columns=_preview_columns(plan),
        notetype_column=plan.layout.notetype,
        html=plan.html,
        deck_name=plan.deck_name,
        tags=plan.tags,
        rows=tuple(tuple(row) for row in rows),
        warnings=decoded.warnings(path),
        notetype=plan.fields.notetype if plan.fields is not None else None,
        field_names=plan.fields.field_names if plan.fields is not None else (),
        html_from=html_from,
        notices=notices,
    )


def _preview_columns(plan: RowPlan) -> ColumnMap:
    """The column map a full read will use, with every field's column for a note of more than two fields."""
    columns = plan.layout.columns
    if plan.fields is None or plan.fields.target is None:
        return columns
    pairs = tuple((column, index) for index, column in enumerate(plan.fields.columns) if column is not None)
    return replace(columns, fields=pairs, field_names=plan.fields.field_names)


def _preview_rows(text: str, plan: RowPlan, complete: bool) -> list[list[str]]:
    rows = _sample_rows(text[plan.body :], plan.delimiter, complete=True)
    rows = rows[1:] if plan.has_header else rows
    if len(rows) > PREVIEW_ROWS:
        return rows[:PREVIEW_ROWS]
    if not complete and rows:
        rows.pop()  # it may be cut at the end of the head
    return rows
