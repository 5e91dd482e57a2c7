"""``studyapp notetypes``: every note type with its fields, templates and counts, as text or JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

from studyapp.cli.main import build_parser, run_command
from studyapp.core.clock import FixedClock
from studyapp.services.app import App

from .helpers import add_notes, five_field_type

ROWS = [("Hund", "dog", "animal", "Der Hund bellt", "y"), ("Katze", "cat", "", "", "")]


def run(path: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = run_command(build_parser().parse_args(["--collection", str(path), "notetypes", *argv]), stdout=out)
    return status, out.getvalue()


def test_notetypes_lists_fields_templates_and_counts(collection_path: Path, clock: FixedClock) -> None:
    app = App.open(collection_path, clock=clock)
    vocab = five_field_type(app)
    add_notes(app, vocab, ROWS)
    app.close()
    status, text = run(collection_path)
    assert status == 0
    assert (
        "Vocab [standard]: 2 notes, 3 cards\n"
        "  fields: Word (sort), Meaning, Hint, Example, Reverse\n"
        "  card templates: Forward, Backward\n"
    ) in text
    status, text = run(collection_path, "--json")
    found = {entry["name"]: entry for entry in json.loads(text)}
    assert found["Vocab"] == {
        "id": vocab.id,
        "name": "Vocab",
        "kind": "standard",
        "stock": None,
        "notes": 2,
        "cards": 3,
        "fields": ["Word", "Meaning", "Hint", "Example", "Reverse"],
        "sort_field": "Word",
        "templates": [{"name": t.name, "question": t.question, "answer": t.answer} for t in vocab.templates],
        "css": vocab.css,
    }
    assert found["Basic"]["stock"] == "basic" and found["Basic"]["notes"] > 0  # the bundled deck's notes
