"""Anki notes as note drafts: every field of their note type, their cards and decks, and what was changed.

A note keeps every field, in its note type's order, as (sanitized) HTML, and names its note type; its
``front`` and ``back`` are the first two fields. Its cards are the ones the package has (their ords and each
one's home deck), so the import makes exactly the package's cards. The note's deck is that of its first card.

A note is skipped, with a ``Skip`` saying why, only when it cannot be kept: its note type is missing, it is
over the size limit, or its deck's name is impossible. A note with fewer fields than its note type gets empty
ones; one with more has the extra text added to its last field (as Anki's Check Database does). Both are
counted and reported once per note type, never silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import NoteDraft, ReviewDraft, Skip
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import NoteKind
from studyapp.core.notetypes.model import NoteType
from studyapp.core.text.sanitize import clean_html
from studyapp.importers.anki_collection import AnkiNote

MAX_FIELD_CHARS = 1024**2  # one field of a card; more is not a flash card but a pasted document
MAX_NOTE_CHARS = 8 * MAX_FIELD_CHARS  # a note over this is not even loaded from the file


def note_kind(notetype: NoteType) -> NoteKind:
    """The stock shorthand closest to a note type (for code that still thinks in front and back)."""
    if notetype.is_cloze:
        return NoteKind.CLOZE
    if len(notetype.templates) == 2 and len(notetype.fields) == 2:
        return NoteKind.REVERSED
    return NoteKind.BASIC


class NoteMapper:
    """Turns the notes of one collection into drafts, collecting what it skips or reshapes along the way.

    ``notetypes`` by Anki's id, with the name each is known by in the draft (``names``: unique); ``deck_names``
    by Anki's deck id, already under the import's parent deck if there is one; ``cards``: each note's
    (ord, home deck id, suspended, flag, (reps, lapses)), in ord order; ``with_suspension``: give the notes their
    cards' suspension, flags and review counts (with their history).
    """

    def __init__(
        self,
        notetypes: dict[int, NoteType],
        names: dict[int, str],
        deck_names: dict[int, str],
        cards: dict[int, list[tuple[int, int, bool, int, tuple[int, int]]]],
        with_suspension: bool = False,
    ) -> None:
        self._notetypes = notetypes
        self._names = names
        self._deck_names = deck_names
        self._cards = cards
        self._with_suspension = with_suspension
        # A deck name over a limit (a thousand levels deep...): its notes are skipped, each saying why.
        self._deck_problems = {did: problem for did, name in deck_names.items() if (problem := deck_name_problem(name))}
        self.skipped: list[Skip] = []
        self.used_notetypes: set[int] = set()
        self._padded: Counter[int] = Counter()  # note type id -> notes with fewer fields than it has
        self._merged: Counter[int] = Counter()  # note type id -> notes with more fields (merged into the last)
        self.without_cards = 0
        self._kinds: dict[int, NoteKind] = {}  # note type id -> its stock shorthand, for the note types seen

    def map(self, index: int, note: AnkiNote, history: Sequence[ReviewDraft] = ()) -> NoteDraft | None:
        """The draft of ``note`` (the ``index``-th, from 1), or ``None`` after recording a ``Skip``.

        (Called for every note of a package, so written for speed: a 100,000-note deck.)"""
        ntid = note.notetype_id
        notetype = self._notetypes.get(ntid)
        if notetype is None:
            return self._skip(index, "its note type is missing from the collection")
        raw = note.fields
        if raw is None:
            return self._skip(index, f"it is {_mib(note.size)} of text, over the {_mib(MAX_NOTE_CHARS)} limit")
        cards = self._cards.get(note.id, ())
        deck_names = self._deck_names
        if cards:
            ords, deck_ids, suspended, flags, counts = zip(*cards, strict=True)
            if self._deck_problems:
                for card_deck in deck_ids:
                    if card_deck in self._deck_problems:
                        return self._skip(index, f"its deck: {self._deck_problems[card_deck]}")
            card_decks = tuple([deck_names.get(did) for did in deck_ids])
            deck = card_decks[0]
            card_suspended = suspended if self._with_suspension and True in suspended else ()
            card_flags = flags if self._with_suspension and any(flags) else ()
            card_counts = counts if self._with_suspension and any(reps for reps, _ in counts) else ()
        else:
            ords = card_decks = card_suspended = card_flags = card_counts = ()
            deck = None
            self.without_cards += 1
        if note.size > MAX_FIELD_CHARS // 4:  # (no field is longer than the whole note: SQLite counts it, roughly)
            for number, text in enumerate(raw, start=1):
                if len(text) > MAX_FIELD_CHARS:
                    size = f"{_mib(len(text))}, over the {_mib(MAX_FIELD_CHARS)} limit"
                    return self._skip(index, f"field {number} is {size}")
        if len(raw) != len(notetype.fields):
            raw = self._shaped(notetype, raw)
        # (fields never hold the separator: they were split on it, and cleaning does not add it)
        cleaned = tuple([clean_html(text) if text else text for text in raw])
        if ntid not in self._kinds:
            self.used_notetypes.add(ntid)
            self._kinds[ntid] = note_kind(notetype)
        return NoteDraft(
            from_anki_guid(note.guid or f"note-{note.id}"),
            cleaned[0],
            cleaned[1] if len(cleaned) > 1 else "",
            note.tags,
            index,
            self._kinds[ntid],
            True,
            deck,
            history,
            cleaned,
            self._names[ntid],
            ords,
            card_decks,
            card_suspended,
            card_flags,
            card_counts,
        )

    def _shaped(self, notetype: NoteType, fields: tuple[str, ...]) -> tuple[str, ...]:
        count = len(notetype.fields)
        if len(fields) == count:
            return fields
        if len(fields) < count:
            self._padded[notetype.id] += 1
            return fields + ("",) * (count - len(fields))
        self._merged[notetype.id] += 1
        rest = [text for text in fields[count - 1 :] if text]
        return fields[: count - 1] + ("; ".join(rest),)

    def reshape_warnings(self, package: str) -> list[str]:
        """One line per note type whose notes did not have its number of fields: how many, and what was done."""
        lines = []
        for counter, done in (
            (self._padded, "had fewer fields than it: the missing ones are empty"),
            (self._merged, "had more fields than it: the text of the extra ones was added to its last field"),
        ):
            for ntid, count in sorted(counter.items()):
                name = self._names[ntid]
                fields = len(self._notetypes[ntid].fields)
                lines.append(f"{package}: {count:,} note{'s' * (count != 1)} of {name!r} ({fields} fields) {done}")
        return lines

    def _skip(self, index: int, reason: str) -> None:
        self.skipped.append(Skip(place=f"note {index}", reason=reason))
        return None


def unique_names(notetypes: dict[int, NoteType]) -> dict[int, str]:
    """A name for each note type that no other one of the package has (Anki's names are unique in schema 18,
    but schema 11 JSON could repeat one): a repeated name gets " (2)", " (3)"... in id order."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for ntid in sorted(notetypes):
        name = notetypes[ntid].name
        candidate, number = name, 2
        while candidate.casefold() in taken:
            candidate, number = f"{name} ({number})", number + 1
        taken.add(candidate.casefold())
        names[ntid] = candidate
    return names


def _mib(chars: int) -> str:
    return f"{chars / 1024**2:.1f} MiB" if chars >= 1024**2 else f"{chars / 1024:.0f} KiB"
