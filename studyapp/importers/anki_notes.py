"""Anki notes as our notes: which kind, which two fields, which deck, and what is left behind and why.

Our notes have a front and a back, so Anki's note types are mapped by shape. A standard type with one
template is basic and one with two templates and two fields is reversed, taking the first field as the
front and the second as the back. A cloze type is cloze, with the text field as the front (cloze
markers kept) and the next field as the back. Fields beyond the second are dropped. That is reported
once per note type, and only when some note has text in them. A note that cannot be mapped (missing
fields, empty front, over the size limit, image occlusion) becomes a ``Skip`` that says why, never a
silent loss.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone

from studyapp.core.deck_names import deck_name_problem
from studyapp.core.drafts import MAX_REVIEW_MS, NoteDraft, ReviewDraft, Skip
from studyapp.core.ids import from_anki_guid
from studyapp.core.model import NoteKind, Rating
from studyapp.core.plain_text import plain_if_simple
from studyapp.core.sanitize import clean_html
from studyapp.importers.anki_collection import IMAGE_OCCLUSION_STOCK_KIND, AnkiNote, AnkiNotetype, AnkiReview

MAX_FIELD_CHARS = 1024**2  # one field of a card; more is not a flash card but a pasted document
MAX_NOTE_CHARS = 8 * MAX_FIELD_CHARS  # a note over this is not even loaded from the file
_TAG = re.compile(r"<[^>]*>")
_CLOZE = re.compile(r"\{\{c\d+::")


def note_kind(notetype: AnkiNotetype) -> NoteKind:
    """Our kind for an Anki note type, by its shape (see the module docstring)."""
    if notetype.is_cloze:
        return NoteKind.CLOZE
    if notetype.template_count == 2 and len(notetype.field_names) == 2:
        return NoteKind.REVERSED
    return NoteKind.BASIC


def has_visible_content(html: str) -> bool:
    """Whether cleaned HTML shows anything: text other than spaces, or an image."""
    if "<img" in html:
        return True
    return bool(_TAG.sub("", html).replace("&nbsp;", "").strip())


class NoteMapper:
    """Turns the notes of one collection into drafts, collecting what it skips along the way."""

    def __init__(self, notetypes: dict[int, AnkiNotetype], deck_names: dict[int, str], note_decks: dict[int, int]):
        self._notetypes = notetypes
        self._deck_names = deck_names
        self._note_decks = note_decks
        # A deck name over a limit (a thousand levels deep...): its notes are skipped, each saying why.
        self._deck_problems = {did: problem for did, name in deck_names.items() if (problem := deck_name_problem(name))}
        self.skipped: list[Skip] = []
        self._dropped: Counter[int] = Counter()  # note type id -> notes with text in fields 3+

    def map(self, index: int, note: AnkiNote, history: tuple[ReviewDraft, ...] = ()) -> NoteDraft | None:
        """The draft of ``note`` (the ``index``-th, from 1), or ``None`` after recording a ``Skip``."""
        place = f"note {index}"
        notetype = self._notetypes.get(note.notetype_id)
        if notetype is None:
            return self._skip(place, "its note type is missing from the collection")
        if notetype.stock_kind == IMAGE_OCCLUSION_STOCK_KIND:
            return self._skip(place, f"image occlusion notes ({notetype.name!r}) cannot be imported")
        if note.fields is None:
            return self._skip(place, f"it is {_mib(note.size)} of text, over the {_mib(MAX_NOTE_CHARS)} limit")
        deck_id = self._note_decks.get(note.id, -1)
        if deck_id in self._deck_problems:
            return self._skip(place, f"its deck: {self._deck_problems[deck_id]}")
        kind = note_kind(notetype)
        needed = 1 if kind is NoteKind.CLOZE else 2
        if len(note.fields) < needed:
            count = f"{len(note.fields)} field{'s' * (len(note.fields) != 1)}"
            return self._skip(place, f"it has {count}, a {notetype.name!r} note needs {needed}")
        front_raw, back_raw = note.fields[0], note.fields[1] if len(note.fields) > 1 else ""
        for number, text in ((1, front_raw), (2, back_raw)):
            if len(text) > MAX_FIELD_CHARS:
                return self._skip(place, f"field {number} is {_mib(len(text))}, over the {_mib(MAX_FIELD_CHARS)} limit")
        front, back = clean_html(front_raw), clean_html(back_raw)
        if not has_visible_content(front):
            return self._skip(place, "its first field is empty")
        if kind is NoteKind.CLOZE and not _CLOZE.search(front):
            return self._skip(place, "it is a cloze note without any {{c1::...}} deletion")
        if any(text.strip() for text in note.fields[2:]):
            self._dropped[notetype.id] += 1
        plain = (plain_if_simple(front), plain_if_simple(back))
        is_html = plain[0] is None or plain[1] is None
        return NoteDraft(
            guid=from_anki_guid(note.guid or f"note-{note.id}"),
            front=front if is_html else plain[0],
            back=back if is_html else plain[1],
            tags=note.tags,
            line=index,
            kind=kind,
            html=is_html,
            deck=self._deck_names.get(deck_id),
            history=history,
        )

    def dropped_field_skips(self) -> list[Skip]:
        """One ``Skip`` per note type whose fields beyond the second held text, with how many notes lost some."""
        skips = []
        for ntid, count in sorted(self._dropped.items()):
            notetype = self._notetypes[ntid]
            names = ", ".join(repr(name) for name in notetype.field_names[2:])
            skips.append(
                Skip(
                    place=f"note type {notetype.name!r}",
                    reason=f"only the first two fields are imported: {names} dropped from {count} notes",
                )
            )
        return skips

    def _skip(self, place: str, reason: str) -> None:
        self.skipped.append(Skip(place=place, reason=reason))
        return None


def review_drafts(reviews: list[AnkiReview]) -> tuple[tuple[ReviewDraft, ...], int]:
    """Reviews as drafts, and how many were left out for an impossible time, duration, rating or card number.

    Impossible: before 1970, past the year 9999, a duration over a day (Anki stops its timer at an hour).
    A time ahead of the clock is left out later, by the import service, which knows the time.
    """
    drafts: list[ReviewDraft] = []
    bad = 0
    for review in reviews:
        try:
            if not isinstance(review.card_ord, int) or review.card_ord < 0:
                raise ValueError(review.card_ord)
            if review.at_ms < 0 or review.duration_ms > MAX_REVIEW_MS:
                raise ValueError(review.at_ms)
            at = datetime.fromtimestamp(review.at_ms / 1000, tz=timezone.utc)
            rating = Rating(review.ease)
        except (ValueError, OverflowError, OSError, TypeError):
            bad += 1
            continue
        drafts.append(ReviewDraft(review.card_ord, at, rating, max(review.duration_ms, 0)))
    return tuple(drafts), bad


def _mib(chars: int) -> str:
    return f"{chars / 1024**2:.1f} MiB" if chars >= 1024**2 else f"{chars / 1024:.0f} KiB"
