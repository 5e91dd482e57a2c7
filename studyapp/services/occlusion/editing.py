"""Making and editing image occlusion notes (Tools → Image Occlusion…, or Add with an image occlusion type).

A note is Anki's own kind: the occlusion field holds the masks in Anki's grammar (``core.occlusion``), the
image field ``<img src="...">``, then Header and Back Extra, in the collection's image occlusion note type
(added in Anki's shape when it has none). The image goes into the media folder under a name made from
its content (``services.media.adding``: the same picture pasted twice is one file). Each cloze number,
one mask or a group of masks, is a card.

Editing a note keeps its cards by number, so a mask that was kept (moved or not) keeps its card and its
progress. A card whose number no longer has a mask is kept with its progress, as Anki keeps it (its Empty
Cards tool is what removes such cards), and the result says which. Nothing is half done: a note that
cannot be saved leaves the collection as it was, and an image it had just added to the media folder is
taken out again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from studyapp.core.clock import Clock
from studyapp.core.notetypes.model import NoteType
from studyapp.core.occlusion import Shape, card_ordinals, format_shapes, hides_all, image_name, parse, with_mode
from studyapp.services.media.adding import AddedMedia, MediaError, add_media_bytes, add_media_file
from studyapp.services.notes.notes import (
    AddedNote,
    EditedNote,
    NoteError,
    NoteFields,
    add_note_fields,
    update_note_fields,
)
from studyapp.services.occlusion.notetype import fields_of, is_occlusion_type, occlusion_notetype
from studyapp.storage import Collection


class OcclusionError(Exception):
    """A note that cannot be made or saved; the message is one line for the user."""


@dataclass(frozen=True)
class OcclusionDraft:
    """What the editor gives: the masks (normalised, with their card numbers), the mode, texts and tags."""

    shapes: tuple[Shape, ...]
    hide_all: bool = True  # "hide all, guess one"; False: "hide one, guess one"
    header: str = ""  # HTML
    back_extra: str = ""  # HTML
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class OcclusionNote:
    """A stored image occlusion note as the editor opens it."""

    note_id: int
    notetype: NoteType
    image_name: str
    image_path: Path
    draft: OcclusionDraft
    card_numbers: tuple[int, ...]  # the cloze numbers the note has cards for (card ord + 1)
    problems: tuple[str, ...] = ()  # occlusions the editor cannot show (kept in the note as they are)


@dataclass(frozen=True)
class AddedOcclusion:
    added: AddedNote
    image: AddedMedia


def _check(draft: OcclusionDraft) -> None:
    if not card_ordinals(draft.shapes):
        raise OcclusionError("draw at least one mask over the image (each mask or group is a card)")


def compact_ordinals(shapes: tuple[Shape, ...] | list[Shape]) -> tuple[Shape, ...]:
    """The shapes numbered 1, 2, 3... in the order their cards first appear (for a new note: no gaps)."""
    numbers: dict[int, int] = {}
    for shape in shapes:
        for number in shape.ordinals:
            if number > 0 and number not in numbers:
                numbers[number] = len(numbers) + 1
    return tuple(
        replace(shape, ordinal=numbers.get(shape.ordinal, shape.ordinal),
                more_ordinals=tuple(numbers.get(n, n) for n in shape.more_ordinals))
        for shape in shapes
    )  # fmt: skip


def _store_image(media_dir: Path, image: bytes | Path) -> AddedMedia:
    try:
        stored = add_media_file(media_dir, image) if isinstance(image, Path) else add_media_bytes(media_dir, image)
    except MediaError as error:
        raise OcclusionError(str(error)) from None
    if stored.kind != "image":
        raise OcclusionError(f"{image.name if isinstance(image, Path) else 'the pasted data'}: not an image")
    return stored


def _take_back(media_dir: Path, stored: AddedMedia) -> None:
    """Remove an image this call wrote (its name is its content: no other note can have used it yet)."""
    if stored.stored:
        (media_dir / stored.name).unlink(missing_ok=True)


def _fields(notetype: NoteType, base: tuple[str, ...], draft: OcclusionDraft, image: str | None) -> tuple[str, ...]:
    where = fields_of(notetype)
    values = list(base) + [""] * (len(notetype.fields) - len(base))
    values[where.occlusion] = format_shapes(with_mode(draft.shapes, draft.hide_all))
    if image is not None:
        values[where.image] = image
    values[where.header] = draft.header
    values[where.back_extra] = draft.back_extra
    return tuple(values)


def add_occlusion_note(
    collection: Collection, rng: random.Random, clock: Clock, media_dir: Path, deck_id: int,
    image: bytes | Path, draft: OcclusionDraft,
) -> AddedOcclusion:  # fmt: skip
    """Add an image occlusion note of ``image`` (a file, or pasted bytes) to the deck: a card per mask or group."""
    _check(draft)
    draft = replace(draft, shapes=compact_ordinals(draft.shapes))
    stored = _store_image(media_dir, image)
    try:
        with collection.transaction():
            notetype = occlusion_notetype(collection, rng, clock.now())
            fields = _fields(notetype, (), draft, stored.reference)
            added = add_note_fields(collection, rng, clock, deck_id, NoteFields(notetype.id, fields, draft.tags, True))
    except NoteError as error:
        _take_back(media_dir, stored)
        raise OcclusionError(str(error)) from None
    except BaseException:
        _take_back(media_dir, stored)
        raise
    return AddedOcclusion(added, stored)


def open_occlusion_note(collection: Collection, media_dir: Path, note_id: int) -> OcclusionNote:
    """The note as the editor shows it; an ``OcclusionError`` if it is not an image occlusion note or its image
    is not in the media folder."""
    note = collection.notes.get(note_id)
    if note is None:
        raise OcclusionError("that note no longer exists")
    notetype = collection.notetypes.get(note.notetype_id) if note.notetype_id is not None else None
    if notetype is None or not is_occlusion_type(notetype):
        raise OcclusionError("that note is not an image occlusion note")
    where = fields_of(notetype)
    fields = note.padded(len(notetype.fields))
    name = image_name(fields[where.image])
    if name is None:
        raise OcclusionError(f"the note's {notetype.field_names[where.image]} field has no image")
    path = media_dir / name
    if "/" in name or "\\" in name or not path.is_file():
        raise OcclusionError(f"the note's image {name} is not in the media folder")
    parsed = parse(fields[where.occlusion])
    draft = OcclusionDraft(parsed.shapes, hides_all(parsed.shapes), fields[where.header], fields[where.back_extra],
                           tuple(note.tags.split()))  # fmt: skip
    ords = collection.notes.card_ords([note_id]).get(note_id, set())
    return OcclusionNote(note_id, notetype, name, path, draft, tuple(sorted(o + 1 for o in ords)), parsed.problems)


def update_occlusion_note(
    collection: Collection, rng: random.Random, clock: Clock, media_dir: Path, note_id: int,
    draft: OcclusionDraft, image: bytes | Path | None = None,
) -> EditedNote:  # fmt: skip
    """Save the masks, mode, texts and tags (and a new image, if given) of an image occlusion note. Its cards keep
    their numbers and progress; a new number adds its card; a card left without a mask is kept and reported."""
    _check(draft)
    current = open_occlusion_note(collection, media_dir, note_id)
    note = collection.notes.get(note_id)
    assert note is not None
    stored = _store_image(media_dir, image) if image is not None else None
    try:
        fields = _fields(current.notetype, note.padded(len(current.notetype.fields)), draft,
                         stored.reference if stored is not None else None)  # fmt: skip
        return update_note_fields(collection, rng, clock, note_id, fields, draft.tags, True)
    except NoteError as error:
        if stored is not None:
            _take_back(media_dir, stored)
        raise OcclusionError(str(error)) from None
    except BaseException:
        if stored is not None:
            _take_back(media_dir, stored)
        raise


def occlusion_note_of_card(collection: Collection, card_id: int) -> int | None:
    """The id of the card's note if it is an image occlusion note the editor opens, else None."""
    note = collection.notes.of_card(card_id)
    if note is None or note.notetype_id is None:
        return None
    notetype = collection.notetypes.get(note.notetype_id)
    return note.id if notetype is not None and is_occlusion_type(notetype) else None
