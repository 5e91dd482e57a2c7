"""Maths in the real window: a package made by the Anki engine with MathJax and [$] on both sides is imported,
studied, and its formulas are drawn as images in the card's colour (light and dark), never shown as raw TeX."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from studyapp.core.text.maths import math_src
from studyapp.core.text.render import CardFaces
from studyapp.services.app import App
from studyapp.ui.app.main_window import MainWindow
from studyapp.ui.app.style import DARK, LIGHT, install_theme
from studyapp.ui.review.card_view import CardView
from studyapp.ui.review.pictures.maths_images import math_image, source_box, style_for
from tests.gui.support import open_window, press

IMAGE = QTextDocument.ResourceType.ImageResource.value
NOTES = {  # Anki note type: fields
    "half": ("Basic", [r"What is \(\frac{1}{2} + x^2\)?", r"[$]\sqrt{x}[/$] and \[\sum_{i=1}^{n} i\]"]),
    "greek": ("Basic", [r"[$]\alpha &lt; \beta[/$] is read?", r"\(\text{alpha less than beta}\)"]),
    "cloze": ("Cloze", [r"Solve \(x + 1 = {{c1::3}}\)", ""]),
}


@pytest.fixture(scope="module")
def maths_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An .apkg written by the real Anki engine."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder = tmp_path_factory.mktemp("maths")
    col = Collection(str(folder / "collection.anki2"))
    try:
        deck_id = col.decks.id("Maths")
        for notetype, fields in NOTES.values():
            note = col.new_note(col.models.by_name(notetype))
            for index, text in enumerate(fields):
                note.fields[index] = text
            col.add_note(note, deck_id)
        path = folder / "maths.apkg"
        col.export_anki_package(
            out_path=str(path), options=ExportAnkiPackageOptions(with_scheduling=False, with_media=True), limit=None
        )
    finally:
        col.close()
    return path


@pytest.fixture
def window(app: App, qtbot, maths_package: Path) -> Iterator[MainWindow]:  # noqa: ANN001 - qtbot
    app.import_file(maths_package)
    install_theme(QApplication.instance(), LIGHT)
    shown = open_window(app, qtbot)
    yield shown
    shown.close()
    install_theme(QApplication.instance(), LIGHT)


def images_in(view: CardView) -> list[str]:
    """The names of the images laid out in the view, in order."""
    names = []
    block = view.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            form = iterator.fragment().charFormat()
            if form.isImageFormat():
                names.append(form.toImageFormat().name())
            iterator += 1
        block = block.next()
    return names


def ink(image: QImage) -> QColor:
    """The colour of the most opaque pixel: the formula's ink."""
    best, colour = -1, QColor()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > best:
                best, colour = pixel.alpha(), pixel
    return colour


def close_to(colour: QColor, expected: str) -> bool:
    wanted = QColor(expected)
    return max(abs(colour.red() - wanted.red()), abs(colour.green() - wanted.green()),
               abs(colour.blue() - wanted.blue())) <= 24  # fmt: skip


def study_until(window: MainWindow, qtbot, text: str) -> None:  # noqa: ANN001 - qtbot
    deck = window.app.find_deck("Maths")
    assert deck is not None
    window.study(deck.id)
    for _ in range(6):
        if any(text in name for name in images_in(window.reviewer.card_view)):
            return
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_4)
    raise AssertionError(f"no card shows {text!r}")


def test_imported_maths_is_drawn_on_both_sides_light_and_dark(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    view = window.reviewer.card_view
    study_until(window, qtbot, "frac")
    question = images_in(view)
    assert question == [math_src("inline", r"\frac{1}{2} + x^2")]
    assert "\\frac" not in view.toPlainText() and "\\(" not in view.toPlainText()
    loaded = view.document().resource(IMAGE, QUrl(question[0]))
    assert isinstance(loaded, QImage) and loaded.width() > 20 and loaded.height() > 10
    assert close_to(ink(loaded), LIGHT.text)

    press(qtbot, Qt.Key.Key_Space)  # the answer: [$] inline and \[ display
    qtbot.waitUntil(lambda: len(images_in(view)) == 3)
    assert images_in(view)[1:] == [math_src("inline", r"\sqrt{x}"), math_src("display", r"\sum_{i=1}^{n} i")]
    assert "[$]" not in view.toPlainText() and "\\[" not in view.toPlainText()

    install_theme(QApplication.instance(), DARK)  # the same card in the dark theme: light ink
    view.show_card(window.reviewer.session.current, revealed=True)
    dark = view.document().resource(IMAGE, QUrl(images_in(view)[0]))
    assert isinstance(dark, QImage) and close_to(ink(dark), DARK.text)


def test_cloze_inside_maths_is_highlighted_and_the_entity_is_the_symbol(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    view = window.reviewer.card_view
    study_until(window, qtbot, "alpha")
    assert images_in(view) == [math_src("inline", r"\alpha < \beta")]
    study_until(window, qtbot, "x%20%2B%201")
    assert images_in(view) == [math_src("inline", r"x + 1 = {\color{cloze}[...]}")]
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: math_src("inline", r"x + 1 = {\color{cloze}3}") in images_in(view))
    image = view.document().resource(IMAGE, QUrl(images_in(view)[0]))
    accent = QColor(LIGHT.accent)
    assert any(
        close_to(image.pixelColor(x, y), LIGHT.accent) and image.pixelColor(x, y).alpha() > 200
        for y in range(image.height())
        for x in range(image.width())
    ), f"no pixel in the highlight colour {accent.name()}"


def test_what_cannot_be_drawn_shows_its_source_in_a_box(qtbot) -> None:  # noqa: ANN001 - qtbot
    style = style_for(QFont(), "#202020", "#2060c0", 1.0, 20)
    for broken in (r"\frac{a}{", r"\ce{H2O}", r"\foobar{x}"):
        image = math_image(math_src("inline", broken), style)
        assert image is not None and image == source_box(broken, style), broken
    text_mode = r"\begin{tabular}{ll} a & b \end{tabular}"
    assert math_image(math_src("text", text_mode), style) == source_box(text_mode, style)
    assert math_image(math_src("text", "Some $x^2$ text"), style) != source_box("Some $x^2$ text", style)
    assert math_image(math_src("inline", r"\frac{a}{b}"), style) != source_box(r"\frac{a}{b}", style)
    assert math_image("cat.png", style) is None


def test_crisp_at_the_screens_pixel_ratio_and_sized_with_the_text(qtbot) -> None:  # noqa: ANN001 - qtbot
    one = math_image(math_src("display", r"\int_0^1 x\,dx"), style_for(QFont(), "#000000", "#0000ff", 1.0, 20))
    two = math_image(math_src("display", r"\int_0^1 x\,dx"), style_for(QFont(), "#000000", "#0000ff", 2.0, 20))
    big = math_image(math_src("display", r"\int_0^1 x\,dx"), style_for(QFont(), "#000000", "#0000ff", 1.0, 40))
    assert one is not None and two is not None and big is not None
    assert two.devicePixelRatio() == 2.0 and abs(two.width() - 2 * one.width()) <= 2
    assert abs(big.width() - 2 * one.width()) <= 4  # twice the text size, twice the formula


def ink_bottoms(image: QImage) -> list[int]:
    """For each group of inked columns (a glyph or a formula), left to right, its lowest inked row."""
    bottoms: list[int] = []
    previous_inked = False
    for x in range(image.width()):
        rows = [y for y in range(image.height()) if image.pixelColor(x, y).lightness() < 160]
        if rows and not previous_inked:
            bottoms.append(max(rows))
        elif rows:
            bottoms[-1] = max(bottoms[-1], max(rows))
        previous_inked = bool(rows)
    return bottoms


@pytest.mark.parametrize("tex", ["x", "a^2 x", r"\frac{a}{b} x", r"\sum_{i=1}^{n} x"])
def test_an_inline_formula_sits_on_the_text_baseline(qtbot, tex: str) -> None:  # noqa: ANN001 - qtbot
    """ "x" as text, then a formula ending in x: the bottoms of the x's (on the baseline) meet."""
    view = CardView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    face = 'x <img src="' + math_src("inline", tex) + '" align="middle">'
    view.show_faces(CardFaces(face, face, ""), revealed=False)
    qtbot.waitUntil(lambda: view.document().resource(IMAGE, QUrl(math_src("inline", tex))) is not None)
    bottoms = ink_bottoms(view.grab().toImage())
    assert len(bottoms) >= 2
    assert abs(bottoms[0] - bottoms[-1]) <= 1, bottoms  # x as text and x in the formula
