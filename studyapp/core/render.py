"""Card text to safe HTML for display.

Plain text is escaped, so a card can never inject markup. Web addresses become links, which the
window opens in the system browser only when clicked. Blank lines become paragraphs.
"""

from __future__ import annotations

import html
import re

# An address runs to the first space or quote; trailing punctuation that ends the sentence, and a
# closing bracket without an opening one inside the address, are not part of it.
_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""


def _split_url(candidate: str) -> tuple[str, str]:
    """Split a matched address into the address and the punctuation after it."""
    url = candidate
    while url:
        last = url[-1]
        if last in _TRAILING or last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url, candidate[len(url) :]


def find_links(text: str) -> list[str]:
    return [_split_url(match.group(0))[0] for match in _URL.finditer(text)]


def _inline(text: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url, rest = _split_url(match.group(0))
        parts.append(html.escape(text[position : match.start()]))
        escaped = html.escape(url)
        parts.append(f'<a href="{escaped}">{escaped}</a>{html.escape(rest)}')
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\n", "<br>")


def text_to_html(text: str) -> str:
    """Escape plain card text and mark up its paragraphs and links."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{_inline(p)}</p>" for p in paragraphs)
