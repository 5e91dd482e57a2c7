"""Quizlet exports with custom separators, and comma exports whose definitions hold commas."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.importers.detect import detect_format, read_text_file
from studyapp.importers.quizlet import custom_term_separator

from .support import cards, write

SLASHES = (
    "a bad apple/////a trouble maker\n"
    "a couch potato/////a lazy/inactive person\n"
    "a bird in the hand/////it is better to be content, with what you have, than to risk losing it\n"
    "a hard nut to crack/////a person who is difficult to understand\n"
)
DASHES = (
    "Federal judiciary---the branch of the federal government that interprets the laws\n"
    "Supreme Court---the highest court, established in Article III, of the nation\n"
    "Original jurisdiction---the authority of a court to act as the first court to hear a case\n"
    "Judicial review---the power of a court to decide whether a law is constitutional - or not\n"
)
# Quizlet's comma export: no quoting, so a definition's own commas are only text.
COMMAS = "".join(
    f"term {i},definition {i}" + (", with a comma, and another" if i % 3 == 0 else "") + "\n" for i in range(12)
)


@pytest.mark.parametrize(("text", "separator"), [(SLASHES, "/////"), (DASHES, "---")])
def test_a_custom_separator_is_detected_and_split_at_once(tmp_path: Path, text: str, separator: str) -> None:
    path = write(tmp_path, "quizlet.txt", text)
    assert detect_format(path) == "quizlet"
    draft = read_text_file(path, ImportOptions())
    assert draft.details["delimiter"] == separator
    expected = [tuple(line.split(separator, 1)) for line in text.splitlines()]
    assert cards(draft) == expected and draft.skipped == ()


def test_a_comma_export_with_commas_in_definitions_is_read_at_the_first_comma(tmp_path: Path) -> None:
    path = write(tmp_path, "quizlet.txt", COMMAS)
    assert detect_format(path) == "quizlet"
    draft = read_text_file(path, ImportOptions())
    assert cards(draft)[0] == ("term 0", "definition 0, with a comma, and another")
    assert len(draft.notes) == 12 and draft.skipped == () and draft.warnings == ()
    # A comma file whose every row has the same columns is a CSV table.
    table = write(tmp_path, "table.txt", "".join(f"a{i},b{i},c{i}\n" for i in range(5)))
    assert detect_format(table) == "csv"


def test_tag_hierarchies_in_a_tab_file_are_no_custom_separator(tmp_path: Path) -> None:
    path = write(tmp_path, "deck.txt", "hund\tdog\tanimals::pets\nkatze\tcat\tanimals::pets\n")
    assert detect_format(path) == "csv"
    assert custom_term_separator("hund::dog\nkatze::cat\n") == ("::", 1.0)
    assert custom_term_separator("no separator\nhere at all\n") is None


def test_the_options_give_separators_of_any_text_and_make_the_file_quizlet(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", "perro@@dog##gato@@cat##\nlibro@@book")
    draft = read_text_file(path, ImportOptions(delimiter="@@", card_separator="##"))
    assert draft.details["format"] == "quizlet"
    assert cards(draft) == [("perro", "dog"), ("gato", "cat"), ("libro", "book")]
    escaped = read_text_file(write(tmp_path, "e.txt", "a=b\nc=d\n"), ImportOptions(delimiter="=", card_separator="\\n"))
    assert cards(escaped) == [("a", "b"), ("c", "d")]
    with pytest.raises(ImportFailure, match=r"e.txt: the card separator is empty"):
        read_text_file(tmp_path / "e.txt", ImportOptions(delimiter="=", card_separator=""))
