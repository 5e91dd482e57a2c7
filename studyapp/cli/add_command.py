"""``studyapp add``: one note from the command line.

    studyapp add --deck NAME FRONT BACK [--tags TAG ...] [--reversed]
    studyapp add --deck NAME --notetype TYPE [VALUE ...] [--field NAME=TEXT ...] [--tags TAG ...]

The first form makes a Basic note (Basic (and reversed card) with ``--reversed``, Cloze when the front has
``{{c1::...}}``). The second fills the fields of any note type of the collection (or a stock type by its
name): values in the type's field order, then ``--field Name=text`` by name. The deck is created if it does
not exist. A duplicate first field is added anyway, with a warning on standard error (scripts adding many
notes should not stop at the first repeat); an empty first field, an unknown note type or field name, or
more values than fields is an error of one line, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from studyapp.services.app import App
from studyapp.services.notes.adding import AddOutcome, add_fields_to_deck, add_to_deck
from studyapp.services.notes.notes import NoteError, NoteText

__all__ = ["NoteError", "add_from_args", "register"]


def register(commands: Any) -> None:
    """Add the ``add`` subcommand to the parser's subcommands (an ``argparse`` subparsers object)."""
    adding = commands.add_parser(
        "add",
        help="add a note: FRONT BACK, or --notetype TYPE with its fields",
        description="Add a note. FRONT BACK make a Basic note (a front with {{c1::...}} makes a Cloze note); "
        "--notetype TYPE takes that note type's fields in order, or by name with --field NAME=TEXT.",
    )
    adding.add_argument("values", metavar="FIELD", nargs="*", help="FRONT BACK, or the note type's fields in order")
    adding.add_argument("--deck", metavar="NAME", required=True, help="the deck (created if it does not exist)")
    adding.add_argument("--notetype", metavar="TYPE", help="the note type, by name (e.g. 'Basic (type in the answer)')")
    adding.add_argument(
        "--field", metavar="NAME=TEXT", action="append", default=[], help="a field by name (repeat for each field)"
    )
    adding.add_argument("--tags", metavar="TAG", nargs="+", default=[], help="tags for the note")
    adding.add_argument("--reversed", action="store_true", help="also add the reversed card (back -> front)")


def _named(pairs: list[str]) -> list[tuple[str, str]]:
    named = []
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name.strip():
            raise NoteError(f"--field {pair!r}: write it as NAME=TEXT (e.g. --field Back=answer)")
        named.append((name, text))
    return named


def add_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    """Add the note; raises ``NoteError`` (one line) for an empty first field, a broken cloze, a bad field."""
    tags = tuple(dict.fromkeys(tag for text in args.tags for tag in text.replace(",", " ").split()))
    values: list[str] = list(args.values)
    outcome: AddOutcome
    if args.notetype is None and not args.field:
        if len(values) != 2:
            raise NoteError("give FRONT and BACK, or --notetype TYPE with its fields")
        text = NoteText(values[0], values[1], tags, html=False, reversed_card=args.reversed)
        outcome = add_to_deck(app, args.deck, text)
        kind = ""
    else:
        if args.reversed:
            raise NoteError("--reversed is for FRONT BACK; with fields, choose --notetype 'Basic (and reversed card)'")
        name = args.notetype if args.notetype is not None else "Basic"
        outcome, notetype = add_fields_to_deck(app, args.deck, name, values, _named(args.field), tags)
        kind = f" of {notetype.name}"
    if outcome.duplicate_of is not None:
        print(
            f"studyapp add: warning: {outcome.deck.name} already has a note with this front (added anyway)",
            file=sys.stderr,
        )
    cards = len(outcome.added.card_ids)
    print(f"Added 1 note{kind} ({cards} card{'s' if cards != 1 else ''}) to {outcome.deck.name}", file=out)
