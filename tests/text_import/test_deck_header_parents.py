"""`#deck:German Vocabulary::A2` makes the subdeck with its parent, so the deck tree has every level."""

from __future__ import annotations

from pathlib import Path

from studyapp.services.app import App


def test_a_deck_header_with_a_parent_makes_the_parent_too(app: App, tmp_path: Path) -> None:
    path = tmp_path / "a2.txt"
    path.write_text("#separator:tab\n#deck:German Vocabulary::A2\nHund\tdog\nKatze\tcat\n", encoding="utf-8")
    app.import_file(path)
    names = {deck.name for deck in app.collection.decks.all()}
    assert {"German Vocabulary", "German Vocabulary::A2"} <= names
    parent = app.find_deck("German Vocabulary")
    child = app.find_deck("German Vocabulary::A2")
    assert parent is not None and child is not None
    cards = app.collection.db.execute("SELECT deck_id, count(*) FROM cards WHERE deck_id IN (?, ?) GROUP BY deck_id",
                                      [parent.id, child.id]).fetchall()  # fmt: skip
    assert cards == [(child.id, 2)]
