"""``studyapp add --deck NAME FRONT BACK [--tags TAG ...] [--reversed]``: one note from the command line.

The deck is created if it does not exist. A duplicate front is added anyway, with a warning on standard
error (scripts adding many notes should not stop at the first repeat); an empty front is an error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from studyapp.services.app import App
from studyapp.services.notes.adding import add_to_deck
from studyapp.services.notes.notes import NoteError, NoteText

__all__ = ["NoteError", "add_from_args", "register"]


def register(commands: Any) -> None:
    """Add the ``add`` subcommand to the parser's subcommands (an ``argparse`` subparsers object)."""
    adding = commands.add_parser("add", help="add a note (a front with {{c1::...}} makes a cloze note)")
    adding.add_argument("front", metavar="FRONT")
    adding.add_argument("back", metavar="BACK")
    adding.add_argument("--deck", metavar="NAME", required=True, help="the deck (created if it does not exist)")
    adding.add_argument("--tags", metavar="TAG", nargs="+", default=[], help="tags for the note")
    adding.add_argument("--reversed", action="store_true", help="also add the reversed card (back -> front)")


def add_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    """Add the note; raises ``NoteError`` (one line) for an empty front or a broken cloze."""
    tags = tuple(dict.fromkeys(tag for text in args.tags for tag in text.replace(",", " ").split()))
    text = NoteText(args.front, args.back, tags, html=False, reversed_card=args.reversed)
    outcome = add_to_deck(app, args.deck, text)
    if outcome.duplicate_of is not None:
        print(
            f"studyapp add: warning: {outcome.deck.name} already has a note with this front (added anyway)",
            file=sys.stderr,
        )
    cards = len(outcome.added.card_ids)
    print(f"Added 1 note ({cards} card{'s' if cards != 1 else ''}) to {outcome.deck.name}", file=out)
