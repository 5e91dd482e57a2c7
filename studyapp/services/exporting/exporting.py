"""Exporting a deck (with its subdecks), or the whole collection, to CSV/text or to an Anki package.

The format comes from the file's extension: ``.csv``/``.txt``/``.tsv`` (every field, Anki's headers),
``.apkg`` (note types, every field, the cards studyapp has, their decks, and every media file a field,
template or styling refers to, audio included, and the pictures Anki made of their LaTeX, which AnkiDroid
cannot make: ``core.text.latex_files``) and ``.colpkg`` (the whole collection, always with history).
With history, each card goes out with its schedule and its review log and schedule changes, as Anki's
"include scheduling information" does; without, every card goes out new. What cannot go out whole is
counted in the result (``missing_media``: files the notes refer to that the media folder does not have).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from urllib.parse import unquote

from studyapp.core.drafts import ImportDraft, MediaFile, NoteDraft
from studyapp.core.model import CardState
from studyapp.core.notetypes.model import NoteType
from studyapp.core.scheduling.deck_options import Deck
from studyapp.core.text.latex_files import note_latex_file_names
from studyapp.core.text.media_refs import media_references
from studyapp.core.wording import plural
from studyapp.exporters.apkg import write_apkg
from studyapp.exporters.apkg_cards import ExportCard
from studyapp.exporters.csv_export import write_csv
from studyapp.services.decks.decks import rollover_hour
from studyapp.services.media.media import is_safe_name
from studyapp.storage import Collection
from studyapp.storage.maintenance.export_store import StoredCard, cards_of_notes

EXPORT_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".apkg": "apkg", ".colpkg": "colpkg"}


class ExportError(Exception):
    """An export that cannot be made; the message is one line."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: notes, cards, media files and review-log rows, and what it could not include."""

    path: Path
    deck: str | None  # None: the whole collection
    notes: int
    cards: int
    media: int
    reviews: int  # review-log rows (answers and schedule changes); 0 without history
    with_history: bool
    format: str = "apkg"  # "csv", "apkg" or "colpkg"
    missing_media: tuple[str, ...] = ()  # referenced by a note, template or styling, not in the media folder

    def lines(self) -> list[str]:
        """The summary, one line each, as the command line prints it."""
        what = self.deck if self.deck is not None else "The whole collection"
        rows = plural(self.reviews, "review-log row")
        history = f", {rows} (with history)" if self.with_history else " (cards as new)"
        if self.format == "csv":
            history = " (every field; no schedules in a text file)"
        lines = [f"{what}: {plural(self.notes, 'note')}, {plural(self.cards, 'card')}, "
                 f"{plural(self.media, 'media file')}{history} "
                 f"exported to {self.path}"]  # fmt: skip
        if self.missing_media:
            shown = ", ".join(self.missing_media[:5]) + (", ..." if len(self.missing_media) > 5 else "")
            missing = len(self.missing_media)
            lines.append(f"{plural(missing, 'media file')} the notes refer to {'is' if missing == 1 else 'are'} "
                         f"not in the media folder, so not in the export: {shown}")  # fmt: skip
        return lines


def _chosen_decks(collection: Collection, deck_name: str | None) -> tuple[list[Deck], Deck | None]:
    decks = collection.decks.all()
    if deck_name is None:
        return decks, None
    chosen = [d for d in decks if d.name == deck_name or d.name.startswith(deck_name + "::")]
    top = next((d for d in chosen if d.name == deck_name), None)
    if not chosen:
        raise ExportError(f"no deck named '{deck_name}' (decks: {', '.join(sorted(d.name for d in decks))})")
    return chosen, top  # without ``top``: only its subdecks exist, and they go out under its name


def _steps_left(card: StoredCard, deck: Deck | None) -> int:
    if deck is None or card.schedule.step is None:
        return 1
    relearning = card.schedule.state is CardState.RELEARNING
    steps = deck.options.relearning_steps if relearning else deck.options.learning_steps
    return max(1, len(steps) - card.schedule.step)


def collection_draft(
    collection: Collection, deck_name: str | None, with_history: bool, media_dir: Path | None
) -> tuple[ImportDraft, list[list[ExportCard]], tuple[str, ...]]:
    """The notes of the deck and its subdecks (``None``: of every deck) with their note types, cards (with
    their schedules and logs when ``with_history``) and media; and the media names referred to but missing."""
    decks, top = _chosen_decks(collection, deck_name)
    by_id = {d.id: d for d in decks}
    all_names = {d.id: d.name for d in collection.decks.all()}
    stored = collection.notes.in_decks(list(by_id)) if by_id else []
    cards_by_note = cards_of_notes(collection.db, [n.id for n in stored])
    card_ids = [card.id for cards in cards_by_note.values() for card in cards]
    answers = collection.schedule_changes.answers_of_cards(card_ids) if with_history else {}
    changes = collection.schedule_changes.of_cards(card_ids) if with_history else {}
    notetypes: dict[int, NoteType] = {}
    notes: list[NoteDraft] = []
    cards: list[list[ExportCard]] = []
    for note in stored:
        notetype = collection.notetypes.get(note.notetype_id) if note.notetype_id is not None else None
        fields: tuple[str, ...] = ()
        if notetype is not None:
            notetypes[notetype.id] = notetype
            count = len(notetype.fields)
            fields = note.padded(count) if len(note.fields) <= count else note.fields  # the writer refuses a loss
        notes.append(NoteDraft(
            guid=note.guid, front=note.front, back=note.back, tags=tuple(note.tags.split()), kind=note.kind,
            html=note.html, deck=all_names.get(note.deck_id), fields=fields,
            notetype=notetype.name if notetype is not None else None,
        ))  # fmt: skip
        cards.append([
            ExportCard(
                ord=card.ord, deck=all_names.get(card.deck_id), position=card.position + 1,
                schedule=card.schedule if with_history else None,
                suspended=card.suspended and with_history,
                flag=card.flag if with_history else 0,
                steps_left=_steps_left(card, by_id.get(card.deck_id)),
                reviews=tuple(answers.get(card.id, ())), changes=tuple(changes.get(card.id, ())),
            )
            for card in cards_by_note.get(note.id, ())
        ])  # fmt: skip
    media, missing = _media(notes, notetypes.values(), media_dir)
    name = top.name if top is not None else deck_name or "Default"
    description = top.description if top is not None else ""
    quiet = tuple(d.name for d in decks if not d.options.autoplay_audio)  # (Anki's deck option autoplay off)
    draft = ImportDraft(name=name, notes=tuple(notes), description=description, media=media,
                        notetypes=tuple(notetypes.values()), quiet_decks=quiet)  # fmt: skip
    return draft, cards, missing


def _media(
    notes: Sequence[NoteDraft], notetypes: Iterable[NoteType], media_dir: Path | None
) -> tuple[tuple[MediaFile, ...], tuple[str, ...]]:
    """Every file a field, template or styling refers to that the media folder has; the names it lacks. The
    LaTeX pictures of the notes go too when the folder has them; one it lacks is not missing (Anki, the
    computer version, makes it again; studyapp draws the maths itself)."""
    referenced: set[str] = set()
    types = list(notetypes)
    by_name = {notetype.name: notetype for notetype in types}
    latex: set[str] = set()
    for note in notes:
        for text in note.fields or (note.front, note.back):
            referenced |= media_references(text)
        latex |= note_latex_file_names(note.fields or (note.front, note.back), by_name.get(note.notetype or ""))
    for notetype in types:
        referenced |= media_references(notetype.css)
        for template in notetype.templates:
            referenced |= media_references(template.question) | media_references(template.answer)
    found: list[MediaFile] = []
    for name in sorted(referenced | latex):
        path = media_dir / name if media_dir is not None and is_safe_name(name) else None
        if path is not None and path.is_file():
            found.append(MediaFile(name, path.read_bytes()))
    # "a%20b.png" is also read as "a b.png": a name is missing only when no reading of it was found
    have = {unquote(item.name) for item in found}
    missing = sorted({unquote(name) for name in referenced} - have)
    return tuple(found), tuple(missing)


def export_collection(
    collection: Collection,
    path: Path,
    now: datetime,
    deck_name: str | None = None,
    with_history: bool = False,
    media_dir: Path | None = None,
    zone: tzinfo = timezone.utc,
) -> ExportResult:
    """Write the deck (``None``: the whole collection) to ``path`` in the format its extension names. A package's
    due days are counted in the collection's study days, in ``zone`` (the clock's)."""
    kind = EXPORT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ExportError(f"{path}: unknown export format '{path.suffix}' (use .csv, .txt, .apkg or .colpkg)")
    if kind == "colpkg":
        deck_name, with_history = None, True  # a collection package is the whole collection, as it is
    draft, cards, missing = collection_draft(collection, deck_name, with_history and kind != "csv", media_dir)
    try:
        if kind == "csv":
            write_csv(draft, path)
        else:
            write_apkg(draft, path, cards=cards, now=now, zone=zone, rollover_hour=rollover_hour(collection))
    except OSError as error:
        raise ExportError(f"{path}: cannot be written ({error.strerror or error})") from None
    except ValueError as error:
        raise ExportError(f"{path}: {error}") from None
    reviews = sum(len(c.reviews) + len(c.changes) for note_cards in cards for c in note_cards)
    return ExportResult(
        path=path, deck=deck_name, notes=len(draft.notes), cards=sum(len(c) for c in cards),
        media=len(draft.media) if kind != "csv" else 0, reviews=reviews if kind != "csv" else 0,
        with_history=with_history and kind != "csv", format=kind, missing_media=missing if kind != "csv" else (),
    )  # fmt: skip


def export_deck(
    collection: Collection, deck_name: str, path: Path, now: datetime, media_dir: Path | None = None
) -> int:
    """Write the deck to ``path`` without history; returns the number of notes (the older call)."""
    return export_collection(collection, path, now, deck_name, False, media_dir).notes
