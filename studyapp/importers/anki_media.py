"""The media of an Anki package: which zip member holds which file, and the files themselves, streamed.

Packages store media files as members ``0``, ``1``, ... and a member ``media`` that maps them to file
names. Older packages write that map as JSON (``{"0": "image.png"}``) and store the files as they are.
Packages of version 3 (Anki 2.1.50+) write it as a zstd-compressed protobuf ``MediaEntries`` message and
zstd-compress every file; entry ``i`` is member ``str(i)`` unless it names another member
(``legacy_zip_filename``). File names come from strangers and end up as names in our media folder, so
only plain, portable file names are accepted; anything else is skipped with a reason, never used.

A package may hold far more media than its notes use, and a file may be hundreds of megabytes. So only
the files the imported notes refer to are read, and each is streamed into a ``MediaSink`` (the import's
staging folder) a chunk at a time: no whole file and no whole map is ever held in memory.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from studyapp.core.drafts import MediaFile, Skip
from studyapp.importers.anki_protobuf import (
    LENGTH_DELIMITED,
    WireFormatError,
    bytes_field,
    int_field,
    iter_fields,
    parse_message,
    text_field,
)
from studyapp.importers.safe_zip import SafeZip

MEDIA_MAP_MEMBER = "media"
MAX_MEDIA_MAP_BYTES = 64 * 1024**2  # about a million entries: far more than any real collection
MAX_NAME_BYTES = 255  # the longest file name common file systems allow
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WINDOWS_INVALID = re.compile(r'[<>"|?*]')
# Names Windows gives to devices, with any extension: "con.png" cannot be a file there.
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
# One "key": "value" pair of a legacy JSON map, with what follows it (a comma or the closing brace).
_JSON_STRING = rb'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"'  # (unrolled: fast)
_JSON_PAIR = re.compile(
    rb"[ \t\n\r]*(" + _JSON_STRING + rb")[ \t\n\r]*:[ \t\n\r]*(" + _JSON_STRING + rb")[ \t\n\r]*([,}])"
)
_JSON_SPACE = re.compile(rb"[ \t\n\r]*")


@dataclass(frozen=True)
class MediaEntry:
    """One line of the media map. ``size`` and ``sha1`` are only known in version 3 packages."""

    index: int
    member: str
    name: str
    size: int | None = None
    sha1: bytes | None = None


class MediaSink(Protocol):
    """Where the media files of a package go as they are read (the import's staging folder)."""

    def receive(self, name: str, chunks: Iterable[bytes]) -> tuple[int, bytes]:
        """Store the file ``name`` from ``chunks``; its size and SHA-1 digest."""
        ...

    def discard(self, name: str) -> None:
        """Forget the file ``name`` received earlier (it turned out to be damaged)."""
        ...


class MemoryMedia:
    """A ``MediaSink`` that keeps the files in memory, for tests and tools reading small packages."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def receive(self, name: str, chunks: Iterable[bytes]) -> tuple[int, bytes]:
        data = b"".join(chunks)
        self.files[name] = data
        return len(data), hashlib.sha1(data, usedforsecurity=False).digest()

    def discard(self, name: str) -> None:
        self.files.pop(name, None)

    def media_files(self) -> tuple[MediaFile, ...]:
        return tuple(MediaFile(name, data) for name, data in self.files.items())


def media_name_problem(name: str) -> str | None:
    """Why ``name`` is not a plain, portable file name we can store, or ``None`` if it is one."""
    if not name or name in {".", ".."}:
        return "is not a file name"
    if "/" in name or "\\" in name:
        return "has a folder in it"
    if ":" in name:
        return "has a ':' (a drive or stream on Windows)"
    if _CONTROL.search(name):
        return "has control characters in it"
    if _WINDOWS_INVALID.search(name):
        return "has a character Windows does not allow in file names"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    if name.startswith("."):
        return "starts with '.' (a hidden file; the media folder keeps its own files under such names)"
    if name.endswith((".", " ")):
        return "ends with a dot or a space (Windows drops them)"
    if _RESERVED.match(name):
        return "is a device name on Windows"
    return None


class MediaMap:
    """The package's media map (empty if it has none), checked when read. The map is kept as bytes (at most
    64 MiB) and its entries made only when asked for, only those that are wanted.
    A malformed map is an ``ImportFailure``."""

    def __init__(self, archive: SafeZip, *, version3: bool) -> None:
        self._archive = archive
        self._version3 = version3
        self._data = b""
        if MEDIA_MAP_MEMBER in archive:
            self._data = archive.read(MEDIA_MAP_MEMBER, zstd=version3, max_bytes=MAX_MEDIA_MAP_BYTES)
        self.total = self._count()  # the whole map is checked now, before anything else is read

    def entries(self, wanted: Collection[str] | None = None, keep_prefix: str | None = None) -> list[MediaEntry]:
        """The entries whose file name is in ``wanted`` (all if ``None``) or starts with ``keep_prefix`` (Anki's
        ``_`` of files a note type's templates use, from scripts too), in member order."""
        found = list(self._entries(wanted, keep_prefix))
        if not self._version3:
            found.sort(key=lambda entry: _member_order(entry.member))
        return found

    def _count(self) -> int:
        try:
            if self._version3:  # the entries themselves are read (and checked) when the wanted ones are picked
                return sum(1 for field in iter_fields(self._data) if field.number == 1)
            return sum(1 for _ in _legacy_pairs(self._data))
        except ValueError as error:
            raise self._archive.fail(MEDIA_MAP_MEMBER, f"is not a valid media list ({error})") from None

    def _entries(self, wanted: Collection[str] | None, keep_prefix: str | None) -> Iterator[MediaEntry]:
        try:
            if self._version3:
                yield from (
                    entry
                    for entry in _v3_entries(self._data)
                    if wanted is None or entry.name in wanted or (keep_prefix and entry.name.startswith(keep_prefix))
                )
            else:
                yield from _legacy_entries(self._data, wanted, keep_prefix)
        except ValueError as error:
            raise self._archive.fail(MEDIA_MAP_MEMBER, f"is not a valid media list ({error})") from None


def parse_legacy_media_map(data: bytes) -> list[MediaEntry]:
    """``{"0": "a.png", "1": "b.mp3"}``: member name to file name, in member order."""
    return sorted(_legacy_entries(data), key=lambda entry: _member_order(entry.member))


def parse_media_map_v3(data: bytes) -> list[MediaEntry]:
    """``MediaEntries { repeated MediaEntry entries = 1; }`` (already zstd-decompressed)."""
    return list(_v3_entries(data))


def _legacy_entries(
    data: bytes, wanted: Collection[str] | None = None, keep_prefix: str | None = None
) -> Iterator[MediaEntry]:
    """The pairs of a JSON object of strings whose value is in ``wanted`` (all if ``None``), scanned one at a
    time: ``json.loads`` of a 64 MiB map of short names would build millions of objects at once. A file name
    is only decoded if it has an escape or may be wanted."""
    raw_wanted = None if wanted is None else {name.encode("utf-8", "surrogatepass") for name in wanted}
    raw_wanted_text = wanted or ()
    raw_prefix = b'"' + keep_prefix.encode("utf-8") if keep_prefix else None
    for index, (member, name) in enumerate(_legacy_pairs(data)):
        if (
            raw_wanted is None
            or name[1:-1] in raw_wanted
            or (raw_prefix is not None and name.startswith(raw_prefix))
            or (b"\\" in name and _json_text(name) in raw_wanted_text)
        ):
            yield MediaEntry(index, _json_text(member), _json_text(name))


def _legacy_pairs(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The raw ``"member"`` and ``"name"`` of each pair of a JSON object of strings, checked as they come."""
    pos = _JSON_SPACE.match(data).end()  # type: ignore[union-attr]  # matches the empty string at least
    if pos == len(data):
        return
    if data[pos : pos + 1] != b"{":
        raise ValueError(f"expected a JSON object at byte {pos}")
    pos = _JSON_SPACE.match(data, pos + 1).end()  # type: ignore[union-attr]
    if data[pos : pos + 1] == b"}":
        pos += 1
    else:
        closed = False
        for pair in _JSON_PAIR.finditer(data, pos):
            if pair.start() != pos:
                break  # something that is not a pair of strings comes first
            yield pair.group(1, 2)
            pos = pair.end()
            if pair.group(3) == b"}":
                closed = True
                break
        if not closed:
            raise ValueError(f'expected a "member": "file name" pair of text at byte {pos}')
    if _JSON_SPACE.match(data, pos).end() != len(data):  # type: ignore[union-attr]
        raise ValueError(f"unexpected data after the JSON object at byte {pos}")


def _json_text(raw: bytes) -> str:
    if b"\\" in raw:
        text = json.loads(raw)  # only the escapes: a short string
        if not isinstance(text, str):  # pragma: no cover - the pattern only matches strings
            raise ValueError("expected text")
        return text
    return raw[1:-1].decode("utf-8")  # UnicodeDecodeError is a ValueError


def _v3_entries(data: bytes) -> Iterator[MediaEntry]:
    index = 0
    try:
        for outer in iter_fields(data):
            if outer.number != 1:
                continue
            if outer.wire_type != LENGTH_DELIMITED or not isinstance(outer.value, bytes):
                raise WireFormatError("field 1 should be an embedded message")
            fields = parse_message(outer.value)
            member = int_field(fields, 255, index)  # legacy_zip_filename, when the member is not the index
            name = text_field(fields, 1)
            yield MediaEntry(index, str(member), name, int_field(fields, 2), bytes_field(fields, 3))
            index += 1
    except WireFormatError as error:
        raise ValueError(f"protobuf entry {index}: {error}") from None


def read_media_files(
    archive: SafeZip,
    entries: list[MediaEntry],
    *,
    version3: bool,
    sink: MediaSink | None,
    on_file: Callable[[], None] | None = None,
    on_chunk: Callable[[], None] | None = None,
) -> tuple[list[str], list[Skip]]:
    """Stream the files of ``entries`` into ``sink``, each checked; the names stored, and ``Skip``s for the
    unusable ones. With no sink nothing is read (the names are only checked). ``on_file`` runs after each
    entry and ``on_chunk`` every few megabytes: either may raise to cancel."""
    stored: list[str] = []
    skipped: list[Skip] = []
    seen: set[str] = set()
    for entry in entries:
        problem = media_name_problem(entry.name)
        if problem is None and entry.name in seen:
            problem = "appears twice in the media list"
        if problem is None and entry.member not in archive:
            problem = "is listed but missing from the package"
        if problem is None and sink is not None:
            size, digest = sink.receive(entry.name, _ticking(archive.chunks(entry.member, zstd=version3), on_chunk))
            problem = _damage(entry, size, digest)
            if problem is not None:
                sink.discard(entry.name)
        if problem is None:
            stored.append(entry.name)
            seen.add(entry.name)
        else:
            skipped.append(Skip(place=f"entry media/{entry.member}", reason=f"media file {entry.name!r} {problem}"))
        if on_file is not None:
            on_file()
    return stored, skipped


def _ticking(chunks: Iterator[bytes], on_chunk: Callable[[], None] | None) -> Iterator[bytes]:
    for count, chunk in enumerate(chunks, start=1):
        if on_chunk is not None and count % 8 == 0:
            on_chunk()
        yield chunk


def _damage(entry: MediaEntry, size: int, digest: bytes) -> str | None:
    if entry.size is not None and entry.size != size:
        return f"is damaged (size {size}, expected {entry.size})"
    if entry.sha1 and digest != entry.sha1:
        return "is damaged (its checksum does not match)"
    return None


def _member_order(member: str) -> tuple[bool, int, str]:
    """Numeric members in numeric order (``"2"`` before ``"10"``) without ``int()``, which refuses huge numbers."""
    return (not member.isdigit(), len(member) if member.isdigit() else 0, member)
