"""Exporting a deck (with its subdecks) to CSV/text or to an Anki package, chosen by the file's extension."""

from __future__ import annotations

from pathlib import Path

from studyapp.core.drafts import ImportDraft, MediaFile, NoteDraft
from studyapp.core.sanitize import media_references
from studyapp.exporters.apkg import write_apkg
from studyapp.exporters.csv_export import write_csv
from studyapp.services.media.media import is_safe_name
from studyapp.storage import Collection

EXPORT_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".apkg": "apkg"}


class ExportError(Exception):
    """An export that cannot be made; the message is one line."""


def deck_draft(collection: Collection, deck_name: str, media_dir: Path | None = None) -> ImportDraft:
    """The deck named ``deck_name`` and its subdecks, as notes with their deck names and media."""
    decks = [d for d in collection.decks.all() if d.name == deck_name or d.name.startswith(deck_name + "::")]
    top = next((d for d in decks if d.name == deck_name), None)
    if top is None:
        raise ExportError(f"no deck named '{deck_name}'")
    names = {d.id: d.name for d in decks}
    notes = tuple(
        NoteDraft(
            guid=n.guid, front=n.front, back=n.back, tags=tuple(n.tags.split()), kind=n.kind, html=n.html,
            deck=names[n.deck_id],
        )
        for n in collection.notes.in_decks(list(names))
    )  # fmt: skip
    media: list[MediaFile] = []
    if media_dir is not None:
        referenced = set().union(*(media_references(f"{n.front}{n.back}") for n in notes if n.html)) if notes else set()
        for name in sorted(referenced):
            path = media_dir / name
            if is_safe_name(name) and path.is_file():
                media.append(MediaFile(name, path.read_bytes()))
    return ImportDraft(name=top.name, notes=notes, description=top.description, media=tuple(media))


def export_deck(collection: Collection, deck_name: str, path: Path, media_dir: Path | None = None) -> int:
    """Write the deck to ``path`` in the format its extension names; returns the number of notes."""
    kind = EXPORT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ExportError(f"{path}: unknown export format '{path.suffix}' (use .csv, .txt or .apkg)")
    draft = deck_draft(collection, deck_name, media_dir)
    try:
        if kind == "apkg":
            write_apkg(draft, path)
        else:
            write_csv(draft, path)
    except OSError as error:
        raise ExportError(f"{path}: cannot be written ({error.strerror or error})") from None
    return len(draft.notes)
