"""Card HTML from imports, reduced to an allow-list with nh3 before it is stored and again before it is shown.

Kept: text formatting, lists, tables, links to http(s) and mailto, and images whose source is a plain
file name in the collection's media folder. Dropped: scripts and styles (with their content), event
handlers, ``style`` attributes, ``javascript:`` and ``data:`` URLs, and anything remote but a link.
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "span": {"class"},
}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
# A media reference is a bare file name: no scheme, no folder, no way up.
_MEDIA_NAME = re.compile(r"^[^/\\:?#]+$")
_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _MEDIA_NAME.match(value) and value not in {".", ".."} else None
    if tag == "a" and attribute == "href":
        return value if _LINK.match(value.strip()) else None
    if tag == "span" and attribute == "class":
        return value if value == "cloze" else None
    return value


def clean_html(html: str) -> str:
    """The HTML with everything outside the allow-list removed."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def media_references(html: str) -> set[str]:
    """The media file names an HTML field refers to (``<img src="...">``), after cleaning."""
    return set(re.findall(r'<img[^>]*\ssrc="([^"]+)"', clean_html(html)))
