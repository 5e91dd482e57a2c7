"""Writing a deck as tab-separated text with Anki's header lines, which both Anki and studyapp import.

Columns: guid, note type, deck, every field of the note (as many columns as the note type with the most
fields has; a note with fewer leaves the rest empty), tags. The headers say which is which (Anki numbers
columns from 1), as Anki's own "Notes in Plain Text" export does, so Anki maps them without asking and a
re-import here matches every note by its guid and adds nothing. Quoting is the csv module's: a field
with a tab, a quote or a line break is quoted. A row whose first field starts with ``#`` is quoted whole,
or it would read as a comment line.

``#html`` is true when any note is HTML; plain notes are then escaped, with line breaks as ``<br>``,
so that they show the same. The file is written to a temporary file beside it and then moved into
place, so an interrupted export never leaves half a file under the real name.
"""

from __future__ import annotations

import contextlib
import csv
import html
import os
import tempfile
from pathlib import Path
from typing import TextIO

from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.core.ids import to_anki_guid
from studyapp.core.model import NoteKind

NOTETYPE_NAMES = {
    NoteKind.BASIC: "Basic",
    NoteKind.REVERSED: "Basic (and reversed card)",
    NoteKind.CLOZE: "Cloze",
}
_HEADERS = (
    "#separator:tab",
    "#html:{html}",
    "#deck:{deck}",
    "#guid column:1",
    "#notetype column:2",
    "#deck column:3",
    "#tags column:{tags}",
)
_NEW_FILE_MODE = 0o644


def write_csv(draft: ImportDraft, path: Path) -> None:
    """Write the draft's notes to ``path``, replacing it atomically."""
    path = Path(path)
    as_html = any(note.html for note in draft.notes)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            _write(stream, draft, as_html)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _write(stream: TextIO, draft: ImportDraft, as_html: bool) -> None:
    deck_name = " ".join(draft.name.split())
    width = max((len(note.fields) if note.fields else 2 for note in draft.notes), default=2)
    for header in _HEADERS:
        stream.write(header.format(html="true" if as_html else "false", deck=deck_name, tags=width + 4) + "\n")
    plain = csv.writer(stream, delimiter="\t", lineterminator="\n")
    quoted = csv.writer(stream, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
    for note in draft.notes:
        row = _row(note, draft.name, as_html)
        row[-1:-1] = [""] * (width + 4 - len(row))  # a note type with fewer fields: the rest empty, tags last
        (quoted if row[0].startswith("#") else plain).writerow(row)


def _row(note: NoteDraft, deck_name: str, as_html: bool) -> list[str]:
    fields = list(note.fields) if note.fields else [note.front, note.back]
    if as_html and not note.html:
        fields = [_as_html(field) for field in fields]
    tags = " ".join("_".join(tag.split()) for tag in note.tags if tag.strip())
    return [to_anki_guid(note.guid), note.notetype or NOTETYPE_NAMES[note.kind], note.deck or deck_name, *fields, tags]


def _as_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")
