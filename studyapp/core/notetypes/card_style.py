"""A note type's styling, as far as the card view honours it."""

from __future__ import annotations

import re

_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_CSS_VALUES = {
    "text-align": re.compile(r"(?:left|right|center|justify|start|end)", re.IGNORECASE),
    "font-size": re.compile(r"\d{1,3}(?:\.\d{1,3})?(?:px|pt|em|rem|%)", re.IGNORECASE),
    "color": re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|rgba?\(\s*[\d.%,\s]{1,40}\)"),
}
_CSS_VALUES["background-color"] = _CSS_VALUES["color"]


def card_style(css: str) -> dict[str, str]:
    """What the card view can honour of a note type's styling: ``.card``'s text-align, font-size, color and
    background-color, validated (never a ``url()``, never anything that loads from elsewhere)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    style: dict[str, str] = {}
    for match in _CSS_RULE.finditer(css):
        selectors = {selector.strip() for selector in match.group(1).split(",")}
        if ".card" not in selectors:
            continue
        for declaration in match.group(2).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip().lower(), value.replace("!important", "").strip()
            pattern = _CSS_VALUES.get(name)
            if pattern and pattern.fullmatch(value):
                style[name] = value
    return style
