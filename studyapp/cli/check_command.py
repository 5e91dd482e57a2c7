"""``studyapp check [--repair] [--json]``: Check Collection from the command line.

Exit status 0 when nothing is wrong (or everything found was repaired), 1 when problems are left.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from studyapp.services.app import App
from studyapp.services.maintenance.check import run_check

__all__ = ["check_from_args", "register"]


def register(commands: Any) -> None:
    """Add ``check`` to the command line's subparsers."""
    check = commands.add_parser(
        "check", help="check the collection: database, schedules against the review log, media, search index"
    )
    check.add_argument(
        "--repair",
        action="store_true",
        help="reschedule mismatched cards from their history (logged) and move unused media files to .trash",
    )
    check.add_argument(
        "--thorough",
        action="store_true",
        help="SQLite's full integrity check (every index against its table; about ten times as long) "
        "instead of its quick check",
    )
    check.add_argument("--json", action="store_true", help="print the report as a JSON object")


def check_from_args(app: App, args: argparse.Namespace, out: TextIO) -> int:
    report = run_check(
        app.collection, app.clock, app.rng, app.media_dir, repair=args.repair, thorough=getattr(args, "thorough", False)
    )
    if args.json:
        json.dump(report.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(report.text())
        if report.repairable and not args.repair:
            out.write("Run 'studyapp check --repair' to repair.\n")
    return 0 if report.unresolved == 0 else 1
