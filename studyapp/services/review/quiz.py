"""The quiz modes of a study session: flip, type the answer, or multiple choice, following the note type.

What a card expects is ``core.quiz.answer_match.answer_source``: the ``{{type:Field}}`` of its template, else
the field its answer side shows (a cloze card: its deletions). A card whose template asks for a typed
answer (Basic (type in the answer), ``{{type:cloze:Text}}``...) is typed in a flip session too, as in Anki
(not when flip is the fall-back from multiple choice).

Multiple choice draws a card's wrong options from the same field of the other notes of the same note
type in the session's decks (other deletions for a cloze, other fronts for a reverse card), never from
another field. A deck where no card has three different wrong answers that way is studied with flip,
and the session says why; when only some cards have too few, they are shown with flip and the notice
counts them. A card that cannot be quizzed in the session's mode (nothing to type) is shown with flip,
and logged as flip.

Every card gets the same options for the whole session: they are drawn with a generator seeded from
the session's seed and the card's id.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from studyapp.core.model import Card, Rating, ReviewMode
from studyapp.core.quiz.answer_match import AnswerMatch, AnswerSource, answer_source, match_answer, normalize
from studyapp.core.quiz.distractors import OPTION_COUNT, ChoiceOptions, choose_options
from studyapp.core.text.render import card_text_faces
from studyapp.storage import Collection
from studyapp.storage.review.quiz_store import QuizStore

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


@dataclass
class _Pool:
    """The answers of one source (a field of a note type) in the session's decks."""

    notes_of: dict[str, set[int]] = field(default_factory=dict)  # normalized answer -> the notes that have it
    texts: dict[str, str] = field(default_factory=dict)  # normalized answer -> its first text seen
    only_of_note: dict[int, int] = field(default_factory=dict)  # note id -> answers no other note has

    def add(self, note_id: int, text: str) -> None:
        key = normalize(text)
        if key:
            self.notes_of.setdefault(key, set()).add(note_id)
            self.texts.setdefault(key, text)

    def close(self) -> None:
        for notes in self.notes_of.values():
            if len(notes) == 1:
                (note_id,) = notes
                self.only_of_note[note_id] = self.only_of_note.get(note_id, 0) + 1

    def wrong_count(self, note_id: int, right: str) -> int:
        """How many different wrong answers other notes give for a card of ``note_id`` answering ``right``."""
        right_key = normalize(right)
        own = self.only_of_note.get(note_id, 0)
        shared_right = right_key in self.notes_of and self.notes_of[right_key] != {note_id}
        return len(self.notes_of) - own - (1 if shared_right else 0)

    def candidates(self, note_id: int) -> list[str]:
        """The answers of other notes, in a fixed order."""
        return [self.texts[key] for key in sorted(self.notes_of) if self.notes_of[key] != {note_id}]


class Quiz:
    """The quiz side of one study session: its mode, each card's options, and the check of a typed answer."""

    def __init__(
        self, collection: Collection, deck_ids: list[int], deck_name: str, requested: ReviewMode, rng: random.Random
    ) -> None:
        self._store = QuizStore(collection.db, collection.notetypes.get)
        self._deck_ids = deck_ids
        self._pools: dict[tuple[int, str, bool], _Pool] | None = None
        self._answers: list[tuple[int, tuple[AnswerSource, str] | None]] = []  # each card's note and answer
        self._options: dict[int, ChoiceOptions | None] = {}
        self._rng, self._deck_name = rng, deck_name
        self.requested = requested
        self.mode = requested
        self.notice: str | None = None
        self._seed: int | None = None
        self.switch(requested)

    def switch(self, requested: ReviewMode) -> None:
        """Quiz the session's next cards in ``requested`` (the reviewer's mode control); multiple choice falls
        back to flip, with its notice, as when the session started in it."""
        self.requested = self.mode = requested
        self.notice = None
        if requested is ReviewMode.CHOICE:
            if self._seed is None:  # drawn only for multiple choice: flip sessions use no more ids
                self._seed = self._rng.getrandbits(32)
            self.notice = self._choice_notice(self._deck_name)

    def _choice_notice(self, deck_name: str) -> str | None:
        """Why some or all of the deck's cards are not multiple choice (and flip for all of them)."""
        pools = self._pools_read()
        total, without = len(self._answers), 0
        for note_id, found in self._answers:
            if found is None or pools[found[0].key].wrong_count(note_id, found[1]) < OPTION_COUNT - 1:
                without += 1
        if total and without < total:
            if not without:
                return None
            cards = "card has" if without == 1 else "cards have"
            return (
                f"{without} of {total} {cards} fewer than {OPTION_COUNT - 1} different wrong answers in the same "
                "field of other notes: shown with Flip."
            )
        self.mode = ReviewMode.FLIP
        distinct = max((len(pool.notes_of) for pool in pools.values()), default=0)
        found = "only one different answer" if distinct == 1 else f"only {distinct} different answers"
        where = " in any one field" if len(pools) > 1 else ""
        if distinct >= OPTION_COUNT:  # enough answers, but not from other notes
            return (
                f"{deck_name} has too few notes with different answers in the same field; multiple choice needs "
                f"{OPTION_COUNT - 1} wrong answers from other notes. Studying with Flip instead."
            )
        return (
            f"{deck_name} has {found}{where}; multiple choice needs at least {OPTION_COUNT}. "
            "Studying with Flip instead."
        )

    def _pools_read(self) -> dict[tuple[int, str, bool], _Pool]:
        """The deck's different answers by source (read once per session)."""
        if self._pools is None:
            pools: dict[tuple[int, str, bool], _Pool] = {}
            self._answers = [(card.note_id, answer_source(card)) for card in self._store.cards_text(self._deck_ids)]
            for note_id, found in self._answers:
                if found is not None:
                    pools.setdefault(found[0].key, _Pool()).add(note_id, found[1])
            for pool in pools.values():
                pool.close()
            self._pools = pools
        return self._pools

    def options(self, card: Card) -> ChoiceOptions | None:
        """The card's four options (the same ones all session), or ``None`` if it cannot have them.

        Wrong options are the same field's answers in other notes of the same note type.
        """
        if card.id not in self._options:
            found = answer_source(card)
            options = None
            if found is not None:
                source, right = found
                pool = self._pools_read().get(source.key)
                if pool is not None:
                    rng = random.Random(f"{self._seed}:{card.id}")
                    options = choose_options(right, pool.candidates(card.note_id), rng)
            self._options[card.id] = options
        return self._options[card.id]

    def mode_for(self, card: Card) -> ReviewMode:
        """How ``card`` is quizzed: the session's mode, or flip if the card cannot be quizzed that way.

        In a flip session (chosen, not a fall-back from multiple choice), a card whose template asks for a
        typed answer is typed.
        """
        if self.mode is ReviewMode.CHOICE:
            return self.mode if self.options(card) is not None else ReviewMode.FLIP
        found = answer_source(card)
        typable = found is not None and bool(normalize(found[1]))
        if self.mode is ReviewMode.TYPE:
            return self.mode if typable else ReviewMode.FLIP
        asks = self.requested is ReviewMode.FLIP and found is not None and found[0].typed
        return ReviewMode.TYPE if typable and asks else self.mode

    @staticmethod
    def check(card: Card, typed: str) -> AnswerMatch:
        """A typed reply against the card's answer: verdict, suggested grade and diff."""
        found = answer_source(card)
        return match_answer(found[1] if found else "", typed, card_text_faces(card)[0])

    @staticmethod
    def answer_repeats(card: Card, options: ChoiceOptions) -> bool:
        """Whether the card's answer side says no more than its right option: after a pick it is not shown
        again below the options (an answer with more, such as a cloze's whole text or an extra field, is)."""
        return normalize(card_text_faces(card)[1]) == normalize(options.right)

    @staticmethod
    def choice_rating(options: ChoiceOptions, chosen: int) -> Rating:
        """Good for the right option, Again for a wrong one."""
        return Rating.GOOD if chosen == options.right_index else Rating.AGAIN
