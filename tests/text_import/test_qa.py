"""Q&A text in both styles: question paragraphs ending in '?', and Q:/A: prefixed lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.core.ids import content_guid
from studyapp.importers import ImportFailure
from studyapp.importers.plaintext_qa import parse_qa, read_qa, read_qa_file

from .support import cards, write

PREFIXED = """Spanish words, week 1.

Q: perro
A: dog
q: gato
a: cat
(a pet)

Q: What is
the plural of "el"?
A:   los
  Q: casa
A: house
A: (also: home)
"""


def test_prefixed_lines_give_cards_with_continuations_and_a_description() -> None:
    draft = parse_qa(PREFIXED, Path("spanish.txt"), "Spanish")
    assert draft.description == "Spanish words, week 1."
    assert cards(draft) == [
        ("perro", "dog"),
        ("gato", "cat\n(a pet)"),
        ('What is\nthe plural of "el"?', "los"),
        ("casa", "house\n(also: home)"),
    ]
    assert [note.line for note in draft.notes] == [3, 5, 9, 12]
    assert draft.details["style"] == "Q:/A: lines"


def test_paragraph_style_is_kept_when_answers_merely_mention_q_colon() -> None:
    text = "What is a label?\n\nA: is the first letter.\nQ: is the seventeenth.\n"
    draft = parse_qa(text, Path("labels.txt"), "Labels")
    assert cards(draft) == [("What is a label?", "A: is the first letter.\nQ: is the seventeenth.")]
    assert draft.details["style"] == "paragraphs"


def test_the_same_question_twice_keeps_both_cards_with_stable_guids() -> None:
    draft = parse_qa("Q: same\nA: one\nQ: same\nA: two\n", Path("d.txt"), "Deck")
    base = content_guid("Deck", "same")
    assert [note.guid for note in draft.notes] == [base, f"{base}#2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q: perro\nA: dog\nQ: gato\n\n", r"line 3: the question 'gato' has no answer \(A:\) after it"),
        ("Q: perro\nA: dog\nQ:\nA: cat\n", r"line 3: a question \(Q:\) without any text"),
    ],
)
def test_prefixed_mistakes_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(ImportFailure, match=message) as caught:
        read_qa(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_the_uniform_entry_point_takes_options_and_reports_progress(tmp_path: Path) -> None:
    path = write(tmp_path, "rivers.txt", "Longest river?\n\nThe Nile.\n", encoding="utf-16")
    seen: list[tuple[int, int]] = []
    draft = read_qa_file(path, ImportOptions(deck_name="Geo"), lambda done, total: seen.append((done, total)))
    assert draft.name == "Geo" and cards(draft) == [("Longest river?", "The Nile.")]
    assert draft.details == {"format": "qa", "style": "paragraphs", "html": "no", "encoding": "utf-16-le"}
    assert seen[-1] == (1, 1)


def test_a_cp1252_file_is_read_with_its_accents(tmp_path: Path) -> None:
    """Replaces the old expectation that such a file is refused as 'not UTF-8 text'."""
    path = write(tmp_path, "bad.txt", "Caf\u00e9 means?\n\nCoffee.\n", encoding="cp1252")
    draft = read_qa(path)
    assert cards(draft) == [("Caf\u00e9 means?", "Coffee.")]
    assert draft.details["encoding"] == "cp1252"
    with pytest.raises(ImportFailure, match=r"line 1: is not UTF-8 text \(byte 0xe9 at offset 3\)"):
        read_qa_file(path, ImportOptions(encoding="utf-8"))


def test_a_question_of_megabytes_is_quoted_briefly(tmp_path: Path) -> None:
    question = "why " * 2_000_000 + "?"
    path = write(tmp_path, "big.txt", f"{question}\n")
    with pytest.raises(ImportFailure) as caught:
        read_qa(path)
    assert len(str(caught.value)) < 200 and "has no answer after it" in str(caught.value)
