"""The quiz modes of a study session: flip, type the answer, or multiple choice.

A deck remembers the mode it was last studied in (a collection setting, ``quiz_mode.<deck id>``). A
deck with fewer than four different answers cannot make multiple choice: it is studied with flip, and
the session says why. A single card that cannot be quizzed in the session's mode (an answer with no
text to type, or no three different wrong answers for it) is shown with flip, and logged as flip.

Every card gets the same options for the whole session: they are drawn with a generator seeded from
the session's seed and the card's id.
"""

from __future__ import annotations

import random

from studyapp.core.answer_match import AnswerMatch, expected_answer, match_answer, normalize
from studyapp.core.distractors import OPTION_COUNT, ChoiceOptions, choose_options, distinct_answers
from studyapp.core.model import Card, NoteKind, Rating, ReviewMode
from studyapp.core.render import card_text_faces
from studyapp.storage import Collection
from studyapp.storage.quiz_store import QuizStore

MODE_SETTING = "quiz_mode.{deck_id}"


def remembered_mode(collection: Collection, deck_id: int) -> ReviewMode:
    """The mode the deck was last studied in; flip for a deck never studied otherwise."""
    stored = collection.setting(MODE_SETTING.format(deck_id=deck_id))
    try:
        return ReviewMode(stored)
    except ValueError:
        return ReviewMode.FLIP


def remember_mode(collection: Collection, deck_id: int, mode: ReviewMode) -> None:
    collection.set_setting(MODE_SETTING.format(deck_id=deck_id), mode.value)


def answer_role(card: Card) -> str:
    """Which kind of text a card expects: a cloze deletion, a note's front (a reverse card) or its back."""
    if card.kind is NoteKind.CLOZE:
        return "cloze"
    return "front" if card.kind is NoteKind.REVERSED and card.ord == 1 else "back"


class Quiz:
    """The quiz side of one study session: its mode, each card's options, and the check of a typed answer."""

    def __init__(
        self, collection: Collection, deck_ids: list[int], deck_name: str, requested: ReviewMode, rng: random.Random
    ) -> None:
        self._store = QuizStore(collection.db, collection.notetypes.get)
        self._deck_ids = deck_ids
        self._answers: dict[str, list[str]] | None = None
        self._options: dict[int, ChoiceOptions | None] = {}
        self.requested = requested
        self.mode = requested
        self.notice: str | None = None
        self._seed = 0
        if requested is ReviewMode.CHOICE:
            self._seed = rng.getrandbits(32)  # drawn only for multiple choice: flip sessions use no more ids
            distinct = len(distinct_answers(a for answers in self._pool().values() for a in answers))
            if distinct < OPTION_COUNT:
                self.mode = ReviewMode.FLIP
                found = "only one different answer" if distinct == 1 else f"only {distinct} different answers"
                self.notice = (
                    f"{deck_name} has {found}; multiple choice needs at least {OPTION_COUNT}. "
                    "Studying with Flip instead."
                )

    def _pool(self) -> dict[str, list[str]]:
        """The deck's different answers by kind of text (read once per session)."""
        if self._answers is None:
            texts: dict[str, list[str]] = {}
            for card in self._store.cards_text(self._deck_ids):
                texts.setdefault(answer_role(card), []).append(expected_answer(card))
            self._answers = {role: distinct_answers(found) for role, found in texts.items()}
        return self._answers

    def options(self, card: Card) -> ChoiceOptions | None:
        """The card's four options (the same ones all session), or ``None`` if it cannot have them.

        Wrong options come from answers of the same kind (other cloze deletions for a cloze card, other
        fronts for a reverse card), or from all the deck's answers when there are too few of those.
        """
        if card.id not in self._options:
            right = expected_answer(card)
            pool = self._pool()
            same_kind = pool.get(answer_role(card), [])
            candidates = (
                same_kind
                if len(distinct_answers(same_kind)) >= OPTION_COUNT
                else distinct_answers(a for answers in pool.values() for a in answers)
            )
            self._options[card.id] = choose_options(right, candidates, random.Random(f"{self._seed}:{card.id}"))
        return self._options[card.id]

    def mode_for(self, card: Card) -> ReviewMode:
        """How ``card`` is quizzed: the session's mode, or flip if the card cannot be quizzed that way."""
        if self.mode is ReviewMode.TYPE and not normalize(expected_answer(card)):
            return ReviewMode.FLIP
        if self.mode is ReviewMode.CHOICE and self.options(card) is None:
            return ReviewMode.FLIP
        return self.mode

    @staticmethod
    def check(card: Card, typed: str) -> AnswerMatch:
        """A typed reply against the card's answer: verdict, suggested grade and diff."""
        return match_answer(expected_answer(card), typed, card_text_faces(card)[0])

    @staticmethod
    def choice_rating(options: ChoiceOptions, chosen: int) -> Rating:
        """Good for the right option, Again for a wrong one."""
        return Rating.GOOD if chosen == options.right_index else Rating.AGAIN
