"""Anki packages (``.apkg`` decks, ``.colpkg`` whole collections) as an import draft.

A package is a zip of one SQLite collection plus media. It comes in three generations, newest first.
``collection.anki21b`` is zstd-compressed schema 18 with a protobuf media map (package version 3).
``collection.anki21`` is schema 11 with newer features. ``collection.anki2`` is the original. New
packages also hold a dummy ``collection.anki2`` that only says "please update", so the newest collection
present is read. Everything is read through ``SafeZip``'s limits. The collection is copied, under a name
of our choosing, into a temporary folder that is deleted afterwards, even on failure or cancellation.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from studyapp.core.drafts import ImportDraft, ImportOptions, NoteDraft, Skip
from studyapp.core.sanitize import media_references
from studyapp.importers.anki_collection import AnkiCollection, AnkiReview
from studyapp.importers.anki_media import MediaMap, MediaSink, MemoryMedia, read_media_files
from studyapp.importers.anki_notes import MAX_NOTE_CHARS, NoteMapper, review_drafts
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
) -> ImportDraft:
    """Read an ``.apkg`` or ``.colpkg`` into a draft; history only if ``options.include_history``.

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
            notes, skipped = _read_notes(collection, options.include_history, ticker)
            schema = collection.schema
        used = media_map.entries(_used_media(notes))
        ticker.media_skipped(media_map.total - len(used))
        if media_map.total > len(used):
            unused = media_map.total - len(used)
            files = "1 media file no note uses was" if unused == 1 else f"{unused:,} media files no note uses were"
            skipped.append(Skip(place="media", reason=f"{files} not imported"))
        memory = MemoryMedia() if media is None and read_media else None
        stored, media_skipped = read_media_files(
            archive, used, version3=version3, sink=(media if media is not None else memory) if read_media else None,
            on_file=ticker.media_file, on_chunk=ticker.alive,
        )  # fmt: skip
        ticker.finish()
    return ImportDraft(
        name=options.deck_name or _main_deck(notes) or deck_name_from_path(path),
        notes=tuple(notes),
        media=memory.media_files() if memory is not None else (),
        skipped=tuple(skipped + media_skipped),
        details={
            "format": _format(path, options),
            "anki_schema": str(schema),
            "collection": member,
            "media": str(len(stored)),
        },
    )


def _read_notes(collection: AnkiCollection, with_history: bool, ticker: _Ticker) -> tuple[list[NoteDraft], list[Skip]]:
    mapper = NoteMapper(collection.notetypes(), collection.deck_names(), collection.note_decks())
    histories: dict[int, list[AnkiReview]] = {}
    if with_history:
        for review in collection.reviews():
            histories.setdefault(review.note_id, []).append(review)
    notes: list[NoteDraft] = []
    bad_reviews = 0
    for index, note in enumerate(collection.notes(MAX_NOTE_CHARS), start=1):
        history, bad = review_drafts(histories.pop(note.id, []))
        bad_reviews += bad
        draft = mapper.map(index, note, history)
        if draft is not None:
            notes.append(draft)
        ticker.note()
    skipped = mapper.skipped + mapper.dropped_field_skips()
    if bad_reviews:
        reason = f"{bad_reviews} entries with an impossible time, rating or card were left out"
        skipped.append(Skip(place="review log", reason=reason))
    return notes, skipped


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


def _used_media(notes: list[NoteDraft]) -> set[str]:
    """The media files the notes refer to (the same references Check Collection and the export follow)."""
    used: set[str] = set()
    for note in notes:
        text = note.front + note.back
        if "<img" in text or "[sound:" in text:
            used |= media_references(text)
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
