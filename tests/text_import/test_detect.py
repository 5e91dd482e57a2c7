"""Telling formats apart: by extension, and for .txt by content; the text dispatch and its messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.importers.detect import detect_format, read_text_file

from ..conftest import SEED_DECK
from .support import cards, write


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("deck.apkg", b"PK\x03\x04", "apkg"),
        ("all.COLPKG", b"PK\x03\x04", "colpkg"),
        ("deck.csv", b"Just some text?\n\nYes.\n", "csv"),
        ("deck.tsv", b"a\tb\n", "csv"),
        ("rivers.txt", b"About rivers.\n\nLongest river?\n\nThe Nile, 6,650 km.\n", "qa"),
        ("commas.txt", b"Capital of France, in Europe?\n\nParis, a city.\n\nOf Spain, then?\n\nMadrid, too.\n", "qa"),
        ("prefixed.txt", b"Q: perro\nA: dog\nQ: gato\nA: cat\n", "qa"),
        ("quizlet.txt", b"perro\tdog\ngato\tcat\ncasa\thouse\n", "quizlet"),
        ("quizlet-semicolons.txt", b"perro\tdog;gato\tcat;casa\thouse", "quizlet"),
        ("quizlet-multiline.txt", b"perro\ta dog\nthat barks;gato\ta cat;", "quizlet"),
        ("anki.txt", b"#separator:tab\n#html:false\nperro\tdog\n", "csv"),
        ("header-row.txt", b"Front\tBack\nperro\tdog\n", "csv"),
        ("quoted.txt", b'"perro"\tdog\n"gato"\tcat\n', "csv"),
        ("three-columns.txt", b"perro\tdog\tnoun\ngato\tcat\tnoun\n", "csv"),
        ("commas.txt", b"perro,dog\ngato,cat\n", "csv"),
        ("european.txt", b"Preis;3,50\nGewicht;1,2\n", "csv"),
        ("prose.txt", b"Only a description.\n\nAnd a second paragraph.\n", "qa"),
    ],
)
def test_formats_are_told_by_extension_and_content(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    assert detect_format(write(tmp_path, name, content)) == expected


def test_the_bundled_deck_is_qa() -> None:
    assert detect_format(SEED_DECK) == "qa"


def test_unknown_and_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match=r"deck.docx: unknown file type '.docx'"):
        detect_format(write(tmp_path, "deck.docx", b"x"))
    with pytest.raises(ImportFailure, match=r"README: unknown file type 'no extension'"):
        detect_format(write(tmp_path, "README", b"x"))
    with pytest.raises(ImportFailure, match=r"gone.csv: no such file"):
        detect_format(tmp_path / "gone.csv")


def test_read_text_file_dispatches_and_reports_what_it_detected(tmp_path: Path) -> None:
    quizlet = read_text_file(write(tmp_path, "v.txt", "perro\tdog\n", encoding="utf-16"), ImportOptions())
    assert quizlet.details["format"] == "quizlet" and quizlet.details["encoding"] == "utf-16-le"
    assert cards(quizlet) == [("perro", "dog")]
    as_csv = read_text_file(write(tmp_path, "w.txt", "perro\tdog\n"), ImportOptions(format="csv"))
    assert as_csv.details == {
        "format": "csv",
        "encoding": "utf-8",
        "delimiter": "tab",
        "header": "no",
        "html": "no",
        "html_from": "detected",
    }
    with pytest.raises(ImportFailure, match=r"w.txt: is not read as text \(format 'apkg'\)"):
        read_text_file(tmp_path / "w.txt", ImportOptions(format="apkg"))


def test_a_forced_encoding_applies_to_detection_too(tmp_path: Path) -> None:
    path = write(tmp_path, "v.txt", "caf\u00e9\tcoffee\n", encoding="cp1252")
    with pytest.raises(ImportFailure, match=r"v.txt: line 1: is not UTF-8 text \(byte 0xe9 at offset 3\)"):
        read_text_file(path, ImportOptions(encoding="utf-8"))
    assert cards(read_text_file(path, ImportOptions(encoding="cp1252"))) == [("caf\u00e9", "coffee")]
