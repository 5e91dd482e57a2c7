"""``studyapp search QUERY [--json] [--limit N]``: the browser's search on the command line."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta, tzinfo
from typing import Any, TextIO

from studyapp.core.model import CardState
from studyapp.core.scheduling.intervals import format_interval
from studyapp.services.app import App
from studyapp.services.notes.search import CardRow, SearchError, SortKey, card_rows, search_card_ids

__all__ = ["SearchError", "register", "search_from_args"]

PAGE = 500  # rows read at a time
QUESTION_WIDTH = 60


def _count(text: str) -> int:
    number = int(text)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


def register(commands: Any) -> None:
    """Add the ``search`` command to the command line's subparsers."""
    search = commands.add_parser(
        "search",
        help='find cards: words, "phrases", FIELD:text, deck:NAME, tag:NAME, is:due, prop:r<0.8, added:7 ...',
        description=(
            'Find cards. Words and "phrases" in any field (accents and case ignored, calc* for a prefix), -word to '
            "leave out, or, parentheses; FIELD:text for a field that holds exactly text (front:dog, "
            '"Back Extra":*dog* with * any characters and _ one, front: an empty field), deck:NAME (with subdecks), '
            "tag:NAME, "
            "is:new|learn|review|due|suspended|buried, prop:ivl|reps|lapses|r|s|d with < <= > >= = !=, "
            "added:DAYS, rated:DAYS. Put -- before a query that starts with '-'."
        ),
    )
    search.add_argument("query", nargs="*", metavar="QUERY", help="the search (several words are joined); none: all")
    search.add_argument(
        "--json", action="store_true", help="print a JSON list of objects (with each note's type and every field)"
    )
    search.add_argument("--limit", type=_count, metavar="N", help="show at most N cards")
    search.add_argument(
        "--sort", choices=[key.value for key in SortKey], default=SortKey.ADDED.value, help="order (default: added)"
    )
    search.add_argument("--descending", action="store_true", help="in descending order")


def search_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    """Run the search; a query that cannot be read raises :class:`SearchError`."""
    ids = search_card_ids(app.collection, app.clock, " ".join(args.query), SortKey(args.sort), args.descending)
    shown = ids if args.limit is None else ids[: args.limit]
    rows: list[CardRow] = []
    for start in range(0, len(shown), PAGE):
        rows.extend(card_rows(app.collection, app.clock, shown[start : start + PAGE], with_fields=args.json))
    if args.json:
        json.dump([_as_json(row) for row in rows], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _table(rows, len(ids), app.clock.local_zone(), out)


def _as_json(row: CardRow) -> dict[str, Any]:
    return {
        "card_id": row.card_id,
        "note_id": row.note_id,
        "question": row.question,
        "answer": row.answer,
        "notetype": row.notetype,
        "sort_field": row.sort_field,
        "fields": dict(row.fields),
        "deck": row.deck,
        "tags": row.tags,
        "due": row.due.isoformat() if row.due else None,
        "interval_days": row.interval_days,
        "stability": row.stability,
        "difficulty": row.difficulty,
        "retrievability": row.retrievability,
        "reviews": row.reviews,
        "lapses": row.lapses,
        "state": row.state.name.lower(),
        "suspended": row.suspended,
        "buried": row.buried,
    }


def _due(row: CardRow, zone: tzinfo) -> str:
    if row.due is None:
        return "new"
    local = row.due.astimezone(zone)
    return local.strftime("%Y-%m-%d") if row.state is CardState.REVIEW else local.strftime("%Y-%m-%d %H:%M")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[CardRow], total: int, zone: tzinfo, out: TextIO) -> None:
    lines = [
        (
            _cut(row.question, QUESTION_WIDTH),
            row.deck,
            _due(row, zone),
            "" if row.interval_days is None else format_interval(timedelta(days=row.interval_days)),
        )
        for row in rows
    ]
    header = ("Question", "Deck", "Due", "Interval")
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(3)]
    for question, deck, due, interval in [header, *lines]:
        out.write(f"{question:<{widths[0]}}  {deck:<{widths[1]}}  {due:<{widths[2]}}  {interval:>8}".rstrip() + "\n")
    cards = "card" if total == 1 else "cards"
    out.write(f"{total} {cards}\n" if len(rows) == total else f"{len(rows)} of {total} {cards}\n")
