"""A short typed answer's difference, word by word (``core.quiz.word_diff``), as rich text for the reviewer.

Words typed right are green; a misspelt word is shown once, in amber, with only its slips marked inside
it (a wrong letter red and struck through, a missing one grey and underlined); an extra word is red and
struck through; a missing word is grey on a grey ground and underlined. At most ``SHOWN_WORDS`` words are
shown (then how many more), each cut to ``SHOWN_WORD_CHARS`` characters.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QColor

from studyapp.core.quiz.answer_match import AnswerMatch, DiffOp
from studyapp.core.quiz.word_diff import WordDiff, WordOp, word_diff
from studyapp.ui.app.style import Theme

SHOWN_WORDS = 80
SHOWN_WORD_CHARS = 60


def _tint(colour: str, ground: str, share: float) -> str:
    """``share`` of ``colour`` over ``ground``."""
    a, b = QColor(colour), QColor(ground)
    parts = (round(x * share + y * (1 - share)) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))
    return QColor(*parts).name()


def word_colours(theme: Theme) -> dict[WordOp, tuple[str, str]]:
    """Each kind of word's colour and ground in ``theme``: its green, amber, red and grey."""
    return {
        WordOp.EQUAL: (theme.good, theme.surface),
        WordOp.MISSPELT: (theme.hard, theme.surface),
        WordOp.EXTRA: (theme.again, _tint(theme.again, theme.surface, 0.14)),
        WordOp.MISSING: (theme.muted, _tint(theme.text, theme.surface, 0.16)),
    }


def _cut(text: str) -> str:
    return html.escape(text if len(text) <= SHOWN_WORD_CHARS else text[:SHOWN_WORD_CHARS] + "…")


def _word_html(word: WordDiff, colours: dict[WordOp, tuple[str, str]]) -> str:
    colour, ground = colours[word.op]
    if word.op is WordOp.EQUAL:
        return f'<span style="color:{colour};">{_cut(word.expected)}</span>'
    if word.op in (WordOp.EXTRA, WordOp.MISSING):
        line = "line-through" if word.op is WordOp.EXTRA else "underline"
        text = _cut(word.typed or word.expected)
        return f'<span style="color:{colour}; background-color:{ground}; text-decoration:{line};">{text}</span>'
    wrong, wrong_ground = colours[WordOp.EXTRA]
    missing, missing_ground = colours[WordOp.MISSING]
    marks = {
        DiffOp.EQUAL: "",
        DiffOp.WRONG: f"color:{wrong}; background-color:{wrong_ground}; text-decoration:line-through;",
        DiffOp.MISSING: f"color:{missing}; background-color:{missing_ground}; text-decoration:underline;",
    }
    inner = "".join(
        html.escape(text) if op is DiffOp.EQUAL else f'<span style="{marks[op]}">{html.escape(text)}</span>'
        for op, text in word.letters
    )
    return f'<span style="color:{colour};">{inner}</span>'


def words_html(match: AnswerMatch, theme: Theme) -> str:
    """The reply against the answer, word by word."""
    words = word_diff(match.expected, match.typed)
    colours = word_colours(theme)
    shown = [_word_html(word, colours) for word in words[:SHOWN_WORDS]]
    if len(words) > SHOWN_WORDS:
        shown.append(f'<span style="color:{theme.faint};">… {len(words) - SHOWN_WORDS} more words</span>')
    if not any(word.typed for word in words):
        shown.insert(0, f'<span style="color:{theme.faint};">(nothing typed)</span>')
    return " ".join(shown)


LEGEND = "You typed: {good} right, {hard} misspelt (the slip marked inside), {again} extra, grey underlined missing"


def words_legend(theme: Theme) -> str:
    colours = word_colours(theme)
    named = {
        "good": f'<span style="color:{colours[WordOp.EQUAL][0]};">green</span>',
        "hard": f'<span style="color:{colours[WordOp.MISSPELT][0]};">amber</span>',
        "again": f'<span style="color:{colours[WordOp.EXTRA][0]}; text-decoration:line-through;">red</span>',
    }
    return LEGEND.format(**named)
