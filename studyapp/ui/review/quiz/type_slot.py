"""Where a template asks for a typed answer (``{{type:Field}}``), the card view shows the box to type in.

The card's faces carry the template's markers (``core.notetypes.template_parse.TYPE_MARKER``). Before the
reveal, in Type mode, the first marker becomes a blank image of the box's size (``SLOT``), which the
document lays out in the text's flow, and the view lays its line edit over it; any other marker goes.
After the check, the comparison is shown where the marker was: in the answer side, or in the question
the answer side repeats; the other markers show their own text (the expected answer), as they do
whenever nothing was typed.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QTextDocument

from studyapp.core.notetypes.template_parse import TYPE_MARKER, replace_type_markers

SLOT = "studyapp-type-slot:"  # the blank image's name: not a media file name, so nothing is ever loaded
SLOT_WIDTH = 420
SLOT_HEIGHT = 44


def has_marker(face_html: str) -> bool:
    return TYPE_MARKER.search(face_html) is not None


def with_slot(face_html: str, width: int) -> tuple[str, bool]:
    """The question with its first marker made a slot for the box (the others removed); whether it has one."""
    if not has_marker(face_html):
        return face_html, False
    image = f'<img src="{SLOT}" width="{width}" height="{SLOT_HEIGHT}">'
    return TYPE_MARKER.sub("", TYPE_MARKER.sub(f"<br>{image}<br>", face_html, count=1)), True


def without_markers(face_html: str) -> str:
    """A question shown without a box: its markers (empty there) go."""
    return replace_type_markers(face_html, "") if 'class="type-answer"' in face_html else face_html


def with_comparison(question: str, answer: str, comparison: str | None) -> tuple[str, str, bool]:
    """Both revealed faces with the comparison at the answer's first marker (else the question's); whether
    it found a place. The other markers show their expected answer; the question's are left empty."""
    placed = False
    if comparison is not None:
        for index, face in enumerate((answer, question)):
            if has_marker(face):
                face = TYPE_MARKER.sub(f'<div class="typed-result">{comparison}</div>', face, count=1)
                answer, question = (face, question) if index == 0 else (answer, face)
                placed = True
                break
    if 'class="type-answer"' in question:
        question = replace_type_markers(question, "")
    if 'class="type-answer"' in answer:
        answer = replace_type_markers(answer)
    return question, answer, placed


def slot_rect(document: QTextDocument) -> QRect | None:
    """The slot image's rectangle in document coordinates, or ``None`` if the document has none."""
    layout = document.documentLayout()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            form = fragment.charFormat() if fragment.isValid() else None
            if form is not None and form.isImageFormat() and form.toImageFormat().name() == SLOT:
                image = form.toImageFormat()
                text_layout = block.layout()
                offset = fragment.position() - block.position()
                line = text_layout.lineForTextPosition(offset)
                if not line.isValid():
                    return None
                origin = layout.blockBoundingRect(block).topLeft()
                x = origin.x() + line.cursorToX(offset)[0]
                top = origin.y() + line.y() + line.ascent() - image.height()
                return QRect(round(x), round(top), round(image.width()), round(image.height()))
            iterator += 1
        block = block.next()
    return None
