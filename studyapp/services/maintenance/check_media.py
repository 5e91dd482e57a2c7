"""Check Collection's media part: which files of the media folder are used, which are missing.

A file is used when any field of any note refers to it, or any note type's template or styling does
(``core.media_refs``: ``[sound:]``, ``src``/``data`` attributes, CSS ``url()`` and ``@import``). A file whose
name starts with ``_`` is a note type's (a font, a script, a picture of the styling): used when a template or
the styling names it anywhere in its text (a script may build the name), and otherwise kept, as Anki keeps
such files, and reported as kept. Only the rest is unused, and only that is ever moved to the trash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.core.media_refs import media_references
from studyapp.core.notetypes.model import NoteType
from studyapp.services.media.media import is_safe_name
from studyapp.storage.check_store import CheckStore

TEMPLATE_FILE_PREFIX = "_"


@dataclass
class MediaUse:
    files: int = 0  # files in the media folder
    orphans: list[str] = field(default_factory=list)  # used by no note and no note type: repair moves them
    kept: list[str] = field(default_factory=list)  # "_" files nothing names: kept, as Anki keeps them
    missing: list[tuple[str, int]] = field(default_factory=list)  # (file, note id) named by a note, not there
    missing_in_notetypes: list[tuple[str, str]] = field(default_factory=list)  # (file, note type name)


def _notetype_texts(notetype: NoteType) -> Iterable[str]:
    for template in notetype.templates:
        yield template.question
        yield template.answer
    yield notetype.css


def media_use(store: CheckStore, notetypes: Iterable[NoteType], media_dir: Path) -> MediaUse:
    """What the media folder holds against what the notes and note types refer to (reads only)."""
    by_notes: dict[str, int] = {}
    for note_id, fields in store.notes_naming_files():
        for text in fields:
            for name in media_references(text):
                if is_safe_name(name):
                    by_notes.setdefault(name, note_id)
    by_notetypes: dict[str, str] = {}
    template_text: list[str] = []
    for notetype in notetypes:
        for text in _notetype_texts(notetype):
            template_text.append(text)
            for name in media_references(text):
                if is_safe_name(name):
                    by_notetypes.setdefault(name, notetype.name)
    files = sorted(p.name for p in media_dir.iterdir() if p.is_file()) if media_dir.is_dir() else []
    present = set(files)
    use = MediaUse(files=len(files))
    everything_templates_say = "\n".join(template_text)
    for name in files:
        if name in by_notes or name in by_notetypes:
            continue
        if name.startswith(TEMPLATE_FILE_PREFIX):
            if name not in everything_templates_say:
                use.kept.append(name)
            continue
        use.orphans.append(name)
    use.missing = sorted((name, note_id) for name, note_id in by_notes.items() if name not in present)
    use.missing_in_notetypes = sorted(
        (name, notetype) for name, notetype in by_notetypes.items() if name not in present and name not in by_notes
    )
    return use
