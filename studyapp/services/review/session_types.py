"""What a study session reports: the cards left today and the tally of the session (``ReviewSession``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from studyapp.core.model import Rating


@dataclass(frozen=True)
class QueueCounts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass
class SessionSummary:
    answered: int = 0  # answers given (a card in learning may be answered more than once)
    ratings: Counter[Rating] = field(default_factory=Counter)
    time_ms: int = 0
    next_due: datetime | None = None
    answers_by_card: Counter[int] = field(default_factory=Counter)

    @property
    def cards(self) -> int:
        """How many different cards were answered."""
        return len(self.answers_by_card)

    def count(self, card_id: int, step: int) -> None:
        """Count an answer to the card in (``step`` 1) or out (-1, undone)."""
        self.answers_by_card[card_id] += step
        if self.answers_by_card[card_id] <= 0:
            del self.answers_by_card[card_id]
