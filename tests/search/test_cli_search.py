"""``studyapp search``, run as a real process on the known collection."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ..test_cli import studyapp
from .world import QUOTE, build_world

KEYS = {
    "card_id", "note_id", "question", "answer", "deck", "tags", "due", "interval_days", "stability",
    "difficulty", "retrievability", "reviews", "lapses", "state", "suspended", "buried", "notetype", "sort_field",
    "fields",
}  # fmt: skip


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    collection = tmp_path_factory.mktemp("cli") / "collection.db"
    build_world(collection).app.close()
    return collection


def search(path: Path, *args: str) -> list[dict[str, object]]:
    result = studyapp("--collection", str(path), "search", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_has_every_field(path: Path) -> None:
    [row] = search(path, "tag:bio is:review -is:suspended")
    assert set(row) == KEYS
    assert {k: row[k] for k in ("question", "answer", "deck", "tags", "state", "reviews", "lapses")} == {
        "question": "Mitochondria",
        "answer": "the powerhouse of the cell",
        "deck": "Party",
        "tags": "Bio",
        "state": "review",
        "reviews": 1,
        "lapses": 0,
    }
    assert (row["notetype"], row["fields"]) == (
        "Basic",
        {"Front": "Mitochondria", "Back": "the powerhouse of the cell"},
    )
    assert str(row["due"]).startswith("2026-02-05T12:00:00") and row["interval_days"] == 6
    assert 0 < float(row["retrievability"]) < 1  # type: ignore[arg-type]
    [new] = search(path, "café")
    assert (new["due"], new["interval_days"], new["retrievability"], new["state"]) == (None, None, None, "new")


def test_words_are_joined_and_a_leading_dash_follows_two_dashes(path: Path) -> None:
    assert [row["question"] for row in search(path, "drop", "table")] == [QUOTE]
    assert len(search(path, "--", "-deck:Calcinosis")) == 12
    assert len(search(path, "--", "-deck:Calcinosis", "-is:new")) == 5
    assert len(search(path, "-deck:Calcinosis is:new")) == 7  # one argument with a space is the query
    assert len(search(path)) == 29 + 12


def test_sort_and_limit(path: Path) -> None:
    rows = search(path, "--sort", "lapses", "--descending", "--limit", "2", "--", "-is:new")
    assert [row["question"] for row in rows][0] == "Calculus" and len(rows) == 2
    assert search(path, "--limit", "0") == []


def test_a_table_of_question_deck_due_and_interval(path: Path) -> None:
    result = studyapp("--collection", str(path), "search", "tag:bio", "--sort", "question")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Question", "Deck", "Due", "Interval"]
    assert lines[1].split() == ["Mitochondria", "Party", "2026-02-05", "6d"]
    assert lines[2].split() == ["Ribosome", "Party", "2026-02-06", "7d"]
    assert lines[3].split() == ["The", "cell", "membrane", "Other", "new"]
    assert lines[4] == "3 cards"
    limited = studyapp("--collection", str(path), "search", "tag:bio", "--limit", "1")
    assert limited.stdout.splitlines()[-1] == "1 of 3 cards"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("is:nw", "unknown is: value 'nw' (use new, learn, review, due, suspended, buried) at \"is:nw\""),
        ('"; DROP TABLE notes; --', "unclosed quote at '\"; DROP TABLE notes; --'"),
        ("(cell", "'(' is never closed at \"(cell\""),
    ],
)
def test_a_bad_query_is_one_line_on_stderr_and_status_1(path: Path, query: str, message: str) -> None:
    result = studyapp("--collection", str(path), "search", query)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"studyapp search: {message}"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 29 + 10
