"""``studyapp add``, run as a real process."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from .test_cli import decks, studyapp


def notes(path: Path) -> list[tuple[str, str, str, str, int]]:
    with closing(sqlite3.connect(path)) as conn:
        query = (
            "SELECT n.front, n.back, n.tags, n.kind, count(c.id) FROM notes n JOIN decks d ON d.id = n.deck_id "
            "JOIN cards c ON c.note_id = n.id WHERE d.name = 'Spanish' GROUP BY n.id ORDER BY n.created_at, n.id"
        )
        return conn.execute(query).fetchall()


def test_add_creates_the_deck_and_a_reversed_note(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    result = studyapp(
        "--collection", str(path), "add", "--deck", "Spanish", "hola", "hello", "--tags", "es", "greet", "--reversed"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added 1 note (2 cards) to Spanish"
    assert result.stderr == ""
    assert notes(path) == [("hola", "hello", "es greet", "reversed", 2)]
    assert {d["name"]: d["new"] for d in decks(path)}["Spanish"] == 2


def test_a_duplicate_front_warns_but_is_added(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    assert studyapp("--collection", str(path), "add", "--deck", "Spanish", "hola", "hello").returncode == 0
    result = studyapp("--collection", str(path), "add", "--deck", "spanish", " HOLA ", "hi")
    assert result.returncode == 0
    assert result.stdout.strip() == "Added 1 note (1 card) to Spanish"
    assert "already has a note with this front" in result.stderr
    assert [row[1] for row in notes(path)] == ["hello", "hi"]


def test_a_cloze_front_makes_a_cloze_note(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    result = studyapp("--collection", str(path), "add", "--deck", "Spanish", "{{c1::Hola}} means {{c2::hello}}", "")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added 1 note (2 cards) to Spanish"
    assert notes(path)[0][3] == "cloze"


def test_an_empty_front_is_one_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    result = studyapp("--collection", str(path), "add", "--deck", "Spanish", "   ", "hello")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["studyapp add: the front is empty"]
    assert "Spanish" not in {d["name"] for d in decks(path)}
