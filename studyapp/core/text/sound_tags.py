"""Anki's audio tags in a card face: ``[sound:name]`` becomes a small play button, and the names are listed.

A face is safe HTML (sanitized, see ``core.text.render``); its ``[sound:name]`` tags are plain text in it. Each
one whose name is a media-folder file name becomes ``<a class="replay" href="sound:N">▶</a>``, ``N`` being
the button's place in the card's list of sounds (``CardFaces.sounds``), so the view never reads a file name
from a link. A name is a file of the collection's media folder and nothing else: no folder (``/``, ``\\``),
no ``..``, no hidden file, no scheme or drive (``http:``, ``file:``, ``C:``), no control characters; any
other tag stays as the text it is and plays nothing.

Tags are only looked for in text, never inside a tag's attributes or inside a link. ``[anki:tts …]text
[/anki:tts]`` (what Anki's ``{{tts …}}`` filter writes) shows its text; speech itself is not made.
"""

from __future__ import annotations

import html
import re

SOUND_TAG = re.compile(r"\[sound:([^\[\]<>]*)\]")
_TTS = re.compile(r"\[anki:tts(?:\s[^\]]*)?\](.*?)\[/anki:tts\]", re.DOTALL | re.IGNORECASE)
# A tag of sanitized HTML (attribute values double-quoted, and they may hold ``>``), or a comment.
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>\"]|\"[^\"]*\")*>", re.DOTALL)
_MAX_NAME_BYTES = 255
PLAY_SYMBOL = "\u25b6"  # ▶
SCHEME = "sound"


def sound_name(raw: str) -> str | None:
    """The media file a tag's text names, or ``None`` if it is not a plain name of a media-folder file."""
    name = html.unescape(raw).strip()
    if not name or len(name.encode("utf-8", "surrogatepass")) > _MAX_NAME_BYTES:
        return None
    if name in {".", ".."} or name.startswith(".") or any(char in name for char in "/\\:"):
        return None  # a folder, a parent, a hidden file, a scheme (http:, file:) or a drive (C:)
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return None
    return name


def show_tts_text(face: str) -> str:
    """``[anki:tts lang=…]text[/anki:tts]`` as its text."""
    return _TTS.sub(r"\1", face) if "[anki:tts" in face.lower() else face


def play_button(index: int, name: str) -> str:
    return f'<a class="replay" href="{SCHEME}:{index}" title="Play {html.escape(name)}">{PLAY_SYMBOL}</a>'


def with_play_buttons(face: str, first_index: int = 0) -> tuple[str, tuple[str, ...]]:
    """``face`` with each playable ``[sound:]`` tag as a play button numbered from ``first_index``, and
    the names in the order of the buttons (a name may come twice: each tag plays)."""
    if "[sound:" not in face:
        return face, ()
    names: list[str] = []
    out: list[str] = []
    in_link = 0
    position = 0

    def text(part: str) -> str:
        if in_link or "[sound:" not in part:
            return part

        def button(match: re.Match[str]) -> str:
            name = sound_name(match.group(1))
            if name is None:
                return match.group(0)
            names.append(name)
            return play_button(first_index + len(names) - 1, name)

        return SOUND_TAG.sub(button, part)

    for tag in _TAG.finditer(face):
        out.append(text(face[position : tag.start()]))
        out.append(tag.group(0))
        if (tag.group(2) or "").lower() == "a":
            in_link = max(0, in_link - 1) if tag.group(1) else in_link + 1
        position = tag.end()
    out.append(text(face[position:]))
    return "".join(out), tuple(names)


def sound_index(url_path: str) -> int | None:
    """The button number of a ``sound:N`` link's path, or ``None``."""
    return int(url_path) if url_path.isdigit() and len(url_path) < 7 else None


def without_once(names: tuple[str, ...], taken: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` less one occurrence of each of ``taken`` (the question's sounds inside an answer face)."""
    left = list(taken)
    kept: list[str] = []
    for name in names:
        if name in left:
            left.remove(name)
        else:
            kept.append(name)
    return tuple(kept)
