"""Anki's header lines for text files, and the column layout they (or a row of column names) describe.

A file made for Anki may start with lines such as ``#separator:tab``, ``#html:true``, ``#tags:a b``,
``#columns:Front<TAB>Back``, ``#deck:Spanish``, ``#notetype:Cloze`` and ``#tags column:3``. Column numbers
in these headers count from 1, as Anki's do; a :class:`ColumnMap` counts from 0. Every line at the top
of the file that starts with ``#`` is a header or a comment, as in Anki; unknown keys are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import ColumnMap
from studyapp.core.model import NoteKind
from studyapp.importers.errors import ImportFailure

SEPARATOR_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_COLUMN_KEYS = {"tags column": "tags", "deck column": "deck", "guid column": "guid", "notetype column": "notetype"}
# Names that a header row or ``#columns:`` may give a column, by the role they stand for (case-insensitive).
_ROLE_NAMES = {
    "front": {"front", "question", "term", "text", "word", "prompt", "q"},
    "back": {"back", "answer", "definition", "back extra", "extra", "meaning", "translation", "a"},
    "tags": {"tags", "tag"},
    "deck": {"deck"},
    "guid": {"guid"},
    "notetype": {"notetype", "note type"},
}
_ROLE_OF_NAME = {name: role for role, names in _ROLE_NAMES.items() for name in names}
_LONGEST_NAME = 40  # a cell longer than this is data, not a column name
MAX_COLUMNS = 1000  # a column number past this is a mistake (and would pad every row to that width)


@dataclass(frozen=True)
class AnkiHeaders:
    """What the header lines said; ``None`` for what they did not. Columns are 0-based here."""

    separator: str | None = None
    html: bool | None = None
    tags: tuple[str, ...] = ()
    columns: str | None = None  # the raw ``#columns:`` value: it is split once the separator is known
    deck: str | None = None
    notetype: str | None = None
    tags_column: int | None = None
    deck_column: int | None = None
    guid_column: int | None = None
    notetype_column: int | None = None
    lines: int = 0  # how many lines at the top of the file are headers or comments

    @property
    def has_settings(self) -> bool:
        """Whether any header line set something (comment lines do not)."""
        return replace(self, lines=0) != AnkiHeaders()


@dataclass(frozen=True)
class Layout:
    """Where each part of a note is. ``notetype`` is extra to :class:`ColumnMap`, which has no place for it."""

    columns: ColumnMap
    notetype: int | None = None

    @property
    def width(self) -> int:
        """How many cells a row needs so that every mapped column exists."""
        c = self.columns
        used = [c.front, c.back, c.tags, c.deck, c.guid, self.notetype, *c.extra_as_tags]
        return max(i for i in used if i is not None) + 1


def separator_from_value(value: str) -> str | None:
    """``Tab``, ``comma`` and the other names, or one literal character; ``None`` if neither."""
    named = SEPARATOR_NAMES.get(value.strip().casefold())
    if named is not None:
        return named
    return value if len(value) == 1 and value not in '"\n' else None


def read_anki_headers(text: str, path: Path) -> tuple[AnkiHeaders, int]:
    """The headers at the top of ``text`` and the offset where the rows begin."""
    found: dict[str, object] = {}
    offset = 0
    lines = 0
    while text.startswith("#", offset):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        lines += 1
        _read_line(text[offset + 1 : end], path, lines, found)
        offset = min(end + 1, len(text))
    return AnkiHeaders(**found, lines=lines), offset  # type: ignore[arg-type]


def _read_line(line: str, path: Path, number: int, found: dict[str, object]) -> None:
    key, colon, raw = line.partition(":")
    if not colon:
        return  # a comment
    key = " ".join(key.casefold().split())
    value = raw.strip()
    if key == "separator":
        separator = separator_from_value(raw if len(raw) == 1 else value)
        if separator is None:
            reason = f"unknown #separator '{value}' (use Tab, Comma, Semicolon, Pipe, Space, Colon or one character)"
            raise ImportFailure(path, reason, number)
        found["separator"] = separator
    elif key == "html":
        if value.casefold() not in ("true", "false"):
            raise ImportFailure(path, f"#html must be true or false, not '{value}'", number)
        found["html"] = value.casefold() == "true"
    elif key == "tags":
        found["tags"] = tuple(value.split())
    elif key in ("columns", "deck", "notetype"):
        problem = deck_name_problem(value) if key == "deck" else None
        if problem is not None:  # every note would go there: the whole file is refused
            raise ImportFailure(path, f"#deck: {problem}", number)
        found[key] = value or None
    elif key in _COLUMN_KEYS:
        # isdecimal(), not isdigit(), which lets '²' through to int(); ten digits say enough of a long number
        column = int(value.lstrip("0")[:10] or "0") if value.isdecimal() else 0
        if column < 1:
            raise ImportFailure(path, f"#{key} must be a column number from 1, not '{value}'", number)
        if column > MAX_COLUMNS:  # every row would be padded to that many columns
            reason = f"#{key} {column} is past the last column this app reads ({MAX_COLUMNS})"
            raise ImportFailure(path, reason, number)
        found[f"{_COLUMN_KEYS[key]}_column"] = column - 1


def notetype_kind(name: str) -> NoteKind:
    """Anki's stock note types by name: Basic, Basic (and reversed card), Cloze; others count as basic."""
    key = " ".join(name.casefold().split())
    if key.startswith("cloze"):
        return NoteKind.CLOZE
    if key == NoteKind.REVERSED.value or "and reversed" in key:
        return NoteKind.REVERSED
    return NoteKind.BASIC


def looks_like_header_row(cells: Sequence[str]) -> bool:
    """A first row of short cells, two or more of them known column names (Front, Back, Term, Tags...)."""
    if len(cells) < 2 or any(len(cell) > _LONGEST_NAME or "\n" in cell for cell in cells):
        return False
    roles = {_ROLE_OF_NAME.get(_name_key(cell)) for cell in cells} - {None}
    return len(roles) >= 2


def layout_for(names: Sequence[str], headers: AnkiHeaders, chosen: ColumnMap | None) -> Layout:
    """The layout from the user's choice, else from the headers' column numbers and the column names.

    Columns that are neither named nor numbered hold the front and then the back, in order, as Anki
    fills a note type's fields; columns left over are ignored.
    """
    roles: dict[str, int] = {}
    for index, name in enumerate(names):
        role = _ROLE_OF_NAME.get(_name_key(name))
        if role is not None:
            roles.setdefault(role, index)
    numbered = {
        "tags": headers.tags_column,
        "deck": headers.deck_column,
        "guid": headers.guid_column,
        "notetype": headers.notetype_column,
    }
    for role, index in numbered.items():
        if index is not None:
            roles[role] = index
    special = {roles[role] for role in ("tags", "deck", "guid", "notetype") if role in roles}
    if chosen is not None:
        notetype = roles.get("notetype")
        used = {chosen.front, chosen.back, chosen.tags, chosen.deck, chosen.guid, *chosen.extra_as_tags}
        return Layout(chosen, notetype if notetype not in used else None)
    free = (index for index in range(len(names) + len(special) + 2) if index not in special)
    front = roles["front"] if roles.get("front") not in (None, *special) else next(free)
    back = roles.get("back")
    if back is None or back in special or back == front:
        back = next(index for index in free if index != front)
    columns = ColumnMap(front=front, back=back, tags=roles.get("tags"), deck=roles.get("deck"), guid=roles.get("guid"))
    return Layout(columns, roles.get("notetype"))


def _name_key(cell: str) -> str:
    return " ".join(cell.casefold().split())
