"""Cards as the reviewer shows them: cloze and reversed cards, HTML with images from the media folder only."""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QTextDocument

from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import LIGHT
from studyapp.ui.review.card_view import CardView

from .support import offscreen_dialog_warning, open_import, press, run_import

IMAGE = QTextDocument.ResourceType.ImageResource.value
PICTURE_COLOUR = QColor("#e86f5a")
NOTES = (
    "#separator:Tab\n#html:true\n#notetype column:1\n"
    "Cloze\tThe {{c1::left ventricle}} pumps blood into the {{c2::aorta}}.\t\n"
    "Basic (and reversed card)\tder Hund\tthe dog\n"
    'Basic\tWhat is drawn here?<br><img src="pic.png">\tA <b>red</b> box.\n'
    'Basic\tAnd here?\t<img src="wide.png">\n'
)


def png(path: Path, width: int, height: int) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(PICTURE_COLOUR)
    assert image.save(str(path), "PNG")
    return path


def shown(window: MainWindow) -> str:
    return window.reviewer.card_view.toPlainText()


def study_until(window: MainWindow, qtbot, deck_name: str, question: str) -> None:
    """Study ``deck_name``, answering Easy until the question contains ``question``."""
    deck = window.app.find_deck(deck_name)
    assert deck is not None
    window.study(deck.id)
    for _ in range(10):
        if question in shown(window):
            return
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_4)
    raise AssertionError(f"no card asks {question!r}")


def coloured_pixels(view: CardView) -> int:
    image = view.grab().toImage()
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y) == PICTURE_COLOUR
    )


def has_divider(view: CardView) -> bool:
    return bool(view.document().rootFrame().childFrames())  # the divider is a one-cell table


@pytest.fixture
def cards(app: App, tmp_path: Path) -> App:
    app.media_dir.mkdir(parents=True, exist_ok=True)
    png(app.media_dir / "pic.png", 120, 80)
    png(app.media_dir / "wide.png", 1600, 200)
    source = tmp_path / "heart.txt"
    source.write_text(NOTES, encoding="utf-8")
    app.import_file(source)
    return app


def test_a_cloze_asks_with_brackets_and_answers_highlighted_without_a_divider(
    window: MainWindow, cards: App, qtbot
) -> None:
    study_until(window, qtbot, "Heart", "[...]")
    view = window.reviewer.card_view
    assert shown(window).strip() == "The [...] pumps blood into the aorta."
    press(qtbot, Qt.Key.Key_Space)
    assert shown(window).strip() == "The left ventricle pumps blood into the aorta."
    assert not has_divider(view)  # the cloze has no extra text below
    cursor = view.document().find("left ventricle")
    highlighted = cursor.charFormat()
    assert highlighted.fontWeight() >= QFont.Weight.Bold.value
    assert highlighted.foreground().color() == QColor(LIGHT.accent)
    assert view.document().find("pumps").charFormat().foreground().color() != QColor(LIGHT.accent)


def test_the_second_card_of_a_reversed_note_asks_the_back(window: MainWindow, cards: App, qtbot) -> None:
    study_until(window, qtbot, "Heart", "the dog")
    assert shown(window).strip() == "the dog"
    press(qtbot, Qt.Key.Key_Space)
    text = shown(window)
    assert text.index("the dog") < text.index("der Hund")
    assert has_divider(window.reviewer.card_view)


def test_an_html_card_shows_its_image_from_the_media_folder(window: MainWindow, cards: App, qtbot) -> None:
    study_until(window, qtbot, "Heart", "What is drawn here?")
    view = window.reviewer.card_view
    loaded = view.document().resource(IMAGE, QUrl("pic.png"))
    assert isinstance(loaded, QImage) and loaded.size().width() == 120
    assert coloured_pixels(view) > 0.8 * (120 * 80) / 4  # drawn, at its own size (every second pixel counted)
    press(qtbot, Qt.Key.Key_Space)
    assert "A red box." in shown(window)


def test_an_image_wider_than_the_column_is_scaled_down_to_fit(window: MainWindow, cards: App, qtbot) -> None:
    study_until(window, qtbot, "Heart", "And here?")
    press(qtbot, Qt.Key.Key_Space)
    view = window.reviewer.card_view
    cursor = view.document().find("\ufffc")  # the object replacement character that stands for the image
    form = cursor.charFormat().toImageFormat()
    assert form.name() == "wide.png"
    assert 0 < form.width() <= view.column_width() < 1600
    assert form.height() == pytest.approx(form.width() / 8)
    assert view.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize(
    "address",
    [
        "http://example.com/x.png",
        "https://example.com/pic.png",
        "//example.com/pic.png",
        "file:///etc/passwd",
        "../outside.png",
        "%2e%2e/outside.png",
        "sub/pic.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "pic.png?size=2",
        ".hidden.png",
        "missing.png",
    ],
)
def test_only_plain_file_names_inside_the_media_folder_are_loaded(cards: App, qtbot, address: str) -> None:
    png(cards.media_dir.parent / "outside.png", 10, 10)
    png(cards.media_dir / ".hidden.png", 10, 10)
    view = CardView(cards.media_dir)
    qtbot.addWidget(view)
    assert isinstance(view.loadResource(IMAGE, QUrl("pic.png")), QImage)
    assert view.loadResource(IMAGE, QUrl(address)) is None
    assert view.loadResource(QTextDocument.ResourceType.StyleSheetResource.value, QUrl("pic.png")) is None


def test_the_document_itself_loads_nothing_from_elsewhere(
    cards: App, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt would fall back to local files (even relative to the working folder) and data: URLs; not here."""
    outside = png(cards.media_dir.parent / "outside.png", 40, 40)
    monkeypatch.chdir(cards.media_dir.parent)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImage(str(outside)).save(buffer, "PNG")
    sources = [
        QUrl.fromLocalFile(str(outside)).toString(),
        str(outside),
        "outside.png",  # in the working folder, not in the media folder
        "../outside.png",
        "data:image/png;base64," + bytes(data.toBase64().data()).decode(),
    ]
    view = CardView(cards.media_dir)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.setHtml("".join(f'<img src="{source}">' for source in sources))
    assert coloured_pixels(view) == 0
    for source in sources:
        loaded = view.document().resource(IMAGE, QUrl(source))
        assert loaded is None or loaded.size() == QSize(1, 1)  # a blank pixel at most


@offscreen_dialog_warning
def test_an_anki_package_with_media_imports_and_shows_its_picture(
    window: MainWindow, app: App, qtbot, tmp_path: Path
) -> None:
    picture = png(tmp_path / "pic.png", 120, 80)
    model = genanki.Model(
        1607392319,
        "Simple",
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}", "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}],
    )
    deck = genanki.Deck(2059400110, "Anatomy")
    deck.add_note(genanki.Note(model=model, fields=['Which organ?<br><img src="pic.png">', "The heart"]))
    package = tmp_path / "anatomy.apkg"
    genanki.Package(deck, media_files=[str(picture)]).write_to_file(str(package))

    dialog = open_import(window, qtbot, package)
    panel = dialog.options_panel
    assert panel.format_combo.currentData() == "apkg"
    assert panel.history_check.isVisible() and not panel.history_check.isChecked()
    assert not panel.encoding_combo.isEnabled() and not panel.delimiter_combo.isEnabled()
    assert run_import(qtbot, dialog) == "imported"
    assert (dialog.summary.new, dialog.summary.media) == (1, 1)
    press(qtbot, Qt.Key.Key_Return)  # Close

    assert (app.media_dir / "pic.png").read_bytes() == picture.read_bytes()
    study_until(window, qtbot, "Anatomy", "Which organ?")
    assert coloured_pixels(window.reviewer.card_view) > 0.8 * (120 * 80) / 4
