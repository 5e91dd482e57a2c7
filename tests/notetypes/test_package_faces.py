"""A package's cards, as the collection gives them back, shown through their own note types' templates."""

from __future__ import annotations

import random
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.text.render import card_faces, card_text_faces
from studyapp.services.app import App
from tests.anki.notetype_makers import make_notetype_package
from tests.conftest import T0


def test_every_card_of_a_package_shows_its_templates(tmp_path: Path) -> None:
    (tmp_path / "package").mkdir()
    package = make_notetype_package(tmp_path / "package")
    app = App.open(tmp_path / "collection.db", clock=FixedClock(T0), rng=random.Random(7))
    try:
        app.import_file(package.path)
        rows = app.collection.db.execute(
            "SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.name = 'Notetypes::All'"
            " ORDER BY c.note_id, c.ord"
        ).fetchall()
        cards = [app.collection.reviews.card(card_id) for (card_id,) in rows]
        shown = {(card.notetype.name, card.ord, card.front): card_faces(card) for card in cards}
    finally:
        app.close()
    assert len(shown) == 12
    assert all("template-error" not in str(faces) for faces in shown.values())
    typing = shown["Basic (type in the answer) (genanki)", 0, "capital of France"]
    assert typing.question == 'capital of France\n\n<span class="type-answer" data-field="Back"></span>'
    assert typing.answer == '<span class="type-answer" data-field="Back">Paris</span>'
    assert shown["Cloze (genanki)", 2, "{{c1::Rome}} is in {{c3::Italy}}"].question == (
        'Rome is in <span class="cloze">[...]</span>'
    )
    forward = shown["Vocabulary (5 fields)", 0, "2+2?"]
    assert forward.question == "2+2?<br><details><summary>Hint</summary>even</details>"
    assert forward.answer == "4<br><i>maths book p. 3</i>"
    assert shown["Vocabulary (5 fields)", 1, "2+2?"].answer == "2+2?"  # {{^Hint}}!{{/Hint}}: Hint is there
    assert card_text_faces(next(card for card in cards if card.front == "3+3?")) == ("3+3?", "6")
