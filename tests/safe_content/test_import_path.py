"""The gallery through the real import path: what a ``#html:true`` CSV or a genanki package leaves stored.

The stored HTML is judged by ``checker.html_problems`` (html.parser, not nh3), and every case must have
arrived (so a case cannot pass by having been dropped along with its note).
"""

from __future__ import annotations

from pathlib import Path

from studyapp.core.text.render import field_html
from studyapp.services.app import App

from .checker import html_problems
from .gallery import GALLERY, NAMES
from .support import PNG_NAME, gallery_apkg, gallery_csv, stored_notes


def assert_stored_safely(app: App, deck: str) -> None:
    """Every case stored as its own note; as shown (HTML sanitized, plain text escaped), nothing dangerous."""
    shown: dict[str, str] = {}
    for is_html in (True, False):  # a note whose HTML cleaned down to text is stored as plain text
        for front, back in stored_notes(app.path, html=is_html):
            if front.startswith("Q "):
                shown[front.split(" ", 2)[1]] = field_html(front, is_html) + field_html(back, is_html)
                if is_html:
                    assert html_problems(front) == [] and html_problems(back) == [], (front, back)
    assert sorted(shown) == sorted(NAMES)
    for name, html in shown.items():
        assert html_problems(html) == [], (name, html)
        lowered = html.lower()
        assert "<script" not in lowered and "evil.example" not in lowered and "javascript:" not in lowered, name
    assert app.find_deck(deck) is not None


def test_a_csv_with_html_true_stores_only_safe_html(app: App, tmp_path: Path) -> None:
    summary = app.import_file(gallery_csv(tmp_path / "hostile.csv"), deck_name="Hostile CSV")
    assert summary is not None
    assert_stored_safely(app, "Hostile CSV")


def test_a_genanki_package_stores_only_safe_html(app: App, tmp_path: Path) -> None:
    app.import_file(gallery_apkg(tmp_path))
    assert_stored_safely(app, "Hostile")
    assert (app.media_dir / PNG_NAME).is_file()
    assert sorted(path.name for path in app.media_dir.iterdir()) == [PNG_NAME]  # nothing else was written


def test_the_check_would_see_an_unsanitized_store(app: App, tmp_path: Path) -> None:
    """The stored-text check can fail: as plain text (``#html:false``) the raw HTML is stored as it is,
    and the checker flags it (the card view escapes plain text, so it is shown, never run)."""
    app.import_file(gallery_csv(tmp_path / "plain.csv", html=False), deck_name="Plain")
    fronts = {
        front.split(" ", 2)[1]: front for front, _ in stored_notes(app.path, html=False) if front.startswith("Q ")
    }
    assert html_problems(fronts["script"]) == ["tag <script>"]
    assert sum(bool(html_problems(front)) for front in fronts.values()) >= len(GALLERY) - 1
