"""Between the canvas's masks (image pixels) and the note's shapes (``core.occlusion``, fractions of the image).

A mask loaded from a note keeps the shape it came from: unchanged, it goes back exactly as it was read
(its angle, fill and any property studyapp does not know included); moved or resized, only its box is
written anew; given another card number, only that changes.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPolygonF

from studyapp.core.occlusion import TEXT_FONT_PIXELS, Shape, ShapeKind, ellipse, rect
from studyapp.ui.occlusion.canvas import ELLIPSE, RECTANGLE, MaskItem, OcclusionCanvas


def _text_box(shape: Shape, width: float, height: float) -> QRectF:
    font = QFont()
    pixels = (shape.font_size * height if shape.font_size else TEXT_FONT_PIXELS) * (shape.scale or 1.0)
    font.setPixelSize(max(1, round(pixels)))
    size = QFontMetricsF(font).size(0, shape.text or " ")
    return QRectF(shape.left * width, shape.top * height, size.width(), size.height())


def load_shapes(canvas: OcclusionCanvas, shapes: tuple[Shape, ...] | list[Shape]) -> None:
    """Put a note's shapes on the canvas (its image already set)."""
    image = canvas.image
    assert image is not None
    width, height = float(image.width()), float(image.height())
    for shape in shapes:
        box = QRectF(shape.left * width, shape.top * height, shape.width * width, shape.height * height)
        outline = None
        if shape.kind is ShapeKind.POLYGON:
            x0 = min(x for x, _ in shape.points)
            y0 = min(y for _, y in shape.points)
            # Anki draws a polygon's points moved so that their top-left corner is at left/top.
            outline = QPolygonF(
                [QPointF((shape.left + x - x0) * width, (shape.top + y - y0) * height) for x, y in shape.points]
            )
        elif shape.kind is ShapeKind.TEXT:
            box = _text_box(shape, width, height)
        item = canvas.add_mask(shape.kind.value, shape.ordinal, box, shape, outline)
        item.text = shape.text
        if shape.angle:
            item.setRotation(shape.angle)
        item.moved = False


def _fraction(value: float, whole: float) -> float:
    return min(max(value / whole, 0.0), 1.0)


def shape_of(item: MaskItem, width: float, height: float) -> Shape:
    """The note's shape for one mask."""
    box = item.box()
    left, top = _fraction(box.left(), width), _fraction(box.top(), height)
    size = (_fraction(box.width(), width), _fraction(box.height(), height))
    source = item.source
    if isinstance(source, Shape):
        shape = source.with_box(left, top, *size) if item.moved else source
        if source.kind is ShapeKind.TEXT and item.moved:
            shape = replace(source, left=left, top=top)  # a label's box is only its corner
        return shape if shape.ordinal == item.ordinal else replace(shape, ordinal=item.ordinal)
    make = ellipse if item.kind == ELLIPSE else rect
    assert item.kind in (ELLIPSE, RECTANGLE)
    return make(item.ordinal, left, top, *size)


def canvas_shapes(canvas: OcclusionCanvas) -> tuple[Shape, ...]:
    """Every mask as the note's shapes, in the order drawn."""
    image = canvas.image
    if image is None:
        return ()
    width, height = float(image.width()), float(image.height())
    return tuple(shape_of(item, width, height) for item in canvas.masks())
