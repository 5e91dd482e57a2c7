"""An independent check of stored or shown card HTML: what in it could run, fetch or read something.

It parses the HTML with the standard library's ``html.parser`` (not nh3, which made it), and lists every
problem: a tag outside the allow-list, an ``on*`` or ``style`` attribute, any attribute a tag may not
carry, a link that is not http(s) or mailto, an image source that is not a bare file name of the media
folder, a comment, declaration or processing instruction.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

SAFE_TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    "details", "summary", "ruby", "rt", "rp",  # inert, no attributes: templates' {{hint:}} and {{furigana:}}
}  # fmt: skip
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "span": {"class", "data-field"},
}
LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
MEDIA_NAME = re.compile(r"^[^/\\:?#]+$")
MAX_SIZE = 10_000  # pixels, or cells of a span: anything larger only slows the layout down


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = SAFE_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            elif name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            elif name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not LINK.match(value):
                self.problems.append(f"link {value!r}")
            elif name == "src" and not all(
                MEDIA_NAME.match(v) and v not in {".", ".."} for v in (value, unquote(value))
            ):
                self.problems.append(f"image source {value!r}")
            elif name in {"width", "height", "colspan", "rowspan"} and not _small_number(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data[:30]!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl[:30]!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data[:30]!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data[:30]!r}")


def _small_number(value: str) -> bool:
    digits = value.strip().removesuffix("%")
    return digits.isascii() and digits.isdigit() and int(digits) < MAX_SIZE


def html_problems(html: str) -> list[str]:
    """Everything dangerous in ``html``; an empty list for safe card HTML."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
