"""Card HTML as plain text, for the terminal: line breaks kept, images named, everything else dropped."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_BREAKS = {"p", "div", "tr", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BREAKS:
            self._newline()
        elif tag == "li":
            self._newline()
            self.parts.append("• ")
        elif tag == "img":
            source = dict(attrs).get("src")
            self.parts.append(f"[image: {source}]" if source else "[image]")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BREAKS or tag == "li":
            self._newline()

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# HTML that says nothing HTML can't say as plain text: text, line breaks and character references.
_SIMPLE_HTML = re.compile(r"(?:[^<&]|<br\s*/?>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);)*")
_BR = re.compile(r"<br\s*/?>")


def plain_if_simple(html_text: str) -> str | None:
    """The plain text of an HTML field that is only text, ``<br>`` and entities; ``None`` otherwise.

    Anki stores every field as HTML. A card that was plain text when we exported it comes back as
    ``a &lt; b<br>c``: turning that back into ``a < b`` / ``c`` keeps a round trip exact.
    """
    if not _SIMPLE_HTML.fullmatch(html_text):
        return None
    return unescape(_BR.sub("\n", html_text))
