"""Broken and hostile packages, built with the zipfile module, and tampered copies of real ones."""

from __future__ import annotations

import shutil
import sqlite3
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import zstandard

META_V3 = b"\x08\x03"  # PackageMetadata { version: LATEST }


def write_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    """A zip of exactly these members, in this order (duplicates allowed: pass a list via ``write_zip_infos``)."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_zip_infos(path: Path, members: list[tuple[zipfile.ZipInfo, bytes]]) -> Path:
    """A zip from ready-made entries: symlinks, flag bits, repeated names."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name, which is the point
        with zipfile.ZipFile(path, "w") as archive:
            for info, data in members:
                archive.writestr(info, data)
    return path


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def media_entry(name: str, size: int = 0, sha1: bytes = b"", member: int | None = None) -> bytes:
    """A ``MediaEntry`` message, encoded by hand (the reader must not rely on protobuf's own encoder)."""
    raw = name.encode("utf-8")
    body = b"\x0a" + varint(len(raw)) + raw
    if size:
        body += b"\x10" + varint(size)
    if sha1:
        body += b"\x1a" + varint(len(sha1)) + sha1
    if member is not None:
        body += varint(255 << 3) + varint(member)
    return body


def media_entries(*entries: bytes) -> bytes:
    return b"".join(b"\x0a" + varint(len(entry)) + entry for entry in entries)


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def patch_declared_size(path: Path, member: str, size: int) -> None:
    """Make the headers of ``member`` claim ``size`` uncompressed bytes (the data stays as it is)."""
    _patch_headers(path, member, central_at=24, local_at=22, fmt="<I", value=size)


def patch_flag_bits(path: Path, member: str, flags: int) -> None:
    """Set the general-purpose flags of ``member`` (zipfile resets them when writing, so patch the bytes)."""
    _patch_headers(path, member, central_at=8, local_at=6, fmt="<H", value=flags)


def _patch_headers(path: Path, member: str, central_at: int, local_at: int, fmt: str, value: int) -> None:
    data = bytearray(path.read_bytes())
    name = member.encode()
    headers = ((b"PK\x01\x02", 28, central_at, 46), (b"PK\x03\x04", 26, local_at, 30))
    for signature, name_length_at, field_at, header_size in headers:
        start = 0
        while (start := data.find(signature, start)) >= 0:
            (name_length,) = struct.unpack_from("<H", data, start + name_length_at)
            if data[start + header_size : start + header_size + name_length] == name:
                struct.pack_into(fmt, data, start + field_at, value)
            start += 4
    path.write_bytes(bytes(data))


def tamper_collection(source: Path, target: Path, change: Callable[[sqlite3.Connection], None]) -> Path:
    """A copy of a legacy package whose ``collection.anki2`` went through ``change`` (an SQL session)."""
    members = members_of(source)
    with tempfile.TemporaryDirectory() as temp:
        db_path = Path(temp) / "c.db"
        db_path.write_bytes(members["collection.anki2"])
        db = sqlite3.connect(db_path)
        try:
            with db:
                change(db)
        finally:
            db.close()
        members["collection.anki2"] = db_path.read_bytes()
    return write_zip(target, members, zipfile.ZIP_DEFLATED)


def truncated_copy(source: Path, target: Path, keep: float = 0.6) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target
