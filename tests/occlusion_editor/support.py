"""Images for the occlusion editor's tests, made here (no files copied in)."""

from __future__ import annotations

import struct
import zlib


def png_bytes(width: int = 64, height: int = 40, colour: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    """A plain PNG of one colour, with a darker stripe so that two sizes or colours differ in their bytes."""
    rows = []
    for y in range(height):
        pixel = bytes(colour) if y % 10 else bytes(c // 2 for c in colour)
        rows.append(b"\x00" + pixel * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
