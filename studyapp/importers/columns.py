"""Which columns of a delimited file become which fields of which note type, so that no column is lost.

Three shapes, as Anki reads them:

- a note type per row (``#notetype column``, Anki's "Notes in Plain Text" export): every column that is not
  the guid, note type, deck or tags column is a field, in order. A stock name (Basic, Cloze...) is the stock
  type; any other name is a note type of the draft with as many fields as those columns;
- one note type for every row (``#notetype:NAME`` or the user's choice): the columns fill its fields in order,
  or as the user's column map says;
- neither: two columns are a Basic note as always; more are a note type made for the file, one field per
  column, named from the header row (or ``#columns:``) when there is one, else "Field 1", "Field 2"...

Column numbers here count from 0. Field names are cleaned as Anki requires (no ``:``, ``{``, ``}`` or ``"``,
none empty, none twice).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import sha256

from studyapp.core.drafts import ColumnMap
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import (
    BASIC,
    BASIC_REVERSED,
    CLOZE,
    STOCK,
    CardTemplate,
    FieldDef,
    NoteType,
    NotetypeKind,
    stock_type,
)
from studyapp.importers.anki_headers import Layout

_ID_MASK = (1 << 63) - 1
_STOCK_BY_NAME = {stock.name.casefold(): stock for stock in STOCK.values()}
# The stock types whose notes the import service takes as (front, back) with a kind, without fields.
_TWO_FIELD_KINDS = {BASIC: NoteKind.BASIC, BASIC_REVERSED: NoteKind.REVERSED, CLOZE: NoteKind.CLOZE}
_CLOZE_MARK = re.compile(r"\{\{c\d+::")
_BAD_NAME_CHARS = re.compile(r'[:{}"]')


@dataclass(frozen=True)
class Target:
    """What a row becomes: a two-field note of the stock type of ``kind`` (``notetype`` None), or the fields of
    the note type called ``notetype``, of which it has ``size``."""

    kind: NoteKind
    notetype: str | None
    size: int


TWO_FIELD_BASIC = Target(NoteKind.BASIC, None, 2)


def notetype_id(name: str) -> int:
    """A stable 63-bit id for a note type the file defines (the import service gives it its own id)."""
    return int.from_bytes(sha256(name.encode("utf-8")).digest()[:8], "big") & _ID_MASK or 1


def stock_target(name: str) -> tuple[Target, NoteType | None] | None:
    """The target of a stock note type's name (``None`` for other names) and the note type the draft must
    define for it (``None`` for the two-field stock types, which every collection has)."""
    stock = _STOCK_BY_NAME.get(" ".join(name.split()).casefold())
    if stock is None:
        return None
    kind = _TWO_FIELD_KINDS.get(stock.key)
    if kind is not None:
        return Target(kind, None, 2), None
    return Target(NoteKind.BASIC, stock.name, len(stock.field_names)), stock_type(stock.key, notetype_id(stock.name))


def field_names(names: Sequence[str], count: int) -> tuple[str, ...]:
    """``count`` usable, distinct field names from ``names`` (a header row), filling in "Field N"."""
    made: list[str] = []
    taken: set[str] = set()
    for index in range(count):
        raw = names[index] if index < len(names) else ""
        name = " ".join(_BAD_NAME_CHARS.sub(" ", raw).split()).lstrip("#/^").strip() or f"Field {index + 1}"
        candidate, number = name, 2
        while candidate.casefold() in taken:
            candidate, number = f"{name} {number}", number + 1
        taken.add(candidate.casefold())
        made.append(candidate)
    return tuple(made)


def make_notetype(name: str, names: Sequence[str], cloze: bool = False) -> NoteType:
    """A note type for a file's columns: ``names`` its fields; the question shows the first field (or its cloze
    deletions), the answer the others, each on its own line."""
    fields = tuple(FieldDef(n) for n in names)
    if cloze:
        front = f"{{{{cloze:{names[0]}}}}}"
        rest = "<br>\n".join(f"{{{{{n}}}}}" for n in names[1:])
        template = CardTemplate("Cloze", front, front + ("<br>\n" + rest if rest else ""))
        css = STOCK[CLOZE].css
    else:
        answer = "{{FrontSide}}\n\n<hr id=answer>\n\n" + "<br>\n".join(f"{{{{{n}}}}}" for n in names[1:])
        template = CardTemplate("Card 1", f"{{{{{names[0]}}}}}", answer)
        css = STOCK[BASIC].css
    kind = NotetypeKind.CLOZE if cloze else NotetypeKind.STANDARD
    return NoteType(notetype_id(name), name, kind, fields, (template,), css)


def columns_notetype_name(names: Sequence[str], count: int, file_name: str) -> str:
    """The name of the note type made for a file's columns: from its column names, so that a file with the same
    header finds it again; else from the file."""
    if names and any(n.strip() for n in names):
        joined = " / ".join(field_names(names, count))
        return joined if len(joined) <= 60 else f"{joined[:50].rstrip()}... ({count} fields)"
    return f"{file_name} ({count} columns)"


def is_cloze_text(text: str) -> bool:
    return _CLOZE_MARK.search(text) is not None


class RowNotetypes:
    """The targets of a ``#notetype column``'s names, made once per name, and the note types they need."""

    def __init__(self, data_columns: int, names: Sequence[str]) -> None:
        self._size = data_columns
        self._names = names
        self._targets: dict[str, Target] = {}
        self._stock: dict[str, NoteType] = {}
        self._custom: dict[str, bool] = {}  # name -> some note's first field has a cloze deletion
        self._default: Target | None = None

    def target(self, name: str, first_field: str) -> Target:
        found = self._targets.get(name)
        if found is None:
            found = self._make(name)
        if found.notetype is not None and found.notetype in self._custom and not self._custom[found.notetype]:
            self._custom[found.notetype] = "{{c" in first_field and is_cloze_text(first_field)
        return found

    def _make(self, name: str) -> Target:
        stock = stock_target(name)
        if stock is not None:
            target, notetype = stock
            if notetype is not None:
                self._stock[notetype.name] = notetype
        else:
            clean = " ".join(name.split())
            target = Target(NoteKind.BASIC, clean, self._size)
            self._custom.setdefault(clean, False)
        self._targets[name] = target
        return target

    def notetypes(self) -> tuple[NoteType, ...]:
        """The note types the rows used that the draft defines: stock ones beyond two fields, and every other
        name with one field per data column (a cloze note type when its name says so and a note has a deletion)."""
        made = list(self._stock.values())
        for name, has_cloze in self._custom.items():
            cloze = has_cloze and "cloze" in name.casefold()
            made.append(make_notetype(name, field_names(self._names, self._size), cloze))
        return tuple(made)


@dataclass(frozen=True)
class FieldSpec:
    """Where a note's fields come from, when it is not a plain two-column note.

    ``columns``: the column of each field in order (``None``: no column fills that field). ``target``: the note
    type of every row, or ``None`` when the layout's note type column names each row's. ``notetypes``: the note
    types the draft defines for a fixed target. ``names``: field names for note types made per row name.
    """

    columns: tuple[int | None, ...]
    target: Target | None
    notetypes: tuple[NoteType, ...] = ()
    names: tuple[str, ...] = ()
    row_default: str = "Basic"  # the note type of a row whose note type cell is empty

    @property
    def notetype(self) -> str | None:
        return self.target.notetype if self.target is not None else None

    @property
    def field_names(self) -> tuple[str, ...]:
        named = self.target.notetype if self.target is not None else None
        for notetype in self.notetypes:
            if notetype.name == named:
                return notetype.field_names
        return self.names


@dataclass(frozen=True)
class ColumnPlan:
    """The decided layout: meta columns and the two-field columns (``layout``), the columns of a regular row
    (``width``), the fields of a note of more (``fields``), the columns nothing takes (``ignored``) and what
    was decided that the user should hear of (``notices``)."""

    layout: Layout
    width: int
    fields: FieldSpec | None = None
    ignored: tuple[int, ...] = ()
    notices: tuple[str, ...] = ()


def common_width(rows: Sequence[Sequence[str]]) -> int:
    """The commonest number of cells of the rows (the larger on a tie); 2 without rows."""
    counts = Counter(len(row) for row in rows)
    if not counts:
        return 2
    return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def _meta_columns(layout: Layout) -> set[int]:
    c = layout.columns
    return {i for i in (c.tags, c.deck, c.guid, layout.notetype, *c.extra_as_tags) if i is not None}


def _names_of(columns: Sequence[int | None], names: Sequence[str]) -> tuple[str, ...]:
    return tuple(names[c] if c is not None and c < len(names) else "" for c in columns)


def _tag_like(rows: Sequence[Sequence[str]], column: int) -> bool:
    """Whether every cell of ``column`` reads as a few tags (short words, no sentence, no HTML), one at least."""
    cells = [row[column].strip() for row in rows if len(row) > column and row[column].strip()]
    return bool(cells) and all(
        len(cell) <= _LONGEST_TAGS and "<" not in cell and len(cell.split()) <= 3 and cell[-1] not in ".?!"
        for cell in cells
    )


_LONGEST_TAGS = 60


def plan_columns(
    layout: Layout,
    names: Sequence[str],
    rows: Sequence[Sequence[str]],
    chosen: ColumnMap | None,
    notetype_name: str | None,
    file_name: str,
    anki_headers: bool,
    row_default: str | None = None,
) -> ColumnPlan:
    """Which column goes where, so that no column is lost unless the user says so.

    ``layout`` comes from the headers and column names (meta columns, front and back); ``names`` are the column
    names (header row or ``#columns:``); ``rows`` a sample of data rows; ``chosen`` the user's column map and
    ``notetype_name`` the note type asked for (``ImportOptions.notetype``, else ``#notetype:``); with a note type
    column, ``row_default`` is the note type of rows that leave it empty (``#notetype:``, else Basic).
    """
    meta = _meta_columns(layout)
    width = max(common_width(rows), len(names), *(c + 1 for c in meta), 2)
    data = [c for c in range(width) if c not in meta]
    mapped = chosen.fields if chosen is not None else ()
    if layout.notetype is not None and not mapped and notetype_name is None:
        spec = FieldSpec(tuple(data), None, names=_names_of(data, names), row_default=row_default or "Basic")
        return ColumnPlan(layout, width, spec)
    if mapped:
        return _mapped(layout, width, names, rows, chosen, notetype_name, file_name)  # type: ignore[arg-type]
    if chosen is not None:  # front and back chosen: the other columns are left out, and counted
        used = {chosen.front, chosen.back} | meta
        return ColumnPlan(layout, width, None, tuple(c for c in range(width) if c not in used))
    if notetype_name is not None:
        return _named(layout, width, data, names, rows, notetype_name)
    if len(data) <= 2:
        return ColumnPlan(layout, width)
    if len(data) == 3 and width == 3 and not anki_headers and not any(n.strip() for n in names) and _tag_like(rows, 2):
        columns = ColumnMap(front=0, back=1, tags=2)
        notice = "column 3 is read as tags, as Anki reads a third column (map it to a field to keep it as text)"
        return ColumnPlan(Layout(columns, layout.notetype), width, notices=(notice,))
    if any(n.strip() for n in names):  # the columns named as the front and the back come first
        first = [c for c in (layout.columns.front, layout.columns.back) if c in data]
        data = first + [c for c in data if c not in first]
    field_list = field_names(_names_of(data, names), len(data))
    name = columns_notetype_name(_names_of(data, names), len(data), file_name)
    notetype = make_notetype(name, field_list)
    target = Target(NoteKind.BASIC, name, len(data))
    return ColumnPlan(layout, width, FieldSpec(tuple(data), target, (notetype,), field_list))


def _named(
    layout: Layout, width: int, data: list[int], names: Sequence[str], rows: Sequence[Sequence[str]], name: str
) -> ColumnPlan:
    """Every row into the note type ``name``, its columns filling the fields in order."""
    stock = stock_target(name)
    if stock is not None:
        target, notetype = stock
        if notetype is None and len(data) <= 2:
            return ColumnPlan(layout, width)
        return ColumnPlan(layout, width, FieldSpec(tuple(data), target, (notetype,) if notetype else ()))
    field_list = field_names(_names_of(data, names), len(data))
    first = data[0]
    cloze = "cloze" in name.casefold() and any(is_cloze_text(row[first]) for row in rows if len(row) > first)
    notetype = make_notetype(name, field_list, cloze)
    target = Target(NoteKind.BASIC, notetype.name, len(data))
    return ColumnPlan(layout, width, FieldSpec(tuple(data), target, (notetype,), field_list))


def _mapped(
    layout: Layout,
    width: int,
    names: Sequence[str],
    rows: Sequence[Sequence[str]],
    chosen: ColumnMap,
    notetype_name: str | None,
    file_name: str,
) -> ColumnPlan:
    """The user's map: each (column, field) pair fills that field; other columns are tags, deck, guid, or left out."""
    size = max(max(field for _, field in chosen.fields) + 1, len(chosen.field_names))  # named fields all count
    stock = stock_target(notetype_name) if notetype_name is not None else None
    if stock is not None:
        size = max(size, stock[0].size)
    columns: list[int | None] = [None] * size
    for column, field in chosen.fields:
        columns[field] = column
    width = max(width, *(c + 1 for c, _ in chosen.fields))
    meta = _meta_columns(layout)
    used = {c for c, _ in chosen.fields} | meta
    ignored = tuple(c for c in range(width) if c not in used)
    if stock is not None:
        target, notetype = stock
        if notetype is None:
            target = Target(target.kind, None, 2)
        return ColumnPlan(layout, width, FieldSpec(tuple(columns), target, (notetype,) if notetype else ()), ignored)
    given = list(chosen.field_names) + [""] * size
    from_header = _names_of(columns, names)
    field_list = field_names([given[i] or from_header[i] for i in range(size)], size)
    name = notetype_name or columns_notetype_name(field_list, size, file_name)
    cloze = (
        "cloze" in name.casefold()
        and columns[0] is not None
        and any(
            len(row) > columns[0] and is_cloze_text(row[columns[0]])
            for row in rows  # type: ignore[index]
        )
    )
    notetype = make_notetype(name, field_list, cloze)
    target = Target(NoteKind.BASIC, name, size)
    return ColumnPlan(layout, width, FieldSpec(tuple(columns), target, (notetype,), field_list), ignored)


_MAP_ROLES = ("tags", "deck", "guid", "ignore")


def parse_column_map(spec: str, known_fields: Sequence[str] | None = None) -> ColumnMap:
    """The command line's ``--map``: ``1=Front,2=Back,3=tags,4=ignore`` (columns count from 1).

    Each column goes to a field by name, or to ``tags`` (several: all their words), ``deck``, ``guid`` or
    ``ignore``. With ``known_fields`` (the chosen note type's) a name must be one of them (case ignored); without,
    the names are the fields of a note type made for the file, in the order they first appear.
    Raises ``ValueError`` with one line saying what is wrong.
    """
    fields: list[tuple[int, int]] = []
    names: list[str] = list(known_fields) if known_fields is not None else []
    roles: dict[str, list[int]] = {role: [] for role in _MAP_ROLES}
    seen: set[int] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        column_text, equals, target = (s.strip() for s in part.partition("="))
        if not equals or not column_text.isdecimal() or not target or int(column_text) < 1:
            raise ValueError(f"--map: '{part}' is not COLUMN=FIELD (a column number from 1, e.g. 3=Notes or 4=tags)")
        column = int(column_text) - 1
        if column in seen:
            raise ValueError(f"--map: column {column + 1} is mapped twice")
        seen.add(column)
        role = target.casefold()
        if role in roles:
            roles[role].append(column)
            continue
        folded = [n.casefold() for n in names]
        if role in folded:
            index = folded.index(role)
        elif known_fields is not None:
            raise ValueError(f"--map: the note type has no field '{target}' (its fields: {', '.join(known_fields)})")
        else:
            names.append(target)
            index = len(names) - 1
        if any(field == index for _, field in fields):
            raise ValueError(f"--map: field '{names[index]}' is given two columns")
        fields.append((column, index))
    if not fields:
        raise ValueError("--map: no column goes to a field (the first field needs one)")
    for role in ("deck", "guid"):
        if len(roles[role]) > 1:
            raise ValueError(f"--map: only one column can be the {role}")
    tags = roles["tags"]
    return ColumnMap(
        tags=tags[0] if tags else None,
        extra_as_tags=tuple(tags[1:]),
        deck=roles["deck"][0] if roles["deck"] else None,
        guid=roles["guid"][0] if roles["guid"] else None,
        fields=tuple(fields),
        field_names=tuple(names),  # (the chosen type's own, when known: the service then finds that type)
    )


def stock_field_names(name: str) -> tuple[str, ...] | None:
    """The fields of the stock note type called ``name``; ``None`` for other names."""
    stock = _STOCK_BY_NAME.get(" ".join(name.split()).casefold())
    return stock.field_names if stock is not None else None
