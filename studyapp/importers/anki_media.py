"""The media of an Anki package: which zip member holds which file, and the files themselves.

Packages store media files as members ``0``, ``1``, ... and a member ``media`` that maps them to file
names. Older packages write that map as JSON (``{"0": "image.png"}``) and store the files as they are.
Packages of version 3 (Anki 2.1.50+) write it as a zstd-compressed protobuf ``MediaEntries`` message and
zstd-compress every file; entry ``i`` is member ``str(i)`` unless it names another member
(``legacy_zip_filename``). File names come from strangers and end up as names in our media folder, so
only plain file names are accepted; anything else is skipped with a reason, never used.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from studyapp.core.drafts import MediaFile, Skip
from studyapp.importers.anki_protobuf import (
    WireFormatError,
    bytes_field,
    int_field,
    message_fields,
    parse_message,
    text_field,
)
from studyapp.importers.safe_zip import SafeZip

MEDIA_MAP_MEMBER = "media"
MAX_MEDIA_MAP_BYTES = 64 * 1024**2  # about a million entries: far more than any real collection
MAX_NAME_BYTES = 255  # the longest file name common file systems allow
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class MediaEntry:
    """One line of the media map. ``size`` and ``sha1`` are only known in version 3 packages."""

    index: int
    member: str
    name: str
    size: int | None = None
    sha1: bytes | None = None


def media_name_problem(name: str) -> str | None:
    """Why ``name`` is not a plain file name we can store, or ``None`` if it is one."""
    if not name or name in {".", ".."}:
        return "is not a file name"
    if "/" in name or "\\" in name:
        return "has a folder in it"
    if ":" in name:
        return "has a ':' (a drive or stream on Windows)"
    if _CONTROL.search(name):
        return "has control characters in it"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    return None


def read_media_map(archive: SafeZip, *, version3: bool) -> list[MediaEntry]:
    """The package's media map, or an empty list if it has none. A malformed map is an ``ImportFailure``."""
    if MEDIA_MAP_MEMBER not in archive:
        return []
    data = archive.read(MEDIA_MAP_MEMBER, zstd=version3, max_bytes=MAX_MEDIA_MAP_BYTES)
    try:
        return parse_media_map_v3(data) if version3 else parse_legacy_media_map(data)
    except (ValueError, RecursionError) as error:  # RecursionError: JSON nested thousands deep
        raise archive.fail(MEDIA_MAP_MEMBER, f"is not a valid media list ({error})") from None


def parse_legacy_media_map(data: bytes) -> list[MediaEntry]:
    """``{"0": "a.png", "1": "b.mp3"}``: member name to file name, in member order."""
    if not data.strip():
        return []
    mapping = json.loads(data.decode("utf-8"))  # JSONDecodeError is a ValueError
    if not isinstance(mapping, dict):
        raise ValueError(f"expected a JSON object, found {type(mapping).__name__}")
    entries: list[MediaEntry] = []
    for index, (member, name) in enumerate(sorted(mapping.items(), key=lambda item: _member_order(item[0]))):
        if not isinstance(name, str):
            raise ValueError(f"the name of entry {member!r} is not text")
        entries.append(MediaEntry(index, member, name))
    return entries


def parse_media_map_v3(data: bytes) -> list[MediaEntry]:
    """``MediaEntries { repeated MediaEntry entries = 1; }`` (already zstd-decompressed)."""
    entries: list[MediaEntry] = []
    try:
        for index, raw in enumerate(message_fields(parse_message(data), 1)):
            fields = parse_message(raw)
            member = int_field(fields, 255, index)  # legacy_zip_filename, when the member is not the index
            name = text_field(fields, 1)
            entries.append(MediaEntry(index, str(member), name, int_field(fields, 2), bytes_field(fields, 3)))
    except WireFormatError as error:
        raise ValueError(f"protobuf entry {len(entries)}: {error}") from None
    return entries


def read_media_files(
    archive: SafeZip, entries: list[MediaEntry], *, version3: bool, on_file: Callable[[], None] | None = None
) -> tuple[list[MediaFile], list[Skip]]:
    """The files of the map, each checked; unusable ones become ``Skip``s. ``on_file`` runs after each entry."""
    files: list[MediaFile] = []
    skipped: list[Skip] = []
    seen: set[str] = set()
    for entry in entries:
        place = f"entry media/{entry.member}"
        problem = media_name_problem(entry.name)
        if problem is None and entry.name in seen:
            problem = "appears twice in the media list"
        if problem is None and entry.member not in archive:
            problem = "is listed but missing from the package"
        if problem is None:
            data = archive.read(entry.member, zstd=version3)
            problem = _damage(entry, data)
            if problem is None:
                files.append(MediaFile(entry.name, data))
                seen.add(entry.name)
        if problem is not None:
            skipped.append(Skip(place=place, reason=f"media file {entry.name!r} {problem}"))
        if on_file is not None:
            on_file()
    return files, skipped


def _damage(entry: MediaEntry, data: bytes) -> str | None:
    if entry.size is not None and entry.size != len(data):
        return f"is damaged (size {len(data)}, expected {entry.size})"
    if entry.sha1 and hashlib.sha1(data, usedforsecurity=False).digest() != entry.sha1:
        return "is damaged (its checksum does not match)"
    return None


def _member_order(member: str) -> tuple[bool, int, str]:
    """Numeric members in numeric order (``"2"`` before ``"10"``) without ``int()``, which refuses huge numbers."""
    return (not member.isdigit(), len(member) if member.isdigit() else 0, member)
