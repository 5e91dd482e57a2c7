"""What the import dialog shows before importing: the detected settings and the first rows, cheaply."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.drafts import ColumnMap, ImportOptions
from studyapp.importers.delimited import delimiter_name, sniff_delimited
from studyapp.importers.detect import detect_format
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


def preview_file(path: Path, options: ImportOptions | None = None) -> ImportPreview:
    """Detect the format and read just enough of ``path`` to show it. Raises ``ImportFailure``."""
    options = options or ImportOptions()
    kind = options.format or detect_format(Path(path), options.encoding)
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
    )
