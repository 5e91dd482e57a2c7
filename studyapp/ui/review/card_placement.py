"""Where the card's text starts in the view: a short question a little above the middle, and the question
left where it was when the answer appears below it.

Before the reveal the question is placed with ``SHARE_ABOVE`` of the spare height above it. At the reveal
the question keeps that place (measured from the height the question alone had, so a resized window
still agrees), and moves up only as far as the answer needs to fit below it; an answer that does not
fit even then starts from the top margin, as a long card always does.
"""

from __future__ import annotations

SHARE_ABOVE = 0.44


def question_top(viewport_height: float, question_height: float, padding: float) -> float:
    """The top margin of a card showing its question alone (``question_height``: without margins)."""
    return max(padding, (viewport_height - question_height) * SHARE_ABOVE)


def revealed_top(viewport_height: float, content_height: float, asked_top: float | None, padding: float) -> float:
    """The top margin once the answer is shown (``content_height``: question and answer, without margins).

    ``asked_top`` is the question's top margin before the reveal (``None`` if it was never shown alone:
    then the whole card is placed as a question would be).
    """
    if asked_top is None:
        return question_top(viewport_height, content_height, padding)
    fitting = viewport_height - content_height - padding  # the largest top margin that keeps the answer in view
    return max(padding, min(asked_top, fitting))
