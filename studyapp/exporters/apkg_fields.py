"""Note text as Anki stores it: HTML fields, the sort field and checksum, tags, cloze numbers, deck names.

Anki fields are HTML, so our plain-text notes are escaped (``<`` must not start a tag) and their line
breaks become ``<br>``. The sort field and checksum are what Anki's duplicate check and browser use. Anki
computes them from the first field with the HTML stripped but media file names kept, and so do we.
"""

from __future__ import annotations

import hashlib
import html
import re

from studyapp.core.drafts import NoteDraft
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.cardgen import cards_for
from studyapp.core.notetypes.model import CLOZE, FIELD_SEPARATOR, NoteType, stock_type

LEGACY_CLOZE = stock_type(CLOZE, 0)
_IMG_SRC = re.compile(r"<img[^>]*?\ssrc=[\"']?([^\"'>\s]+)[^>]*>", re.IGNORECASE)
_HTML = re.compile(r"<!--.*?-->|<.*?>", re.DOTALL)  # Anki's strip_html: comments, then any tag


def anki_field(text: str, is_html: bool) -> str:
    """A field's text as Anki HTML: HTML as it is, plain text escaped with ``<br>`` for line breaks."""
    if not is_html:
        text = html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
    return text.replace(FIELD_SEPARATOR, " ")  # the separator would split the field in two


def note_fields(note: NoteDraft, notetype: NoteType | None = None) -> list[str]:
    """The note's fields as Anki HTML, as many as its note type has (``notetype``; without it: front, back).

    Raises ``ValueError`` for a note with more fields than its note type: a field would be lost.
    """
    values = list(note.fields) if note.fields else [note.front, note.back]
    count = len(notetype.fields) if notetype is not None else 2
    if len(values) > count and any(values[count:]):
        raise ValueError(
            f"note {note.guid}: {len(values)} fields, its note type '{notetype and notetype.name}' has {count}"
        )
    values = (values + [""] * count)[:count]
    return [anki_field(value, note.html) for value in values]


def strip_html_keeping_media(text: str) -> str:
    """Anki's ``strip_html_preserving_media_filenames``: ``<img src="a.png">`` becomes `` a.png ``.

    Spaces are kept as they are: Anki's checksum is of exactly this text, untrimmed.
    """
    text = _IMG_SRC.sub(lambda match: f" {match.group(1)} ", text)
    return html.unescape(_HTML.sub("", text).replace("&nbsp;", " "))


def field_checksum(first_field: str) -> int:
    """``notes.csum``: the first 8 hex digits of the SHA-1 of the stripped first field, as a number."""
    digest = hashlib.sha1(strip_html_keeping_media(first_field).encode("utf-8"), usedforsecurity=False)
    return int(digest.hexdigest()[:8], 16)


def card_ords(note: NoteDraft, notetype: NoteType | None = None) -> list[int]:
    """Which cards a note makes when the draft does not say: 0 for basic, 0 and 1 for reversed, ``n - 1`` for
    each cloze ``cn``; with a note type, as Anki makes them (``core.notetypes.cardgen``)."""
    if notetype is None:
        if note.kind is NoteKind.REVERSED:
            return [0, 1]
        return cards_for(LEGACY_CLOZE, (note.front, "")) if note.kind is NoteKind.CLOZE else [0]
    return cards_for(notetype, note.fields or (note.front, note.back), note.tags, is_html=note.html)


def anki_tags(tags: tuple[str, ...]) -> str:
    """Anki's tag column: space-separated with a space at each end; a tag cannot contain spaces."""
    words = ["_".join(tag.split()) for tag in tags if tag.strip()]
    return f" {' '.join(dict.fromkeys(words))} " if words else ""


def normalize_deck_name(name: str | None, fallback: str) -> str:
    """``Parent::Child`` with empty levels and stray spaces removed; ``fallback`` if nothing is left."""
    parts = [part.strip() for part in (name or "").split("::") if part.strip()]
    if not parts:
        parts = [part.strip() for part in fallback.split("::") if part.strip()] or ["Default"]
    return "::".join(parts)


def deck_with_parents(name: str) -> list[str]:
    """``A::B::C`` and the decks above it: ``A``, ``A::B``, ``A::B::C`` (Anki expects each to exist)."""
    parts = name.split("::")
    return ["::".join(parts[: depth + 1]) for depth in range(len(parts))]
