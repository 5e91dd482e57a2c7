"""Every refusal is one line that names the file, and the line when there is one; nothing is half-read."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.importers.detect import read_text_file

from .support import write

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
CP1252 = "caf\u00e9\tcoffee\n".encode("cp1252")


@pytest.mark.parametrize(
    ("name", "content", "options", "expected"),
    [
        ("e.txt", b"", ImportOptions(), "is empty"),
        ("e.csv", b"", ImportOptions(), "is empty"),
        ("e.txt", b"", ImportOptions(format="quizlet"), "is empty"),
        ("b.txt", PNG, ImportOptions(), "is a binary file, not text"),
        ("b.csv", PNG, ImportOptions(), "is a binary file, not text"),
        ("b.txt", PNG, ImportOptions(format="quizlet"), "is a binary file, not text"),
        ("w.txt", CP1252, ImportOptions(encoding="utf-8"), "line 1: is not UTF-8 text (byte 0xe9 at offset 3)"),
        ("w.csv", CP1252, ImportOptions(encoding="utf-8"), "line 1: is not UTF-8 text (byte 0xe9 at offset 3)"),
        ("n.csv", b"a,b\n,c\n", ImportOptions(has_header=True), "line 2: no usable rows: all 1 were skipped"),
        ("n.txt", b"\ty\n\tz\n", ImportOptions(format="quizlet"), "line 1: no usable cards: all 2 were skipped"),
        ("n.txt", b"Q: a\nA: b\nQ: c\n", ImportOptions(), "line 3: the question 'c' has no answer (A:) after it"),
        ("n.txt", b"Notes.\n\nMore notes.\n", ImportOptions(), "no questions found"),
    ],
)
def test_a_refusal_is_one_line_naming_the_file_and_the_line(
    tmp_path: Path, name: str, content: bytes, options: ImportOptions, expected: str
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(ImportFailure) as caught:
        read_text_file(path, options)
    message = str(caught.value)
    assert message.startswith(f"{path}: {expected}")
    assert "\n" not in message
