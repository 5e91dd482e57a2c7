"""Counted words for the user: "1 card", "2 cards", "1,200 answers", "1 day streak"; one helper for every window and
command, so a count never reads "1 cards"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, with ``many`` (or ``word`` + "s") unless the count is exactly one."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def answers_on_cards(answers: int, cards: int) -> str:
    """Answers given to cards, said so the words match the numbers: "12 cards" when each card was answered once,
    "36 answers on 12 cards" when some were answered again (a card in learning comes back the same day)."""
    if answers == cards:
        return plural(cards, "card")
    return f"{plural(answers, 'answer')} on {plural(cards, 'card')}"
