"""The real Anki engine, for golden tests of the LaTeX file names (made at test time, in a temporary folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An empty Anki collection (``anki.collection.Collection``), closed afterwards."""
    from anki.collection import Collection

    col = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def anki_latex_names(col: Any, text: str, svg: bool) -> set[str]:
    """What Anki's engine names for a field: as it is (its export) and with the clozes revealed (its Check)."""
    names = {latex.filename for latex in col._backend.extract_latex(text=text, svg=svg, expand_clozes=False).latex}
    if "{{c" in text:
        expanded = col._backend.extract_latex(text=text, svg=svg, expand_clozes=True).latex
        names |= {latex.filename for latex in expanded}
    return names


def write_files(folder: Path, names: set[str] | list[str], data: bytes = b"\x89PNG\r\n\x1a\nlatex") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(data)
