"""The `studyapp` command, run as a real process; the terminal review is fed through a pipe."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


def studyapp(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "studyapp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        timeout=60,
    )


def decks(path: Path) -> list[dict[str, object]]:
    result = studyapp("--collection", str(path), "decks", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def log_rows(path: Path) -> list[tuple[int, str, int, int]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT rating, mode, state_before, state_after FROM review_log ORDER BY reviewed_at"
    ).fetchall()
    conn.close()
    return rows


def test_decks_json_shows_the_bundled_deck_unstudied(tmp_path: Path) -> None:
    [deck] = decks(tmp_path / "c.db")
    assert {k: deck[k] for k in ("name", "new", "learning", "due", "total")} == {
        "name": "Calcinosis",
        "new": 20,
        "learning": 0,
        "due": 0,
        "total": 29,
    }


def test_decks_as_a_table(tmp_path: Path) -> None:
    result = studyapp("--collection", str(tmp_path / "c.db"), "decks")
    assert result.returncode == 0
    assert result.stdout.splitlines()[1].split() == ["Calcinosis", "20", "0", "0", "29"]


def test_the_collection_can_come_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "from-env.db"
    result = studyapp("decks", "--json", env={"STUDYAPP_COLLECTION": str(path)})
    assert result.returncode == 0 and path.exists()


def test_review_through_a_pipe_saves_each_answer_and_stops_at_end_of_input(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    result = studyapp("--collection", str(path), "review", stdin="\n3\n\n1\n\n")
    assert result.returncode == 0, result.stderr
    assert "What causes calcinosis?" in result.stdout
    assert "1 Again (1m)   2 Hard (6m)   3 Good (10m)" in result.stdout
    assert result.stdout.count("Saved:") == 2
    assert result.stdout.rstrip().endswith("Studied 2 cards in 0 s.")
    assert log_rows(path) == [(3, "flip", 0, 1), (1, "flip", 0, 1)]
    # the cards' states, by search: the deck list's counts are today's (a 10-minute step taken at 03:55 is due
    # after the 04:00 rollover, and the new cards studied today are not those of a day that has just begun)
    states = [row["state"] for row in json.loads(studyapp("--collection", str(path), "search", "", "--json").stdout)]
    assert (states.count("new"), states.count("learning")) == (27, 2)


def test_review_asks_again_on_a_bad_rating_and_can_undo_and_quit(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    result = studyapp("--collection", str(path), "review", stdin="\n7\nok\n4\nu\n\n2\nq\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Please type 1, 2, 3 or 4.") == 2
    assert "Undone" in result.stdout
    assert log_rows(path) == [(2, "flip", 0, 1)]


def test_review_of_an_unknown_deck_fails_with_the_deck_list(tmp_path: Path) -> None:
    result = studyapp("--collection", str(tmp_path / "c.db"), "review", "--deck", "Nope")
    assert result.returncode == 1
    assert result.stderr.strip() == "studyapp review: no deck named 'Nope' (decks: Calcinosis)"


def test_import_prints_new_updated_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "rivers.txt"
    source.write_text("Longest river?\n\nThe Nile.\n", encoding="utf-8")
    path = tmp_path / "c.db"
    first = studyapp("--collection", str(path), "import", str(source), "--deck", "Geography")
    assert (first.returncode, first.stdout.strip()) == (0, "Geography: 1 new, 0 updated, 0 unchanged")
    second = studyapp("--collection", str(path), "import", str(source), "--deck", "Geography")
    assert second.stdout.strip() == "Geography: 0 new, 0 updated, 1 unchanged"
    assert {d["name"] for d in decks(path)} == {"Calcinosis", "Geography"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"No questions here.\n", "no questions found"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"First?\n\nYes.\n\nSecond?\n", "has no answer"),
    ],
)
def test_import_of_a_bad_file_fails_in_one_line_and_changes_nothing(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "c.db"
    decks(path)
    before = path.read_bytes()
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    result = studyapp("--collection", str(path), "import", str(source))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert str(source) in line and reason in line
    assert [d["total"] for d in decks(path)] == [29]
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_collection_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("My essay.\n", encoding="utf-8")
    result = studyapp("--collection", str(path), "decks")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"studyapp: {path}: is not a studyapp collection (not an SQLite database); it was left untouched"
    )
    assert path.read_text(encoding="utf-8") == "My essay.\n"


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "studyapp"
    assert script.exists(), "pip install -e . should create the studyapp command"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("studyapp ")


def test_import_csv_with_policies_and_progress(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    source = tmp_path / "capitals.csv"
    source.write_text("front,back,tags\nFrance?,Paris,geo\nMeeting?,at 9:00,work\n", encoding="utf-8")
    first = studyapp("--collection", str(path), "import", str(source), "--with-progress")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Capitals: 2 new, 0 updated, 0 unchanged"
    assert "Saving capitals.csv: 100%" in first.stderr
    source.write_text("front,back,tags\nFrance?,Paris (capital),geo\nMeeting?,at 9:00,work\n", encoding="utf-8")
    kept = studyapp("--collection", str(path), "import", str(source), "--on-duplicate", "keep")
    assert kept.stdout.splitlines() == [
        "Capitals: 0 new, 0 updated, 1 unchanged, 1 skipped",
        "  skipped line 2: already in the collection with other text (kept as it was)",
    ]
    added = studyapp("--collection", str(path), "import", str(source), "--on-duplicate", "add")
    assert added.stdout.strip() == "Capitals: 2 new, 0 updated, 0 unchanged"
    updated = studyapp("--collection", str(path), "import", str(source))
    assert updated.stdout.strip() == "Capitals: 0 new, 1 updated, 1 unchanged"
    assert [d["total"] for d in decks(path) if d["name"] == "Capitals"] == [4]


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".apkg"])
def test_export_then_reimport_adds_nothing(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "c.db"
    target = tmp_path / f"calcinosis{suffix}"
    result = studyapp("--collection", str(path), "export", str(target), "--deck", "Calcinosis")
    assert result.returncode == 0, result.stderr
    detail = (
        " (every field; no schedules in a text file)" if suffix != ".apkg" else ", 0 review-log rows (with history)"
    )
    assert result.stdout.strip() == f"Calcinosis: 29 notes, 29 cards, 0 media files{detail} exported to {target}"
    again = studyapp("--collection", str(path), "import", str(target))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Calcinosis: 0 new, 0 updated, 29 unchanged"


def test_export_needs_a_known_format_and_deck(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    bad = studyapp("--collection", str(path), "export", str(tmp_path / "x.pdf"), "--deck", "Calcinosis")
    assert bad.returncode == 1 and "unknown export format '.pdf'" in bad.stderr
    missing = studyapp("--collection", str(path), "export", str(tmp_path / "x.csv"), "--deck", "Nope")
    assert missing.returncode == 1 and "no deck named 'Nope'" in missing.stderr
    assert not (tmp_path / "x.csv").exists()


def test_import_an_anki_package_with_and_without_history(tmp_path: Path) -> None:
    genanki = pytest.importorskip("genanki")
    model = genanki.BASIC_MODEL
    deck = genanki.Deck(2059400110, "Languages::German")
    deck.add_note(genanki.Note(model=model, fields=["Hund", "dog"], tags=["animals"], guid="g-hund"))
    package = tmp_path / "german.apkg"
    genanki.Package(deck).write_to_file(str(package))
    path = tmp_path / "c.db"
    result = studyapp("--collection", str(path), "import", str(package))
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout
    assert {"Languages::German"} <= {d["name"] for d in decks(path)}


def test_a_broken_package_fails_in_one_line(tmp_path: Path) -> None:
    package = tmp_path / "broken.apkg"
    package.write_bytes(b"PK\x03\x04 not really a zip")
    path = tmp_path / "c.db"
    decks(path)
    before = path.read_bytes()
    result = studyapp("--collection", str(path), "import", str(package))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert str(package) in line
    assert path.read_bytes() == before
