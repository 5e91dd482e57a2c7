"""A note type's styling, as far as the card view honours it: alignment, text size and colours of ``.card``.

``core.notetypes.card_style`` reads them, validated (nothing is ever loaded from elsewhere). The view
applies a colour only when the card stays readable: the text colour must stand out from the ground it is
shown on (a contrast of at least ``MIN_CONTRAST``), and in the dark theme the template's ground is never
used (the stock types say ``background-color: white``, which would blind a student studying at night;
their ``color: black`` is then unreadable too, so it goes as well).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QColor

from studyapp.core.notetypes.card_style import card_style
from studyapp.ui.app.style import Theme

MIN_CONTRAST = 4.5  # WCAG's for body text
TEXT_PIXELS = (12, 48)  # the sizes a template may set, in pixels
BASE_PIXELS = 20
_SIZE = re.compile(r"(\d+(?:\.\d+)?)(px|pt|em|rem|%)")


@dataclass(frozen=True)
class CardLook:
    align: str | None = None  # text-align of the whole card, when not the view's own centring
    pixel_size: int | None = None
    color: str | None = None
    background: str | None = None

    def block_style(self) -> str:
        """Inline CSS for the card's question and answer blocks."""
        parts = []
        if self.align:
            parts.append(f"text-align: {self.align};")
        if self.pixel_size:
            parts.append(f"font-size: {self.pixel_size}px;")
        if self.color:
            parts.append(f"color: {self.color};")
        return " ".join(parts)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _pixels(value: str) -> int | None:
    match = _SIZE.fullmatch(value.strip().lower())
    if match is None:
        return None
    number, unit = float(match.group(1)), match.group(2)
    pixels = {"px": number, "pt": number * 4 / 3, "em": number * BASE_PIXELS, "rem": number * BASE_PIXELS}.get(
        unit, number * BASE_PIXELS / 100
    )
    return round(min(max(pixels, TEXT_PIXELS[0]), TEXT_PIXELS[1]))


def _colour(value: str | None) -> str | None:
    if value is None:
        return None
    colour = QColor(value.strip())
    return colour.name() if colour.isValid() and colour.alpha() == 255 else None


@lru_cache(maxsize=64)
def card_look(css: str, theme: Theme) -> CardLook:
    """What the view shows of ``css`` in ``theme``."""
    style = card_style(css)
    align = style.get("text-align", "").lower() or None
    align = {"start": "left", "end": "right"}.get(align or "", align)
    size = _pixels(style["font-size"]) if "font-size" in style else None
    # Anki's old stock styling (black on white) is no choice of the note's: the theme's colours stay.
    background = None if theme.dark else _colour(style.get("background-color"))
    background = None if background == "#ffffff" else background
    ground = background or theme.surface
    color = _colour(style.get("color"))
    color = None if color == "#000000" and background is None else color
    if color is not None and contrast(color, ground) < MIN_CONTRAST:
        color = None
    if background is not None and contrast(color or theme.text, background) < MIN_CONTRAST:
        background = None  # the theme's text would not stand out on it
    if background is not None and QColor(background) == QColor(theme.surface):
        background = None
    if color is not None and QColor(color) == QColor(theme.text):
        color = None
    return CardLook(
        align=None if align == "center" else align,
        pixel_size=None if size == BASE_PIXELS else size,
        color=color,
        background=background,
    )
