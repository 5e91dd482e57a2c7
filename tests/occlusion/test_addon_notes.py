"""Notes of the older "Image Occlusion Enhanced" add-on (made with genanki as the add-on lays them out: a
standard note type, the mask SVGs in fields, one note per card): kept exactly, and shown with the mask drawn
over the picture, as one image, in the real card view."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument

from studyapp.core.occlusion.faces import read_url
from studyapp.core.text.render import card_faces
from studyapp.core.text.sanitize import clean_html
from studyapp.services.app import App
from studyapp.ui.review.card_view import CardView

from .engine import png, read_back

FIELDS = ["ID (hidden)", "Header", "Image", "Question Mask", "Footer", "Remarks", "Sources", "Extra 1", "Extra 2",
          "Answer Mask", "Original Mask"]  # fmt: skip
FRONT = """{{#Image}}
<div id="io-header">{{Header}}</div>
<div id="io-wrapper">
<div id="io-overlay">{{Question Mask}}</div>
<div id="io-original">{{Image}}</div>
</div>
<div id="io-footer">{{Footer}}</div>
<script>var mask = document.querySelector('#io-overlay>img');</script>
{{/Image}}"""
BACK = """{{#Image}}
<div id="io-header">{{Header}}</div>
<div id="io-wrapper">
<div id="io-overlay">{{Answer Mask}}</div>
<div id="io-original">{{Image}}</div>
</div>
<button id="io-revl-btn" onclick="toggle();">Toggle Masks</button>
{{#Remarks}}<div class="io-extra-entry">{{Remarks}}</div>{{/Remarks}}
{{/Image}}"""
# The add-on's masks: the question hides the target in red and another label in yellow; the answer only
# the other one.
QUESTION_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
<g><rect x="10" y="10" width="40" height="30" fill="#FF7E7E" stroke="#2D2D2D" class="qshape"/>
<rect x="120" y="50" width="50" height="30" fill="#FFEBA2" stroke="#2D2D2D"/>
<image href="/etc/passwd" x="0" y="0" width="10" height="10"/>
<image xlink:href='flag.png' x="0" y="0" width="10" height="10"></image></g></svg>"""
ANSWER_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
<g><rect x="120" y="50" width="50" height="30" fill="#FFEBA2" stroke="#2D2D2D"/></g></svg>"""
IMAGE_TYPE = QTextDocument.ResourceType.ImageResource.value
_SRC = re.compile(r'<img src="([^"]+)"')


def make_addon_package(folder: Path) -> Path:
    import genanki

    model = genanki.Model(
        1_420_000_001,
        "Image Occlusion Enhanced",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "IO Card", "qfmt": FRONT, "afmt": BACK}],
        css="#io-overlay { position: absolute; }",
    )
    deck = genanki.Deck(2_059_400_200, "Anatomy")
    files = {"picture.png": png(), "q-1.svg": QUESTION_SVG.encode(), "a-1.svg": ANSWER_SVG.encode()}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    fields = ["io-1", "Bones", "<img src='picture.png'></img>", "<img src='q-1.svg'></img>", "", "a remark", "",
              "", "", "<img src='a-1.svg'></img>", ""]  # fmt: skip
    deck.add_note(genanki.Note(model=model, fields=fields, guid="io-note-1"))
    path = folder / "addon.apkg"
    genanki.Package([deck], media_files=[str(folder / name) for name in files]).write_to_file(str(path))
    return path


def _picture(view: CardView, html: str) -> QImage:
    (src,) = [url for url in _SRC.findall(html) if url.startswith("occlusion:")]
    image = view.loadResource(IMAGE_TYPE, QUrl(src))
    assert isinstance(image, QImage) and not image.isNull()
    return image


def _close(pixel: QColor, expected: str) -> bool:
    want = QColor(expected)
    return all(abs(a - b) <= 12 for a, b in zip(pixel.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_the_mask_is_drawn_over_the_picture_and_the_note_is_kept(app: App, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    (tmp_path / "package").mkdir()
    package = make_addon_package(tmp_path / "package")
    summary = app.import_file(package)
    assert not summary.warnings
    deck = app.find_deck("Anatomy")
    assert deck is not None
    (card_id,) = app.collection.reviews.card_ids([deck.id])
    card = app.collection.reviews.card(card_id)
    assert card is not None and card.notetype is not None and card.notetype.name == "Image Occlusion Enhanced"
    faces = card_faces(card)
    # One picture per side: the mask's <img> became the composed one, the plain picture's went.
    assert _SRC.findall(faces.question) and all(src.startswith("occlusion:") for src in _SRC.findall(faces.question))
    answer_side = faces.revealed_question + faces.answer  # (no {{FrontSide}}: all of it below the divider)
    assert len(_SRC.findall(faces.question)) == 1 and len(_SRC.findall(answer_side)) == 1
    asked, shown = read_url(_SRC.findall(faces.question)[0]), read_url(_SRC.findall(answer_side)[0])
    assert asked is not None and (asked.image, asked.mask) == ("picture.png", "q-1.svg")
    assert shown is not None and (shown.image, shown.mask) == ("picture.png", "a-1.svg")
    assert "Bones" in faces.question and "a remark" in answer_side and "Toggle Masks" not in answer_side

    view = CardView(app.media_dir)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show_card(card, revealed=False)
    question = _picture(view, view.shown_html)
    view.show_card(card, revealed=True)
    answer = _picture(view, view.shown_html)
    original = QImage.fromData(png())
    assert question.size() == original.size()
    target, other, free = (30, 25), (145, 65), (90, 80)
    assert _close(question.pixelColor(*target), "#FF7E7E") and _close(question.pixelColor(*other), "#FFEBA2")
    assert _close(answer.pixelColor(*target), original.pixelColor(*target).name())  # revealed
    assert _close(answer.pixelColor(*other), "#FFEBA2")
    assert _close(question.pixelColor(*free), original.pixelColor(*free).name())
    # The SVG's <image href="/etc/passwd"> was removed before Qt read it: its corner is the picture.
    assert _close(question.pixelColor(2, 2), original.pixelColor(2, 2).name())

    # Exported as it came: the engine reads the same note type, fields (as stored: cleaned HTML) and card.
    out = tmp_path / "out.apkg"
    app.export(out, "Anatomy")
    ((name, kind, fields, ords, _),) = read_back(out, tmp_path / "after").values()
    ((name_in, kind_in, fields_in, ords_in, _),) = read_back(package, tmp_path / "before").values()
    assert (name, kind, ords) == (name_in, kind_in, ords_in)
    assert fields == tuple(clean_html(field) for field in fields_in) == card.all_fields
