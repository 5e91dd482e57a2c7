"""The browser's columns: what each shows, how it sorts, and how its values read in a cell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from studyapp.services.notes.search import CardRow, SortKey


def _one_line(text: str, limit: int = 140) -> str:
    """Cells are one line: a long or multi-line field is cut, not wrapped (the editor shows it all)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _due(row: CardRow, zone: tzinfo) -> str:
    """The due date; a new card's place in the new-card queue ("new #12"), as Anki's browser shows it."""
    if row.due is not None:
        return row.due.astimezone(zone).strftime("%Y-%m-%d")
    return "" if row.new_position is None else f"new #{row.new_position:,}"


@dataclass(frozen=True)
class Column:
    key: str  # stored in the settings: never rename
    title: str
    sort: SortKey
    text: Callable[[CardRow, tzinfo], str]
    numeric: bool = False  # right-aligned


COLUMNS: tuple[Column, ...] = (
    # The note type's sort field, and the card's sides rendered from its template: plain text, one line.
    Column("sort_field", "Sort Field", SortKey.SORT_FIELD, lambda r, z: _one_line(r.sort_field)),
    Column("question", "Question", SortKey.QUESTION, lambda r, z: _one_line(r.question)),
    Column("answer", "Answer", SortKey.ANSWER, lambda r, z: _one_line(r.answer)),
    Column("notetype", "Note Type", SortKey.NOTETYPE, lambda r, z: r.notetype),
    Column("deck", "Deck", SortKey.DECK, lambda r, z: r.deck),
    Column("tags", "Tags", SortKey.TAGS, lambda r, z: " ".join(r.tags) if not isinstance(r.tags, str) else r.tags),
    Column("due", "Due", SortKey.DUE, lambda r, z: _due(r, z)),
    Column(
        "interval",
        "Interval",
        SortKey.INTERVAL,
        lambda r, z: "" if r.interval_days is None else f"{r.interval_days:g} d",
        numeric=True,
    ),
    Column("stability", "Stability", SortKey.STABILITY, lambda r, z: _number(r.stability), numeric=True),
    Column("difficulty", "Difficulty", SortKey.DIFFICULTY, lambda r, z: _number(r.difficulty), numeric=True),
    Column(
        "retrievability",
        "Retrievability",
        SortKey.RETRIEVABILITY,
        lambda r, z: "" if r.retrievability is None else f"{r.retrievability:.0%}",
        numeric=True,
    ),
    Column("reviews", "Reviews", SortKey.REVIEWS, lambda r, z: str(r.reviews), numeric=True),
    Column("lapses", "Lapses", SortKey.LAPSES, lambda r, z: str(r.lapses), numeric=True),
)
