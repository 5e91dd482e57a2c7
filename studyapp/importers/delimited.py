"""CSV, TSV and other delimited text, with Anki's header lines; and a cheap preview for the import dialog.

The delimiter is told from the structure of the rows, not from the first likely byte as Anki does (which
picks the colon of ``9:00`` or of a ``Parent::Child`` tag): a sample is parsed with the csv module for
each candidate, quotes and quoted line breaks included, and the candidate that splits the rows into the
most consistent number of columns (more than one) wins. Ties go to the candidate whose occurrences look
less like punctuation inside the text (a comma before a space or between digits, as in ``3,50``), then
to tab, comma, semicolon and pipe in that order. A colon is used only when a header or the user says so.

Rows are streamed through the csv module. Line numbers in messages are the line a record starts on.
Fields are plain text unless ``#html:true`` or the options say HTML, which is then sanitized.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from hashlib import sha256
from pathlib import Path

from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import ColumnMap, ImportDraft, ImportOptions, NoteDraft, Skip
from studyapp.core.model import NoteKind
from studyapp.core.sanitize import clean_html
from studyapp.importers.anki_headers import (
    Layout,
    layout_for,
    looks_like_header_row,
    notetype_kind,
    read_anki_headers,
    separator_from_value,
)
from studyapp.importers.decoding import MAX_FILE_BYTES, Progress, decode_file, decode_file_head
from studyapp.importers.errors import ImportFailure
from studyapp.importers.plaintext_qa import deck_name_from_path

CANDIDATES = ("\t", ",", ";", "|")  # in order of preference when the structure cannot tell them apart
PREVIEW_ROWS = 20
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 200
_MAX_SAMPLE_CHARS = 16 * 1024 * 1024
_PREVIEW_FIRST_BYTES = 64 * 1024
_PREVIEW_MAX_BYTES = 16 * 1024 * 1024
_PROGRESS_EVERY = 5000
_TAG_SETS = 10_000  # distinct tag cells remembered: decks repeat a few hundred tag sets over thousands of rows


@dataclass(frozen=True)
class DelimitedPreview:
    """What the import dialog shows before anything is read in full: the detected settings and first rows.

    ``rows`` are the first data rows (after any header row) as the csv module splits them.
    ``notetype_column`` is the 0-based column naming each row's note type, if any.
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


@dataclass(frozen=True)
class _Plan:
    """How to read the rows: everything decided from the headers, the options and a sample."""

    delimiter: str
    has_header: bool
    names: tuple[str, ...]
    layout: Layout
    html: bool
    deck_name: str
    tags: tuple[str, ...]
    kind: NoteKind
    body: int  # offset of the first row in the text
    first_line: int  # the line it is on


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


def _plan(text: str, path: Path, options: ImportOptions, complete: bool) -> _Plan:
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
    first_row = _first_row(text, body, delimiter)
    has_header = options.has_header
    if has_header is None:
        # A file with Anki's headers says where things are; Anki would read a header row as a note.
        has_header = not headers.has_settings and looks_like_header_row(first_row)
    if has_header and not names:
        names = tuple(name.strip() for name in first_row)
    html = options.html if options.html is not None else bool(headers.html)
    return _Plan(
        delimiter=delimiter,
        has_header=has_header,
        names=names,
        layout=layout_for(names, headers, options.columns),
        html=html,
        deck_name=options.deck_name or headers.deck or deck_name_from_path(path),
        tags=headers.tags,
        kind=notetype_kind(headers.notetype) if headers.notetype else NoteKind.BASIC,
        body=body,
        first_line=first_line,
    )


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
    plan = _plan(text, path, options, complete=True)
    notes, skipped = _notes(text, plan, path, progress)
    details = {
        "format": "csv",
        "encoding": encoding,
        "delimiter": delimiter_name(plan.delimiter),
        "header": "yes" if plan.has_header else "no",
        "html": "yes" if plan.html else "no",
    }
    return ImportDraft(name=plan.deck_name, notes=tuple(notes), skipped=tuple(skipped), details=details)


class _RowGuids:
    """``FileGuids`` for a big file: the same guids (``content_guid`` of deck and front, then ``#2``, ``#3``...
    for a repeated front), with each deck name normalised and hashed once instead of once per row."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self._decks: dict[str, Callable[[str], str]] = {}

    def next(self, deck_name: str, front: str) -> str:
        return self.for_deck(deck_name)(front)

    def for_deck(self, deck_name: str) -> Callable[[str], str]:
        """``next`` for one deck: a function of the front alone (the hot loop's per-row call)."""
        made = self._decks.get(deck_name)
        if made is None:
            made = self._decks[deck_name] = self._maker(deck_name)
        return made

    def _maker(self, deck_name: str) -> Callable[[str], str]:
        # The hash of the deck's prefix is taken once; each row's hash continues from a copy of it.
        prefixed = sha256((_normalise(deck_name) + "\x1f").encode("utf-8")).copy
        seen = self._seen

        def next_guid(front: str) -> str:
            # ``core.ids._normalise``: ASCII text only needs lower-casing (NFC and casefold change nothing).
            text = " ".join(front.lower().split()) if front.isascii() else _normalise(front)
            digest = prefixed()
            digest.update(text.encode("utf-8"))
            guid = "h:" + digest.hexdigest()[:32]
            if guid in seen:
                count = seen[guid] = seen[guid] + 1
                return f"{guid}#{count}"
            seen[guid] = 1
            return guid

        return next_guid


def _normalise(text: str) -> str:
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _lines(text: str, start: int) -> Iterator[str]:
    """The lines of ``text`` from ``start``, each with its ``\\n``: as ``io.StringIO`` gives them, without the
    copy of the whole text that it makes (4 bytes a character: 40 MB for a 10 MB file)."""
    end, find = len(text), text.find
    while start < end:
        stop = find("\n", start) + 1 or end
        yield text[start:stop]
        start = stop


def _notes(text: str, plan: _Plan, path: Path, progress: Progress | None) -> tuple[list[NoteDraft], list[Skip]]:
    """Every row as a note, or a skip saying why not. The hot loop of a big import: keep it plain."""
    reader = csv.reader(_lines(text, plan.body), delimiter=plan.delimiter)
    total = text.count("\n", plan.body) + (not text.endswith("\n"))  # lines of rows
    columns, width, notetype_column = plan.layout.columns, plan.layout.width, plan.layout.notetype
    front_column, back_column, deck_column, guid_column = columns.front, columns.back, columns.deck, columns.guid
    tag_columns = ([] if columns.tags is None else [columns.tags]) + list(columns.extra_as_tags)
    single_tag_column = tag_columns[0] if len(tag_columns) == 1 and not plan.tags else None
    html, plan_tags, plan_kind, deck_name = plan.html, plan.tags, plan.kind, plan.deck_name
    guids = _RowGuids()
    next_guid, main_guid = guids.next, guids.for_deck(deck_name)
    explicit_guids: dict[str, int] = {}
    kinds: dict[str, NoteKind] = {}
    tag_sets: dict[str, tuple[str, ...]] = {}  # a tag column's text: its tags, shared by the rows that repeat it
    deck_problems: dict[str, str | None] = {}  # a deck column's names, checked once each
    notes: list[NoteDraft] = []
    append = notes.append
    skipped: list[Skip] = []
    first_skip: int | None = None
    header_row = plan.has_header
    first_line = plan.first_line
    line = next_line = first_line
    records = 0
    if progress is not None:
        progress(0, total)
    try:
        for cells in reader:
            line, next_line = next_line, first_line + reader.line_num
            if not any(cells):
                continue
            if header_row:
                header_row = False
                continue
            records += 1
            if progress is not None and records % _PROGRESS_EVERY == 0:
                progress(next_line - first_line, total)
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            front, back = cells[front_column], cells[back_column]
            if html:
                front, back = clean_html(front), clean_html(back)
            if not front.strip():
                if "".join(cells).strip():
                    skipped.append(Skip(f"line {line}", "empty front"))
                    first_skip = first_skip or line
                continue
            tags = plan_tags
            if single_tag_column is not None:
                cell = cells[single_tag_column]
                tags = tag_sets.get(cell)
                if tags is None:
                    words = cell.split()
                    tags = tuple(words) if len(words) < 2 else tuple(dict.fromkeys(words))
                    if len(tag_sets) < _TAG_SETS:
                        tag_sets[cell] = tags
            elif tag_columns:
                tags = tuple(dict.fromkeys([*tags, *(word for i in tag_columns for word in cells[i].split())]))
            deck = None
            if deck_column is not None:
                deck = cells[deck_column].strip() or None
                if deck == deck_name:
                    deck = None  # the import's own deck
                elif deck is not None:
                    if deck in deck_problems:
                        problem = deck_problems[deck]
                    else:
                        problem = deck_name_problem(deck)
                        if len(deck_problems) < _TAG_SETS:
                            deck_problems[deck] = problem
                    if problem is not None:
                        skipped.append(Skip(f"line {line}", problem))
                        first_skip = first_skip or line
                        continue
            kind = plan_kind
            if notetype_column is not None and cells[notetype_column].strip():
                name = cells[notetype_column]
                kind = kinds[name] if name in kinds else kinds.setdefault(name, notetype_kind(name))
            guid = cells[guid_column].strip() if guid_column is not None else ""
            if guid:
                if guid in explicit_guids:
                    skipped.append(Skip(f"line {line}", f"the same guid as line {explicit_guids[guid]}"))
                    first_skip = first_skip or line
                    continue
                explicit_guids[guid] = line
            else:
                guid = main_guid(front) if deck is None else next_guid(deck, front)
            append(NoteDraft(guid, front, back, tags, line, kind, html, deck))
    except csv.Error as error:
        raise ImportFailure(path, f"cannot be read as delimited text ({error})", line) from None
    if progress is not None:
        progress(total, total)
    if not notes:
        if skipped:
            reason = f"no usable rows: all {len(skipped)} were skipped (the first for '{skipped[0].reason}')"
            raise ImportFailure(path, reason, first_skip)
        after = "after its header row" if plan.has_header else "after its header lines" if plan.first_line > 1 else ""
        raise ImportFailure(path, f"has no rows to import {after}".strip(), next_line)
    return notes, skipped


def read_delimited(path: Path, options: ImportOptions, progress: Progress | None = None) -> ImportDraft:
    """Read a CSV, TSV or other delimited file with the user's options; the uniform reader entry point."""
    decoded = decode_file(path, options.encoding)
    draft = parse_delimited(decoded.text, path, options, decoded.encoding, progress)
    return replace(draft, warnings=decoded.warnings(path)) if decoded.replaced else draft


def sniff_delimited(path: Path, options: ImportOptions | None = None) -> DelimitedPreview:
    """The settings a full read would use and the first rows, from the head of the file only."""
    options = options or ImportOptions()
    _allow_large_fields()
    size = _PREVIEW_FIRST_BYTES
    while True:
        decoded = decode_file_head(path, size, options.encoding)
        last_try = decoded.complete or size >= _PREVIEW_MAX_BYTES
        try:
            plan = _plan(decoded.text, path, options, decoded.complete)
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
        columns=plan.layout.columns,
        notetype_column=plan.layout.notetype,
        html=plan.html,
        deck_name=plan.deck_name,
        tags=plan.tags,
        rows=tuple(tuple(row) for row in rows),
        warnings=decoded.warnings(path),
    )


def _preview_rows(text: str, plan: _Plan, complete: bool) -> list[list[str]]:
    rows = _sample_rows(text[plan.body :], plan.delimiter, complete=True)
    rows = rows[1:] if plan.has_header else rows
    if len(rows) > PREVIEW_ROWS:
        return rows[:PREVIEW_ROWS]
    if not complete and rows:
        rows.pop()  # it may be cut at the end of the head
    return rows
