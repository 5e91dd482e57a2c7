"""Card HTML from imports, reduced to an allow-list with nh3 before it is stored and again before it is shown.

Kept: text formatting, lists, tables, links to http(s) and mailto, and images whose source is a plain
file name in the collection's media folder. Dropped: scripts and styles (with their content), event
handlers, ``style`` attributes, ``javascript:`` and ``data:`` URLs, and anything remote but a link. An image
source must stay a plain file name once percent-decoded (``..%2Fx`` is ``../x`` to the card view), and
sizes (``width``, ``height``, ``colspan``, ``rowspan``) are kept only when small. Classes are kept only for
what studyapp marks up itself (a cloze, a typed-answer box, a template message).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import nh3

from studyapp.core.text.html_nesting import MAX_DEPTH, MAX_TABLE_DEPTH, needs_normalizing, nesting, normalize

_TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    "details", "summary", "ruby", "rt", "rp",  # a template's {{hint:}} and {{furigana:}}
}  # fmt: skip
# Classes a card may carry: the cloze highlight, and the marks templates make (a box to type the answer in,
# a message about the template itself).
_CLASSES = {"cloze", "type-answer", "template-error"}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "span": {"class", "data-field"},  # data-field: the field a typed-answer box compares with
    "*": set(),  # nh3 would otherwise allow ``title`` and ``lang`` on every tag
}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
# A media reference is a bare file name: no scheme, no folder, no way up.
_MEDIA_NAME = re.compile(r"^[^/\\:?#]+$")
_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# Sizes a card may ask for: a few thousand pixels (or a percentage), a few hundred cells. More only makes
# the layout slow or the card miles long.
_SIZE = re.compile(r"^\d{1,4}%?$")
_SPAN = re.compile(r"^\d{1,3}$")
_MAX_PASSES = 4  # the cleaned HTML settles after one more pass, two for the oddest tag soup
# Up to this many tags nh3 is given the field as it is (its parse costs at most milliseconds); more, and the
# field is rewritten well-nested first (linear), which nh3 then parses in time proportional to its length.
_MAX_TAGS_AS_IS = 256
# What the parser changes in text with no markup at all: escapes, CR, NUL, no-break space, a leading BOM.
# Text without any of them comes out of nh3 exactly as it went in (``str.__contains__`` finds them fastest).
_CHANGED_IN_TEXT = "<>&\r\x00\xa0\ufeff"


def _is_media_name(value: str) -> bool:
    """A bare file name, also once percent-decoded (the card view decodes ``..%2F`` to ``../``)."""
    return all(_MEDIA_NAME.match(name) and name not in {".", ".."} for name in (value, unquote(value)))


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _is_media_name(value) else None
    if attribute in {"width", "height"}:
        return value if _SIZE.match(value.strip()) else None
    if attribute in {"colspan", "rowspan"}:
        return value if _SPAN.match(value.strip()) else None
    if tag == "a" and attribute == "href":
        return value if _LINK.match(value.strip()) else None
    if tag == "span" and attribute == "class":
        return value if value in _CLASSES else None
    return value


def _clean_once(html: str) -> str:
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


def clean_html(html: str) -> str:
    """The HTML with everything outside the allow-list removed; cleaning it again changes nothing.

    Linear in the length of ``html`` whatever its nesting: a field with many tags is first rewritten
    well-nested and at most ``MAX_DEPTH`` deep (``studyapp.core.text.html_nesting``), and so is a result
    nested deeper than that, or with tables in tables more than ``MAX_TABLE_DEPTH`` deep.
    """
    if not any(character in html for character in _CHANGED_IN_TEXT):
        return html  # text nh3 would give back as it is: a 100 MB answer costs no parse (4 s, 500 MB)
    cleaned = _clean_until_stable(normalize(html) if needs_normalizing(html, _MAX_TAGS_AS_IS) else html)
    if cleaned.count("<") <= MAX_DEPTH and cleaned.count("<table") <= MAX_TABLE_DEPTH:
        return cleaned  # too few tags to nest deeper than allowed: no need to measure (a package's fields)
    depth, tables = nesting(cleaned)
    if depth > MAX_DEPTH or tables > MAX_TABLE_DEPTH:
        cleaned = _clean_until_stable(normalize(cleaned))
    return cleaned


def _clean_until_stable(html: str) -> str:
    # One pass can leave a tree that parses differently when read again (a <p> left inside a <p> once the
    # tag between them is gone; the ``rel`` nh3 gives a link moves): clean until nothing changes, so that
    # stored HTML, which is cleaned again when shown and when re-imported, is stable.
    cleaned = _clean_once(html)
    if cleaned == html:  # nothing changed: a second pass would give the same again (most stored HTML)
        return cleaned
    for _ in range(_MAX_PASSES):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def media_references(html: str) -> set[str]:
    """The media file names an HTML field refers to (``<img src="...">`` and Anki's ``[sound:...]``), after cleaning."""
    cleaned = clean_html(html)
    found = re.findall(r'<img[^>]*\ssrc="([^"]+)"', cleaned) + re.findall(r"\[sound:([^\[\]<>]+)\]", cleaned)
    return {unescape(name) for name in found}  # "a&amp;b.png" in the HTML is the file a&b.png
