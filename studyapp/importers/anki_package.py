"""Anki packages (``.apkg`` decks, ``.colpkg`` whole collections) as an import draft.

A package is a zip of one SQLite collection plus media. It comes in three generations, newest first.
``collection.anki21b`` is zstd-compressed schema 18 with a protobuf media map (package version 3).
``collection.anki21`` is schema 11 with newer features. ``collection.anki2`` is the original. New
packages also hold a dummy ``collection.anki2`` that only says "please update", so the newest collection
present is read. Everything is read through ``SafeZip``'s limits. The collection is copied, under a name
of our choosing, into a temporary folder that is deleted afterwards, even on failure or cancellation.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import timezone, tzinfo
from functools import partial
from pathlib import Path

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft, PackedHistory, ReviewDraft, Skip
from studyapp.core.notetypes.model import NoteType, NotetypeKind
from studyapp.core.occlusion.fields import unreadable_occlusions
from studyapp.core.scheduling.days import DEFAULT_ROLLOVER_HOUR, DayNumbering
from studyapp.core.text.latex_files import note_latex_file_names
from studyapp.core.text.media_refs import media_references
from studyapp.core.text.sanitize import media_references as field_media_names
from studyapp.importers.anki_collection import AnkiCollection, AnkiReview
from studyapp.importers.anki_deck_audio import quiet_decks
from studyapp.importers.anki_history import REVIEW_CARD, HistoryCounts, review_drafts
from studyapp.importers.anki_media import MediaMap, MediaSink, MemoryMedia, read_media_files
from studyapp.importers.anki_notes import MAX_NOTE_CHARS, NoteMapper, unique_names
from studyapp.importers.anki_protobuf import WireFormatError, int_field, parse_message
from studyapp.importers.errors import ImportFailure
from studyapp.importers.plaintext_qa import deck_name_from_path
from studyapp.importers.safe_zip import DEFAULT_LIMITS, SafeZip, ZipLimits

COLLECTION_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")  # preferred first
META_MEMBER = "meta"
LATEST_VERSION = 3  # package version with zstd compression and the protobuf media map
PROGRESS_EVERY = 500  # notes between progress reports
# What a package may bring into memory at once: its note text (as Python holds it), plus a share for each note
# and each review entry read. A package is held to 64 MB of that (an import peaks under 300 MB), or to 16 times
# its own size when that is more: real decks and collections compress their text 3 to 10 times, so a big shared
# deck or a student's whole history (a million reviews) comes in, while a package of highly compressed text (400
# MB of notes in 5 MB) is refused (tests/attacks/test_package_text_bounds.py).
MAX_IMPORT_WEIGHT = 64 * 1024**2
WEIGHT_PER_PACKAGE_BYTE = 16
NOTE_WEIGHT = 512  # bytes each note counts beyond its text
REVIEW_WEIGHT = 128  # bytes each review entry counts (with history)
DEFAULT_DECK_ID = 1  # Anki's "Default" deck: its cards go to the chosen deck itself
DEFAULT_OPTIONS = ImportOptions()

Progress = Callable[[int, int], None]


def read_anki_package(
    path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
    *,
    limits: ZipLimits = DEFAULT_LIMITS,
    media: MediaSink | None = None,
    read_media: bool = True,
    zone: tzinfo = timezone.utc,
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
) -> ImportDraft:
    """Read an ``.apkg`` or ``.colpkg`` into a draft; history only if ``options.include_history``.

    ``zone`` and ``rollover_hour`` are the student's study days: a due day the package set by hand (Anki's day
    number) becomes the start of that day.

    Only the media files the notes refer to are read, each streamed into ``media`` (the import's staging
    folder); the draft then lists none and ``details["media"]`` counts them. Without a sink they are kept in
    memory as the draft's ``media`` (small packages: tests, tools); with ``read_media=False`` (a preview)
    they are not read at all.

    ``progress(done, total)`` is called now and then (notes, then media files). It may raise to cancel:
    the exception propagates unchanged, after the temporary files are removed.
    """
    path = Path(path)
    with SafeZip(path, limits) as archive, tempfile.TemporaryDirectory(prefix="studyapp-anki-") as temp:
        version = _package_version(archive)
        member = next((name for name in COLLECTION_MEMBERS if name in archive), None)
        if member is None:
            raise ImportFailure(path, f"has no Anki collection in it (none of {', '.join(COLLECTION_MEMBERS)})")
        db_path = Path(temp) / "collection.sqlite"
        with db_path.open("wb") as target:
            archive.copy_to(member, target, zstd=member == "collection.anki21b")
        version3 = version >= LATEST_VERSION
        media_map = MediaMap(archive, version3=version3)
        with AnkiCollection(db_path, path, member) as collection:
            _check_weight(collection, path, options.include_history)
            total = collection.note_count() + media_map.total
            ticker = _Ticker(progress, total)
            study_days = partial(DayNumbering.from_stamp, zone=zone, rollover_hour=rollover_hour)
            read = _read_notes(collection, path, options, ticker, study_days)
            schema = collection.schema
            target = options.deck_name or _main_deck(read.notes) or deck_name_from_path(path)
            used = {target} | {deck for note in read.notes for deck in (note.deck, *note.card_decks) if deck}
            names = _deck_names(collection.deck_names(), options.deck_name)
            quiet, audio_warnings = quiet_decks(collection, names, used, path.name)
        notes, skipped = read.notes, read.skipped
        used = media_map.entries(_used_media(notes, read.notetypes), keep_prefix="_")
        ticker.media_skipped(media_map.total - len(used))
        if media_map.total > len(used):
            unused = media_map.total - len(used)
            files = "1 media file no note uses was" if unused == 1 else f"{unused:,} media files no note uses were"
            skipped.append(Skip(place="media", reason=f"{files} not imported (no field, template or styling names it)"))
        memory = MemoryMedia() if media is None and read_media else None
        stored, media_skipped = read_media_files(
            archive, used, version3=version3, sink=(media if media is not None else memory) if read_media else None,
            on_file=ticker.media_file, on_chunk=ticker.alive,
        )  # fmt: skip
        ticker.finish()
    details = {
        "format": _format(path, options),
        "anki_schema": str(schema),
        "collection": member,
        "media": str(len(stored)),
        "notetypes": ", ".join(notetype.name for notetype in read.notetypes),
    }
    name = target
    decks = _deck_summary(notes, name)
    if decks:
        details["decks"] = decks
    if read.history is not None:
        details["history"] = read.history.describe()
    return ImportDraft(
        name=name,
        notes=tuple(notes),
        media=memory.media_files() if memory is not None else (),
        skipped=tuple(skipped + media_skipped),
        details=details,
        warnings=tuple(read.warnings + audio_warnings),
        notetypes=read.notetypes,
        quiet_decks=quiet,
    )


@dataclasses.dataclass
class _Read:
    notes: list[NoteDraft]
    skipped: list[Skip]
    warnings: list[str]
    notetypes: tuple[NoteType, ...]  # those the notes use, under the names the notes give them
    history: HistoryCounts | None


def _read_notes(
    collection: AnkiCollection,
    path: Path,
    options: ImportOptions,
    ticker: _Ticker,
    days: Callable[[int], DayNumbering],  # a collection's numbering from its crt
) -> _Read:
    notetypes = collection.notetypes()
    names = unique_names(notetypes)
    decks = _deck_names(collection.deck_names(), options.deck_name)
    cards: dict[int, list[tuple[int, int, bool, int, tuple[int, int]]]] = {}
    review_dues: dict[int, int] = {}  # review cards' due days (a log that ends in "Set due date" takes the card's)
    with_history = options.include_history
    for card in collection.cards():
        card_id, note_id, ord_, deck_id, _, queue, _, _, flags, reps, lapses = card
        if note_id in cards:
            cards[note_id].append((ord_, deck_id, queue == -1, flags, (reps, lapses)))
        else:
            cards[note_id] = [(ord_, deck_id, queue == -1, flags, (reps, lapses))]
        if with_history and card.type == REVIEW_CARD:
            review_dues[card_id] = card.due
    mapper = NoteMapper(notetypes, names, decks, cards, with_suspension=options.include_history)
    counts = HistoryCounts() if options.include_history else None
    # The log is read note by note beside the notes (both in note id order), and each note's history is kept packed:
    # a package of a million answers held them all as objects at once, 400 MB more than the notes alone.
    histories = _by_note(collection.reviews()) if options.include_history else None
    numbering = days(collection.created_at())
    v1 = options.include_history and collection.scheduler_version() == 1
    notes: list[NoteDraft] = []
    for index, note in enumerate(collection.notes(MAX_NOTE_CHARS), start=1):
        history: Sequence[ReviewDraft] = ()
        if counts is not None and histories is not None:
            reviews = histories.of(note.id)
            if reviews:
                history = PackedHistory.pack(review_drafts(reviews, review_dues, numbering, counts, v1=v1))
        draft = mapper.map(index, note, history)
        if draft is not None:
            notes.append(draft)
        ticker.note()
    skipped = mapper.skipped
    warnings = mapper.reshape_warnings(path.name)
    if counts is not None and counts.bad:
        reason = f"{counts.bad:,} entries with an impossible time, rating or card were left out"
        skipped.append(Skip(place="review log", reason=reason))
    if counts is not None and counts.v1_answers:
        warnings.append(
            f"{path.name}: review log: {counts.v1_answers:,} learning answers of Anki's old (v1) scheduler, which had"
            " three buttons, are read as Anki reads them: its 2 as Good and its 3 as Easy"
        )
    if counts is not None and counts.inferred_resets:
        warnings.append(
            f"{path.name}: review log: {counts.inferred_resets:,} cards were reset to new by an Anki that did not"
            " log it (a learning answer right after a review); the reset is added to their history"
        )
    used = tuple(dataclasses.replace(notetypes[ntid], name=names[ntid]) for ntid in sorted(mapper.used_notetypes))
    occlusion = {nt.name: tuple(f.extra for f in nt.fields) for nt in used if nt.kind is NotetypeKind.IMAGE_OCCLUSION}
    if occlusion:  # every occlusion is its card, drawn by the reviewer; what cannot be drawn is said
        warnings.extend(unreadable_occlusions(path.name, [(n.notetype or "", n.fields) for n in notes], occlusion))
    return _Read(notes, skipped, warnings, used, counts)


class _by_note:  # noqa: N801 - used as a function
    """The log's entries (in note id order, then time) note by note: ``of(note_id)`` for ascending note ids gives
    each note's entries (those of notes never asked for are passed over)."""

    def __init__(self, reviews: Iterator[AnkiReview]) -> None:
        self._reviews = reviews
        self._next: AnkiReview | None = next(reviews, None)

    def of(self, note_id: int) -> list[AnkiReview]:
        found: list[AnkiReview] = []
        while self._next is not None and self._next.note_id <= note_id:
            if self._next.note_id == note_id:
                found.append(self._next)
            self._next = next(self._reviews, None)
        return found


def _deck_names(names: dict[int, str], parent: str | None) -> dict[int, str]:
    """The package's deck names, under ``parent`` when the user chose one (its "Default" deck is ``parent``)."""
    if not parent:
        return names
    return {did: parent if did == DEFAULT_DECK_ID else f"{parent}::{name}" for did, name in names.items()}


def _deck_summary(notes: list[NoteDraft], name: str, shown: int = 6) -> str:
    """Where the cards go: each deck with its number of cards, most first; empty when they all go to the deck
    the import is named after (``name``), which the summary names anyway."""
    counts: Counter[str] = Counter()
    for note in notes:
        if note.card_decks:
            counts.update(deck or note.deck or "" for deck in note.card_decks)
        elif note.deck:
            counts[note.deck] += 1
    if set(counts) <= {name}:
        return ""
    parts = [f"{deck} ({count:,} card{'s' * (count != 1)})" for deck, count in counts.most_common(shown)]
    if len(counts) > shown:
        parts.append(f"and {len(counts) - shown:,} more decks")
    return ", ".join(parts)


def weight_limit(package_bytes: int) -> int:
    """What a package of ``package_bytes`` may bring into memory (see ``MAX_IMPORT_WEIGHT``)."""
    return max(MAX_IMPORT_WEIGHT, WEIGHT_PER_PACKAGE_BYTE * package_bytes)


def _check_weight(collection: AnkiCollection, path: Path, with_history: bool) -> None:
    """Refuse, before any note is loaded, a package whose notes (and history) would take more memory than an
    import may: its text is counted by SQLite, and the count stops as soon as it is over."""
    limit = weight_limit(path.stat().st_size)
    reviews = collection.review_count() if with_history else 0
    weight = reviews * REVIEW_WEIGHT
    if weight <= limit:
        for note_weight in collection.note_weights(MAX_NOTE_CHARS):
            weight += NOTE_WEIGHT + note_weight
            if weight > limit:
                break
    if weight > limit:
        what = f"its notes and {reviews:,} review entries" if reviews else "its notes"
        raise ImportFailure(
            path,
            f"is too large to import: {what} would take more than {limit // 2**20} MB of memory (the note text,"
            f" {NOTE_WEIGHT} bytes a note and {REVIEW_WEIGHT} a review entry; at most {MAX_IMPORT_WEIGHT // 2**20}"
            f" MB or {WEIGHT_PER_PACKAGE_BYTE} times the package's size); split it in Anki and import the parts",
        )


def _package_version(archive: SafeZip) -> int:
    """The ``meta`` member's version (1, 2 or 3); without one, 2 if there is a ``collection.anki21``, else 1."""
    if META_MEMBER not in archive:
        return 2 if "collection.anki21" in archive else 1
    try:
        version = int_field(parse_message(archive.read(META_MEMBER, max_bytes=1024)), 1)
    except WireFormatError as error:
        raise archive.fail(META_MEMBER, f"is not valid package information ({error})") from None
    if not 1 <= version <= LATEST_VERSION:
        raise archive.fail(META_MEMBER, f"says package version {version}: made by a newer Anki than this app reads")
    return version


def _used_media(notes: list[NoteDraft], notetypes: tuple[NoteType, ...]) -> set[str]:
    """The media files the notes' fields, their note types' templates and styling refer to (the references
    Check Collection and the export follow: ``<img src>``, ``[sound:]``, CSS ``url()``...), and the pictures
    Anki made of the notes' LaTeX (``latex-<sha1>.png``, ``core.text.latex_files``)."""
    used: set[str] = set()
    by_name = {notetype.name: notetype for notetype in notetypes}
    for note in notes:
        used |= note_latex_file_names(note.fields, by_name.get(note.notetype) if note.notetype else None)
        for text in note.fields:
            if text:
                used |= media_references(text)
                if "<img" in text or "[sound:" in text:  # also the names no media folder can hold ("a/b.png"),
                    used |= field_media_names(text)  # so that their entries are skipped with that reason
    for notetype in notetypes:
        used |= media_references(notetype.css)
        for template in notetype.templates:
            used |= media_references(template.question) | media_references(template.answer)
    return used


def _main_deck(notes: list[NoteDraft]) -> str | None:
    """The top-level deck of most notes (all of them, in a package of one deck tree)."""
    tops = Counter(note.deck.split("::")[0] for note in notes if note.deck)
    return tops.most_common(1)[0][0] if tops else None


def _format(path: Path, options: ImportOptions) -> str:
    if options.format in ("apkg", "colpkg"):
        return options.format
    return "colpkg" if path.suffix.lower() == ".colpkg" else "apkg"


class _Ticker:
    """Calls ``progress`` every ``PROGRESS_EVERY`` notes and after every media file, without catching anything."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._total = total
        self._done = 0
        self._reported = -1
        self._report()

    def note(self) -> None:
        self._done += 1
        if self._done % PROGRESS_EVERY == 0:
            self._report()

    def media_file(self) -> None:
        self._done += 1
        self._report()

    def media_skipped(self, count: int) -> None:
        self._done += count

    def alive(self) -> None:
        """Within a large media file: give ``progress`` its chance to cancel."""
        if self._progress is not None:
            self._progress(self._done, self._total)

    def finish(self) -> None:
        self._done = self._total
        self._report()

    def _report(self) -> None:
        if self._progress is not None and self._done != self._reported:
            self._reported = self._done
            self._progress(self._done, self._total)
