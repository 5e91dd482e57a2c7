"""One occlusion shape of an image occlusion note, as Anki's occlusion field holds it.

Geometry is in Anki's normalised units: fractions of the image's width (x, left, width, rx) and height (y,
top, height, ry), so a shape fits the image at any size. ``left``/``top`` are the top-left corner of the
shape's box (for an ellipse too: its centre is ``left + rx``, ``top + ry``). A polygon's points are
normalised as well; Anki draws them moved so that their top-left corner is at ``left``/``top``.

``ordinal`` is the cloze number: shapes with the same ordinal are one card (a group). Ordinal 0 (Anki's
text labels) makes no card and is shown on every card. ``extra`` keeps any other ``key=value`` properties
exactly as read, in order, so an export gives them back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class ShapeKind(str, enum.Enum):
    RECT = "rect"
    ELLIPSE = "ellipse"
    POLYGON = "polygon"
    TEXT = "text"


# Anki's defaults (ts/routes/image-occlusion/tools/lib.ts): a mask's fill, a text label's colour and size.
MASK_FILL = "#ffeba2"
TEXT_FILL = "#000000"
TEXT_BACKGROUND = "#ffffff"
TEXT_FONT_PIXELS = 40  # a label's font size in image pixels when it has no ``fs``


@dataclass(frozen=True)
class Shape:
    kind: ShapeKind
    ordinal: int  # the cloze number (the card is ordinal - 1); 0: shown on every card, no card of its own
    left: float = 0.0
    top: float = 0.0
    width: float = 0.0  # rect; an ellipse's is 2 * rx, a polygon's the width of its points
    height: float = 0.0
    points: tuple[tuple[float, float], ...] = ()  # polygon
    angle: float = 0.0  # degrees, clockwise about (left, top)
    fill: str | None = None  # None: Anki's default (MASK_FILL, TEXT_FILL for text)
    occlude_inactive: bool = False  # Anki's ``oi=1``: "hide all, guess one"
    text: str = ""  # text label
    scale: float = 1.0  # text label
    font_size: float | None = None  # text label, a fraction of the image height (Anki's ``fs``)
    more_ordinals: tuple[int, ...] = ()  # ``{{c1,3::...}}``: the other cards the shape belongs to
    extra: tuple[tuple[str, str], ...] = ()  # other properties, verbatim, in order

    @property
    def ordinals(self) -> tuple[int, ...]:
        return (self.ordinal, *self.more_ordinals)

    @property
    def rx(self) -> float:
        return self.width / 2

    @property
    def ry(self) -> float:
        return self.height / 2

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) of the shape, normalised (a text label's is only its corner)."""
        return (self.left, self.top, self.width, self.height)

    def with_box(self, left: float, top: float, width: float, height: float) -> Shape:
        """The shape moved and resized to the box (a polygon's points follow)."""
        points = self.points
        if self.kind is ShapeKind.POLYGON and points and self.width > 0 and self.height > 0:
            x0 = min(x for x, _ in points)
            y0 = min(y for _, y in points)
            points = tuple(
                (left + (x - x0) * width / self.width, top + (y - y0) * height / self.height) for x, y in points
            )
        return replace(self, left=left, top=top, width=width, height=height, points=points)


def rect(ordinal: int, left: float, top: float, width: float, height: float, *, occlude_inactive: bool = False,
         fill: str | None = None) -> Shape:  # fmt: skip
    return Shape(ShapeKind.RECT, ordinal, left, top, width, height, fill=fill, occlude_inactive=occlude_inactive)


def ellipse(ordinal: int, left: float, top: float, width: float, height: float, *, occlude_inactive: bool = False,
            fill: str | None = None) -> Shape:  # fmt: skip
    """An ellipse filling the box (left, top, width, height): Anki stores rx = width / 2, ry = height / 2."""
    return Shape(ShapeKind.ELLIPSE, ordinal, left, top, width, height, fill=fill, occlude_inactive=occlude_inactive)


def polygon(ordinal: int, points: tuple[tuple[float, float], ...] | list[tuple[float, float]], *,
            occlude_inactive: bool = False, fill: str | None = None) -> Shape:  # fmt: skip
    pts = tuple((float(x), float(y)) for x, y in points)
    left, top, width, height = points_box(pts)
    return Shape(
        ShapeKind.POLYGON, ordinal, left, top, width, height, pts, fill=fill, occlude_inactive=occlude_inactive
    )


def text_label(left: float, top: float, text: str, *, font_size: float | None = None, scale: float = 1.0,
               fill: str | None = None) -> Shape:  # fmt: skip
    return Shape(ShapeKind.TEXT, 0, left, top, text=text, font_size=font_size, scale=scale, fill=fill)


def points_box(points: tuple[tuple[float, float], ...]) -> tuple[float, float, float, float]:
    if not points:
        return (0.0, 0.0, 0.0, 0.0)
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
