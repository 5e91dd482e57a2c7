"""``studyapp deck delete NAME`` and ``studyapp deck rename OLD NEW``, run in process on a real collection."""

from __future__ import annotations

import argparse
import io
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from studyapp.cli.main import build_parser, run_command
from studyapp.core.clock import FixedClock
from studyapp.services.app import App
from studyapp.services.decks.deck_ops import create_deck
from studyapp.services.notes.notes import NoteText, add_note

from ..conftest import T0, collection_fingerprint


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """Calcinosis (29 notes), Spanish with Verbs and Verbs::Irregular, and Maths::Algebra (no Maths deck itself)."""
    path = tmp_path / "c.db"
    app = App.open(path, clock=FixedClock(T0), rng=random.Random(7))
    for name, count in {"Spanish": 1, "Spanish::Verbs": 2, "Spanish::Verbs::Irregular": 3, "Maths::Algebra": 4}.items():
        deck = create_deck(app.collection, app.rng, app.clock, name)
        for number in range(count):
            add_note(app.collection, app.rng, app.clock, deck.id, NoteText(f"{name} {number}", "back"))
    app.close()
    return path


def deck(collection: Path, *words: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args: argparse.Namespace = build_parser().parse_args(["--collection", str(collection), "deck", *words])
    out = io.StringIO()
    status = run_command(args, stdout=out)
    return status, out.getvalue().strip(), capsys.readouterr().err.strip()


def names(collection: Path) -> list[str]:
    with closing(sqlite3.connect(collection)) as db:
        return [row[0] for row in db.execute("SELECT name FROM decks ORDER BY name")]


def test_delete_removes_the_deck_with_its_subdecks_and_says_what(collection: Path, capsys) -> None:  # noqa: ANN001
    status, out, err = deck(collection, "delete", "Spanish::Verbs", capsys=capsys)
    assert (status, err) == (0, "")
    assert out == "Deleted Spanish::Verbs and 1 subdeck: 5 notes, 5 cards (their review history is kept)"
    assert names(collection) == ["Calcinosis", "Maths::Algebra", "Spanish"]


def test_delete_a_parent_named_only_by_its_subdecks_ignoring_case(collection: Path, capsys) -> None:  # noqa: ANN001
    status, out, _ = deck(collection, "delete", "maths", capsys=capsys)
    assert (status, out) == (0, "Deleted Maths and 1 subdeck: 4 notes, 4 cards (their review history is kept)")
    assert "Maths::Algebra" not in names(collection)


def test_rename_takes_the_subdecks_along(collection: Path, capsys) -> None:  # noqa: ANN001
    status, out, _ = deck(collection, "rename", "Spanish", " Languages :: Spanish ", capsys=capsys)
    assert (status, out) == (0, "Renamed Spanish to Languages::Spanish (with 2 subdecks)")
    assert names(collection) == [
        "Calcinosis",
        "Languages::Spanish",
        "Languages::Spanish::Verbs",
        "Languages::Spanish::Verbs::Irregular",
        "Maths::Algebra",
    ]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (("delete", "Nope"), "studyapp deck: there is no deck called “Nope” (see 'studyapp decks')"),
        (("rename", "Nope", "X"), "studyapp deck: there is no deck called “Nope” (see 'studyapp decks')"),
        (("rename", "Spanish", "calcinosis"), "studyapp deck: there is already a deck called “Calcinosis”"),
        (("rename", "Maths", "Calcinosis"), "studyapp deck: there is already a deck called “Calcinosis”"),
        (("rename", "Spanish", "Spanish::Verbs::X"), "studyapp deck: a deck cannot be moved inside itself"),
        (("rename", "Spanish", "A::::B"), "studyapp deck: “A::::B” has an empty part: write names like Parent::Child"),
        (("rename", "Spanish", "  "), "studyapp deck: the deck name is empty"),
        (
            ("rename", "Spanish", "::".join("L" * 40)),
            "studyapp deck: the deck name “L::L::L::L::L::L::L::L::L::L::L::L::L::…” has 40 levels; at most 32 are "
            "allowed",
        ),
    ],
)
def test_a_bad_request_is_one_line_and_changes_nothing(
    collection: Path,
    words: tuple[str, ...],
    message: str,
    capsys,  # noqa: ANN001
) -> None:
    before = collection_fingerprint(collection)
    status, out, err = deck(collection, *words, capsys=capsys)
    assert (status, out, err) == (1, "", message)
    assert collection_fingerprint(collection) == before


def test_decks_still_lists_after_a_rename(collection: Path, capsys) -> None:  # noqa: ANN001
    deck(collection, "rename", "Spanish::Verbs::Irregular", "Irregular", capsys=capsys)
    args = build_parser().parse_args(["--collection", str(collection), "decks"])
    out = io.StringIO()
    assert run_command(args, stdout=out) == 0
    assert [line.split()[0] for line in out.getvalue().splitlines()[1:]] == [
        "Calcinosis",
        "Irregular",
        "Maths::Algebra",
        "Spanish",
        "Spanish::Verbs",
    ]
