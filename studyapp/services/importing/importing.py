"""Storing what an importer read: in one transaction, following the duplicate policy, keeping progress.

Notes are matched by guid. Depending on the policy a known note is updated (its cards keep their
progress), kept as it is, or added again as a duplicate. Every note that is not imported is listed
with its reason.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from studyapp.core.drafts import DuplicatePolicy, ImportDraft, NoteDraft, Skip
from studyapp.core.model import NoteKind
from studyapp.core.scheduling.scheduling import Scheduler
from studyapp.core.text.cloze import cloze_numbers
from studyapp.core.wording import plural
from studyapp.services.importing.deck_audio import quiet_audio
from studyapp.services.importing.draft_writes import BASIC_ORDS, DraftWrites, ShapedNote, shape_note
from studyapp.services.importing.long_runs import long_run_warning
from studyapp.services.media.media import rewrite_references
from studyapp.services.notetypes.resolve import NotetypeResolver
from studyapp.storage import Collection
from studyapp.storage.notes.notes_store import StoredNote

Progress = Callable[[int, int], None]
_PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ImportSummary:
    deck: str
    new: int
    updated: int
    unchanged: int
    skipped: tuple[Skip, ...] = ()
    media: int = 0
    details: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # one line each, naming the file and the place: imported, but not as written

    def __str__(self) -> str:
        text = f"{self.deck}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {len(self.skipped)} skipped" if self.skipped else "")


def _problem(note: NoteDraft) -> str | None:
    if not note.front.strip() and not note.card_ords:  # (a package's note is kept as the package has it)
        return "the first field is empty" if note.fields else "the front is empty"
    if note.kind is NoteKind.CLOZE and not note.fields and not cloze_numbers(note.front):
        return "a cloze note without any {{c1::...}} deletion"
    return None


def _place_of_line(line: int) -> str:
    return f"line {line}" if line else "a note"


def _place(note: NoteDraft, index: int) -> str:
    return f"line {note.line}" if note.line else f"note {index + 1}"


def _duplicate_guid(collection: Collection, guid: str) -> str:
    taken = collection.notes.guids_like(f"{guid}#dup")
    number = 2
    while f"{guid}#dup{number}" in taken:
        number += 1
    return f"{guid}#dup{number}"


def _changed(stored: StoredNote, note: NoteDraft, shape: ShapedNote) -> bool:
    fields = stored.padded(len(shape.fields))
    if (fields, stored.tags, stored.notetype_id) != (shape.fields, " ".join(note.tags), shape.notetype.id):
        return True
    # Plain text and HTML show the same when the text has nothing HTML would read otherwise (a package of
    # plain-text notes comes back as HTML)
    return stored.html != note.html and not all(_reads_the_same(value) for value in fields)


def _reads_the_same(text: str) -> bool:
    return not any(mark in text for mark in ("<", ">", "&", "\n", "  "))


def store_draft(
    collection: Collection,
    draft: ImportDraft,
    rng: random.Random,
    now: datetime,
    policy: DuplicatePolicy = DuplicatePolicy.UPDATE,
    with_history: bool = False,
    media_renames: dict[str, str] | None = None,
    progress: Progress | None = None,
    scheduler: Scheduler | None = None,
    before_commit: Callable[[], None] | None = None,
) -> ImportSummary:
    """Write a parsed file into the collection, all in one transaction (``before_commit`` runs last in it)."""
    skipped = list(draft.skipped)
    warnings = list(draft.warnings)
    long_runs = long_run_warning(draft)  # (imported as they are: shown cut, so the student is told)
    warnings += [long_runs] if long_runs else []
    details = dict(draft.details)
    new = updated = unchanged = 0
    total = len(draft.notes)
    # (the bulk insert's block inside the transaction's: a failure puts back its page cache, then rolls back)
    with (
        collection.notes.references_made_here(),
        collection.transaction(),
        collection.notes.bulk_insert(total) as bulk,
    ):
        resolver = NotetypeResolver(collection, draft.notetypes, rng, now)
        basic = resolver.for_kind(NoteKind.BASIC)
        cards = sum(len(note.card_ords) or (1 if note.kind is NoteKind.BASIC else 2) for note in draft.notes)
        store = DraftWrites(collection, rng, now, total, cards, basic, bulk)
        main_deck = store.deck_id(draft.name, draft.description)
        existing = collection.notes.by_guids([note.guid for note in draft.notes])
        ords = collection.notes.card_ords(stored.id for stored in existing.values())
        seen: set[str] = set()
        see, add = seen.add, store.add
        lengthened: list[int] = []
        late: list[tuple[int, NoteDraft]] = []  # (note id, note): notes already here whose history the file has
        for index, note in enumerate(draft.notes):
            if progress is not None and index % _PROGRESS_EVERY == 0:
                progress(index, total)
            plain = note.kind is NoteKind.BASIC and not note.fields and not note.card_ords and note.notetype is None
            # Only a cloze note or an empty front can have a problem: the common case is one cheap test.
            if not plain or not note.front.strip():
                problem = _problem(note)
                if problem is not None:
                    skipped.append(Skip(_place(note, index), problem))
                    continue
            if media_renames:  # <img src> and [sound:] (in plain text too), in every field
                fields = tuple(rewrite_references(value, media_renames) for value in note.fields)
                front = rewrite_references(note.front, media_renames)
                note = replace(note, front=front, back=rewrite_references(note.back, media_renames), fields=fields)
            shape: ShapedNote | None = None
            if not plain or "\x1f" in note.front or "\x1f" in note.back:
                notetype = (
                    resolver.by_name(note.notetype, len(note.fields)) if note.notetype else resolver.for_kind(note.kind)
                )
                shape = shape_note(note, notetype, lengthened)
                if not shape.ords:
                    skipped.append(Skip(_place(note, index), f"its note type {notetype.name!r} makes no card of it"))
                    continue
            guid = note.guid
            if guid in seen:
                skipped.append(Skip(_place(note, index), "the same note appears twice in the file"))
                continue
            see(guid)
            stored = existing.get(guid) if existing else None
            deck = note.deck
            deck_id = store.deck_id(deck) if deck else main_deck
            if stored is None:
                add(note, guid, deck_id, shape, with_history)
                new += 1
                continue
            shape = shape or ShapedNote(basic, (note.front, note.back), BASIC_ORDS)
            if policy is DuplicatePolicy.ADD:
                store.add(note, _duplicate_guid(collection, note.guid), deck_id, shape, with_history)
                new += 1
            elif not _changed(stored, note, shape):
                unchanged += 1
                if with_history and note.history:
                    late.append((stored.id, note))
            elif policy is DuplicatePolicy.KEEP:
                skipped.append(Skip(_place(note, index), "already in the collection with other text (kept as it was)"))
            else:
                store.update(stored, note, shape, ords.get(stored.id, set()))
                updated += 1
                if with_history and note.history:
                    late.append((stored.id, note))
        if late:  # notes already here, imported before without their history: their unstudied cards get it now
            store.flush()
            given, studied = store.history_for_existing(late)
            if given:
                details["history added to notes already here"] = plural(given, "card")
            if studied:
                warnings.append(
                    f"{plural(studied, 'card')} already in the collection {'has' if studied == 1 else 'have'} answers "
                    "or changes of their own: the history the file has for them was not added (a card's history is "
                    "never merged into another)"
                )
        if lengthened:
            warnings.append(
                f"{plural(len(lengthened), 'note')} had more fields than their note type: the extra text was added "
                "to the "
                f"type's last field (first at {_place_of_line(lengthened[0])})"
            )
        if resolver.added:
            details["note types added"] = ", ".join(resolver.added)
        if draft.quiet_decks:
            line, audio_warnings = quiet_audio(collection, rng, now, store.deck_ids, store.created, draft.quiet_decks)
            if line:
                details["audio"] = line
            warnings.extend(audio_warnings)
        store.finish()
        skipped += store.store_history(scheduler or Scheduler())
        if store.previews_left_out:
            warnings.append(
                f"{plural(store.previews_left_out, 'preview answer')} (a filtered deck that did not reschedule) "
                "left out of "
                "the history: they did not change when the cards were due"
            )
        if progress is not None:
            progress(total, total)
        if before_commit is not None:
            before_commit()
    return ImportSummary(
        draft.name, new, updated, unchanged, tuple(skipped), len(draft.media), details, tuple(warnings)
    )
