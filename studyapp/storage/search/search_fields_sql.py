"""Field searches in SQL: a note's field at its note type's place for it, and each note's sort field.

A note keeps its first two fields in ``front`` and ``back`` and the others in ``rest``, joined by the field
separator; ``note_field`` (registered on the connection) picks one out of ``rest``. A field search
(``name:pattern``) finds the note types with a field of that name (few) and tests, for the notes of each, the
field at that type's place: with ``LIKE`` for an ASCII pattern (as Anki), else with ``field_matches`` (case
folded in Python, asked only about fields with a character beyond ASCII when only those can match). No text
of the user's is ever part of the SQL: note type ids and field places are integers, the pattern is bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlite_utils

from studyapp.core.notetypes.model import FIELD_SEPARATOR, NoteType
from studyapp.core.search.search_tree import FieldIs, field_matches, field_name_matches, like_pattern, needs_non_ascii
from studyapp.storage.notes.notetypes_codec import COLUMNS, notetype_of


def note_field(rest: object, index: object) -> str:
    """Field ``index`` of a note's ``rest`` (its fields from the third on, joined by the field separator); ``""``
    for a field the note does not have. A field never holds the separator, whatever else it holds."""
    if not isinstance(rest, str) or not isinstance(index, int) or index < 0:
        return ""
    start = 0
    for _ in range(index):
        start = rest.find(FIELD_SEPARATOR, start) + 1
        if start == 0:
            return ""
    end = rest.find(FIELD_SEPARATOR, start)
    return rest[start:] if end < 0 else rest[start:end]


def sql_field_matches(text: object, pattern: object) -> int:
    return int(isinstance(text, str) and isinstance(pattern, str) and field_matches(pattern, text))


def _field_sql(index: int) -> str:
    """The SQL of field ``index`` of the note ``n``."""
    if index == 0:
        return "n.front"
    if index == 1:
        return "n.back"
    return f"note_field(n.rest, {int(index) - 2})"


def notetypes_of(db: sqlite_utils.Database) -> list[NoteType]:
    return [notetype_of(row) for row in db.execute(f"SELECT {COLUMNS} FROM notetypes ORDER BY id")]


def sort_field_sql(notetypes: Sequence[NoteType]) -> str:
    """The SQL of each note's sort field (its note type's ``sort_field``; the first field where that is 0)."""
    by_index: dict[int, list[int]] = {}
    for notetype in notetypes:
        if 0 < notetype.sort_field < len(notetype.fields):
            by_index.setdefault(notetype.sort_field, []).append(notetype.id)
    if not by_index:
        return "n.front"
    whens = " ".join(
        f"WHEN n.notetype_id IN ({', '.join(str(int(i)) for i in ids)}) THEN {_field_sql(index)}"
        for index, ids in sorted(by_index.items())
    )
    return f"(CASE {whens} ELSE n.front END)"


def _balanced(parts: Sequence[str], operator: str) -> str:
    """``a op b op c ...`` as a balanced tree, so that many note types do not nest deeper than SQLite allows."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return f"({_balanced(parts[:middle], operator)} {operator} {_balanced(parts[middle:], operator)})"


def field_condition(node: FieldIs, notetypes: Sequence[NoteType], bind: Callable[[object], str]) -> str | None:
    """The condition (always 0 or 1) that the note ``n`` matches ``node``; ``None`` when no note type has a field
    of that name. ``bind`` binds a value and gives its placeholder."""
    by_index: dict[int, list[int]] = {}
    for notetype in notetypes:
        for index, name in enumerate(notetype.field_names):
            if field_name_matches(node.field, name):
                by_index.setdefault(index, []).append(notetype.id)
    if not by_index:
        return None
    like = like_pattern(node.pattern)
    pattern = bind(node.pattern if like is None else like)
    parts = []
    for index, ids in sorted(by_index.items()):
        field = _field_sql(index)
        if like is not None:
            test = f"{field} LIKE {pattern} ESCAPE '\\'"
        elif needs_non_ascii(node.pattern):  # a cheap test in C first: most fields of most collections are ASCII
            beyond_ascii = f"length({field}) != length(CAST({field} AS BLOB))"  # more bytes than characters
            test = f"(CASE WHEN {beyond_ascii} THEN field_matches({field}, {pattern}) ELSE 0 END)"
        else:
            test = f"field_matches({field}, {pattern})"
        parts.append(f"(n.notetype_id IN ({', '.join(str(int(i)) for i in ids)}) AND {test})")
    # CASE, not ifnull(): a condition there is evaluated as a jump, so the later tests run only where needed.
    return f"(CASE WHEN {_balanced(parts, 'OR')} THEN 1 ELSE 0 END)"
