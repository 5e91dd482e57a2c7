"""A package from Anki with FSRS on keeps its cards' due days through an import with history and back out.

Our replay of an imported log reaches the same memory state and interval as Anki's FSRS-6 (same default
parameters), but it drew its own fuzz: a card Anki had due in 8 days came in due in 7 or 10, and went back to Anki
so (2 of 12 cards kept their day, by chance). The logged interval of each answer is now read with the log, and the
replay keeps the day it gave wherever our fuzz could have drawn it, as the sync's replay already did. The engine
makes the package at test time."""

from __future__ import annotations

import io
import json
from pathlib import Path

from studyapp.cli.main import build_parser, run_command


def _cli(*args: str) -> str:
    out = io.StringIO()
    assert run_command(build_parser().parse_args(list(args)), stdout=out) == 0
    return out.getvalue()


def _fsrs_package(folder: Path) -> tuple[Path, dict[str, int]]:
    """12 notes in "Bio", each card answered Easy today with FSRS on (into review at once, about a week ahead),
    exported with scheduling; and each card's days until due, as the engine scheduled it."""
    from anki.collection import Collection, ExportAnkiPackageOptions
    from anki.scheduler.v3 import CardAnswer

    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        col.set_config("fsrs", True)
        deck = col.decks.id("Bio")
        for number in range(12):
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = f"question {number}", f"answer {number}"
            col.add_note(note, deck)
            card = col.get_card(note.cards()[0].id)
            card.start_timer()
            states = col._backend.get_scheduling_states(card.id)
            col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.EASY))
        target = folder / "fsrs.apkg"
        options = ExportAnkiPackageOptions(with_scheduling=True, with_media=False, legacy=True)
        col.export_anki_package(out_path=str(target), options=options, limit=None)
        return target, _days(col)
    finally:
        col.close()


def _days(col) -> dict[str, int]:  # noqa: ANN001 - an anki Collection
    """Each review card's days until due, by its note's first field."""
    rows = col.db.all("select n.flds, c.due from cards c join notes n on n.id = c.nid where c.type = 2")
    return {fields.split("\x1f")[0]: due - col.sched.today for fields, due in rows}


def _engine_days(package: Path, folder: Path) -> dict[str, int]:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=True)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
        return _days(col)
    finally:
        col.close()


def test_an_fsrs_packages_due_days_come_in_and_go_back_out(tmp_path: Path) -> None:
    package, theirs = _fsrs_package(tmp_path / "anki")
    assert len(theirs) == 12 and min(theirs.values()) >= 2  # all in review, days ahead
    db = str(tmp_path / "c.db")
    _cli("--collection", db, "import", str(package), "--with-history")
    found = json.loads(_cli("--collection", db, "search", "deck:Bio", "--json"))
    assert sorted(card["state"] for card in found) == ["review"] * 12
    exported = tmp_path / "out.apkg"
    _cli("--collection", db, "export", str(exported), "--with-history")
    assert _engine_days(exported, tmp_path / "back") == theirs  # each card due the day Anki gave it
