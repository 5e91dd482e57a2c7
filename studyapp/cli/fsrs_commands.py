"""``studyapp import-log``, ``studyapp optimize`` and ``studyapp suggest-retention``.

Personal FSRS on the command line: bring in a real review log, then fit the deck's own FSRS-6
parameters to it. ``optimize`` prints how well the old and the fitted parameters predict the history
(log loss and RMSE(bins), lower is better), saves the fitted ones only if they are better (into the
deck's preset, which other decks may share) and then reschedules the cards of every deck using that
preset, unless ``--no-reschedule``. ``suggest-retention`` simulates the deck at each desired retention.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from studyapp.core.wording import plural
from studyapp.services.app import App
from studyapp.services.fsrs.optimizer import OptimizeError, fit_parameters, preset_use, save_and_reschedule
from studyapp.services.fsrs.reschedule import RescheduleError, StaleScheduleError
from studyapp.services.fsrs.retention import RetentionError, suggest_retention
from studyapp.services.fsrs.review_log_import import import_review_log

__all__ = [
    "ERRORS",
    "OptimizeError",
    "import_log_from_args",
    "optimize_from_args",
    "register",
    "suggest_retention_from_args",
]

# What these commands raise for the user: one line on standard error.
ERRORS = (OptimizeError, RescheduleError, RetentionError, StaleScheduleError)


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
    optimize.add_argument(
        "--no-reschedule", action="store_true", help="save the parameters but leave the cards' due dates as they are"
    )

    suggest = commands.add_parser(
        "suggest-retention", help="simulate the deck at each desired retention and suggest one, with the trade-off"
    )
    suggest.add_argument("--deck", metavar="NAME", help="the deck, with its subdecks (default: the first deck)")
    suggest.add_argument("--json", action="store_true", help="the figures for every retention, as JSON")


def import_log_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    summary = import_review_log(app, args.file, args.deck)
    print(summary, file=out)
    for skip in summary.skipped:
        print(f"  skipped {skip.place}: {skip.reason}", file=out)


def _deck_name(app: App, name: str | None) -> str:
    if name is not None:
        return name
    decks = app.decks()
    if not decks:
        raise OptimizeError("the collection has no decks")
    return decks[0].name


def optimize_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    result = fit_parameters(app, _deck_name(app, args.deck))
    print(
        f"{result.deck}: {plural(result.reviews, 'review')}, {plural(result.cards, 'card')} answered twice or more "
        f"(fitted in {result.seconds:.1f} s)",
        file=out,
    )
    if result.warning:
        print(f"  note: {result.warning}", file=out)
    print(f"  before: {result.before}", file=out)
    print(f"  after:  {result.after}", file=out)
    print(f"  {result.verdict}", file=out)
    if not result.better:
        print("  the fitted parameters are not better: kept the old ones", file=out)
    elif args.dry_run:
        use = preset_use(app, result.deck)
        print(f"  dry run: parameters not saved (they would go to {use or 'the deck'})", file=out)
    else:
        saved = save_and_reschedule(app, result, reschedule=not args.no_reschedule)
        print(f"  parameters saved to {saved.preset}", file=out)
        if saved.rescheduled is not None:
            print(f"  {saved.rescheduled} ({saved.rescheduled.seconds:.1f} s)", file=out)
        else:
            print("  cards not rescheduled: their due dates change as they are answered", file=out)


def suggest_retention_from_args(app: App, args: argparse.Namespace, out: TextIO) -> None:
    suggestion = suggest_retention(app, _deck_name(app, args.deck))
    if args.json:
        print(json.dumps(suggestion.to_json(), indent=2), file=out)
        return
    print(f"{suggestion.deck}: suggested desired retention {suggestion.suggested:.2f} (now {suggestion.current:.2f})",
          file=out)  # fmt: skip
    for line in suggestion.explanation.splitlines():
        print(f"  {line}", file=out)
    print("  retention  reviews/day  remembered  minutes/day", file=out)
    for point in suggestion.points[::3]:
        print(
            f"  {point.retention:9.2f}  {point.reviews_per_day:11.0f}  {point.memorized:10.0f}  "
            f"{point.minutes_per_day:11.0f}",
            file=out,
        )
