"""The ``studyapp`` command: with no subcommand it opens the window, otherwise it runs the command line.

This launcher is the only module above both front ends, so the command line stays free of Qt and
the GUI is imported only when it is asked for. ``studyapp`` and ``studyapp --collection PATH`` open the
window without loading the command line's modules (a faster start); anything else goes to its parser.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def window_collection(argv: Sequence[str]) -> tuple[bool, Path | None]:
    """(True, the collection or None) when ``argv`` only opens the window; (False, None) otherwise."""
    args = list(argv)
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--collection" and args[1] and not args[1].startswith("-"):
        return True, Path(args[1])
    if len(args) == 1 and args[0].startswith("--collection=") and len(args[0]) > len("--collection="):
        return True, Path(args[0].split("=", 1)[1])
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    window, collection = window_collection(sys.argv[1:] if argv is None else argv)
    if window:
        from studyapp.ui.app.launch import run_gui

        return run_gui(collection)
    from studyapp.cli.main import build_parser, run_command

    args = build_parser().parse_args(argv)
    if args.command is None:
        from studyapp.ui.app.launch import run_gui

        return run_gui(args.collection)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
