"""The one error an importer raises: a one-line message that names the file and the place."""

from __future__ import annotations

from pathlib import Path


class ImportFailure(Exception):
    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{path}: line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
