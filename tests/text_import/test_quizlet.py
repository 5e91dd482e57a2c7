"""Quizlet exports: tab or comma between term and definition, newline or semicolon between cards, or custom."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions, Skip
from studyapp.core.ids import content_guid
from studyapp.importers import ImportFailure
from studyapp.importers.quizlet import parse_quizlet, read_quizlet

from .support import cards, write

P = Path("spanish.txt")
WORDS = [("perro", "dog, a pet"), ("gato", "cat"), ("casa", "house")]


@pytest.mark.parametrize("term_separator", ["\t", ","])
@pytest.mark.parametrize("card_separator", ["\n", ";"])
def test_each_separator_pair_is_detected(term_separator: str, card_separator: str) -> None:
    words = WORDS if term_separator == "\t" else [(t, d.replace(",", "")) for t, d in WORDS]
    text = card_separator.join(f"{term}{term_separator}{definition}" for term, definition in words)
    draft = parse_quizlet(text, P, ImportOptions())
    assert cards(draft) == words
    shown = {"\t": "tab", ",": "comma", "\n": "newline", ";": "semicolon"}
    assert (draft.details["delimiter"], draft.details["card_separator"]) == (
        shown[term_separator],
        shown[card_separator],
    )


def test_definitions_span_lines_when_cards_end_with_semicolons() -> None:
    text = "perro\ta dog\nbarks, wags;gato\ta cat\nmeows;\ncasa\thouse;"
    draft = parse_quizlet(text, P, ImportOptions())
    assert cards(draft) == [("perro", "a dog\nbarks, wags"), ("gato", "a cat\nmeows"), ("casa", "house")]
    assert [note.line for note in draft.notes] == [1, 2, 4]


def test_commas_inside_definitions_stay_when_comma_separates_the_term() -> None:
    draft = parse_quizlet("dog,a pet, loyal\ncat,a pet, aloof\n", P, ImportOptions())
    assert cards(draft) == [("dog", "a pet, loyal"), ("cat", "a pet, aloof")]


def test_custom_separators_come_from_the_options() -> None:
    text = "perro - dog\n===\ngato - cat\nmore\n===\n"
    options = ImportOptions(delimiter=" - ", card_separator="\n===\n")
    draft = parse_quizlet(text, P, options)
    assert cards(draft) == [("perro", "dog"), ("gato", "cat\nmore")]
    assert [note.line for note in draft.notes] == [1, 3]
    named = parse_quizlet("a\tb;c\td", P, ImportOptions(delimiter="tab", card_separator="semicolon"))
    assert cards(named) == [("a", "b"), ("c", "d")]


def test_cards_without_a_separator_or_a_term_are_skipped_and_guids_are_stable() -> None:
    draft = parse_quizlet("perro\tdog\nno separator here\n\tlonely definition\nperro\tdog again\n", P, ImportOptions())
    assert cards(draft) == [("perro", "dog"), ("perro", "dog again")]
    assert draft.skipped == (Skip("line 2", "no tab between term and definition"), Skip("line 3", "empty term"))
    base = content_guid("Spanish", "perro")
    assert [note.guid for note in draft.notes] == [base, f"{base}#2"]


def test_the_reader_names_the_deck_and_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "vocab_week-1.txt", "caf\u00e9\tcoffee\n", encoding="cp1252")
    draft = read_quizlet(path, ImportOptions())
    assert (draft.name, draft.details["encoding"], cards(draft)) == (
        "Vocab week 1",
        "cp1252",
        [("caf\u00e9", "coffee")],
    )
    assert read_quizlet(path, ImportOptions(deck_name="Mine")).name == "Mine"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "no separators at all\nanywhere\n",
            r"line 1: has no tab, comma or other separator between a term and its definition",
        ),
        ("\tx\n\ty\n", r"line 1: no usable cards: all 2 were skipped \(the first for 'empty term'\)"),
    ],
)
def test_unusable_exports_are_refused_with_a_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "q.txt", text)
    with pytest.raises(ImportFailure, match=message) as caught:
        read_quizlet(path, ImportOptions())
    assert str(caught.value).startswith(f"{path}: ")
