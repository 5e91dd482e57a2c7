"""Importing a bare review log (card id, rating, time, duration): the user's real history, to fit FSRS on.

The log has no card text, so each log card becomes a placeholder note (``Card <id>``) with the stable
guid ``log:<id>``: importing the same log again finds those notes and adds nothing. Each new card's
reviews are replayed through our scheduler (the deck's options, our seeded fuzz) into review-log rows
and the card's state, exactly as a package's history is (:func:`history_entries`). One transaction.

Reviews dated more than a day after the clock are left out (:func:`split_future`), with a ``Skip`` per
card that says so: the card keeps its real past and is scheduled from its last real answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import ReviewDraft, Skip
from studyapp.core.ids import new_id
from studyapp.core.model import NoteKind
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.core.wording import plural
from studyapp.importers.errors import ImportFailure
from studyapp.importers.review_log_csv import read_review_log
from studyapp.services.importing.history import future_reason, history_entries, split_future
from studyapp.services.notetypes.resolve import stock_for_kind
from studyapp.storage.codec import to_ms
from studyapp.storage.notes.notes_store import NewCard, NewNote

if TYPE_CHECKING:
    from studyapp.services.app import App

PLACEHOLDER_BACK = "(imported from a review log)"


@dataclass(frozen=True)
class ReviewLogSummary:
    deck: str
    cards: int  # new cards (one per log card id not imported before)
    reviews: int  # review-log rows written
    already_there: int  # log cards whose note was already in the collection: left as they are
    left_out: int = 0  # reviews dated too far ahead, not imported
    skipped: tuple[Skip, ...] = ()  # why: one per log card whose reviews were left out

    def __str__(self) -> str:
        text = f"{self.deck}: {plural(self.cards, 'card')} and {plural(self.reviews, 'review')} imported"
        text += f", {plural(self.already_there, 'card')} already there" if self.already_there else ""
        return text + (f", {plural(self.left_out, 'review')} left out" if self.left_out else "")


def log_guid(card_id: int) -> str:
    return f"log:{card_id}"


def _whole_ms(review: ReviewDraft) -> ReviewDraft:
    """The log stores milliseconds: replay from the same instant that will be read back."""
    moment = review.reviewed_at
    return replace(review, reviewed_at=moment.replace(microsecond=moment.microsecond // 1000 * 1000))


def import_review_log(app: App, path: Path | str, deck_name: str) -> ReviewLogSummary:
    """Import the log at ``path`` into the deck ``deck_name`` (created if needed). A bad file changes nothing."""
    collection, rng = app.collection, app.rng
    problem = deck_name_problem(deck_name)
    if problem is not None:
        raise ImportFailure(path, f"cannot be imported into that deck: {problem}")
    history = read_review_log(path)
    now: datetime = app.clock.now()
    stamp = to_ms(now)
    skipped: list[Skip] = []
    left_out = 0
    with collection.transaction():
        deck = collection.decks.by_name(deck_name) or collection.decks.create(new_id(rng), deck_name, "", now)
        scheduler = Scheduler(deck.options.scheduler_config())
        existing = collection.notes.by_guids([log_guid(card_id) for card_id in history])
        position = collection.notes.next_position(deck.id)
        notes: list[NewNote] = []
        cards: list[NewCard] = []
        basic = stock_for_kind(collection, NoteKind.BASIC, rng, now)
        replays: list[tuple[int, list[ReviewDraft]]] = []
        for log_id, reviews in history.items():
            if log_guid(log_id) in existing:
                continue
            note_id, card_id = new_id(rng), new_id(rng)
            notes.append(
                NewNote(note_id, log_guid(log_id), deck.id, f"Card {log_id}", PLACEHOLDER_BACK, "",
                        NoteKind.BASIC.value, 0, stamp, stamp, "", basic.id)
            )  # fmt: skip
            cards.append(NewCard(card_id, note_id, deck.id, 0, position + len(cards)))
            past, ahead = split_future(reviews, now)
            if ahead:
                skipped.append(Skip(f"card_id {log_id}", future_reason(ahead, len(past), now)))
                left_out += len(ahead)
            replays.append((card_id, [_whole_ms(review) for review in past]))
        collection.notes.add(notes, cards)
        written = 0
        for card_id, reviews in replays:
            entries = history_entries(scheduler, card_id, reviews, rng)
            collection.reviews.add_history(card_id, entries)
            written += len(entries)
    return ReviewLogSummary(deck.name, len(cards), written, len(existing), left_out, tuple(skipped))
