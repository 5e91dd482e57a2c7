"""A card's faces as a terminal shows them: what the window draws or plays, said in words.

- ``[sound:name]`` is ``♪ name`` (nothing plays in a terminal); a tag that names no media file stays as it is
  (``core.text.sound_tags`` decides which do). ``[anki:tts …]text[/anki:tts]`` is its text.
- A formula (MathJax ``\\(…\\)``, ``\\[…\\]``, Anki's ``[$]…[/$]``, ``[$$]…[/$$]``, ``[latex]…[/latex]``) is its
  TeX without the delimiters, a display formula on a line of its own (``core.text.maths`` finds them).
- An image occlusion card (Anki's native notes and the Image Occlusion Enhanced add-on's) is a picture: its
  question says so in one line, and never shows an ``occlusion:`` address.
"""

from __future__ import annotations

import html
import re

from studyapp.core.model import Card
from studyapp.core.notetypes.model import NotetypeKind
from studyapp.core.occlusion.faces import addon_layout
from studyapp.core.text.maths import DISPLAY, parse_math_src, with_maths
from studyapp.core.text.render import card_text_faces, notetype_of
from studyapp.core.text.sound_tags import SOUND_TAG, show_tts_text, sound_name

NOTE = "\u266a"  # ♪
PICTURE_LINE = "[image occlusion card {number}: a picture with masks; study it in the window]"
_MATH_IMAGE = re.compile(r'(<div align="center"[^>]*>)?<img src="([^"]*)"[^>]*>(</div>)?')
_NATIVE_PICTURE = re.compile(r"\[image occlusion (\d+): [^\]\n]*\]")


def _sound(match: re.Match[str]) -> str:
    name = sound_name(match.group(1))
    return match.group(0) if name is None else f"{NOTE} {name}"


def _formula(match: re.Match[str]) -> str:
    parsed = parse_math_src(html.unescape(match.group(2)))
    if parsed is None:
        return match.group(0)
    mode, tex = parsed
    return f"\n{tex}\n" if mode == DISPLAY else tex


def terminal_text(text: str) -> str:
    """Plain text of a face with its sounds, text-to-speech and formulas in words."""
    if "[anki:tts" in text.lower():
        text = show_tts_text(text)
    if "[sound:" in text:
        text = SOUND_TAG.sub(_sound, text)
    escaped = html.escape(text, quote=False)
    marked = with_maths(escaped)
    if marked is not escaped:
        text = html.unescape(_MATH_IMAGE.sub(_formula, marked))
        text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]*\n[ \t]*", "\n", text)).strip()
    return text


def is_occlusion_card(card: Card) -> bool:
    notetype = notetype_of(card)
    if notetype.kind is NotetypeKind.IMAGE_OCCLUSION:
        return True
    return any(addon_layout(template.question) is not None for template in notetype.templates)


def terminal_faces(card: Card) -> tuple[str, str]:
    """The question and the answer of ``card`` for the terminal."""
    question, answer = card_text_faces(card)
    if is_occlusion_card(card):
        line = PICTURE_LINE.format(number=card.ord + 1)
        if _NATIVE_PICTURE.search(question):
            question = _NATIVE_PICTURE.sub(line, question)
            answer = _NATIVE_PICTURE.sub(line, answer)
        else:
            question = f"{question}\n{line}" if question else line
    return terminal_text(question), terminal_text(answer)
