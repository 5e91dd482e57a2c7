"""The calcinosis deck in decks/: 29 cards, verbatim, loaded once, updated in place when its text changes."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from studyapp.core.clock import FixedClock
from studyapp.core.model import CardState, Rating
from studyapp.core.text.render import find_links, text_to_html
from studyapp.importers.plaintext_qa import read_qa
from studyapp.services.app import App

from .conftest import SEED_DECK, T0


def test_bundled_deck_parses_to_29_cards_verbatim() -> None:
    deck = read_qa(SEED_DECK)
    assert deck.name == "Calcinosis"
    assert len(deck.notes) == 29
    assert deck.description.startswith("Calcinosis universalis is a rare and interesting condition")
    assert deck.notes[0].front == "What causes calcinosis?"
    assert deck.notes[0].back.startswith("Calcinosis may be caused by trauma, inflammation, varicose veins")
    assert deck.notes[-1].front == "Why is metastatic calcification called?"
    assert deck.notes[-1].back.endswith("as seen in hyperparathyroidism.")
    fronts = [note.front for note in deck.notes]
    assert "How does Cushing\u2019s cause calcinosis cutis?" in fronts
    backs = {note.front: note.back for note in deck.notes}
    assert backs["What are the first signs of CREST syndrome?"] == (
        "People with this form of the disease have at least two of the symptoms below:"
    )
    assert backs["What are the first signs of scleroderma?"] == "Scleroderma Symptoms"
    assert all(front.endswith("?") for front in fronts)
    assert len({note.guid for note in deck.notes}) == 29


def test_every_card_text_is_a_paragraph_of_the_seed_file_word_for_word() -> None:
    paragraphs = SEED_DECK.read_text(encoding="utf-8").split("\n\n")
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    deck = read_qa(SEED_DECK)
    assert paragraphs[0] == deck.description
    assert paragraphs[1:] == [text for note in deck.notes for text in (note.front, note.back)]


def test_the_url_in_an_answer_is_a_link_without_its_closing_bracket() -> None:
    back = next(n.back for n in read_qa(SEED_DECK).notes if n.front.startswith("How does Cushing"))
    assert find_links(back) == ["https://dermvettacoma.com/cushings-disease/"]
    rendered = text_to_html(back)
    assert (
        '<a href="https://dermvettacoma.com/cushings-disease/">https://dermvettacoma.com/cushings-disease/</a>).'
        in rendered
    )


def test_card_text_is_escaped_not_interpreted() -> None:
    rendered = text_to_html('<script>alert(1)</script> & <b onclick="x">bold</b>')
    assert "<script>" not in rendered and "<b " not in rendered
    assert "&lt;script&gt;" in rendered and "&amp;" in rendered


def test_new_collection_loads_the_deck_once(app: App, collection_path: Path, clock: FixedClock) -> None:
    [counts] = app.deck_counts()
    assert (counts.name, counts.new, counts.learning, counts.due, counts.total) == ("Calcinosis", 20, 0, 0, 29)
    app.close()
    for _ in range(2):
        again = App.open(collection_path, clock=clock, rng=random.Random(1))
        assert [(c.name, c.total) for c in again.deck_counts()] == [("Calcinosis", 29)]
        assert again.collection.notes.count() == 29
        again.close()


def test_changed_bundled_text_updates_matching_cards_and_keeps_progress(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    shutil.copy(SEED_DECK, decks / "calcinosis.txt")
    clock = FixedClock(T0)
    path = tmp_path / "c.db"
    app = App.open(path, clock=clock, rng=random.Random(1), decks_dir=decks)
    session = app.review_session(app.deck_counts()[0].deck_id)
    first = session.next_card()
    assert first is not None
    session.answer(Rating.GOOD)
    app.close()

    text = (decks / "calcinosis.txt").read_text(encoding="utf-8")
    new_answer = "Trauma, inflammation, tumours and more (revised)."
    old_answer = first.back
    (decks / "calcinosis.txt").write_text(text.replace(old_answer, new_answer), encoding="utf-8")
    app = App.open(path, clock=clock, rng=random.Random(2), decks_dir=decks)
    card = app.collection.reviews.card(first.id)
    assert card is not None
    assert card.back == new_answer
    assert card.schedule.state is CardState.LEARNING and card.schedule.reps == 1
    assert app.collection.notes.count() == 29
    assert len(app.collection.reviews.log(first.id)) == 1
    app.close()
