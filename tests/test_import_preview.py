"""What the import dialog is shown before importing: the detected format, settings and first rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.services.importing.import_preview import preview_file

from .conftest import SEED_DECK


def test_a_csv_preview_has_its_cells_the_detected_delimiter_and_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "times.csv"
    path.write_text("front,back,tags\nMeeting?,at 9:00,work::Parent::Child\nLunch?,12:30,food\n", encoding="utf-8")
    preview = preview_file(path)
    assert (preview.format, preview.delimiter, preview.delimiter_label, preview.has_header) == ("csv", ",", ",", True)
    assert preview.column_names == ("front", "back", "tags")
    assert preview.rows[0] == ("Meeting?", "at 9:00", "work::Parent::Child")
    assert preview.columns is not None and (preview.columns.front, preview.columns.back, preview.columns.tags) == (
        0, 1, 2,
    )  # fmt: skip
    assert preview.mappable and preview.note_count is None


def test_choices_change_the_preview(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("a;b\nc;d\n", encoding="utf-8")
    assert preview_file(path, ImportOptions(has_header=False)).rows == (("a", "b"), ("c", "d"))


def test_a_quizlet_preview_names_its_separator(tmp_path: Path) -> None:
    path = tmp_path / "german.txt"
    path.write_text("Hund\tdog\nKatze\tcat\nMaus\tmouse\n", encoding="utf-8")
    preview = preview_file(path)
    assert (preview.format, preview.delimiter, preview.note_count) == ("quizlet", "\t", 3)
    assert preview.rows[0] == ("Hund", "dog", "", "German")
    assert not preview.mappable


def test_a_qa_preview_shows_notes() -> None:
    preview = preview_file(SEED_DECK)
    assert (preview.format, preview.deck_name, preview.note_count) == ("qa", "Calcinosis", 29)
    assert preview.column_names == ("Front", "Back", "Tags", "Deck")
    assert preview.rows[0][0] == "What causes calcinosis?" and len(preview.rows) == 20


def test_a_bad_file_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ImportFailure, match="binary"):
        preview_file(path)
