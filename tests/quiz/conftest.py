"""Small decks for the quiz modes: capitals (basic), a heart deck (cloze and reversed), and a tiny one."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.services.app import App

CAPITALS = {
    "France": "Paris",
    "Italy": "Rome",
    "Spain": "Madrid",
    "Portugal": "Lisbon",
    "Germany": "Berlin",
    "Austria": "Vienna",
}
HEART = (
    "#separator:Tab\n#html:true\n#notetype column:1\n"
    "Cloze\tThe {{c1::left ventricle}} pumps blood into the {{c2::aorta}}.\t\n"
    "Cloze\tThe {{c1::right atrium}} takes blood from the {{c2::venae cavae}}.\t\n"
    "Basic (and reversed card)\tder Hund\tthe dog\n"
    "Basic (and reversed card)\tdie Katze\tthe cat\n"
    "Basic (and reversed card)\tdas Pferd\tthe horse\n"
    "Basic (and reversed card)\tder Vogel\tthe bird\n"
)


def import_text(app: App, tmp_path: Path, name: str, text: str) -> int:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    app.import_file(source)
    deck = app.find_deck(Path(name).stem.capitalize())
    assert deck is not None
    return deck.id


@pytest.fixture
def capitals_id(app: App, tmp_path: Path) -> int:
    rows = "".join(f"Capital of {country}?,{city}\n" for country, city in CAPITALS.items())
    return import_text(app, tmp_path, "capitals.csv", "front,back\n" + rows)


@pytest.fixture
def tiny_id(app: App, tmp_path: Path) -> int:
    """Four cards but three different answers (one repeats, differently written)."""
    rows = "One?,yes\nTwo?,No\nThree?,no!\nFour?,maybe\n"
    return import_text(app, tmp_path, "tiny.csv", "front,back\n" + rows)


@pytest.fixture
def heart_id(app: App, tmp_path: Path) -> int:
    return import_text(app, tmp_path, "heart.txt", HEART)
