"""Check Collection's media part: which files of the media folder are used, which are missing.

A file is used when any field of any note refers to it, or any note type's template or styling does
(``core.text.media_refs``: ``[sound:]``, ``src``/``data`` attributes, CSS ``url()`` and ``@import``). A file whose
name starts with ``_`` is a note type's (a font, a script, a picture of the styling): used when a template or
the styling names it anywhere in its text (a script may build the name), and otherwise kept, as Anki keeps
such files, and reported as kept. The pictures Anki made of a note's LaTeX (``latex-<sha1>.png``/``.svg``,
named from the note's text: ``core.text.latex_files``) are used by that note; one that is not there is not missing
(studyapp draws the maths itself). Only the rest is unused, and only that is ever moved to the trash.

Files of ``LARGE_MEDIA_BYTES`` or more are listed by size, largest first, with the folder's total, so the
recordings and scans that make a collection heavy can be found (listed, never a problem).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from studyapp.core.notetypes.model import NoteType
from studyapp.core.text.latex_files import note_latex_file_names
from studyapp.core.text.media_refs import media_references
from studyapp.services.media.media import is_safe_name
from studyapp.storage.maintenance.check_store import CheckStore

TEMPLATE_FILE_PREFIX = "_"
LARGE_MEDIA_BYTES = 1024**2


@dataclass
class MediaUse:
    files: int = 0  # files in the media folder
    orphans: list[str] = field(default_factory=list)  # used by no note and no note type: repair moves them
    kept: list[str] = field(default_factory=list)  # "_" files nothing names: kept, as Anki keeps them
    missing: list[tuple[str, int]] = field(default_factory=list)  # (file, note id) named by a note, not there
    missing_in_notetypes: list[tuple[str, str]] = field(default_factory=list)  # (file, note type name)
    total_bytes: int = 0  # of every file in the media folder
    large: list[tuple[str, int]] = field(
        default_factory=list
    )  # (file, bytes) of LARGE_MEDIA_BYTES or more, largest first


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
    types = list(notetypes)
    by_id = {notetype.id: notetype for notetype in types}
    latex: set[str] = set()
    for _note_id, notetype_id, fields in store.notes_with_latex():
        latex |= note_latex_file_names(fields, by_id.get(notetype_id) if notetype_id is not None else None)
    for notetype in types:
        for text in _notetype_texts(notetype):
            template_text.append(text)
            for name in media_references(text):
                if is_safe_name(name):
                    by_notetypes.setdefault(name, notetype.name)
    sizes = _sizes(media_dir)
    files = sorted(sizes)
    present = set(files)
    use = MediaUse(files=len(files), total_bytes=sum(sizes.values()))
    use.large = sorted(
        ((name, size) for name, size in sizes.items() if size >= LARGE_MEDIA_BYTES),
        key=lambda item: (-item[1], item[0]),
    )
    everything_templates_say = "\n".join(template_text)
    for name in files:
        if name in by_notes or name in by_notetypes or name in latex:
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


def _sizes(media_dir: Path) -> dict[str, int]:
    """Every file of the media folder (not its ``.trash``) with its size in bytes."""
    if not media_dir.is_dir():
        return {}
    sizes: dict[str, int] = {}
    for path in media_dir.iterdir():
        try:
            stat = path.stat()
        except OSError:
            continue
        if S_ISREG(stat.st_mode):
            sizes[path.name] = stat.st_size
    return sizes
