"""The one error an importer raises: a one-line message that names the file and the place."""

from __future__ import annotations

import unicodedata
from pathlib import Path

_BREAKING = {"Cc", "Zl", "Zp", "Cs"}  # control characters (line breaks among them), line and paragraph separators


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters written as escapes (``\\n``, ``\\x00``)."""
    if text.isprintable():
        return text
    return "".join(
        ch.encode("unicode_escape", "backslashreplace").decode("ascii") if unicodedata.category(ch) in _BREAKING else ch
        for ch in text
    )


class ImportFailure(Exception):
    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = one_line(reason)  # a stranger's file may put any character in what a message quotes
        self.line = line
        where = one_line(str(path))
        where = f"{where}: line {line}" if line is not None else where
        super().__init__(f"{where}: {self.reason}")
