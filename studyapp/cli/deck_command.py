"""``studyapp deck delete NAME`` and ``studyapp deck rename OLD NEW``: the deck list's Delete and F2, by name.

Both go through ``services.deck_ops``, as the window does. ``delete`` asks nothing (a script has no one to ask)
and prints what it removed; the review log keeps the deleted cards' history. Undo is the window's (Ctrl+Z in
the deck list); on the command line, ``studyapp restore`` brings back a backup. A bad name, a clash or an
unknown deck is one line on standard error and exit status 1, with the collection unchanged.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from studyapp.core.deck_names import DeckNameError, quoted
from studyapp.services.app import App
from studyapp.services.decks import deck_ops


class DeckCommandError(Exception):
    """A deck command that cannot be done: one line for the user."""


def register(commands: Any) -> None:
    """Add ``deck delete`` and ``deck rename`` to the parser's subcommands (an ``argparse`` subparsers object)."""
    deck = commands.add_parser("deck", help="delete or rename a deck (with its subdecks)")
    actions = deck.add_subparsers(dest="deck_action", metavar="ACTION", required=True)
    delete = actions.add_parser(
        "delete", help="delete a deck with its subdecks, notes and cards (their review history is kept)"
    )
    delete.add_argument("name", metavar="NAME", help="the deck's full name (Parent::Child)")
    rename = actions.add_parser("rename", help="rename a deck; its subdecks follow (Parent::Child moves it)")
    rename.add_argument("old", metavar="OLD", help="the deck's full name now")
    rename.add_argument("new", metavar="NEW", help="its new full name")


def run(app: App, args: argparse.Namespace, out: TextIO) -> None:
    """Do the chosen action; ``DeckCommandError`` (one line) if it cannot be done, nothing changed then."""
    try:
        if args.deck_action == "delete":
            _delete(app, args.name, out)
        else:
            _rename(app, args.old, args.new, out)
    except DeckNameError as error:
        raise DeckCommandError(error.reason) from None


def _existing(app: App, name: str) -> str:
    found = deck_ops.existing_name(app.collection, name)
    if found is None:
        raise DeckCommandError(f"there is no deck called {quoted(name)} (see 'studyapp decks')")
    return found


def _delete(app: App, name: str, out: TextIO) -> None:
    name = _existing(app, name)
    subdecks = deck_ops.subdeck_count(app.collection, name)
    deleted = deck_ops.delete_deck(app.collection, name)
    below = f" and {_count(subdecks, 'subdeck')}" if subdecks else ""
    notes, cards = _count(deleted.note_count, "note"), _count(deleted.card_count, "card")
    print(f"Deleted {deleted.name}{below}: {notes}, {cards} (their review history is kept)", file=out)


def _rename(app: App, old: str, new: str, out: TextIO) -> None:
    old = _existing(app, old)
    subdecks = deck_ops.subdeck_count(app.collection, old)
    new = deck_ops.rename_deck(app.collection, old, new)
    print(f"Renamed {old} to {new}" + (f" (with {_count(subdecks, 'subdeck')})" if subdecks else ""), file=out)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' * (number != 1)}"
