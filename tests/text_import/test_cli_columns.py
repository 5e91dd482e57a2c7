"""The command line's import flags for text: --notetype, --map, --separator and --card-separator, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_support import run_studyapp as studyapp

SHEET = "Word\tMeaning\tGender\tExample\nHaus\thouse\tdas\tDas Haus ist groß.\nBaum\ttree\tder\tDer Baum ist alt.\n"


def search(collection: Path, query: str) -> list[dict[str, object]]:
    found = studyapp(collection, "search", query, "--json")
    assert found.returncode == 0, found.stderr
    return json.loads(found.stdout)


def test_every_column_of_a_sheet_reaches_the_collection(tmp_path: Path) -> None:
    sheet = tmp_path / "vocab.tsv"
    sheet.write_text(SHEET, encoding="utf-8")
    collection = tmp_path / "c.db"
    done = studyapp(collection, "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "2 new" in done.stdout and "warning" not in done.stdout
    answers = " ".join(str(card["answer"]) for card in search(collection, "deck:Vocab"))
    assert "das" in answers and "Der Baum ist alt." in answers


def test_map_sends_columns_to_fields_and_tags_and_reports_what_it_leaves_out(tmp_path: Path) -> None:
    sheet = tmp_path / "vocab.tsv"
    sheet.write_text(SHEET, encoding="utf-8")
    collection = tmp_path / "c.db"
    done = studyapp(collection, "import", str(sheet), "--deck", "Mapped", "--map", "1=Wort,2=Bedeutung,3=tags")
    assert done.returncode == 0, done.stderr
    assert "column 4 ('Example') is not imported" in done.stdout and "2 non-empty cells left out" in done.stdout
    cards = search(collection, "deck:Mapped")
    assert sorted(str(card["tags"]) for card in cards) == ["das", "der"]
    wrong = studyapp(collection, "import", str(sheet), "--notetype", "Basic", "--map", "1=Front,2=Extra")
    assert wrong.returncode == 1
    assert (
        wrong.stderr.strip() == "studyapp import: --map: the note type has no field 'Extra' (its fields: Front, Back)"
    )


def test_quizlet_separators_from_the_command_line(tmp_path: Path) -> None:
    export = tmp_path / "export.txt"
    export.write_text("perro@@dog##gato@@cat##", encoding="utf-8")
    collection = tmp_path / "c.db"
    done = studyapp(collection, "import", str(export), "--separator", "@@", "--card-separator", "##")
    assert done.returncode == 0, done.stderr
    assert sorted(str(card["question"]) for card in search(collection, "deck:Export")) == ["gato", "perro"]
