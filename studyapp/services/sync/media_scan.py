"""What changed in the media folder since the last media sync: the folder against the ``sync_media`` rows.

Only plain files at the folder's top level whose names may travel (``media_zip.name_problem``) take part;
every other entry is listed with the reason it stays here (studyapp's own ``.incoming-*`` temporaries
aside). A file whose mtime is the one last seen is taken as unchanged; any other is hashed (SHA-1, as
Anki), and only a different digest makes it a change to send. A known file that is gone is a deletion to send.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.services.sync.media_zip import MAX_FILE_BYTES, name_problem
from studyapp.storage.sync.media_store import MediaEntry

_OURS = ".incoming-"  # a copy into the folder under way (services/media), never a media file
_HASH_CHUNK = 1024 * 1024


@dataclass
class FolderScan:
    changes: list[MediaEntry] = field(default_factory=list)  # rows to write (new, changed, deleted, mtime moved)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # reason -> names
    checked: int = 0


def sha1_of(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scan_folder(
    folder: Path, known: dict[str, MediaEntry], progress: Callable[[int], None] | None = None
) -> FolderScan:
    """Compare ``folder`` with ``known`` (the ``sync_media`` rows); the rows to write and what was left out."""
    scan = FolderScan()
    present: set[str] = set()
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        entries = []
    for entry in entries:
        name = entry.name
        if name.startswith(_OURS):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone while we looked
        if not stat.S_ISREG(status.st_mode):
            scan.skipped["not a plain file (a folder or a link)"].append(name)
            continue
        problem = name_problem(name)
        if problem is not None:
            scan.skipped[problem].append(name)
            continue
        if status.st_size == 0:
            scan.skipped["an empty file"].append(name)
            continue
        if status.st_size > MAX_FILE_BYTES:
            scan.skipped[f"larger than {MAX_FILE_BYTES // 2**20} MiB, the sync's limit"].append(name)
            continue
        present.add(name)
        scan.checked += 1
        if progress is not None and scan.checked % 500 == 0:
            progress(scan.checked)
        mtime = int(status.st_mtime)
        row = known.get(name)
        if row is not None and row.sha1 is not None and row.mtime == mtime:
            continue
        try:
            sha1 = sha1_of(Path(entry.path))
        except OSError:
            present.discard(name)
            continue
        if row is not None and row.sha1 == sha1:
            scan.changes.append(MediaEntry(name, sha1, mtime, row.dirty))  # touched, not changed
        else:
            scan.changes.append(MediaEntry(name, sha1, mtime, True))
    for name, row in known.items():
        if name not in present and row.sha1 is not None and not row.refused:
            scan.changes.append(MediaEntry(name, None, 0, True))
    return scan


def required_change(local: MediaEntry | None, remote_sha1: str) -> str:
    """What a change on the server asks of this side: "download", "delete", "clean" or "" (nothing)."""
    local_sha1 = local.sha1 if local is not None and local.sha1 else ""
    if not remote_sha1:
        if local is None:
            return ""  # deleted there, never here
        if not local_sha1:
            return "delete"  # deleted on both sides: forget it
        return "" if local.dirty else "delete"  # changed here since: it goes up again
    if not local_sha1 or local_sha1 != remote_sha1:
        return "download"  # new there, or different: the server's version wins
    return "clean" if local is not None and local.dirty else ""
