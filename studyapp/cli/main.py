"""The command line: ``studyapp [--collection PATH] COMMAND``. Qt-free; shares the GUI's services."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

import studyapp
from studyapp.cli import (
    add_command,
    backup_command,
    check_command,
    deck_command,
    fsrs_commands,
    notetypes_command,
    search_command,
    stats_command,
    sync_command,
)
from studyapp.cli.terminal_review import review_in_terminal
from studyapp.core.drafts import ColumnMap, DuplicatePolicy, ImportOptions
from studyapp.core.model import ReviewMode
from studyapp.core.scheduling.deck_options import Deck
from studyapp.importers.columns import parse_column_map, stock_field_names
from studyapp.importers.detect import quizlet_by_options
from studyapp.services.app import App, CollectionError, ExportError, ImportFailure
from studyapp.services.error_log import record_unexpected, unexpected_line
from studyapp.services.paths import COLLECTION_ENV, default_collection_path

FORMATS = ["qa", "csv", "quizlet", "apkg", "colpkg"]
# Commands that only read: a collection that cannot be written (a read-only file, folder or disk) is opened
# read-only for them; where it can be written they open it as every command does (migrated, one writer).
EXIT_UNEXPECTED = 70  # a bug (sysexits' EX_SOFTWARE): not the user's input, disk or network (those exit 1 or 2)
READING_COMMANDS = ("decks", "search", "export", "stats", "notetypes", "sync-status")


class CommandError(Exception):
    """A user-facing failure of a command: printed as one line, exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Spaced-repetition study with FSRS-6. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {studyapp.__version__}")
    parser.add_argument(
        "--collection",
        type=Path,
        metavar="PATH",
        default=None,
        help=f"the collection file (default: ${COLLECTION_ENV}, else collection.db in the platform's data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    decks = commands.add_parser("decks", help="list decks with today's New, Learning and Due counts")
    decks.add_argument("--json", action="store_true", help="print a JSON list of objects")

    imports = commands.add_parser(
        "import", help="import cards: plain-text Q&A, CSV/TSV (Anki headers too), Quizlet, Anki .apkg/.colpkg"
    )
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument("--deck", metavar="NAME", help="the deck for the cards (default: from the file)")
    imports.add_argument("--format", choices=FORMATS, help="the file's format (default: detected)")
    imports.add_argument(
        "--on-duplicate",
        choices=[p.value for p in DuplicatePolicy],
        default=DuplicatePolicy.UPDATE.value,
        help="a note already in the collection: update it (keeps progress), keep it, or add a duplicate",
    )
    imports.add_argument("--with-history", action="store_true", help="Anki packages: import the review history too")
    imports.add_argument("--with-progress", action="store_true", help="report progress on standard error")
    imports.add_argument(
        "--notetype", metavar="NAME", help="delimited text: the note type to import into (default: from the file)"
    )
    imports.add_argument(
        "--map",
        metavar="SPEC",
        help="delimited text: each column (from 1) to a field, tags, deck, guid or ignore, e.g. 1=Front,2=Back,3=tags",
    )
    imports.add_argument(
        "--separator", metavar="TEXT", help="between the columns, or a Quizlet term and definition (e.g. tab, /////)"
    )
    imports.add_argument("--card-separator", metavar="TEXT", help="Quizlet: between cards (e.g. newline, ';', '##')")

    exports = commands.add_parser(
        "export", help="export a deck, or the collection, to .csv, .txt (tab-separated), .apkg or .colpkg"
    )
    exports.add_argument("file", type=Path, metavar="FILE")
    exports.add_argument("--deck", metavar="NAME", help="the deck to export, with its subdecks (default: every deck)")
    history = exports.add_mutually_exclusive_group()
    history.add_argument(
        "--with-history", dest="with_history", action="store_true", default=True,
        help=".apkg: each card's schedule and review log go along (the default; a .colpkg always has them)",
    )  # fmt: skip
    history.add_argument(
        "--without-history", dest="with_history", action="store_false", help=".apkg: every card goes out as new"
    )

    review = commands.add_parser("review", help="study in the terminal (also reads answers from a pipe)")
    review.add_argument("--deck", metavar="NAME", help="the deck to study (default: the first deck)")
    review.add_argument(
        "--mode",
        choices=[mode.value for mode in ReviewMode],
        help="flip, type the answer, or multiple choice (default: the deck's last mode; remembered for the deck)",
    )
    add_command.register(commands)
    deck_command.register(commands)
    search_command.register(commands)
    fsrs_commands.register(commands)
    stats_command.register(commands)
    check_command.register(commands)
    backup_command.register(commands)
    notetypes_command.register(commands)
    sync_command.register(commands)
    return parser


def run_command(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if args.command in backup_command.COMMANDS:  # these also work on a damaged collection
        return backup_command.run(args, stdout)
    try:
        app = backup_command.open_app(  # damage: a CollectionError
            args.collection or default_collection_path(), reading=args.command in READING_COMMANDS
        )
    except (CollectionError, ImportFailure) as error:
        print(f"studyapp: {backup_command.open_error(args, error)}", file=sys.stderr)
        return 2
    if app.upgrade_notice:  # the first open by this version changed something: one line
        print(f"studyapp: {app.upgrade_notice}", file=sys.stderr)
    try:
        if args.command == "decks":
            _decks(app, args.json, stdout)
        elif args.command == "import":
            _import(app, args, stdout)
        elif args.command == "export":
            found = app.find_deck(args.deck) if args.deck is not None else None
            result = app.export(args.file, found.name if found is not None else args.deck, args.with_history)
            print("\n".join(result.lines()), file=stdout)
        elif args.command == "add":
            add_command.add_from_args(app, args, stdout)
        elif args.command == "deck":
            deck_command.run(app, args, stdout)
        elif args.command == "search":
            search_command.search_from_args(app, args, stdout)
        elif args.command == "stats":
            stats_command.stats_from_args(app, args, stdout)
        elif args.command == "notetypes":
            notetypes_command.notetypes_from_args(app, args, stdout)
        elif args.command == "import-log":
            fsrs_commands.import_log_from_args(app, args, stdout)
        elif args.command == "optimize":
            fsrs_commands.optimize_from_args(app, args, stdout)
        elif args.command == "suggest-retention":
            fsrs_commands.suggest_retention_from_args(app, args, stdout)
        elif args.command == "check":
            return check_command.check_from_args(app, args, stdout)
        elif args.command in sync_command.COMMANDS:
            return sync_command.run(app, args, stdin, stdout)
        elif args.command == "review":
            mode = ReviewMode(args.mode) if args.mode else None
            review_in_terminal(app.review_session(_deck(app, args.deck).id, mode), stdin, stdout)
        return 0
    except (
        CommandError,
        CollectionError,  # a StorageError: the disk is full or read-only, or the file vanished; nothing half-written
        ImportFailure,
        ExportError,
        add_command.NoteError,
        deck_command.DeckCommandError,
        search_command.SearchError,
        *fsrs_commands.ERRORS,
        stats_command.StatsError,
    ) as error:
        print(f"studyapp {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=stdout)
        return 130
    except Exception as error:  # a bug: its traceback to the error log, one line here (its transaction rolled back)
        log = record_unexpected(error, f"studyapp {args.command}")
        print(f"studyapp {args.command}: {unexpected_line(error, log)}", file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        app.close()


def _import(app: App, args: argparse.Namespace, out: TextIO) -> None:
    reported: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent // 10 != reported.get(stage, -1):
            reported[stage] = percent // 10
            print(f"{stage} {args.file.name}: {percent}%", file=sys.stderr, flush=True)

    options = ImportOptions(
        format=args.format
        or quizlet_by_options(ImportOptions(delimiter=args.separator, card_separator=args.card_separator)),
        deck_name=args.deck,
        include_history=args.with_history,
        notetype=args.notetype,
        columns=_column_map(app, args.map, args.notetype),
        delimiter=args.separator,
        card_separator=args.card_separator,
    )
    job = app.import_job(
        args.file, options, DuplicatePolicy(args.on_duplicate), progress if args.with_progress else None
    )
    summary = job.run()
    print(summary, file=out)
    if summary.details.get("decks"):  # a package: where its cards really went (under --deck, with its tree)
        print(f"  cards: {summary.details['decks']}", file=out)
    if summary.details.get("history"):
        print(f"  history in the file: {summary.details['history']}", file=out)
    for warning in summary.warnings:
        print(f"  warning: {warning}", file=out)
    for skip in summary.skipped:
        print(f"  skipped {skip.place}: {skip.reason}", file=out)


def _column_map(app: App, spec: str | None, notetype: str | None) -> ColumnMap | None:
    """``--map`` as a column map: field names are the chosen note type's (the collection's, or a stock one's).
    Without ``--map``, a type the collection has takes the file's columns in order, one per field."""
    known: tuple[str, ...] | None = None
    found = None
    if notetype:
        found = app.collection.notetypes.by_name(notetype)
        known = found.field_names if found is not None else stock_field_names(notetype)
    if spec is None:
        if known is None or found is None:
            return None
        return ColumnMap(fields=tuple((index, index) for index in range(len(known))), field_names=known)
    try:
        return parse_column_map(spec, known)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _deck(app: App, name: str | None) -> Deck:
    decks = app.decks()
    if not decks:
        raise CommandError("the collection has no decks; import one with 'studyapp import FILE'")
    if name is None:
        return decks[0]
    deck = app.find_deck(name)
    if deck is None:
        raise CommandError(f"no deck named '{name}' (decks: {', '.join(d.name for d in decks)})")
    return deck


def _decks(app: App, as_json: bool, out: TextIO) -> None:
    counts = app.deck_counts()
    if as_json:
        rows = [
            {"name": c.name, "new": c.new, "learning": c.learning, "due": c.due, "total": c.total, "id": c.deck_id}
            for c in counts
        ]
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    width = max([len("Deck")] + [len(c.name) for c in counts])
    out.write(f"{'Deck':<{width}}  {'New':>5}  {'Learning':>8}  {'Due':>5}  {'Total':>6}\n")
    for c in counts:
        out.write(f"{c.name:<{width}}  {c.new:>5}  {c.learning:>8}  {c.due:>5}  {c.total:>6}\n")
