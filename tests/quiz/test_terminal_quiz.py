"""``studyapp review --mode flip|type|choice``: the quiz modes in the terminal, answers from a pipe."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

from studyapp.cli.main import build_parser, run_command

from ..test_cli import studyapp
from .conftest import CAPITALS, HEART


def run(path: Path, *args: str, stdin: str = "") -> str:
    out = io.StringIO()
    assert run_command(build_parser().parse_args(["--collection", str(path), *args]), io.StringIO(stdin), out) == 0
    return out.getvalue()


def log_rows(path: Path) -> list[tuple[int, str]]:
    """Ratings and modes of the log, sorted: answers within one millisecond have no order."""
    with closing(sqlite3.connect(path)) as conn:
        return sorted(conn.execute("SELECT rating, mode FROM review_log").fetchall())


def capitals(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    source = tmp_path / "capitals.csv"
    rows = "".join(f"Capital of {country}?,{city}\n" for country, city in CAPITALS.items())
    source.write_text("front,back\n" + rows, encoding="utf-8")
    run(path, "import", str(source))
    return path


def test_type_mode_suggests_a_grade_that_enter_accepts_and_a_number_overrules(tmp_path: Path) -> None:
    path = capitals(tmp_path)
    out = run(path, "review", "--deck", "Capitals", "--mode", "type", stdin="PARIS!\n\nRom\n\nBerlin\n4\n")
    assert out.count("Type the answer (:u undo, :q quit): ") == 4
    assert "Correct: Good.\n  PARIS\n" in out
    assert "Almost: Hard suggested.\n  Rom[+e]\n" in out
    assert "Not quite: Again suggested.\n  [-Berlin][+Madrid]\n" in out
    assert "[Enter] Again, or 1 Again" in out
    assert [row[0] for row in log_rows(path)] == [2, 3, 4]
    assert {row[1] for row in log_rows(path)} == {"type"}


def test_the_mode_given_is_remembered_for_the_deck(tmp_path: Path) -> None:
    path = capitals(tmp_path)
    run(path, "review", "--deck", "Capitals", "--mode", "type", stdin=":q\n")
    again = run(path, "review", "--deck", "Capitals", stdin="Paris\n\n")
    assert "Type the answer" in again
    flipped = run(path, "review", "--deck", "Calcinosis", stdin="\n3\n")  # another deck keeps flip
    assert "[Enter] show answer" in flipped
    assert log_rows(path) == [(3, "flip"), (3, "type")]


def test_choice_mode_saves_the_pick_at_once_and_shows_the_right_option(tmp_path: Path) -> None:
    path = capitals(tmp_path)
    out = run(path, "review", "--deck", "Capitals", "--mode", "choice", stdin="5\n1\n2\n3\n4\n")
    assert out.count("Please type 1, 2, 3 or 4.") == 1
    assert out.count("Saved:") == 4
    lines = out.splitlines()
    right = [line for line in lines if line.startswith("Right.") or line.startswith("Wrong: the answer is")]
    assert len(right) == 4
    rows = log_rows(path)
    assert len(rows) == 4 and {mode for _, mode in rows} == {"choice"}
    assert [rating for rating, _ in rows] == sorted(3 if line == "Right." else 1 for line in right)


def test_choice_on_too_few_answers_falls_back_to_flip(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    source = tmp_path / "tiny.csv"
    source.write_text("front,back\nOne?,yes\nTwo?,no\nThree?,No!\n", encoding="utf-8")
    run(path, "import", str(source))
    out = run(path, "review", "--deck", "Tiny", "--mode", "choice", stdin="\n3\n")
    assert out.startswith("Tiny has only 2 different answers; multiple choice needs at least 4.")
    assert log_rows(path) == [(3, "flip")]


def test_undo_in_type_mode(tmp_path: Path) -> None:
    path = capitals(tmp_path)
    out = run(path, "review", "--deck", "Capitals", "--mode", "type", stdin="Paris\n\n:u\nPari\n\n")
    assert "Undone: the last answer was taken back." in out
    assert log_rows(path) == [(2, "type")]


def test_a_cloze_card_expects_its_deletion_in_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    source = tmp_path / "heart.txt"
    source.write_text(HEART, encoding="utf-8")
    run(path, "import", str(source))
    out = run(path, "review", "--deck", "Heart", "--mode", "type", stdin="left ventricle\n\n")
    assert "The [...] pumps blood into the aorta." in out
    assert "Correct: Good." in out
    assert log_rows(path) == [(3, "type")]


def test_review_mode_type_through_a_real_pipe(tmp_path: Path) -> None:
    path = capitals(tmp_path)
    result = studyapp("--collection", str(path), "review", "--deck", "Capitals", "--mode", "type", stdin="paris\n\n")
    assert result.returncode == 0, result.stderr
    assert "Capital of France?" in result.stdout and "Correct: Good." in result.stdout
    assert result.stdout.rstrip().endswith("Studied 1 card in 0 s.")
    assert log_rows(path) == [(3, "type")]
