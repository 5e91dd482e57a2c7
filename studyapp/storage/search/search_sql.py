"""Searching cards in SQL: a parsed query (core.search.search_query) -> one SELECT over cards c, notes n (and decks d).

No text from the user is ever part of the SQL: every value is a bound parameter. Words and phrases go to
the FTS5 index ``notes_fts`` (every field: ``front``, ``back`` and ``rest``) as a query made only of quoted
strings (a ``"`` doubled inside), with ``*`` after the closing quote for a prefix; the text terms of one
"and" or "or" share one index lookup. A field search (``name:pattern``) and the sort field pick the field
out of each note by its note type (``storage.search.search_fields_sql``). ``deck:`` is matched in Python against the
decks (there are few) and becomes a list of deck ids; ``tag:`` goes through the ``search_tags`` function
registered on the connection, behind a ``LIKE`` that skips most notes cheaply. Retrievability is the
registered ``fsrs_r``.

Each condition is true or false, never NULL, so ``-term`` is exactly the cards ``term`` does not match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.core.model import Card, CardState
from studyapp.core.notetypes.model import NoteType, NotetypeKind
from studyapp.core.search.search_tree import (
    COMPARISONS,
    Added,
    And,
    CardIs,
    CardIsKind,
    FieldIs,
    FlagIs,
    HasTag,
    InDeck,
    Node,
    Not,
    NotetypeIs,
    Or,
    Prop,
    PropName,
    Query,
    Rated,
    SearchError,
    SortKey,
    TemplateIs,
    Text,
    deck_matches,
    field_name_matches,
    tags_match,
)
from studyapp.storage.codec import to_ms
from studyapp.storage.review.card_rows import NotetypeLookup, _card
from studyapp.storage.search.search_fields_sql import (
    field_condition,
    note_field,
    notetypes_of,
    sort_field_sql,
    sql_field_matches,
)

DAY_MS = 86_400_000
_CHUNK = 500

# FSRS-6's forgetting curve, with the default decay, as ``fsrs`` computes it (Scheduler.get_card_retrievability).
DECAY = -DEFAULT_PARAMETERS[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def retrievability(stability: float | None, last_review_ms: int | None, now_ms: int | None) -> float | None:
    """The chance of recall at ``now_ms``: ``(1 + FACTOR * elapsed_days / S) ** DECAY``, whole days elapsed.

    ``None`` for a card never studied. Registered on the connection as ``fsrs_r``.
    """
    if stability is None or last_review_ms is None or now_ms is None:
        return None
    try:
        if stability <= 0:
            return None
        elapsed_days = max(0, (int(now_ms) - int(last_review_ms)) // DAY_MS)
        return float((1 + FACTOR * elapsed_days / stability) ** DECAY)
    except (TypeError, ValueError, ArithmeticError):  # a value that is not a number: no retrievability
        return None


def _search_tags(tags: object, pattern: object) -> int:
    return int(isinstance(tags, str) and isinstance(pattern, str) and tags_match(pattern, tags))


def register_functions(db: sqlite_utils.Database) -> None:
    """Give the connection ``fsrs_r(stability, last_review_ms, now_ms)``, ``search_tags(tags, pattern)``,
    ``note_field(rest, index)`` and ``field_matches(text, pattern)``."""
    db.conn.create_function("fsrs_r", 3, retrievability, deterministic=True)
    db.conn.create_function("search_tags", 2, _search_tags, deterministic=True)
    db.conn.create_function("note_field", 2, note_field, deterministic=True)
    db.conn.create_function("field_matches", 2, sql_field_matches, deterministic=True)


@dataclass(frozen=True)
class SearchTime:
    """The instants a search is relative to."""

    now: datetime
    day_end: datetime  # the end of today's study day: is:due
    day_start: Callable[[int], datetime]  # the start of the study day that many days ago (0: today)


# Cards first, then their notes (CROSS JOIN fixes that order): a condition on cards uses their indexes and a
# text search their note_id index, and everything else is one pass over the cards, where looking the notes
# up through another index (as SQLite may choose once the file has statistics) costs three times as much.
_FROM = "FROM cards c CROSS JOIN notes n ON n.id = c.note_id"
_DECKS = " CROSS JOIN decks d ON d.id = c.deck_id"
_NEW, _LEARNING, _REVIEW, _RELEARNING = (int(state) for state in CardState)
# Whole days from the last review to the due date, for review cards (fuzz and fsrs give whole days).
_INTERVAL = (
    f"(CASE WHEN c.state = {_REVIEW} AND c.last_review IS NOT NULL "
    f"THEN CAST(round((c.due - c.last_review) / {DAY_MS}.0) AS INTEGER) END)"
)
_RETRIEVABILITY = "fsrs_r(c.stability, c.last_review, :now)"
_BURIED = "(c.buried_until IS NOT NULL AND c.buried_until > :now)"
_CARD_IS = {
    CardIsKind.NEW: f"c.state = {_NEW}",
    CardIsKind.LEARN: f"c.state IN ({_LEARNING}, {_RELEARNING})",
    CardIsKind.REVIEW: f"c.state IN ({_REVIEW}, {_RELEARNING})",
    CardIsKind.DUE: (
        f"(c.state != {_NEW} AND c.due IS NOT NULL AND c.due < :day_end AND c.suspended = 0 AND NOT {_BURIED})"
    ),
    CardIsKind.SUSPENDED: "c.suspended != 0",
    CardIsKind.BURIED: _BURIED,
}
_PROPERTY = {
    PropName.INTERVAL: _INTERVAL,
    PropName.REVIEWS: "c.reps",
    PropName.LAPSES: "c.lapses",
    PropName.RETRIEVABILITY: _RETRIEVABILITY,
    PropName.STABILITY: "c.stability",
    PropName.DIFFICULTY: "c.difficulty",
}
_SORT = {
    SortKey.ADDED: None,  # the tie-break order alone
    SortKey.SORT_FIELD: None,  # per note type: sort_field_sql
    SortKey.QUESTION: "n.front COLLATE NOCASE",
    SortKey.ANSWER: "n.back COLLATE NOCASE",
    SortKey.DECK: "d.name COLLATE NOCASE",
    SortKey.TAGS: "n.tags COLLATE NOCASE",
    SortKey.NOTETYPE: "(SELECT t.name FROM notetypes t WHERE t.id = n.notetype_id) COLLATE NOCASE",
    SortKey.DUE: "c.due",  # then new cards (no due date) in their decks' new-card order: _DUE_THEN
    SortKey.INTERVAL: _INTERVAL,
    SortKey.STABILITY: "c.stability",
    SortKey.DIFFICULTY: "c.difficulty",
    SortKey.RETRIEVABILITY: _RETRIEVABILITY,
    SortKey.REVIEWS: "c.reps",
    SortKey.LAPSES: "c.lapses",
}
_TIE_BREAK = ("n.created_at", "n.id", "c.ord")
_DUE_THEN = f"(CASE WHEN c.state = {_NEW} THEN c.position END)"


def _balanced(parts: Sequence[str], operator: str) -> str:
    """``a op b op c ...`` as a balanced tree, so a long query does not nest deeper than SQLite allows."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return f"({_balanced(parts[:middle], operator)} {operator} {_balanced(parts[middle:], operator)})"


def _fts_phrase(term: Text) -> str:
    # Control characters separate words in the index anyway; NUL would end the FTS5 query early.
    text = "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in term.text)
    return '"' + text.replace('"', '""') + '"' + (" *" if term.prefix else "")


def _fts(node: Node) -> str | None:
    """The FTS5 query for a term made only of text (words, phrases, their and/or), else ``None``."""
    if isinstance(node, Text):
        return _fts_phrase(node)
    if isinstance(node, And | Or):
        parts = [_fts(term) for term in node.terms]
        if all(part is not None for part in parts):
            return _balanced(parts, "AND" if isinstance(node, And) else "OR")  # type: ignore[arg-type]
    return None


def _like_prefilter(pattern: str) -> str | None:
    """A LIKE pattern that every note with a matching tag matches (LIKE ignores ASCII case), if there is one.

    Only for ASCII patterns. (A tag whose non-ASCII letters casefold to ASCII ones, such as the Kelvin
    sign, would be missed by it: rare enough not to pay for a Python call on every note.)
    """
    pieces = [piece for piece in pattern.split("*") if piece]
    if not pieces or not pattern.isascii():
        return None
    escaped = [piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for piece in pieces]
    return "%" + "%".join(escaped) + "%"


class _Where:
    """Builds the WHERE clause of one search and its parameters."""

    def __init__(self, db: sqlite_utils.Database, when: SearchTime) -> None:
        self._db = db
        self._when = when
        self._decks: list[tuple[int, str]] | None = None
        self._types: list[NoteType] | None = None
        self.params: dict[str, object] = {"now": to_ms(when.now), "day_end": to_ms(when.day_end)}

    def bind(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def condition(self, node: Node) -> str:
        if isinstance(node, And | Or):
            return self._group(node)
        if isinstance(node, Not):
            return f"NOT ({self.condition(node.term)})"
        if isinstance(node, Text):
            return self._matching(_fts_phrase(node))
        if isinstance(node, FieldIs):
            return self._field_is(node)
        if isinstance(node, InDeck):
            return self._in_decks(node.pattern)
        if isinstance(node, HasTag):
            return self._has_tag(node.pattern)
        if isinstance(node, NotetypeIs):
            return self._of_notetypes(node.pattern)
        if isinstance(node, TemplateIs):
            return self._of_templates(node.pattern)
        if isinstance(node, FlagIs):
            return f"c.flag = {int(node.flag)}"
        if isinstance(node, CardIs):
            return _CARD_IS[node.kind]
        if isinstance(node, Prop):
            assert node.comparison in COMPARISONS
            return f"ifnull({_PROPERTY[node.name]} {node.comparison} {self.bind(node.value)}, 0)"
        if isinstance(node, Added):
            return f"n.created_at >= {self.bind(to_ms(self._when.day_start(node.days - 1)))}"
        if isinstance(node, Rated):
            since = self.bind(to_ms(self._when.day_start(node.days - 1)))
            rating = "" if node.rating is None else f" AND r.rating = {self.bind(node.rating)}"
            return f"EXISTS (SELECT 1 FROM review_log r WHERE r.card_id = c.id AND r.reviewed_at >= {since}{rating})"
        raise TypeError(f"not a search term: {node!r}")

    def _group(self, node: And | Or) -> str:
        texts: list[str] = []
        others: list[str] = []
        for term in node.terms:
            fts = _fts(term)
            if fts is not None:
                texts.append(fts)
            else:
                others.append(self.condition(term))
        operator = "AND" if isinstance(node, And) else "OR"
        parts = ([self._matching(_balanced(texts, operator))] if texts else []) + others
        return _balanced(parts, operator)

    def _matching(self, fts_query: str) -> str:
        return f"c.note_id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH {self.bind(fts_query)})"

    def notetypes(self) -> list[NoteType]:
        if self._types is None:
            self._types = notetypes_of(self._db)
        return self._types

    def _field_is(self, node: FieldIs) -> str:
        condition = field_condition(node, self.notetypes(), self.bind)
        if condition is None:  # no note type has such a field: the term is words (a URL, a time), or finds nothing
            return self._matching(_fts_phrase(node.words)) if node.words is not None else "0"
        return condition

    def _in_decks(self, pattern: str) -> str:
        if self._decks is None:
            self._decks = [(int(row[0]), str(row[1])) for row in self._db.execute("SELECT id, name FROM decks")]
        ids = [str(deck_id) for deck_id, name in self._decks if deck_matches(pattern, name)]
        return f"c.deck_id IN ({', '.join(ids)})" if ids else "0"

    def _of_notetypes(self, pattern: str) -> str:
        ids = [str(int(t.id)) for t in self.notetypes() if field_name_matches(pattern, t.name)]
        return f"n.notetype_id IN ({', '.join(ids)})" if ids else "0"

    def _of_templates(self, pattern: str) -> str:
        """``card:Name`` (each note type's templates of that name) or ``card:N`` (the Nth template; for a cloze
        type, deletion N)."""
        if pattern.isdigit():
            return f"c.ord = {self.bind(int(pattern) - 1)}" if len(pattern) < 10 else "0"
        parts = []
        for notetype in self.notetypes():
            ords = [str(o) for o, t in enumerate(notetype.templates) if field_name_matches(pattern, t.name)]
            if ords and notetype.kind is NotetypeKind.STANDARD:
                parts.append(f"(n.notetype_id = {int(notetype.id)} AND c.ord IN ({', '.join(ords)}))")
            elif ords:  # a cloze (or occlusion) type's one template makes a card per deletion
                parts.append(f"n.notetype_id = {int(notetype.id)}")
        return f"({' OR '.join(parts)})" if parts else "0"

    def _has_tag(self, pattern: str) -> str:
        exact = f"search_tags(n.tags, {self.bind(pattern)})"
        like = _like_prefilter(pattern)
        return f"(n.tags LIKE {self.bind(like)} ESCAPE '\\' AND {exact})" if like else exact


def _order(sort: SortKey, descending: bool, where: _Where) -> str:
    direction = " DESC" if descending else ""
    key = f"{sort_field_sql(where.notetypes())} COLLATE NOCASE" if sort is SortKey.SORT_FIELD else _SORT[sort]
    keys = [f"{key}{direction} NULLS LAST"] if key else []
    if sort is SortKey.DUE:
        keys.append(f"{_DUE_THEN}{direction} NULLS LAST")
    return ", ".join(keys + [f"{column}{direction}" for column in _TIE_BREAK])


def card_ids(
    db: sqlite_utils.Database, query: Query, when: SearchTime, sort: SortKey = SortKey.ADDED, descending: bool = False
) -> list[int]:
    """The ids of the cards ``query`` matches, in order; cards that have no value to sort by come last."""
    register_functions(db)
    where = _Where(db, when)
    condition = "1" if query.root is None else where.condition(query.root)
    sort = SortKey(sort)
    decks = _DECKS if sort is SortKey.DECK else ""  # only the deck order needs the deck's name
    sql = f"SELECT c.id {_FROM}{decks} WHERE {condition} ORDER BY {_order(sort, descending, where)}"
    try:
        return [row[0] for row in db.conn.execute(sql, where.params)]
    except sqlite3.OperationalError as error:  # a locked file, or a limit of SQLite's: say so, do not crash
        raise SearchError(f"the search could not be run ({error})") from None


@dataclass(frozen=True)
class FoundCard:
    """A card with what the browser shows beside it."""

    card: Card
    deck: str
    tags: str
    suspended: bool
    buried: bool
    interval_days: int | None
    retrievability: float | None
    position: int = 0  # its place in its deck's new-card order (from 0)


def found_cards(
    db: sqlite_utils.Database, ids: Sequence[int], now: datetime, notetypes: NotetypeLookup | None = None
) -> list[FoundCard]:
    """The cards with these ids, in that order; ids that are not in the collection are left out."""
    now_ms = to_ms(now)
    found: dict[int, FoundCard] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = [int(card_id) for card_id in ids[start : start + _CHUNK]]
        marks = ", ".join("?" * len(chunk))
        rows = db.query(
            f"""SELECT c.*, n.front, n.back, n.kind, n.html, n.tags, n.rest, n.notetype_id, d.name AS deck_name,
                {_INTERVAL} AS interval_days
                {_FROM}{_DECKS} WHERE c.id IN ({marks})""",
            chunk,
        )
        for row in rows:
            found[row["id"]] = FoundCard(
                card=_card(row, notetypes) if notetypes is not None else _card(row),
                deck=row["deck_name"],
                tags=row["tags"],
                suspended=bool(row["suspended"]),
                buried=row["buried_until"] is not None and row["buried_until"] > now_ms,
                interval_days=row["interval_days"],
                retrievability=retrievability(row["stability"], row["last_review"], now_ms),
                position=row["position"],
            )
    return [found[card_id] for card_id in ids if card_id in found]
