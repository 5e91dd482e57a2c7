"""The ``studyapp`` command: with no subcommand it opens the window, otherwise it runs the command line.

This launcher is the only module above both front ends, so the command line stays free of Qt and
the GUI is imported only when it is asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from studyapp.cli.main import build_parser, run_command


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from studyapp.ui.launch import run_gui

        return run_gui(args.collection)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
