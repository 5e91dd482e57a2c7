"""Card HTML rewritten, in one linear pass, as well-nested allow-listed tags at most ``MAX_DEPTH`` deep.

nh3's parser (html5ever) is quadratic on deep or tangled markup: each ``<div>`` or ``<li>`` looks down the
whole stack of open elements (20,000 nested ``<div>`` take seconds), and a formatting tag left open and
reopened (``<p><b title=1></p><p><b title=2></p>…``) is copied into every later paragraph, so 40 KB become
14 MB. Qt's text layout is worse still on tables in tables (it doubles with every level). So a field with
many tags is first rewritten here, with rules simple enough to be linear:

- only tags nh3 would keep are written, each in a canonical form (``<name attr="value">``), every one closed
  in order (an end tag closes what was opened inside it; a stray end tag is dropped), text escaped;
- a tag deeper than ``MAX_DEPTH``, or a table more than ``MAX_TABLE_DEPTH`` tables deep (with its rows and
  cells), is dropped, its text kept;
- comments and declarations go; ``script``, ``style``, ``svg`` and the like go with their content.

The result is what nh3 is then given, so its parse is a plain walk down a tree of bounded depth. This pass
decides nothing about safety: nh3 still does all of that.
"""

from __future__ import annotations

import re

MAX_DEPTH = 100
MAX_TABLE_DEPTH = 3

_KEPT = {
    "a", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    "details", "summary", "ruby", "rt", "rp",  # (as core/sanitize keeps them: a template's hint and furigana)
}  # fmt: skip
_ATTRIBUTES = {"href", "title", "src", "alt", "width", "height", "colspan", "rowspan", "class", "data-field"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_TABLE_PARTS = {"tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}
# Text up to the matching end tag, as the HTML tokenizer reads these; kept as text or dropped.
_RAW_TEXT_KEPT = {"textarea", "title", "xmp", "noembed", "noframes"}
_RAW_TEXT_DROPPED = {"script", "style", "iframe", "noscript"}
# Parsed as markup, but dropped with everything inside (nh3 drops them with their content too).
_DROPPED_WITH_CONTENT = {"svg", "math", "template", "object", "select", "frameset", "head"}
# The tree builder's own rules, mirrored so that it never has to close anything itself: when it closes a
# formatting element (``<b>``) implicitly it keeps it to reopen at the next text, and does so again and again.
_CLOSES_P = {"blockquote", "div", "dl", "ol", "p", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "li", "dd", "dt"}
_CLOSES_P |= {"table", "hr", "details", "summary"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# "Special" elements stop the search for an open ``<li>`` (or ``<dd>``/``<dt>``); ``<div>`` and ``<p>`` do not.
_SPECIAL = {
    "blockquote", "br", "dd", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "pre",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "details", "summary",
}  # fmt: skip
_TABLE_CONTEXT = {"table", "tbody", "thead", "tfoot", "tr"}  # where only rows and cells may start
_ROWS_AND_CELLS = {"tbody", "thead", "tfoot", "tr", "td", "th"}

# One token at a time; no alternative can fail once started (an unclosed quote or tag runs to the end),
# so the scan never backtracks and is linear in the input.
_TOKEN = re.compile(
    r"<!--(?:>|->|.*?(?:-->|--!>|\Z))"  # a comment, ended as the HTML tokenizer ends it
    r"|<[!?][^>]*(?:>|\Z)"  # a declaration or processing instruction
    r"|</([A-Za-z][^\t\n\f\r />]*)[^>]*(?:>|\Z)"  # an end tag
    r"|</[^>]*(?:>|\Z)"  # ``</>``, ``</ x>``: nothing
    r"|<([A-Za-z][^\t\n\f\r />]*)((?:[^>\"']+|\"[^\"]*(?:\"|\Z)|'[^']*(?:'|\Z))*)(?:>|\Z)",  # a start tag
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"?|'([^']*)'?|([^\s\"'>]*)))?")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _start_tag(name: str, attributes: str) -> str:
    kept = []
    for match in _ATTRIBUTE.finditer(attributes):
        attribute = match.group(1).translate(_ASCII_LOWER)
        if attribute in _ATTRIBUTES and attribute not in {a for a, _ in kept}:
            value = next((v for v in match.group(2, 3, 4) if v is not None), "")
            kept.append((attribute, value))
    written = "".join(
        f' {attribute}="{value.replace(chr(34), "&quot;").replace("<", "&lt;").replace(">", "&gt;")}"'
        for attribute, value in kept
    )
    return f"<{name}{written}>"


def _raw_text_end(html: str, name: str, position: int) -> tuple[int, int]:
    """Where the raw text of ``name`` starting at ``position`` ends, and where its end tag ends."""
    found = re.compile(rf"</{re.escape(name)}[\t\n\f\r />]", re.IGNORECASE).search(html, position)
    if found is None:
        return len(html), len(html)
    close = html.find(">", found.end() - 1)
    return found.start(), len(html) if close < 0 else close + 1


class _Tree:
    """The open elements and the output. Every element is pushed once and popped once, and every rule looks
    at the top of a stack only, so building it is linear. An element dropped for its depth stays on ``stack``
    (unwritten) so that its end tag closes it and nothing else; the rules look at the written ones only."""

    def __init__(self, max_depth: int, max_table_depth: int) -> None:
        self.out: list[str] = []
        self.stack: list[tuple[str, int]] = []  # (name, index among the written ones, or -1)
        self.open_count: dict[str, int] = {}
        self.written: list[str] = []
        self.positions: dict[str, list[int]] = {}  # of the written elements, by name
        self.specials: list[int] = []  # of the written special elements
        self.dropped_tables = 0
        self.max_depth = max_depth
        self.max_table_depth = max_table_depth

    def last(self, name: str) -> int:
        found = self.positions.get(name)
        return found[-1] if found else -1

    def close_to(self, index: int) -> None:
        """Close the written element at ``index`` and everything opened inside it."""
        while len(self.written) > index:
            self.pop()

    def pop(self) -> str:
        name, index = self.stack.pop()
        self.open_count[name] -= 1
        if index >= 0:
            self.written.pop()
            self.positions[name].pop()
            if name in _SPECIAL:
                self.specials.pop()
            self.out.append(f"</{name}>")
        elif name == "table":
            self.dropped_tables -= 1
        return name

    def end(self, name: str) -> None:
        if self.open_count.get(name):
            while self.pop() != name:
                pass

    def start(self, name: str, attributes: str) -> None:
        if self.dropped_tables and name in _TABLE_PARTS:
            if (name == "td" or name == "th") and self.out and not self.out[-1].endswith(" "):
                self.out.append(" ")  # the cells' words stay apart
            return
        self._close_implied(name)
        written = self.written
        top = written[-1] if written else ""
        write = len(written) < self.max_depth and not (top in _TABLE_CONTEXT and name not in _ROWS_AND_CELLS)
        if name == "table" and len(self.positions.get("table", ())) >= self.max_table_depth:
            write = False
        if write:
            self.out.append(_start_tag(name, attributes) if attributes.strip(" \t\n\f\r/") else f"<{name}>")
        if name in _VOID:
            return
        if write:
            self.stack.append((name, len(written)))
            self.positions.setdefault(name, []).append(len(written))
            if name in _SPECIAL:
                self.specials.append(len(written))
            written.append(name)
        else:
            self.stack.append((name, -1))
            self.dropped_tables += name == "table"
        self.open_count[name] = self.open_count.get(name, 0) + 1

    def _close_implied(self, name: str) -> None:
        """What the HTML tree builder would close on its own before ``name``, closed here instead."""
        last = self.last
        if (name == "li" or name == "dd" or name == "dt") and self.specials:
            nearest = self.written[self.specials[-1]]
            if nearest == name or (name != "li" and nearest in ("dd", "dt")):
                self.close_to(self.specials[-1])
        if name in _CLOSES_P:
            paragraph = last("p")
            if paragraph > max(last("table"), last("td"), last("th")):
                self.close_to(paragraph)
            if name in _HEADINGS and self.written and self.written[-1] in _HEADINGS:
                self.close_to(len(self.written) - 1)
        elif name == "a":
            link = last("a")
            if link > max(last("td"), last("th")):
                self.close_to(link)
        elif name in _ROWS_AND_CELLS:
            table = last("table")
            if name == "td" or name == "th":
                cell = max(last("td"), last("th"))
            elif name == "tr":
                cell = last("tr")
            else:
                cell = max(last("tbody"), last("thead"), last("tfoot"))
            if cell > table:
                self.close_to(cell)

    def finish(self) -> str:
        while self.stack:
            self.pop()
        return "".join(self.out)


def normalize(html: str, max_depth: int = MAX_DEPTH, max_table_depth: int = MAX_TABLE_DEPTH) -> str:
    """``html`` as well-nested, allow-listed tags at most ``max_depth`` deep; linear in its length."""
    tree = _Tree(max_depth, max_table_depth)
    out = tree.out
    names: dict[str, str] = {}
    position = 0  # the input is copied up to here
    skipping: str | None = None  # inside an element dropped with its content
    skip_depth = 0
    for token in _TOKEN.finditer(html):
        start = token.start()
        if start < position:
            continue  # inside raw text already copied or dropped
        if start > position and skipping is None:
            out.append(html[position:start].replace("<", "&lt;").replace(">", "&gt;"))
        position = token.end()
        end_raw, start_raw = token.group(1, 2)
        raw = end_raw if end_raw is not None else start_raw
        if raw is None:
            continue  # a comment, a declaration, ``</>``
        name = names.get(raw)
        if name is None:
            name = names[raw] = raw.translate(_ASCII_LOWER)  # ASCII only, as HTML does: "İ" is not "i"
        if skipping is not None:
            if name == skipping:
                skip_depth += 1 if end_raw is None else -1
                if skip_depth == 0:
                    skipping = None
        elif end_raw is not None:
            tree.end(name)
        elif name in _KEPT:
            tree.start(name, token.group(3))
        elif name in _RAW_TEXT_KEPT or name in _RAW_TEXT_DROPPED:
            text_end, position = _raw_text_end(html, name, position)
            if name in _RAW_TEXT_KEPT:
                out.append(html[token.end() : text_end].replace("<", "&lt;").replace(">", "&gt;"))
        elif name == "plaintext":
            out.append(html[position:].replace("<", "&lt;").replace(">", "&gt;"))
            position = len(html)
        elif name in _DROPPED_WITH_CONTENT and not token.group(0).endswith("/>"):
            skipping, skip_depth = name, 1
    if position < len(html) and skipping is None:
        out.append(html[position:].replace("<", "&lt;").replace(">", "&gt;"))
    return tree.finish()


def needs_normalizing(html: str, max_tags: int) -> bool:
    """More than ``max_tags`` tags (every ``<`` counts): enough for nh3's parser to be slow on them."""
    return html.count("<") > max_tags


def nesting(well_formed: str) -> tuple[int, int]:
    """The deepest nesting of elements, and of tables, in HTML written by nh3 (quoted, every tag closed)."""
    depth = tables = deepest = deepest_tables = 0
    for match in re.finditer(r"<(/?)([a-zA-Z0-9]+)(?:[^>\"]+|\"[^\"]*(?:\"|\Z))*(?:>|\Z)", well_formed):
        name = match.group(2).lower()
        if name in _VOID:
            continue
        step = -1 if match.group(1) else 1
        depth += step
        tables += step if name == "table" else 0
        deepest, deepest_tables = max(deepest, depth), max(deepest_tables, tables)
    return deepest, deepest_tables
