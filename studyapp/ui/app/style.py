"""The look: a calm light theme, or its dark twin when the system asks for dark.

The style sheet lives in ``resources/styles/app.qss`` and names its colours as ``@tokens``, filled in
from the theme here, so one sheet serves both. Widgets that colour text themselves (counts, card
links) ask :func:`theme_for` with their own palette, so they follow whichever theme is installed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from studyapp.services.paths import resources_dir

_TOKEN = re.compile(r"@([a-z_]+)")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    surface: str
    surface_alt: str
    border: str
    border_strong: str
    text: str
    muted: str
    faint: str
    accent: str
    accent_hover: str
    accent_text: str
    selection: str
    link: str
    new: str
    learning: str
    due: str
    again: str
    hard: str
    good: str
    easy: str

    def tokens(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if isinstance(value, str)}

    def palette(self) -> QPalette:
        palette = QPalette()
        roles = {
            QPalette.ColorRole.Window: self.window,
            QPalette.ColorRole.WindowText: self.text,
            QPalette.ColorRole.Base: self.surface,
            QPalette.ColorRole.AlternateBase: self.surface_alt,
            QPalette.ColorRole.Text: self.text,
            QPalette.ColorRole.Button: self.surface,
            QPalette.ColorRole.ButtonText: self.text,
            QPalette.ColorRole.ToolTipBase: self.surface,
            QPalette.ColorRole.ToolTipText: self.text,
            QPalette.ColorRole.PlaceholderText: self.faint,
            QPalette.ColorRole.Highlight: self.selection,
            QPalette.ColorRole.HighlightedText: self.text,
            QPalette.ColorRole.Link: self.link,
            QPalette.ColorRole.LinkVisited: self.link,
            QPalette.ColorRole.Mid: self.border,
            QPalette.ColorRole.Midlight: self.surface_alt,
        }
        for role, colour in roles.items():
            palette.setColor(role, QColor(colour))
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(self.faint))
        return palette


LIGHT = Theme(
    dark=False,
    window="#f5f6f8",
    surface="#ffffff",
    surface_alt="#eef1f4",
    border="#dfe3e8",
    border_strong="#c3c9d1",
    text="#1f2328",
    muted="#59636e",
    faint="#9aa3ad",
    accent="#2f6feb",
    accent_hover="#245bd0",
    accent_text="#ffffff",
    selection="#dce8fd",
    link="#0b5fd3",
    new="#1f6feb",
    learning="#d2461b",
    due="#1a7f37",
    again="#cf222e",
    hard="#b35c00",
    good="#1a7f37",
    easy="#1f6feb",
)

DARK = Theme(
    dark=True,
    window="#1b1d21",
    surface="#23262b",
    surface_alt="#2b2f35",
    border="#363b42",
    border_strong="#4a5058",
    text="#e6e8eb",
    muted="#a4acb6",
    faint="#6c737d",
    accent="#4c8dff",
    accent_hover="#6a9fff",
    accent_text="#ffffff",
    selection="#2c4673",
    link="#79b8ff",
    new="#6ea8fe",
    learning="#ff8a65",
    due="#56d364",
    again="#ff7b72",
    hard="#e3b341",
    good="#56d364",
    easy="#79c0ff",
)


def theme_for(palette: QPalette) -> Theme:
    """The theme that matches a palette: dark if its window colour is dark."""
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def system_prefers_dark(app: QApplication) -> bool:
    scheme = app.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def stylesheet_path() -> Path:
    return resources_dir() / "styles" / "app.qss"


def render_stylesheet(theme: Theme, source: str | None = None) -> str:
    """The style sheet with its ``@tokens`` replaced by the theme's colours (an unknown token is an error)."""
    text = stylesheet_path().read_text(encoding="utf-8") if source is None else source
    text = _COMMENT.sub("", text)
    tokens = theme.tokens()

    def colour(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in tokens:
            raise KeyError(f"app.qss: unknown colour @{name}")
        return tokens[name]

    return _TOKEN.sub(colour, text)


def install_theme(app: QApplication, theme: Theme | None = None) -> Theme:
    """Fusion, the theme's palette and the style sheet, for the whole application."""
    chosen = theme or (DARK if system_prefers_dark(app) else LIGHT)
    from studyapp.ui.app.indicator_style import IndicatorStyle  # here: it reads the theme from this module

    app.setStyle(IndicatorStyle())  # Fusion, with check boxes and radio buttons that show in both themes
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setPalette(chosen.palette())
    app.setStyleSheet(render_stylesheet(chosen))
    return chosen


def count_colour(theme: Theme, kind: str, value: int) -> str:
    """The colour of a New/Learning/Due number: its queue's colour, or faint grey for zero."""
    return getattr(theme, kind) if value else theme.faint


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21 (4.5 for text, 3 for a control's outline)."""
    light, dark = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(colour: str, ground: str, share: float) -> str:
    """``share`` of ``colour`` over ``ground``, as ``#rrggbb``."""
    a, b = QColor(colour), QColor(ground)
    parts = (round(x * share + y * (1 - share)) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))
    return QColor(*parts).name()


def readable(colour: str, ground: str, toward: str, minimum: float = 4.5) -> str:
    """``colour``, moved toward ``toward`` (the theme's text) in small steps until it has ``minimum`` contrast on
    ``ground``: the hue kept as far as it can be."""
    for step in range(11):
        moved = mix(toward, colour, step / 10)
        if contrast(moved, ground) >= minimum:
            return moved
    return toward
