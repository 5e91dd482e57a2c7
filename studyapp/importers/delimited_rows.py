"""The rows of a delimited file as notes: the hot loop of a big import, and the general loop of many fields.

``RowPlan`` says everything decided before the first row (by ``delimited``); ``read_rows`` streams the rows
through the csv module. A two-field file (the common case, 100,000 rows in a bench) takes a loop kept plain;
a file of more columns, or a note type per row, takes ``_field_notes``. Nothing is dropped without a word:
a row wider than the file has its extra cells added to its last field, a column that no field takes has its
text counted, and both are said in the draft's warnings.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import NoteDraft, Skip
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import NoteType, clean_field
from studyapp.core.text.sanitize import clean_html
from studyapp.importers.anki_headers import Layout, notetype_kind
from studyapp.importers.columns import FieldSpec, RowNotetypes
from studyapp.importers.decoding import Progress
from studyapp.importers.errors import ImportFailure

_PROGRESS_EVERY = 5000
_TAG_SETS = 10_000  # distinct tag cells remembered: decks repeat a few hundred tag sets over thousands of rows
_LINES_SHOWN = 5


@dataclass(frozen=True)
class RowPlan:
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
    width: int = 2  # the columns of a regular row: the cells of a wider row are added to its last field
    fields: FieldSpec | None = None  # None: two columns, front and back
    ignored: tuple[int, ...] = ()  # columns that nothing takes (their text is counted and reported)
    column_names: tuple[str, ...] = ()  # for messages: a column's name, when the file gives one


@dataclass
class RowsRead:
    notes: list[NoteDraft]
    skipped: list[Skip]
    warnings: list[str]
    notetypes: tuple[NoteType, ...] = ()


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


class _Losses:
    """Rows whose shape changed and columns whose text was left out, counted for the warnings."""

    def __init__(self, plan: RowPlan, path: Path) -> None:
        self.plan = plan
        self.path = path
        self.wide: list[int] = []  # lines of rows with more cells than the file's columns
        self.fitted: list[int] = []  # lines of rows with more fields than their note type has
        self.ignored = dict.fromkeys(plan.ignored, 0)  # column -> non-empty cells left out

    def count_ignored(self, cells: list[str]) -> None:
        for column in self.ignored:
            if column < len(cells) and cells[column].strip():
                self.ignored[column] += 1

    def warnings(self) -> list[str]:
        made: list[str] = []
        width = self.plan.width
        if self.wide:
            made.append(
                f"{self.path}: {_rows(self.wide)} more than the file's {width} columns: the extra cells were added"
                f" to the last field, with the delimiter between them ({_where(self.wide)})"
            )
        if self.fitted:
            made.append(
                f"{self.path}: {_rows(self.fitted)} more fields than their note type: the text of the extra"
                f" fields was added to its last field ({_where(self.fitted)})"
            )
        for column, count in self.ignored.items():
            if count:
                made.append(
                    f"{self.path}: column {column + 1}{self._name(column)} is not imported (no field, tags, deck or"
                    f" guid takes it): {count} non-empty {'cell' if count == 1 else 'cells'} left out"
                )
        return made

    def _name(self, column: int) -> str:
        names = self.plan.column_names
        return f" ('{names[column]}')" if column < len(names) and names[column].strip() else ""


def _rows(lines: list[int]) -> str:
    return "1 row has" if len(lines) == 1 else f"{len(lines)} rows have"


def _where(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_LINES_SHOWN])
    more = f" and {len(lines) - _LINES_SHOWN} more" if len(lines) > _LINES_SHOWN else ""
    return f"{'line' if len(lines) == 1 else 'lines'} {shown}{more}"


def _joiner(plan: RowPlan) -> str:
    return "<br>" if plan.html else "\n"


def read_rows(text: str, plan: RowPlan, path: Path, progress: Progress | None) -> RowsRead:
    """Every row as a note, or a skip saying why not; refused with one line when no row is usable."""
    losses = _Losses(plan, path)
    if plan.fields is None:
        notes, skipped, next_line = _two_field_notes(text, plan, path, progress, losses)
        notetypes: tuple[NoteType, ...] = ()
    else:
        notes, skipped, next_line, notetypes = _field_notes(text, plan, plan.fields, path, progress, losses)
    if not notes:
        if skipped:
            reason = f"no usable rows: all {len(skipped)} were skipped (the first for '{skipped[0].reason}')"
            raise ImportFailure(path, reason, int(skipped[0].place.removeprefix("line ")))
        after = "after its header row" if plan.has_header else "after its header lines" if plan.first_line > 1 else ""
        raise ImportFailure(path, f"has no rows to import {after}".strip(), next_line)
    return RowsRead(notes, skipped, losses.warnings(), notetypes)


def _two_field_notes(
    text: str, plan: RowPlan, path: Path, progress: Progress | None, losses: _Losses
) -> tuple[list[NoteDraft], list[Skip], int]:
    """Every row as a two-field note. The hot loop of a big import: keep it plain."""
    reader = csv.reader(_lines(text, plan.body), delimiter=plan.delimiter)
    total = text.count("\n", plan.body) + (not text.endswith("\n"))  # lines of rows
    columns, notetype_column = plan.layout.columns, plan.layout.notetype
    width = max(plan.layout.width, plan.width)
    front_column, back_column, deck_column, guid_column = columns.front, columns.back, columns.deck, columns.guid
    tag_columns = ([] if columns.tags is None else [columns.tags]) + list(columns.extra_as_tags)
    single_tag_column = tag_columns[0] if len(tag_columns) == 1 and not plan.tags else None
    html, plan_tags, plan_kind, deck_name = plan.html, plan.tags, plan.kind, plan.deck_name
    # A wider row's extra cells go to the back when the back is the last column (as in a plain two-column file).
    widen = back_column == width - 1 and front_column < back_column
    delimiter = plan.delimiter
    count_ignored = losses.count_ignored if losses.ignored else None
    guids = _RowGuids()
    next_guid, main_guid = guids.next, guids.for_deck(deck_name)
    explicit_guids: dict[str, int] = {}
    kinds: dict[str, NoteKind] = {}
    tag_sets: dict[str, tuple[str, ...]] = {}  # a tag column's text: its tags, shared by the rows that repeat it
    deck_problems: dict[str, str | None] = {}  # a deck column's names, checked once each
    notes: list[NoteDraft] = []
    append = notes.append
    skipped: list[Skip] = []
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
            if len(cells) != width:
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                elif widen and any(cells[width:]):
                    cells[width - 1] = delimiter.join(cells[width - 1 :]).rstrip(delimiter)
                    losses.wide.append(line)
            if count_ignored is not None:
                count_ignored(cells)
            front, back = cells[front_column], cells[back_column]
            if html:
                front, back = clean_html(front), clean_html(back)
            if not front.strip():
                if "".join(cells).strip():
                    skipped.append(Skip(f"line {line}", "empty front"))
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
                        continue
            kind = plan_kind
            if notetype_column is not None and cells[notetype_column].strip():
                name = cells[notetype_column]
                kind = kinds[name] if name in kinds else kinds.setdefault(name, notetype_kind(name))
            guid = cells[guid_column].strip() if guid_column is not None else ""
            if guid:
                if guid in explicit_guids:
                    skipped.append(Skip(f"line {line}", f"the same guid as line {explicit_guids[guid]}"))
                    continue
                explicit_guids[guid] = line
                guid = from_anki_guid(guid)  # (Anki's, as a package's note keeps it: the same note either way)
            else:
                guid = main_guid(front) if deck is None else next_guid(deck, front)
            append(NoteDraft(guid, front, back, tags, line, kind, html, deck))
    except csv.Error as error:
        raise ImportFailure(path, f"cannot be read as delimited text ({error})", line) from None
    if progress is not None:
        progress(total, total)
    return notes, skipped, next_line


def _field_notes(
    text: str, plan: RowPlan, spec: FieldSpec, path: Path, progress: Progress | None, losses: _Losses
) -> tuple[list[NoteDraft], list[Skip], int, tuple[NoteType, ...]]:
    """Every row as a note of many fields: of the plan's note type, or of the one its note type column names."""
    reader = csv.reader(_lines(text, plan.body), delimiter=plan.delimiter)
    total = text.count("\n", plan.body) + (not text.endswith("\n"))
    columns = plan.layout.columns
    width = max(plan.layout.width, plan.width, *(c + 1 for c in spec.columns if c is not None))
    field_columns = spec.columns
    last_field_column = max((c for c in field_columns if c is not None), default=None)
    notetype_column, deck_column, guid_column = plan.layout.notetype, columns.deck, columns.guid
    tag_columns = ([] if columns.tags is None else [columns.tags]) + list(columns.extra_as_tags)
    per_row = RowNotetypes(len(field_columns), spec.names) if spec.target is None else None
    fixed = spec.target
    html, deck_name, joiner = plan.html, plan.deck_name, _joiner(plan)
    guids = _RowGuids()
    explicit_guids: dict[str, int] = {}
    deck_problems: dict[str, str | None] = {}
    notes: list[NoteDraft] = []
    skipped: list[Skip] = []
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
            elif len(cells) > width and any(cells[width:]) and last_field_column is not None:
                extra = [cells[last_field_column], *cells[width:]]
                cells[last_field_column] = plan.delimiter.join(extra).rstrip(plan.delimiter)
                losses.wide.append(line)
            if losses.ignored:
                losses.count_ignored(cells)
            values = [cells[c] if c is not None else "" for c in field_columns]
            if per_row is not None:
                name = cells[notetype_column].strip() if notetype_column is not None else ""
                target = per_row.target(name or spec.row_default, values[0] if values else "")
            else:
                target = fixed  # type: ignore[assignment]
            assert target is not None
            if len(values) > target.size:
                rest = values[target.size :]
                if any(v.strip() for v in rest):
                    values[target.size - 1] = joiner.join(v for v in values[target.size - 1 :] if v.strip())
                    losses.fitted.append(line)
                del values[target.size :]
            elif len(values) < target.size:
                values.extend([""] * (target.size - len(values)))
            if html:
                values = [clean_html(v) if v else v for v in values]
            if len(values) > 2:  # fields 2.. are stored joined by the field separator: none may hold it
                values[2:] = [clean_field(v) for v in values[2:]]
            front = values[0]
            if not front.strip():
                if "".join(cells).strip():
                    skipped.append(Skip(f"line {line}", "empty first field"))
                continue
            tags = tuple(dict.fromkeys([*plan.tags, *(word for i in tag_columns for word in cells[i].split())]))
            deck = None
            if deck_column is not None:
                deck = cells[deck_column].strip() or None
                if deck == deck_name:
                    deck = None
                elif deck is not None:
                    if deck not in deck_problems:
                        deck_problems[deck] = deck_name_problem(deck)
                    problem = deck_problems[deck]
                    if problem is not None:
                        skipped.append(Skip(f"line {line}", problem))
                        continue
            guid = cells[guid_column].strip() if guid_column is not None else ""
            if guid:
                if guid in explicit_guids:
                    skipped.append(Skip(f"line {line}", f"the same guid as line {explicit_guids[guid]}"))
                    continue
                explicit_guids[guid] = line
                guid = from_anki_guid(guid)  # (Anki's, as a package's note keeps it: the same note either way)
            else:
                guid = guids.next(deck or deck_name, front)
            back = values[1] if len(values) > 1 else ""
            if target.notetype is None:
                notes.append(NoteDraft(guid, front, back, tags, line, target.kind, html, deck))
            else:
                fields, kind, named = tuple(values), target.kind, target.notetype
                notes.append(NoteDraft(guid, front, back, tags, line, kind, html, deck, fields=fields, notetype=named))
    except csv.Error as error:
        raise ImportFailure(path, f"cannot be read as delimited text ({error})", line) from None
    if progress is not None:
        progress(total, total)
    notetypes = per_row.notetypes() if per_row is not None else spec.notetypes
    return notes, skipped, next_line, notetypes
