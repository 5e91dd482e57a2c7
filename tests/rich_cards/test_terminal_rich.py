"""``studyapp review`` in a terminal on the rich cards: a sound is ``♪ name``, text-to-speech its text, a
formula its TeX without delimiters, an image occlusion card one line saying it is a picture; never a tag, a
``math:`` or ``occlusion:`` address."""

from __future__ import annotations

import io
import re
from pathlib import Path

from studyapp.cli.terminal_faces import terminal_text
from studyapp.cli.terminal_review import review_in_terminal
from studyapp.core.model import ReviewMode
from studyapp.services.app import App

from .package import DECK

RAW = re.compile(r"\[sound:|\\\(|\\\)|\[\$\]|\[/\$\]|math:|occlusion:|\[anki:tts")


def test_terminal_review_says_sounds_formulas_and_pictures_in_words(app: App, rich_package: Path) -> None:
    app.import_file(rich_package)
    deck = app.find_deck(DECK)
    assert deck is not None
    out = io.StringIO()
    review_in_terminal(app.review_session(deck.id, ReviewMode.FLIP), io.StringIO("\n4\n" * 10), out)
    shown = out.getvalue()
    assert not RAW.search(shown), shown
    assert "Studied 10 cards" in shown
    for line in ("Hund ♪ hund.mp3 and x^2 + 1?", "dog ♪ dog.ogg and \\sqrt{y}", "\\alpha < \\beta read aloud ♪ dog.ogg",
                 "\\frac{1}{2} is half ♪ hund.mp3"):  # fmt: skip
        assert f"  {line}\n" in shown, shown
    for number in (1, 2, 3, 4):
        line = f"  [image occlusion card {number}: a picture with masks; study it in the window]\n"
        assert shown.count(line) == 2, shown  # each note's card, in both modes
    assert "  Hide all: heart\n" in shown and "  extra True\n" in shown


def test_terminal_text_of_plain_faces() -> None:
    assert terminal_text("Hund [sound:hund.mp3] [sound:../x.mp3]") == "Hund ♪ hund.mp3 [sound:../x.mp3]"
    assert terminal_text("[anki:tts lang=de_DE]Guten Tag[/anki:tts]!") == "Guten Tag!"
    assert terminal_text("Sum: \\[\\sum_{i=1}^n i\\] done") == "Sum:\n\\sum_{i=1}^n i\ndone"
    assert terminal_text("[latex]$a < b$[/latex] and [$$]c[/$$]") == "$a < b$ and\nc"
    assert terminal_text("a \\\\(not maths\\\\)\n\nnext") == "a \\\\(not maths\\\\)\n\nnext"
    assert terminal_text("no tags at all") == "no tags at all"
