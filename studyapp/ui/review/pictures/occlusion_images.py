"""The pictures of image occlusion cards: the image with its masks painted over it, as one QImage.

The card's HTML names an ``occlusion:`` address (``studyapp.core.occlusion.faces``); the card view hands it
here. A native note's masks come from its occlusion field (``core.occlusion.card_masks``: the target in
the target colour on the question, only outlined on the answer, the other cards' masks in the mask colour
in "hide all, guess one"); an add-on note's mask SVG is drawn over its picture with QSvgRenderer.

The picture is read from the media folder only (``media_path``), at most ``max_width`` logical pixels wide
and at the screen's pixel ratio, so it stays sharp and small. Painted images are kept in a bounded cache
(by pixels), so showing a card again, or its answer after the question, costs nothing once painted. The
reviewer's workers (``picture_prefetch``) paint the next cards' pictures off the UI thread (``prepare``), so
the cache is guarded by a lock; the UI thread never waits for them.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QImageReader, QPainter, QPen, QPolygonF
from PySide6.QtSvg import QSvgRenderer

from studyapp.core.occlusion import (
    BORDER,
    OTHER_FILL,
    REVEALED_BORDER,
    TARGET_FILL,
    TEXT_BACKGROUND,
    TEXT_FILL,
    TEXT_FONT_PIXELS,
    Mask,
    Role,
    ShapeKind,
    card_masks,
    parse,
)
from studyapp.core.occlusion.faces import OcclusionImage, read_url

MediaPath = Callable[[str], Path | None]
MAX_SVG_BYTES = 2 * 1024 * 1024
MISSING_SIZE = QSize(480, 320)  # the canvas masks are drawn on when the picture is missing
CACHE_PIXELS = 12_000_000  # about 48 MB of painted pictures
# An SVG may only refer to its own elements and embedded data: an <image> of a file or a web address is
# removed, and any other such href (Qt would read the file).
_FOREIGN = r"""\s(?:xlink:)?href\s*=\s*(?:"(?!#|data:)[^"]*"|'(?!#|data:)[^']*')"""
_FOREIGN_IMAGE = re.compile(
    rf"<image\b[^>]*?{_FOREIGN}[^>]*?(?:/>|>.*?</image\s*>)".encode(), re.IGNORECASE | re.DOTALL
)
_FOREIGN_HREF = re.compile(_FOREIGN.encode(), re.IGNORECASE)


class OcclusionImages:
    """Paints ``occlusion:`` addresses; one per process is enough (``shared``)."""

    def __init__(self, max_pixels: int = CACHE_PIXELS) -> None:
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, float, int], QImage] = OrderedDict()
        self._pixels = 0
        self._max_pixels = max_pixels
        self.painted = 0  # how many pictures were painted (not taken from the cache), for tests

    # -- sizes -------------------------------------------------------------------------------------

    def logical_size(self, url: str, media_path: MediaPath, max_width: int) -> QSize | None:
        """The size the picture is laid out at (before the view fits it to its column)."""
        request = read_url(url)
        return None if request is None else _logical_size(media_path(request.image), max_width)

    # -- painting ----------------------------------------------------------------------------------

    def image(self, url: str, media_path: MediaPath, max_width: int, ratio: float) -> QImage | None:
        """The picture with its masks, ``max_width`` logical pixels wide at most, at pixel ratio ``ratio``."""
        request = read_url(url)
        if request is None:
            return None
        key = (url, round(ratio, 2), max_width)
        cached = self._cached(key)
        if cached is not None:
            return cached
        image = self._paint(request, media_path, max_width, ratio)
        self._remember(key, image, painted=True)
        return image

    def prepare(self, url: str, media_path: MediaPath, max_width: int, ratio: float) -> bool:
        """Paint the picture into the cache unless it is there (a worker's job); whether it was painted."""
        if read_url(url) is None or self._cached((url, round(ratio, 2), max_width)) is not None:
            return False
        return self.image(url, media_path, max_width, ratio) is not None

    def _cached(self, key: tuple[str, float, int]) -> QImage | None:
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
            return cached

    def _remember(self, key: tuple[str, float, int], image: QImage, painted: bool = False) -> None:
        with self._lock:
            self.painted += int(painted)
            if key not in self._cache:
                self._keep(key, image)

    def _keep(self, key: tuple[str, float, int], image: QImage) -> None:
        pixels = image.width() * image.height()
        if pixels > self._max_pixels:
            return
        self._cache[key] = image
        self._pixels += pixels
        while self._pixels > self._max_pixels and self._cache:
            _, old = self._cache.popitem(last=False)
            self._pixels -= old.width() * old.height()

    def _base(self, path: Path, size: QSize) -> QImage | None:
        """The picture decoded at ``size``, kept (in the same bound) for its other cards and its answer side:
        decoding is most of the cost, painting masks little."""
        key = (str(path), -1.0, size.width() * 100_000 + size.height())
        cached = self._cached(key)
        if cached is not None:
            return cached
        image = _read(path, size)
        if image is not None:
            image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
            self._remember(key, image)
        return image

    def _paint(self, request: OcclusionImage, media_path: MediaPath, max_width: int, ratio: float) -> QImage:
        path = media_path(request.image)
        logical = _logical_size(path, max_width)
        natural = _natural_size(path)
        # Physical pixels: the logical size at the screen's ratio, never more than the picture has.
        scale = ratio if natural is None else max(1.0, min(ratio, natural.width() / logical.width()))
        physical = QSize(max(1, round(logical.width() * scale)), max(1, round(logical.height() * scale)))
        image = self._base(path, physical) if path is not None else None
        if image is None:
            image = QImage(physical, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(QColor("#d9d9d9"))
        else:
            image = image.copy()  # (the decoded picture stays as it is, for the next card)
            physical = image.size()
        image.setDevicePixelRatio(physical.width() / logical.width())
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            rect = QRectF(0, 0, logical.width(), logical.height())  # painting is in logical pixels
            if request.mask is not None:
                _paint_svg(painter, media_path(request.mask), rect)
            else:
                shapes = parse(request.field).shapes
                source_height = natural.height() if natural is not None else logical.height()
                for mask in card_masks(shapes, request.ordinal, request.question):
                    _paint_mask(painter, mask, rect, logical.height() / max(1, source_height))
        finally:
            painter.end()
        return image


def _logical_size(path: Path | None, max_width: int) -> QSize:
    size = _natural_size(path) or MISSING_SIZE
    if size.width() > max_width:
        size = QSize(max_width, max(1, round(size.height() * max_width / size.width())))
    return size


def _natural_size(path: Path | None) -> QSize | None:
    if path is None:
        return None
    size = QImageReader(str(path)).size()
    return size if size.isValid() and not size.isEmpty() else None


def _read(path: Path, size: QSize) -> QImage | None:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    if reader.size().isValid() and reader.size() != size:
        reader.setScaledSize(size)
    image = reader.read()
    return None if image.isNull() else image


def _pen(color: str, width: float) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _paint_mask(painter: QPainter, mask: Mask, rect: QRectF, text_scale: float) -> None:
    shape = mask.shape
    width, height = rect.width(), rect.height()
    if shape.kind is ShapeKind.TEXT:
        _paint_text(painter, mask, rect, text_scale)
        return
    if mask.role is Role.REVEALED:
        painter.setPen(_pen(REVEALED_BORDER, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    elif mask.role is Role.OTHER:
        painter.setPen(_pen(BORDER, 1))
        painter.setBrush(QBrush(QColor(shape.fill or OTHER_FILL)))
    else:  # the target, or an ordinal-0 shape (drawn on every card as Anki draws it)
        painter.setPen(_pen(BORDER, 1))
        painter.setBrush(QBrush(QColor(TARGET_FILL)))
    left, top = shape.left * width, shape.top * height
    painter.save()
    if shape.angle and shape.kind is not ShapeKind.POLYGON:
        painter.translate(left, top)
        painter.rotate(shape.angle)
        painter.translate(-left, -top)
    if shape.kind is ShapeKind.RECT:
        painter.drawRect(QRectF(left, top, shape.width * width, shape.height * height))
    elif shape.kind is ShapeKind.ELLIPSE:
        painter.drawEllipse(QRectF(left, top, shape.width * width, shape.height * height))
    elif shape.points:
        x0 = min(x for x, _ in shape.points)
        y0 = min(y for _, y in shape.points)
        painter.drawPolygon(
            QPolygonF([QPointF(left + (x - x0) * width, top + (y - y0) * height) for x, y in shape.points])
        )
    painter.restore()


def _paint_text(painter: QPainter, mask: Mask, rect: QRectF, text_scale: float) -> None:
    shape = mask.shape
    pixels = shape.font_size * rect.height() if shape.font_size else TEXT_FONT_PIXELS * text_scale
    pixels *= shape.scale if math.isfinite(shape.scale) and shape.scale > 0 else 1.0
    if not shape.text or pixels < 1:
        return
    font = QFont("Arial")
    font.setPixelSize(max(1, round(min(pixels, 2 * rect.height()))))
    metrics = QFontMetricsF(font)
    lines = shape.text.split("\n")
    line_height = metrics.height()
    box = QRectF(0, 0, max(metrics.horizontalAdvance(line) for line in lines) + 5, line_height * len(lines) + 5)
    left, top = shape.left * rect.width(), shape.top * rect.height()
    painter.save()
    painter.translate(left, top)
    if shape.angle:
        painter.rotate(shape.angle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(TEXT_BACKGROUND))
    painter.drawRect(box)
    painter.setFont(font)
    painter.setPen(QColor(shape.fill or TEXT_FILL))
    for index, line in enumerate(lines):
        painter.drawText(QPointF(0, index * line_height + metrics.ascent()), line)
    painter.restore()


def _paint_svg(painter: QPainter, path: Path | None, rect: QRectF) -> None:
    if path is None:
        return
    try:
        if path.stat().st_size > MAX_SVG_BYTES:
            return
        data = path.read_bytes()
    except OSError:
        return
    renderer = QSvgRenderer(QByteArray(_FOREIGN_HREF.sub(b"", _FOREIGN_IMAGE.sub(b"", data))))
    if renderer.isValid():
        renderer.setAspectRatioMode(Qt.AspectRatioMode.IgnoreAspectRatio)
        renderer.render(painter, rect)


_SHARED: OcclusionImages | None = None


def shared() -> OcclusionImages:
    """The process's painter (and its cache), made when first asked for."""
    global _SHARED
    if _SHARED is None:
        _SHARED = OcclusionImages()
    return _SHARED
