"""Plain data objects shared by every layer: decks, notes, cards and review log entries."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyapp.core.notetypes.model import NoteType


class CardState(enum.IntEnum):
    """Where a card is in its life. Values are stored in the collection: never renumber."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(enum.IntEnum):
    """The four answer buttons, numbered as their keys."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class NoteKind(str, enum.Enum):
    """What cards a note of a stock type gives (collections before note types stored this; the stock types
    Basic, Basic (and reversed card) and Cloze took their place). Still the shorthand of importers and tests."""

    BASIC = "basic"  # one card: front -> back
    REVERSED = "reversed"  # two cards: front -> back and back -> front
    CLOZE = "cloze"  # one card per cloze number {{c1::...}}, {{c2::...}} in the front; back is extra text


class ReviewMode(str, enum.Enum):
    """How the card was quizzed; recorded in every review log row."""

    FLIP = "flip"
    TYPE = "type"
    CHOICE = "choice"


@dataclass(frozen=True)
class Schedule:
    """A card's scheduling state: everything FSRS needs to decide when it comes back.

    Times are timezone-aware UTC datetimes. A new card has no stability, difficulty or last review.
    """

    state: CardState = CardState.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Card:
    """A card as the reviewer sees it: its note's text, which side of the note it asks, and its schedule.

    ``ord`` is the template's index for a standard note type, and n-1 for cloze ``cn``.
    ``html`` says that the fields are (sanitized) HTML rather than plain text.
    ``fields`` are the note's fields in its note type's order and ``notetype`` that type; a card made without
    them (``fields=()``, ``notetype=None``) is a note of the stock type of ``kind`` with fields (front, back).
    ``front`` and ``back`` are the first two fields.
    """

    id: int
    note_id: int
    deck_id: int
    front: str
    back: str
    schedule: Schedule = field(default_factory=Schedule)
    ord: int = 0
    kind: NoteKind = NoteKind.BASIC
    html: bool = False
    fields: tuple[str, ...] = ()
    notetype: NoteType | None = field(default=None, compare=False)
    tags: tuple[str, ...] = ()
    deck_name: str = ""

    @property
    def all_fields(self) -> tuple[str, ...]:
        return self.fields or (self.front, self.back)


@dataclass(frozen=True)
class ReviewEntry:
    """One row of the append-only review log."""

    id: int
    card_id: int
    reviewed_at: datetime
    rating: Rating
    duration_ms: int
    mode: ReviewMode
    before: Schedule
    after: Schedule


@dataclass(frozen=True)
class DeckCounts:
    """What a deck list shows: cards to study today under the daily limits, and the deck's size."""

    deck_id: int
    name: str
    new: int
    learning: int
    due: int
    total: int


class ScheduleChangeKind(str, enum.Enum):
    """Why a card's schedule was set by hand rather than by an answer. Stored: never rename."""

    RESCHEDULE = "reschedule"  # recomputed from the card's history with new parameters or options
    RESET = "reset"  # made new again (the browser's "reset progress")
    SET_DUE = "set_due"  # given a due date by hand ("set due date" in the reviewer or the browser)


@dataclass(frozen=True)
class ScheduleChange:
    """One row of the append-only log of schedule changes that were not answers."""

    id: int
    card_id: int
    changed_at: datetime
    kind: ScheduleChangeKind
    before: Schedule
    after: Schedule


# Fast constructors for the study loop's hot path (a card read, an answer): the same objects as the dataclasses'
# own ``__init__`` makes (equal, same fields), built by setting the instance's ``__dict__`` at once instead of a
# frozen ``__init__``'s one ``object.__setattr__`` per field (a fifth of an answer's Python went to ``__init__``s).
_new = object.__new__
_set = object.__setattr__


def make_schedule(
    state: CardState,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due: datetime | None,
    last_review: datetime | None,
    reps: int,
    lapses: int,
) -> Schedule:
    schedule = _new(Schedule)
    _set(schedule, "__dict__", {"state": state, "step": step, "stability": stability, "difficulty": difficulty,
                                "due": due, "last_review": last_review, "reps": reps, "lapses": lapses})  # fmt: skip
    return schedule


def make_card(
    id: int,  # noqa: A002 - the field's name
    note_id: int,
    deck_id: int,
    front: str,
    back: str,
    schedule: Schedule,
    ord: int,  # noqa: A002
    kind: NoteKind,
    html: bool,
    fields: tuple[str, ...],
    notetype: NoteType | None,
    tags: tuple[str, ...],
    deck_name: str,
) -> Card:
    card = _new(Card)
    _set(card, "__dict__", {"id": id, "note_id": note_id, "deck_id": deck_id, "front": front, "back": back,
                            "schedule": schedule, "ord": ord, "kind": kind, "html": html, "fields": fields,
                            "notetype": notetype, "tags": tags, "deck_name": deck_name})  # fmt: skip
    return card


def make_review_entry(
    id: int,  # noqa: A002 - the field's name
    card_id: int,
    reviewed_at: datetime,
    rating: Rating,
    duration_ms: int,
    mode: ReviewMode,
    before: Schedule,
    after: Schedule,
) -> ReviewEntry:
    entry = _new(ReviewEntry)
    _set(entry, "__dict__", {"id": id, "card_id": card_id, "reviewed_at": reviewed_at, "rating": rating,
                             "duration_ms": duration_ms, "mode": mode, "before": before, "after": after})  # fmt: skip
    return entry
