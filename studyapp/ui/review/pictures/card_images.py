"""Images in a card, scaled down to the text column when they are wider than it (never scaled up).

A line that holds an image is given single line height: the card's roomy 135% would otherwise add
a third of the image's height below it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument, QTextFormat, QTextImageFormat

# The width and height the card asked for (its width/height attributes, else the image's own size),
# kept on the image so that a wider window can show it larger again.
_WANTED_WIDTH = QTextFormat.Property.UserProperty.value + 1
_WANTED_HEIGHT = QTextFormat.Property.UserProperty.value + 2


def _images(document: QTextDocument) -> list[tuple[int, int, QTextImageFormat]]:
    """Every image in the document as (position, length, format)."""
    found: list[tuple[int, int, QTextImageFormat]] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                found.append((fragment.position(), fragment.length(), fragment.charFormat().toImageFormat()))
            iterator += 1
        block = block.next()
    return found


def _wanted(form: QTextImageFormat, size_of: Callable[[str], QSize | None]) -> tuple[float, float] | None:
    """The size the card asks for: remembered from the first fit, else from the HTML and the file."""
    if form.hasProperty(_WANTED_WIDTH):
        return float(form.property(_WANTED_WIDTH)), float(form.property(_WANTED_HEIGHT))
    natural = size_of(form.name())
    if natural is None:
        return None
    width, height = form.width(), form.height()
    if width > 0 and height <= 0:
        height = width * natural.height() / natural.width()
    elif height > 0 and width <= 0:
        width = height * natural.width() / natural.height()
    elif width <= 0 and height <= 0:
        width, height = natural.width(), natural.height()
    return float(width), float(height)


def fit_images(document: QTextDocument, column_width: int, size_of: Callable[[str], QSize | None]) -> None:
    """Give each image at most ``column_width`` pixels of width, keeping its proportions."""
    images = _images(document)
    _single_line_height(document, [position for position, _length, _form in images])
    for position, length, form in images:
        wanted = _wanted(form, size_of)
        if wanted is None:
            continue
        width, height = wanted
        scale = min(1.0, column_width / width) if width > 0 else 1.0
        fitted = QTextImageFormat(form)
        fitted.setProperty(_WANTED_WIDTH, width)
        fitted.setProperty(_WANTED_HEIGHT, height)
        fitted.setWidth(width * scale)
        fitted.setHeight(height * scale)
        if fitted.width() == form.width() and fitted.height() == form.height() and form.hasProperty(_WANTED_WIDTH):
            continue  # already the right size: leave the document alone
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(fitted)


def _single_line_height(document: QTextDocument, positions: list[int]) -> None:
    single = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
    for position in positions:
        block = document.findBlock(position)
        form = block.blockFormat()
        if form.lineHeightType() == single and form.lineHeight() == 100:
            continue
        form.setLineHeight(100, single)
        QTextCursor(block).setBlockFormat(form)
