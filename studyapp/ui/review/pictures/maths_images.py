"""Formulas as images for the card view: TeX -> SVG with ``ziamath`` -> QImage with QtSvg.

``studyapp.core.text.maths`` turns each formula of a face into ``<img src="math:<mode>,<TeX>">``; the card view
answers those images here (``math_image``). The TeX is drawn in the card's text colour (its cloze parts in
the highlight colour), at its text size, at the screen's pixel ratio, so a formula is as crisp as the text
around it in a light or a dark theme and at any card font size. Images are kept per (formula, colours, size,
ratio), ``MAX_IMAGES`` of them.

An inline formula is an ``align="middle"`` image: Qt centres such an image in the middle of its line (Qt has
no baseline offset for images), so it is padded above or below until the formula's own baseline lies on the
text's (``MathStyle.middle``). Exact when the formula is the tallest thing in its line; a small formula beside
a much taller one sits a few pixels high. A display formula stands on its own centred line.

What ``ziamath`` cannot draw (a TeX error, a command it does not know, such as ``\\ce`` of mhchem, text-mode
LaTeX such as ``\\begin{tabular}`` in a ``[latex]`` body) is shown as its source in a monospace box; nothing
here ever raises for a formula.
"""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtSvg import QSvgRenderer

from studyapp.core.text.maths import CLOZE_COLOR, DISPLAY, INLINE, TEXT, parse_math_src

MAX_IMAGES = 512
BOX_COLUMNS = 60  # the source box wraps its lines at this many characters
BOX_LINES = 12  # and shows at most this many
BOX_PADDING = 4
_CLOZE = re.compile(rf"\\color\{{{CLOZE_COLOR}\}}")
_UNKNOWN_COMMAND = re.compile(r">\\[A-Za-z]{2,}<")  # latex2mathml leaves a command it does not know as text
_TEXT_MODE_COMMAND = re.compile(r"\\[A-Za-z]")
_DOLLARS = re.compile(r"\$\$.*?\$\$|\$.*?\$", re.DOTALL)
_VIEW_BOX = re.compile(r'viewBox="([-\d.e]+) ([-\d.e]+) ([-\d.e]+) ([-\d.e]+)"')


@dataclass(frozen=True)
class MathStyle:
    """How a card's text looks where a formula sits."""

    color: str  # the text's colour
    accent: str  # a cloze's highlight colour
    pixel_size: float  # the text's size in (device-independent) pixels
    ratio: float  # the screen's device pixel ratio
    ascent: float  # of the text's font (pixels)
    descent: float
    x_height: float

    def middle(self, height: float) -> float:
        """How far above the baseline Qt centres an ``align="middle"`` image ``height`` tall, when it is the
        tallest thing in its line: in the middle of the line, whose ascent and descent are the font's or the
        image's (which Qt takes as its height plus or minus half the x-height, halved), whichever is larger."""
        half_x = self.x_height / 2
        return (max(self.ascent, (height + half_x) / 2) - max(self.descent, (height - half_x) / 2)) / 2


def style_for(font: QFont, color: str, accent: str, ratio: float, pixel_size: float | None = None) -> MathStyle:
    """The style of formulas in text of ``font`` (its pixel size unless ``pixel_size`` is given)."""
    sized = QFont(font)
    if pixel_size:
        sized.setPixelSize(round(pixel_size))
    metrics = QFontMetricsF(sized)
    size = float(sized.pixelSize()) if sized.pixelSize() > 0 else metrics.height()
    return MathStyle(color, accent, size, ratio, metrics.ascent(), metrics.descent(), metrics.xHeight())


def math_image(src: str, style: MathStyle) -> QImage | None:
    """The image of a ``math:`` source, or ``None`` if ``src`` is not one."""
    parsed = parse_math_src(src)
    return None if parsed is None else _image(parsed[0], parsed[1], style)


@dataclass(frozen=True)
class _Svg:
    data: bytes
    left: float
    top: float  # the view box's top: minus the formula's height above its baseline
    width: float
    height: float


def _ziamath():  # noqa: ANN202 - imported when the first formula is drawn (0.2 s)
    with warnings.catch_warnings():  # ziamath 0.13 finds its font with importlib.resources' deprecated path()
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    ziamath.config.svg2 = False  # QtSvg draws SVG Tiny: no <symbol>/<use>, which SVG 2 output is made of
    return ziamath


def _svg(mode: str, tex: str, style: MathStyle) -> _Svg | None:
    """The formula as SVG, or ``None`` if it cannot be drawn as it should be."""
    zm = _ziamath()
    tex = _CLOZE.sub(lambda _m: f"\\color{{{style.accent}}}", tex)
    try:
        if mode == TEXT:
            if _TEXT_MODE_COMMAND.search(_DOLLARS.sub("", tex)):
                return None  # LaTeX text-mode commands: ziamath would print them as text
            drawn = zm.Text(tex, size=style.pixel_size, color=style.color)
        else:
            drawn = zm.Latex(tex, size=style.pixel_size, color=style.color, inline=mode == INLINE)
            if _UNKNOWN_COMMAND.search(drawn.mathmlstr()):
                return None
        svg = drawn.svg()
    except Exception:  # noqa: BLE001 - any failure of the library on any TeX is the source box, never an error
        return None
    box = _VIEW_BOX.search(svg)
    if box is None:
        return None
    left, top, width, height = (float(value) for value in box.groups())
    if not (0 < width < 20_000 and 0 < height < 20_000):
        return None
    return _Svg(svg.encode(), left, top, width, height)


@lru_cache(maxsize=MAX_IMAGES)
def _image(mode: str, tex: str, style: MathStyle) -> QImage:
    svg = _svg(mode, tex, style)
    if svg is None:
        return source_box(tex, style)
    renderer = QSvgRenderer(QByteArray(svg.data))
    if not renderer.isValid():
        return source_box(tex, style)
    renderer.setViewBox(QRectF(svg.left, svg.top, svg.width, svg.height))
    ascent, depth = -svg.top, svg.top + svg.height
    pad_top = pad_bottom = 0.0
    if mode != DISPLAY:  # Qt centres the image in its line: pad it so that the baselines meet
        for _ in range(4):  # the line's middle depends on the padded height: a few rounds settle it
            difference = depth + 2 * style.middle(ascent + depth + pad_top + pad_bottom) - ascent
            pad_top, pad_bottom = max(0.0, difference), max(0.0, -difference)
    ratio = style.ratio
    image = QImage(
        math.ceil(svg.width * ratio), math.ceil((svg.height + pad_top + pad_bottom) * ratio),
        QImage.Format.Format_ARGB32_Premultiplied,
    )  # fmt: skip
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, pad_top * ratio, svg.width * ratio, svg.height * ratio))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


def source_box(tex: str, style: MathStyle) -> QImage:
    """The formula's source in a monospace box: what cannot be drawn is still read."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPixelSize(max(8, round(style.pixel_size * 0.8)))
    metrics = QFontMetricsF(font)
    lines = [line for raw in tex.splitlines() or [""] for line in textwrap.wrap(raw, BOX_COLUMNS) or [""]]
    if len(lines) > BOX_LINES:
        lines = [*lines[: BOX_LINES - 1], lines[BOX_LINES - 1][: BOX_COLUMNS - 1] + "…"]
    width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * BOX_PADDING
    height = metrics.height() * len(lines) + 2 * BOX_PADDING
    ratio = style.ratio
    image = QImage(
        math.ceil(width * ratio) + 2, math.ceil(height * ratio) + 2, QImage.Format.Format_ARGB32_Premultiplied
    )
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(ratio)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    border = QColor(style.color)
    border.setAlphaF(0.45)
    fill = QColor(style.color)
    fill.setAlphaF(0.06)
    painter.setPen(QPen(border, 1))
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(0.5, 0.5, width, height), 3, 3)
    painter.setFont(font)
    painter.setPen(QColor(style.color))
    for index, line in enumerate(lines):
        painter.drawText(QRectF(BOX_PADDING, BOX_PADDING + index * metrics.height(), width, metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line)  # fmt: skip
    painter.end()
    return image


def cached_images() -> int:
    """How many formula images are kept now (for tests and the benchmark)."""
    return _image.cache_info().currsize


def clear_cache() -> None:
    _image.cache_clear()
