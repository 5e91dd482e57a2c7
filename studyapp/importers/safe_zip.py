"""Reading zip archives from strangers: nothing is extracted by name and nothing expands without limit.

A package from the internet can be hostile. Member names may point outside any folder (``../../x``,
``/etc/x``), members may be symlinks, and a few kilobytes may inflate to gigabytes (a zip bomb), while
the sizes declared in the headers may lie. So this module never writes a member under its own name.
It reads members into memory or into a file the caller opened, and it checks every member name up
front. It also counts the bytes that really come out of each decompressor, zip's and zstd's, against
a total budget and a per-member expansion ratio. Every problem is an ``ImportFailure`` that names the
archive and the member.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import zstandard

from studyapp.importers.errors import ImportFailure

MAX_TOTAL_BYTES = 2 * 1024**3  # everything that comes out of one archive, all members together
MAX_RATIO = 200  # a member may expand at most this many times ...
RATIO_FLOOR = 1024**2  # ... once it is past this size (small files of zeros are harmless)
_CHUNK = 1024**2
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_DRIVE = re.compile(r"^[A-Za-z]:")
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


@dataclass(frozen=True)
class ZipLimits:
    """How far an archive may expand. Lower them in tests; raise them for a trusted huge collection."""

    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: int = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR


DEFAULT_LIMITS = ZipLimits()


def unsafe_name_reason(name: str) -> str | None:
    """Why a member name could escape a folder if it were ever used as a path, or ``None`` if it is safe."""
    if not name:
        return "has an empty name"
    if "\x00" in name:
        return "has a NUL byte in its name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "has an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "climbs out of its folder with '..'"
    return None


def _size_text(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GiB"
    if count >= 1024**2:
        return f"{count / 1024**2:.1f} MiB"
    return f"{count} bytes"


class SafeZip:
    """An open zip archive whose members were all checked, read only through bounded streams."""

    def __init__(self, path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.limits = limits
        self._spent = 0
        self._zip = _open_zip(path)
        try:
            self._members = self._check_members()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def __contains__(self, name: str) -> bool:
        return name in self._members

    @property
    def names(self) -> list[str]:
        """The member names, in archive order."""
        return list(self._members)

    def fail(self, name: str, reason: str) -> ImportFailure:
        """An ``ImportFailure`` naming this archive and member ``name`` (``repr`` keeps it to one line)."""
        return ImportFailure(self.path, f"entry {name!r} {reason}")

    def read(self, name: str, *, zstd: bool = False, max_bytes: int | None = None) -> bytes:
        """The member's bytes, zstd-decompressed if asked; at most ``max_bytes`` (more is a failure)."""
        chunks: list[bytes] = []
        total = 0
        for chunk in self._chunks(name, zstd):
            total += len(chunk)
            if max_bytes is not None and total > max_bytes:
                raise self.fail(name, f"is larger than {_size_text(max_bytes)}")
            chunks.append(chunk)
        return b"".join(chunks)

    def copy_to(self, name: str, target: BinaryIO, *, zstd: bool = False) -> int:
        """Write the member (zstd-decompressed if asked) into the open file ``target``; the byte count."""
        total = 0
        for chunk in self._chunks(name, zstd):
            target.write(chunk)
            total += len(chunk)
        return total

    def chunks(self, name: str, *, zstd: bool = False) -> Iterator[bytes]:
        """The member's bytes (zstd-decompressed if asked) in pieces of at most 1 MiB, counted against the limits:
        a member of any size streams through a fixed amount of memory."""
        return self._chunks(name, zstd)

    def _chunks(self, name: str, zstd: bool) -> Iterator[bytes]:
        info = self._members.get(name)
        if info is None:
            raise ImportFailure(self.path, f"has no entry {name!r}")
        try:
            with self._zip.open(info) as raw:
                member = _CountedStream(self, info, raw, info.file_size)
                if not zstd:
                    while chunk := member.read(_CHUNK):
                        yield chunk
                    return
                head = member.read(len(_ZSTD_MAGIC))
                if head != _ZSTD_MAGIC:
                    raise self.fail(name, "is not zstd-compressed data")
                source = _Prefixed(head, member)
                reader = zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
                output = _CountedStream(self, info, reader, None)
                while chunk := output.read(_CHUNK):
                    yield chunk
        except zstandard.ZstdError as error:
            raise self.fail(name, f"is damaged zstd data ({error})") from None
        except _READ_ERRORS as error:
            raise self.fail(name, f"cannot be read ({error})") from None

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in self._zip.infolist():
            name = info.filename
            reason = unsafe_name_reason(info.orig_filename) or unsafe_name_reason(name)
            if reason:
                raise self.fail(info.orig_filename, reason)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self.fail(name, "is a symbolic link")
            if info.flag_bits & 0x1:
                raise self.fail(name, "is encrypted")
            if name in members:
                raise self.fail(name, "appears twice")
            if info.is_dir():
                continue
            self._check_ratio(name, info.file_size, info.compress_size)
            declared += info.file_size
            if declared > self.limits.max_total_bytes:
                raise ImportFailure(
                    self.path, f"would expand to more than {_size_text(self.limits.max_total_bytes)} (a zip bomb?)"
                )
            members[name] = info
        return members

    def _check_ratio(self, name: str, expanded: int, compressed: int) -> None:
        if expanded > self.limits.ratio_floor and expanded > self.limits.max_ratio * max(compressed, 1):
            raise self.fail(name, f"expands more than {self.limits.max_ratio} times (a zip bomb?)")

    def _charge(self, count: int) -> None:
        self._spent += count
        if self._spent > self.limits.max_total_bytes:
            raise ImportFailure(
                self.path, f"expands to more than {_size_text(self.limits.max_total_bytes)} (a zip bomb?)"
            )


class _CountedStream:
    """Reads from a decompressor, counting what comes out against the archive's limits as it goes.

    ``declared`` is the size the zip header promised, or ``None`` where nothing was promised (zstd output).
    """

    def __init__(self, archive: SafeZip, info: zipfile.ZipInfo, stream: BinaryIO, declared: int | None) -> None:
        self._archive = archive
        self._info = info
        self._stream = stream
        self._declared = declared
        self._produced = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size if size >= 0 else _CHUNK)  # never read a whole member at once
        self._produced += len(data)
        if self._declared is not None and self._produced > self._declared:
            raise self._archive.fail(self._info.filename, "is larger than its header says")
        self._archive._check_ratio(self._info.filename, self._produced, self._info.compress_size)
        self._archive._charge(len(data))
        return data


class _Prefixed:
    """A stream that gives back ``head`` (already read, to sniff the format) and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: _CountedStream) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            return head
        return self._stream.read(size)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFailure(path, "no such file") from None
    except OSError as error:
        raise ImportFailure(path, f"cannot be read ({error.strerror or error})") from None
    if path.is_dir():
        raise ImportFailure(path, "is a folder, not a file")
    if size == 0:
        raise ImportFailure(path, "is empty (0 bytes), not a zip archive")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error) or type(error).__name__
        raise ImportFailure(path, f"is not a zip archive, or it is damaged or cut short ({reason})") from None
