"""``studyapp import-log FILE --deck NAME`` and ``studyapp optimize [--deck NAME] [--dry-run]``.

Personal FSRS on the command line: bring in a real review log, then fit the deck's own FSRS-6
parameters to it. ``optimize`` prints how well the old and the fitted parameters predict the history
(log loss and RMSE(bins), lower is better) and saves the fitted ones only if they are better.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from studyapp.services.app import App
from studyapp.services.optimizer import OptimizeError, apply, fit_parameters
from studyapp.services.review_log_import import import_review_log

__all__ = ["OptimizeError", "import_log_from_args", "optimize_from_args", "register"]


def register(commands: Any) -> None:
    """Add ``import-log`` and ``optimize`` to the command line's subparsers."""
    import_log = commands.add_parser(
        "import-log",
        help="import a review log CSV (card_id,review_rating,review_time,review_duration) to fit FSRS on",
    )
    import_log.add_argument("file", type=Path, metavar="FILE")
    import_log.add_argument("--deck", metavar="NAME", required=True, help="the deck for the log's cards")

    optimize = commands.add_parser(
        "optimize", help="fit the deck's own FSRS-6 parameters to its review history and save them if better"
    )
    optimize.add_argument("--deck", metavar="NAME", help="the deck, with its subdecks (default: the first deck)")
    optimize.add_argument("--dry-run", action="store_true", help="fit and report, but save nothing")


def import_log_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    print(import_review_log(app, args.file, args.deck), file=out)


def optimize_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    if args.deck is None:
        decks = app.decks()
        if not decks:
            raise OptimizeError("the collection has no decks")
        name = decks[0].name
    else:
        name = args.deck
    result = fit_parameters(app, name)
    print(
        f"{result.deck}: {result.reviews} reviews, {result.cards} cards answered twice or more "
        f"(fitted in {result.seconds:.1f} s)",
        file=out,
    )
    if result.warning:
        print(f"  note: {result.warning}", file=out)
    print(f"  before: {result.before}", file=out)
    print(f"  after:  {result.after}", file=out)
    if not result.better:
        print("  the fitted parameters are not better: kept the old ones", file=out)
    elif args.dry_run:
        print("  dry run: parameters not saved", file=out)
    else:
        apply(app, result)
        print("  parameters saved to the deck's options preset", file=out)
