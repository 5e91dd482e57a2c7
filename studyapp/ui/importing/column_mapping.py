"""Which column of a delimited file goes where: a field of the chosen note type, the tags, the deck, or nowhere.

Plain Python (no Qt), so the rules are easy to read and to test: the import dialog keeps one ``ColumnMapping``
per preview and turns it into the ``ColumnMap`` and note type name that ``ImportOptions`` take.

The note type is one of the collection's (or a stock type it has not got yet), a note type the file names
(``#notetype:``), each row's own (``#notetype column``: the mapping is the file's), or a new type made from
the columns: a field per column mapped to one, named after the column, in the order the user puts them.
Choosing a field another column has swaps the two columns' choices, so no choice silently takes a column away.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from studyapp.core.drafts import ColumnMap

IGNORE, TAGS, DECK, GUID, ROW_TYPE = "ignore", "tags", "deck", "guid", "notetype"
NEW_TYPE = "new"  # the target key of a note type made from the columns
ROWS_TYPE = "rows"  # the target key of "each row names its note type"
_META_LABELS = {TAGS: "Tags", DECK: "Deck", GUID: "Guid", ROW_TYPE: "Note type column", IGNORE: "Not imported"}
_SINGLE = (DECK, GUID, ROW_TYPE)  # at most one column each


def field_choice(index: int) -> str:
    return f"field:{index}"


def field_index(choice: str) -> int | None:
    return int(choice.partition(":")[2]) if choice.startswith("field:") else None


@dataclass(frozen=True)
class Target:
    """The note type the rows go into. ``key`` identifies it in the dialog's list; ``name`` is what the import
    is told (``None``: made from the columns, or each row's own); ``fields`` its fields, in order."""

    key: str
    name: str | None
    fields: tuple[str, ...]

    @property
    def from_columns(self) -> bool:
        return self.key == NEW_TYPE

    @property
    def per_row(self) -> bool:
        return self.key == ROWS_TYPE


def new_type(width: int) -> Target:
    """A note type made from the columns: as many places for fields as there are columns."""
    return Target(NEW_TYPE, None, tuple(f"Field {index + 1}" for index in range(width)))


@dataclass(frozen=True)
class ColumnMapping:
    """One choice per column (``field:N``, ``tags``, ``deck``, ``guid``, ``notetype`` or ``ignore``)."""

    target: Target
    choices: tuple[str, ...]
    column_fields: tuple[str, ...]  # each column's name as a field (from the header row, else "Field N")

    # -- what the dialog shows ---------------------------------------------------------------------

    def items(self, column: int) -> list[tuple[str, str]]:
        """The choices a column's combo offers, as (data, label)."""
        if self.choices[column] == ROW_TYPE:
            return [(ROW_TYPE, _META_LABELS[ROW_TYPE])]
        fields = [(field_choice(index), self.field_label(index)) for index in range(len(self.target.fields))]
        meta = [TAGS, DECK] + ([GUID] if GUID in self.choices else []) + [IGNORE]
        return fields + [(choice, _META_LABELS[choice]) for choice in meta]

    def field_label(self, index: int) -> str:
        if self.target.from_columns:  # the place's number, and the name the column there gives it
            fields = self._field_columns()
            column = fields.get(index)
            name = f"{index + 1}: {self.column_fields[column]}" if column is not None else f"Field {index + 1}"
            return f"{name} (question)" if index == 0 else name
        return self.target.fields[index]

    def label(self, column: int) -> str:
        """What a column becomes, in words: a field's name, "Tags", "Not imported"..."""
        choice = self.choices[column]
        index = field_index(choice)
        if index is None:
            return _META_LABELS[choice]
        if self.target.from_columns:
            return self.new_field_names()[sorted(self._field_columns()).index(index)]
        return self.target.fields[index]

    def left_out(self) -> list[int]:
        """The columns nothing takes."""
        return [column for column, choice in enumerate(self.choices) if choice == IGNORE]

    def problem(self) -> str | None:
        """Why these choices cannot be imported, or ``None``."""
        if self.target.per_row:
            return None
        taken = self._field_columns()
        if not taken:
            return "No column goes to a field: choose a field for at least one column."
        if 0 not in taken and not self.target.from_columns:
            return f"Choose the column for the first field, “{self.target.fields[0]}”: a note needs it."
        return None

    # -- the user's choice -------------------------------------------------------------------------

    def choose(self, column: int, choice: str) -> ColumnMapping:
        """``column`` becomes ``choice``; a column that had that field (or the deck, the guid) gets the chosen
        column's old choice in exchange."""
        old = self.choices[column]
        if choice == old or old == ROW_TYPE:
            return self
        choices = list(self.choices)
        exclusive = field_index(choice) is not None or choice in _SINGLE
        if exclusive:
            for other, held in enumerate(choices):
                if other != column and held == choice:
                    choices[other] = old
        choices[column] = choice
        return replace(self, choices=tuple(choices))

    def retarget(self, target: Target) -> ColumnMapping:
        """The same columns into another note type: the columns that had fields fill its fields in order, the
        tags, deck, guid and note type columns stay; columns beyond its fields are not imported."""
        places = {column: field_index(choice) for column, choice in enumerate(self.choices)}
        data = [column for column, choice in enumerate(self.choices) if choice == IGNORE or places[column] is not None]
        if not self.target.per_row:  # the columns in their fields' order, then the ones left out

            def order(column: int) -> tuple[bool, int, int]:
                place = places[column]
                return (place is None, place or 0, column)

            data.sort(key=order)
        choices = list(self.choices)
        for position, column in enumerate(data):
            choices[column] = field_choice(position) if position < len(target.fields) else IGNORE
        return replace(self, target=target, choices=tuple(choices))

    # -- what the import is told -------------------------------------------------------------------

    def _field_columns(self) -> dict[int, int]:
        """field index -> column."""
        found: dict[int, int] = {}
        for column, choice in enumerate(self.choices):
            index = field_index(choice)
            if index is not None:
                found[index] = column
        return found

    def new_field_names(self) -> list[str]:
        """A note type made from the columns: its fields' names (each from its column), in field order."""
        fields = self._field_columns()
        return [self.column_fields[fields[index]] for index in sorted(fields)]

    def column_map(self) -> ColumnMap:
        fields = self._field_columns()
        tags = [column for column, choice in enumerate(self.choices) if choice == TAGS]
        single = {choice: column for column, choice in enumerate(self.choices) if choice in _SINGLE}
        if self.target.from_columns:  # the fields in the chosen order, without gaps
            pairs = tuple((fields[index], position) for position, index in enumerate(sorted(fields)))
            names = tuple(self.new_field_names())
        else:
            pairs = tuple((fields[index], index) for index in sorted(fields))
            names = self.target.fields
        return ColumnMap(
            tags=tags[0] if tags else None,
            extra_as_tags=tuple(tags[1:]),
            deck=single.get(DECK),
            guid=single.get(GUID),
            fields=pairs,
            field_names=names,
        )


def mapping_from_file(
    width: int,
    columns: ColumnMap,
    column_fields: tuple[str, ...],
    target: Target,
    notetype_column: int | None = None,
) -> ColumnMapping:
    """The choices the preview made: ``columns`` as the file or the detection planned them."""
    choices = [IGNORE] * width

    def put(column: int | None, choice: str) -> None:
        if column is not None and column < width:
            choices[column] = choice

    for column in columns.extra_as_tags:
        put(column, TAGS)
    put(columns.tags, TAGS)
    put(columns.deck, DECK)
    put(columns.guid, GUID)
    put(notetype_column, ROW_TYPE)
    if target.per_row:  # every other column is a field, in order
        data = [column for column in range(width) if choices[column] == IGNORE]
        for position, column in enumerate(data):
            choices[column] = field_choice(position)
    elif columns.fields:
        for column, index in columns.fields:
            put(column, field_choice(index))
    else:
        put(columns.front, field_choice(0))
        put(columns.back, field_choice(1))
    names = tuple(column_fields) + tuple(f"Field {index + 1}" for index in range(len(column_fields), width))
    return ColumnMapping(target, tuple(choices), names)
