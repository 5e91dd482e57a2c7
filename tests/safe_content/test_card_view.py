"""The gallery shown in the real card view: nothing runs, nothing is fetched, links open only when clicked.

Every resource the view's document asks for is recorded (``CardView.loadResource``, which the document
calls for everything, is wrapped). Sanitized cards ask only for bare file names of the media folder;
even raw, unsanitized HTML (as if it had slipped past the sanitizer) gets nothing from anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage

from studyapp.core.text.render import CardFaces, field_html
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.review import card_view as card_view_module
from studyapp.ui.review.card_view import CardView

from ..gui.support import anchor_point, open_window, press
from .gallery import GALLERY, NAMES, HostileCard
from .support import PNG_NAME, gallery_csv, tiny_png

Request = tuple[int, str, bool]  # resource type, URL as asked, whether anything was loaded


class Opener:
    """Stands in for the system browser."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: QUrl) -> bool:
        self.opened.append(url.toString())
        return True


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[Request]:
    """Every resource request of every card view made in the test, with whether it was answered."""
    asked: list[Request] = []
    load: Callable[[CardView, int, QUrl], object] = CardView.loadResource

    def recording(self: CardView, type_: int, name: QUrl) -> object:
        loaded = load(self, type_, name)
        asked.append((int(type_), name.toString(), loaded is not None))
        return loaded

    monkeypatch.setattr(CardView, "loadResource", recording)
    return asked


@pytest.fixture
def media(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / PNG_NAME).write_bytes(tiny_png())
    (tmp_path / "secret.png").write_bytes(tiny_png())  # next to the media folder: must never be read
    return folder


def make_view(qtbot, media: Path) -> CardView:  # noqa: ANN001 - qtbot
    view = CardView(media)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.link_opener = Opener()
    view.show()
    qtbot.waitExposed(view)
    return view


def show(view: CardView, question: str, answer: str) -> None:
    view.show_faces(CardFaces(question, question, answer), revealed=True)
    view.viewport().grab()  # paint: images are asked for when drawn as well as when laid out


def is_media_name(url: str) -> bool:
    """A bare file name, or nothing at all (an ``<img>`` whose source the sanitizer removed)."""
    return not any(c in url for c in "/\\:?#%") and url not in {".", ".."}


def test_a_media_image_is_asked_for_and_loaded(qtbot, media: Path, requests: list[Request]) -> None:
    """The recording works, and the one legitimate source loads."""
    view = make_view(qtbot, media)
    show(view, f'<img src="{PNG_NAME}">', "")
    assert (card_view_module.IMAGE_RESOURCE, PNG_NAME, True) in requests


@pytest.mark.parametrize("case", GALLERY, ids=NAMES)
def test_a_sanitized_card_asks_only_for_media_files(
    qtbot, media: Path, requests: list[Request], case: HostileCard
) -> None:
    view = make_view(qtbot, media)
    html = field_html(case.html, is_html=True)
    show(view, html, html)
    assert all(is_media_name(url) for _, url, _ in requests), requests
    assert all(loaded == (url == PNG_NAME) for _, url, loaded in requests), requests
    assert view.link_opener.opened == []
    assert "alert(1)" not in view.toHtml() or "alert(1)" in view.toPlainText()  # shown as text, if at all


@pytest.mark.parametrize("case", GALLERY, ids=NAMES)
def test_raw_hostile_html_gets_nothing_from_outside_the_media_folder(
    qtbot, media: Path, requests: list[Request], case: HostileCard
) -> None:
    """As if a card had slipped past the sanitizer: the view itself still loads nothing else."""
    view = make_view(qtbot, media)
    show(view, case.html, case.html)
    for _, url, loaded in requests:
        assert not loaded or url == PNG_NAME, (url, requests)
    assert view.link_opener.opened == []


def red_pixels(view: CardView) -> int:
    """Pixels of the test images' pure red (nothing else in a card is drawn in it)."""
    image = view.viewport().grab().toImage()
    return sum(
        image.pixelColor(x, y).getRgb()[:3] == (255, 0, 0)
        for y in range(0, image.height(), 2)
        for x in range(image.width())
    )


def test_the_red_image_check_sees_a_media_image(qtbot, media: Path) -> None:
    view = make_view(qtbot, media)
    show(view, f'<img src="{PNG_NAME}" width="40" height="40">', "")
    assert red_pixels(view) > 500


@pytest.mark.parametrize(
    "name", ["../secret.png", "..%2Fsecret.png", "%2E%2E/secret.png", "file:secret.png", "./../secret.png", "ABSOLUTE",
             "file://ABSOLUTE", "file:ABSOLUTE"],
)  # fmt: skip
def test_a_file_next_to_the_media_folder_is_never_loaded(
    qtbot, media: Path, requests: list[Request], name: str
) -> None:
    """Not by the view, and not by Qt's own fallback, which reads an image's name as a file path."""
    view = make_view(qtbot, media)
    source = name.replace("ABSOLUTE", (media.parent / "secret.png").as_posix())
    show(view, f'<img src="{source}" width="40" height="40">', "")
    assert requests and not any(loaded for _, _, loaded in requests), requests
    assert red_pixels(view) == 0


@pytest.mark.parametrize(
    ("href", "opened"),
    [
        ("https://ok.example/page", True),
        ("http://ok.example/page", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("mailto:someone@ok.example", False),
        ("../secret.png", False),
    ],
)
def test_a_link_opens_only_on_a_click_and_only_for_the_web(qtbot, media: Path, href: str, opened: bool) -> None:
    """Raw HTML, as if it had slipped past the sanitizer: the click handler still refuses all but http(s)."""
    view = make_view(qtbot, media)
    show(view, f'<p><a href="{href}">follow this link</a></p>', "")
    assert view.link_opener.opened == []  # shown, not opened
    with qtbot.waitSignal(view.anchorClicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=anchor_point(view))
    assert view.link_opener.opened == ([QUrl(href).toString()] if opened else [])
    assert view.source().isEmpty() and "follow this link" in view.toPlainText()  # the view did not navigate


def test_the_reviewer_shows_the_imported_gallery_without_fetching(
    app: App, qtbot, tmp_path: Path, requests: list[Request]
) -> None:
    """Every hostile card of an imported CSV, question and answer, in the real reviewer."""
    app.import_file(gallery_csv(tmp_path / "hostile.csv"), deck_name="AAA Hostile")
    (app.media_dir).mkdir(parents=True, exist_ok=True)
    QImage(2, 2, QImage.Format.Format_RGB32).save(str(app.media_dir / PNG_NAME))
    window: MainWindow = open_window(app, qtbot)
    opener = Opener()
    window.reviewer.card_view.link_opener = opener
    deck = app.find_deck("AAA Hostile")
    assert deck is not None and deck.preset_id is not None
    preset = app.collection.presets.get(deck.preset_id)
    assert preset is not None
    app.collection.presets.update(preset.id, preset.name, replace(deck.options, new_per_day=len(GALLERY)))
    window.study(deck.id)
    seen: set[str] = set()
    view = window.reviewer.card_view
    for _ in range(len(GALLERY)):
        text = view.toPlainText()
        if not text.startswith("Q "):
            break
        seen.add(text.split()[1])
        press(qtbot, Qt.Key.Key_Space)
        view.viewport().grab()
        press(qtbot, Qt.Key.Key_4)
    assert len(seen) == len(GALLERY)
    assert all(is_media_name(url) for _, url, _ in requests), requests
    assert opener.opened == []
    window.close()
