"""What the import dialog shows before importing: the detected settings and the first rows, cheaply."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.drafts import ColumnMap, ImportOptions
from studyapp.importers.columns import columns_notetype_name, field_names
from studyapp.importers.delimited import delimiter_name, sniff_delimited
from studyapp.importers.detect import detect_format, quizlet_by_options
from studyapp.services.importing.import_job import read_file

PREVIEW_ROWS = 20
NOTE_COLUMNS = ("Front", "Back", "Tags", "Deck")


@dataclass(frozen=True)
class ImportPreview:
    """``rows`` are the file's first records as columns: raw cells for delimited text (so the user can
    map them), else the notes as front, back, tags and deck."""

    format: str
    deck_name: str
    column_names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str | None = None
    delimiter: str | None = None  # the character; see ``delimiter_label``
    has_header: bool | None = None
    columns: ColumnMap | None = None  # delimited text only: the mapping that will be used
    html: bool = False
    note_count: int | None = None  # known when the whole file was read for the preview
    skipped: int = 0
    warnings: tuple[str, ...] = ()  # one line each: bytes that were not UTF-8 and were replaced
    # Delimited text: the note type the notes go into (``None``: Basic, or each row's from ``notetype_column``),
    # its fields when the file makes or names it, each column's name as a field of a type made from the columns,
    # why ``html`` ("header", "chosen" or "detected") and what was decided that the user should hear of.
    notetype: str | None = None
    field_names: tuple[str, ...] = ()
    notetype_column: int | None = None
    column_fields: tuple[str, ...] = ()
    html_from: str | None = None
    notices: tuple[str, ...] = ()
    notetype_from_columns: bool = False  # ``notetype`` is a new type made from the columns, not one the file names
    # Quizlet: the separators as read ("tab", "newline", "/////"...), between term and definition and between cards
    separators: tuple[str, str] | None = None

    @property
    def delimiter_label(self) -> str:
        return delimiter_name(self.delimiter) if self.delimiter else ""

    @property
    def mappable(self) -> bool:
        """The user can choose which column is front, back, tags and deck."""
        return self.format == "csv"


def _quizlet_delimiter(name: str | None) -> str | None:
    """Quizlet's reader names its term/definition separator ("tab", "comma") or gives a custom one."""
    return {"tab": "\t", "comma": ","}.get(name, name) if name else None


def _made_from_columns(path: Path, options: ImportOptions, notetype: str | None, fields: tuple[str, ...]) -> bool:
    """Whether ``notetype`` is the type the reader makes from a file's columns (named after them or the file)."""
    if notetype is None or options.notetype is not None:
        return False
    count = len(fields)
    return notetype in (columns_notetype_name(fields, count, path.name), columns_notetype_name((), count, path.name))


def preview_file(path: Path, options: ImportOptions | None = None) -> ImportPreview:
    """Detect the format and read just enough of ``path`` to show it. Raises ``ImportFailure``."""
    options = options or ImportOptions()
    kind = options.format or quizlet_by_options(options) or detect_format(Path(path), options.encoding)
    if kind == "csv":
        sniffed = sniff_delimited(Path(path), options)
        width = max([len(sniffed.column_names)] + [len(row) for row in sniffed.rows] + [2])
        names = tuple(sniffed.column_names) + tuple(f"Column {i + 1}" for i in range(len(sniffed.column_names), width))
        return ImportPreview(
            format=kind,
            deck_name=options.deck_name or sniffed.deck_name,
            column_names=names,
            rows=tuple(tuple(row) + ("",) * (width - len(row)) for row in sniffed.rows[:PREVIEW_ROWS]),
            encoding=sniffed.encoding,
            delimiter=sniffed.delimiter,
            has_header=sniffed.has_header,
            columns=sniffed.columns,
            html=sniffed.html,
            warnings=sniffed.warnings,
            notetype=sniffed.notetype,
            field_names=sniffed.field_names,
            notetype_column=sniffed.notetype_column,
            column_fields=field_names(sniffed.column_names, width),
            html_from=sniffed.html_from,
            notices=sniffed.notices,
            notetype_from_columns=_made_from_columns(Path(path), options, sniffed.notetype, sniffed.field_names),
        )
    draft = read_file(Path(path), replace(options, format=kind, include_history=False))
    rows = tuple(
        (note.front, note.back, " ".join(note.tags), note.deck or draft.name) for note in draft.notes[:PREVIEW_ROWS]
    )
    return ImportPreview(
        format=kind,
        deck_name=draft.name,
        column_names=NOTE_COLUMNS,
        rows=rows,
        encoding=draft.details.get("encoding"),
        delimiter=_quizlet_delimiter(draft.details.get("delimiter")) if kind == "quizlet" else None,
        html=any(note.html for note in draft.notes),
        note_count=len(draft.notes),
        skipped=len(draft.skipped),
        warnings=draft.warnings,
        separators=(draft.details["delimiter"], draft.details["card_separator"]) if kind == "quizlet" else None,
    )
