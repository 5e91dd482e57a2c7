"""What an importer produces: notes, media and history read from a file, before they are in a collection.

Importers build these objects and nothing else; the import service decides what to store.
"""

from __future__ import annotations

import enum
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import overload

from studyapp.core.model import NoteKind, Rating, ScheduleChangeKind
from studyapp.core.notetypes.model import NoteType


class DuplicatePolicy(str, enum.Enum):
    """What to do with a note whose identity (guid) is already in the collection."""

    UPDATE = "update"  # take the new text; the cards keep their progress
    KEEP = "keep"  # leave the existing note as it is
    ADD = "add"  # add the imported note as a separate duplicate


# The longest answer a log may record: Anki stops its timer at an hour at most. A longer one is impossible
# (and 10**20 ms would not even fit the collection's 64-bit integers).
MAX_REVIEW_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class ReviewDraft:
    """One entry of the log of one of the note's cards, as read from another app's log.

    An answer has a ``rating`` and no ``change``. ``affects_schedule=False`` marks an answer that was logged but
    left the card's schedule as it was (Anki's filtered deck without rescheduling: a preview or cram answer).
    A schedule change made by hand has ``rating=None`` and a ``change``: ``RESET`` (made new again: Anki's
    Forget / Reset, which the replay must follow with a new card) or ``RESCHEDULE`` (Anki's Set Due Date or an
    FSRS reschedule) with ``interval_days`` (the interval Anki set) and, when the file says it, ``due`` (when the
    card became due: known for the card's last entry only, from its schedule in the file). An answer's
    ``interval_days`` is the interval in days the answering app logged (None: in minutes, or not known): the replay
    keeps that day where our scheduler's fuzz could have drawn it.
    """

    card_ord: int
    reviewed_at: datetime  # timezone-aware UTC
    rating: Rating | None
    duration_ms: int = 0
    change: ScheduleChangeKind | None = None
    interval_days: int | None = None
    due: datetime | None = None
    affects_schedule: bool = True


_set_attribute = object.__setattr__

# A note's history packed into bytes, 39 a review, then compressed (about 15): card number, time (ms), rating (0:
# none), duration (ms), change (0: none, else 1 + its index in ``_CHANGES``), interval in days (-1: none), due (ms;
# ``_NO_DUE``: none), whether it moved the schedule. A package of a million answers held them as objects: 400 MB;
# packed, 15 MB (``PackedHistory``).
_PACKED = struct.Struct("<qqbiBqqB")
_CHANGES = tuple(ScheduleChangeKind)
_NO_DUE = -(1 << 63)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class PackedHistory(Sequence["ReviewDraft"]):
    """A note's ``ReviewDraft``s, kept packed (``pack``) and made again when read: the same entries, in the same
    order, at a twentieth of the memory. Times are kept to the millisecond, as a package logs them."""

    __slots__ = ("_data", "_count")

    def __init__(self, data: bytes, count: int) -> None:
        self._data = data  # zlib-compressed
        self._count = count

    @classmethod
    def pack(cls, reviews: Iterable[ReviewDraft]) -> PackedHistory:
        pack = _PACKED.pack
        parts = []
        for r in reviews:
            due = _NO_DUE if r.due is None else _ms(r.due)
            change = 0 if r.change is None else 1 + _CHANGES.index(r.change)
            interval = -1 if r.interval_days is None else r.interval_days
            rating = 0 if r.rating is None else int(r.rating)
            parts.append(pack(r.card_ord, _ms(r.reviewed_at), rating, r.duration_ms, change, interval, due,
                              r.affects_schedule))  # fmt: skip
        return cls(zlib.compress(b"".join(parts), 1), len(parts))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @overload
    def __getitem__(self, index: int) -> ReviewDraft: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ReviewDraft, ...]: ...
    def __getitem__(self, index: int | slice) -> ReviewDraft | tuple[ReviewDraft, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return _unpacked(_PACKED.unpack_from(zlib.decompress(self._data), index * _PACKED.size))

    def __iter__(self) -> Iterator[ReviewDraft]:
        for values in _PACKED.iter_unpack(zlib.decompress(self._data)):
            yield _unpacked(values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedHistory):
            return self._count == other._count and zlib.decompress(self._data) == zlib.decompress(other._data)
        if isinstance(other, (tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(zlib.decompress(self._data))

    def __repr__(self) -> str:
        return f"PackedHistory({list(self)!r})"


def _ms(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _unpacked(values: tuple[int, ...]) -> ReviewDraft:
    card_ord, at, rating, duration, change, interval, due, affects = values
    return ReviewDraft(
        card_ord, _EPOCH + timedelta(milliseconds=at), None if rating == 0 else Rating(rating), duration,
        None if change == 0 else _CHANGES[change - 1], None if interval < 0 else interval,
        None if due == _NO_DUE else _EPOCH + timedelta(milliseconds=due), bool(affects),
    )  # fmt: skip


@dataclass(frozen=True, init=False, slots=True)
class NoteDraft:
    """A note as an importer produces it.

    ``guid`` is the note's stable identity: re-importing a note with the same guid updates it.
    ``line`` is where the note starts in its source (line of a text file, entry number of a package),
    for messages. ``deck`` is a full deck name (``Parent::Child``) or ``None`` for the import's deck.
    ``html`` marks the fields as HTML (sanitized before storing and before showing); otherwise they are plain
    text and are escaped on display.
    ``fields``: every field, in the order of the note type named ``notetype`` (one of the ``ImportDraft``'s
    ``notetypes``, or a note type of that name in the collection). Without them (``()``) the note is one of the
    stock type of ``kind`` with the fields (``front``, ``back``); with them ``front``/``back`` are the first two.
    ``card_ords``: the cards the file has for the note (template index, or cloze number - 1), and ``card_decks``
    each one's deck (same order; ``None``: the note's ``deck``). Empty: the file does not say (a text file), the
    note type's templates decide. ``card_suspended``: which of them are suspended (same order; empty: none), given
    with their history only, as Anki's "import scheduling" does; ``card_flags`` likewise their flags (1-7, 0 none),
    and ``card_counts`` their (reviews, lapses) as the file counts them (Anki's Forget may keep them).
    """

    guid: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    line: int = 0
    kind: NoteKind = NoteKind.BASIC
    html: bool = False
    deck: str | None = None
    history: Sequence[ReviewDraft] = ()
    fields: tuple[str, ...] = ()
    notetype: str | None = None
    card_ords: tuple[int, ...] = ()
    card_decks: tuple[str | None, ...] = ()
    card_suspended: tuple[bool, ...] = ()
    card_flags: tuple[int, ...] = ()
    card_counts: tuple[tuple[int, int], ...] = ()

    def __init__(
        self,
        guid: str,
        front: str,
        back: str,
        tags: tuple[str, ...] = (),
        line: int = 0,
        kind: NoteKind = NoteKind.BASIC,
        html: bool = False,
        deck: str | None = None,
        history: Sequence[ReviewDraft] = (),
        fields: tuple[str, ...] = (),
        notetype: str | None = None,
        card_ords: tuple[int, ...] = (),
        card_decks: tuple[str | None, ...] = (),
        card_suspended: tuple[bool, ...] = (),
        card_flags: tuple[int, ...] = (),
        card_counts: tuple[tuple[int, int], ...] = (),
    ) -> None:
        # A big import holds 100,000 of these at once: in slots, 160 bytes a note instead of 520 with a ``__dict__``
        # (36 MB less for 100,000 notes), for 0.4 us more to make one.
        _set_attribute(self, "guid", guid)
        _set_attribute(self, "front", front)
        _set_attribute(self, "back", back)
        _set_attribute(self, "tags", tags)
        _set_attribute(self, "line", line)
        _set_attribute(self, "kind", kind)
        _set_attribute(self, "html", html)
        _set_attribute(self, "deck", deck)
        _set_attribute(self, "history", history)
        _set_attribute(self, "fields", fields)
        _set_attribute(self, "notetype", notetype)
        _set_attribute(self, "card_ords", card_ords)
        _set_attribute(self, "card_decks", card_decks)
        _set_attribute(self, "card_suspended", card_suspended)
        _set_attribute(self, "card_flags", card_flags)
        _set_attribute(self, "card_counts", card_counts)


@dataclass(frozen=True)
class MediaFile:
    """A media file that cards refer to by ``name`` (a plain file name, no folders)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Skip:
    """A part of the file that was not imported, and why: shown to the user in the summary."""

    place: str  # "line 12", "note 3", "entry media/7"
    reason: str


@dataclass(frozen=True)
class ImportDraft:
    """Everything read from one file.

    ``name`` is the deck that notes without their own ``deck`` go to; ``description`` describes it.
    ``details`` says what was detected, for the import dialog and the summary
    (for example ``{"format": "csv", "delimiter": "tab", "encoding": "utf-8"}``).
    ``warnings`` are one-line notes about what was imported but not exactly as it was in the file
    (bytes that were not UTF-8, replaced), each naming the file and the place.
    """

    name: str
    notes: tuple[NoteDraft, ...]
    description: str = ""
    media: tuple[MediaFile, ...] = ()
    skipped: tuple[Skip, ...] = ()
    details: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    # The note types the notes name (``NoteDraft.notetype``), as the file defines them (ids as in the file;
    # the import service matches them to the collection's or adds them with new ids).
    notetypes: tuple[NoteType, ...] = ()
    # Decks whose sounds do not play when their side is shown (Anki's deck option ``autoplay`` off; studyapp's
    # "Don't play audio automatically"): read from a package and given to the decks the import makes, written
    # back into an exported package's deck options.
    quiet_decks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnMap:
    """Which column (0-based) of a delimited file holds what; ``None`` for absent."""

    front: int = 0
    back: int = 1
    tags: int | None = None
    deck: int | None = None
    guid: int | None = None
    # Further columns whose text is added to the tags (as ``column-name_value``-free words); empty: ignored.
    extra_as_tags: tuple[int, ...] = ()
    # Each (column, field index) pair puts a column into a field of the note type; when given, ``front`` and
    # ``back`` are unused. The note type is ``ImportOptions.notetype``, else a new one whose fields are
    # ``field_names`` (else named from the header row, else "Field 1", "Field 2"...). A column that is in none
    # of these is ignored, and the summary counts the text left out.
    fields: tuple[tuple[int, int], ...] = ()
    field_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose (or left to detection, as ``None``) for reading a file."""

    format: str | None = None  # "qa", "csv", "quizlet", "apkg", "colpkg"; None: detect
    deck_name: str | None = None  # the deck for notes without their own; None: from the file
    encoding: str | None = None  # None: detect
    delimiter: str | None = None  # a single character (Quizlet: any text between term and definition); None: detect
    has_header: bool | None = None  # first row is column names; None: detect
    columns: ColumnMap | None = None  # None: from the file's headers, else front, back
    html: bool | None = None  # fields are HTML; None: from #html: header, else detected from the fields (as Anki)
    card_separator: str | None = None  # Quizlet: between cards; None: detect (newline or ';')
    include_history: bool = False  # Anki packages: bring the review log along
    notetype: str | None = None  # delimited text: the note type (by name) to import into; None: from the file
