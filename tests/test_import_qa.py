"""Importing plain-text Q&A: re-imports add nothing, changes keep progress, bad files change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.core.model import Rating
from studyapp.importers import ImportFailure
from studyapp.importers.plaintext_qa import deck_name_from_path, read_qa
from studyapp.services.app import App

from .conftest import collection_fingerprint

GOOD = "Deck about rivers.\n\nLongest river?\n\nThe Nile.\n\nWidest river?\n\nThe Amazon.\nIn the wet season.\n"


def test_import_then_reimport_adds_nothing(app: App, tmp_path: Path) -> None:
    path = tmp_path / "rivers.txt"
    path.write_text(GOOD, encoding="utf-8")
    first = app.import_file(path)
    assert (first.deck, first.new, first.updated, first.unchanged) == ("Rivers", 2, 0, 0)
    assert str(first) == "Rivers: 2 new, 0 updated, 0 unchanged"
    again = app.import_file(path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    deck = app.find_deck("rivers")
    assert deck is not None and deck.description == "Deck about rivers."
    assert [c.total for c in app.deck_counts() if c.name == "Rivers"] == [2]


def test_a_changed_answer_updates_the_card_and_keeps_its_progress(app: App, tmp_path: Path) -> None:
    path = tmp_path / "rivers.txt"
    path.write_text(GOOD, encoding="utf-8")
    app.import_file(path)
    deck = app.find_deck("Rivers")
    assert deck is not None
    session = app.review_session(deck.id)
    card = session.next_card()
    assert card is not None
    session.answer(Rating.EASY)
    studied = app.collection.reviews.card(card.id)

    path.write_text(GOOD.replace("The Nile.", "The Nile, about 6,650 km."), encoding="utf-8")
    summary = app.import_file(path)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    updated = app.collection.reviews.card(card.id)
    assert updated is not None and studied is not None
    assert updated.back == "The Nile, about 6,650 km."
    assert updated.schedule == studied.schedule


def test_multi_paragraph_answers_and_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"What is water?\r\n\r\nH2O.\r\n\r\nA liquid at room temperature.\r\n")
    [note] = read_qa(path).notes
    assert note.back == "H2O.\n\nA liquid at room temperature."
    assert note.line == 1


def test_a_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffWhy?\n\nBecause.\n".encode())
    assert read_qa(path).notes[0].front == "Why?"


def test_deck_names_come_from_file_names() -> None:
    assert deck_name_from_path(Path("organic-chem_2.txt")) == "Organic chem 2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Only a description.\n\nAnd a second paragraph.\n", r"no questions found"),
        (b"", r"is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), r"binary file"),
        (b"First?\n\nYes.\n\nSecond?\n", r"line 5: the question 'Second\?' has no answer"),
    ],
    ids=["no-question", "empty", "binary", "no-answer"],
)
def test_bad_files_get_a_one_line_message_and_change_nothing(
    app: App, collection_path: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = collection_fingerprint(collection_path)
    with pytest.raises(ImportFailure, match=message) as caught:
        app.import_file(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and "\n" not in text
    assert collection_fingerprint(collection_path) == before


def test_a_missing_file_is_named(app: App, tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="nothing.txt: no such file"):
        app.import_file(tmp_path / "nothing.txt")


def test_a_cp1252_file_is_detected_and_imported(app: App, tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes("Caf\u00e9 means?\n\nCoffee.\n".encode("cp1252"))
    summary = app.import_file(path)
    assert (summary.deck, summary.new) == ("Cafe", 1)
    assert summary.details["encoding"] == "cp1252"
    deck = app.find_deck("Cafe")
    assert deck is not None
    card = app.review_session(deck.id).next_card()
    assert card is not None and (card.front, card.back) == ("Caf\u00e9 means?", "Coffee.")


def test_forcing_utf8_on_a_cp1252_file_fails_in_one_line_and_changes_nothing(
    app: App, collection_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("Caf\u00e9 means?\n\nCoffee.\n".encode("cp1252"))
    before = collection_fingerprint(collection_path)
    with pytest.raises(ImportFailure, match=r"line 1: is not UTF-8 text \(byte 0xe9 at offset 3\)") as caught:
        app.import_file(path, options=ImportOptions(encoding="utf-8"))
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)
    assert collection_fingerprint(collection_path) == before
