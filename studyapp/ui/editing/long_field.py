"""A field too long to lay out in the editor, and fields that hold a long run of text without a space.

Qt lays out a paragraph in time that grows with the square of its longest unbroken run when it may wrap
only between words (a 200,000-character token took 5 s, 2.5 MB several minutes), and in about half a
second a megabyte, on every key, even when it may wrap anywhere. So a field that holds a long run
(``face_budget.LONG_RUN``) wraps anywhere, and such a field longer than ``EDITOR_CHARS`` (any field longer
than ``PROSE_CHARS``) is not laid out at all:
the editor shows its start and what it is, keeps it exactly as it is, and Delete (or Backspace) empties it.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QTextOption

from studyapp.core.text.face_budget import LONG_RUN, longest_run
from studyapp.ui.app.style import Theme

EDITOR_CHARS = 50_000  # a longer field with a long run is held, not laid out (a 99,000-character address: 150 ms)
PROSE_CHARS = 300_000  # a longer field is held whatever it holds (prose: 150 ms to show, 70 ms a key at 300,000)
PREVIEW_CHARS = 400  # of a held field, shown


def wrap_mode(text: str) -> QTextOption.WrapMode:
    """Wrap anywhere when ``text`` has a run too long to wrap between words quickly."""
    if longest_run(text) >= LONG_RUN:
        return QTextOption.WrapMode.WrapAnywhere
    return QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


def is_held(text: str) -> bool:
    """Too long to lay out: over ``EDITOR_CHARS`` with a run too long to wrap between words, or over
    ``PROSE_CHARS`` (long notes of ordinary text, up to there, stay editable)."""
    return len(text) > PROSE_CHARS or (len(text) > EDITOR_CHARS and longest_run(text) >= LONG_RUN)


def held_html(text: str, is_html: bool, theme: Theme) -> str:
    """What a held field shows: what it holds, what to do, and its first characters (as written)."""
    kind = "HTML" if is_html else "text"
    return (
        f'<p style="color: {theme.muted};">This field holds {len(text):,} characters of {kind}, too many to edit '
        "here: it is kept exactly as it is (the card shows it, with Show all). Press Delete to empty it.</p>"
        f'<p style="color: {theme.faint};">{html.escape(text[:PREVIEW_CHARS])} …</p>'
    )
