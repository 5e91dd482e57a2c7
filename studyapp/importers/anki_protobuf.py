"""A minimal protobuf wire-format reader for the few small messages inside Anki packages.

Anki stores its package version (``meta``), the media map of new packages and the note type settings of
schema 18 as protobuf. We need three or four fields of them, so instead of a protobuf dependency and
generated code this module reads the wire format itself: varints, 64/32-bit words and length-delimited
bytes. Every malformed input raises ``WireFormatError``, never anything else (an ``IndexError`` from
hostile bytes would escape the importer's error handling), so the caller can turn it into one message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

VARINT = 0
FIXED64 = 1
LENGTH_DELIMITED = 2
FIXED32 = 5

_MAX_VARINT_BYTES = 10  # a 64-bit value takes at most ten 7-bit groups
_MAX_FIELD_NUMBER = (1 << 29) - 1


class WireFormatError(ValueError):
    """The bytes are not a well-formed protobuf message."""


@dataclass(frozen=True)
class WireField:
    """One field as found on the wire: ``value`` is an int for numbers, bytes for length-delimited ones."""

    number: int
    wire_type: int
    value: int | bytes


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at ``pos`` and the position after it."""
    result = 0
    for index in range(_MAX_VARINT_BYTES):
        if pos + index >= len(data):
            raise WireFormatError(f"varint at byte {pos} runs past the end")
        byte = data[pos + index]
        result |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if result >> 64:
                raise WireFormatError(f"varint at byte {pos} is larger than 64 bits")
            return result, pos + index + 1
    raise WireFormatError(f"varint at byte {pos} is longer than {_MAX_VARINT_BYTES} bytes")


def iter_fields(data: bytes) -> Iterator[WireField]:
    """The fields of one message, in wire order. Groups (wire types 3 and 4) are refused: nothing uses them."""
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = read_varint(data, pos)
        number, wire_type = key >> 3, key & 0x7
        if not 1 <= number <= _MAX_FIELD_NUMBER:
            raise WireFormatError(f"field number {number} at byte {start} is out of range")
        value: int | bytes
        if wire_type == VARINT:
            value, pos = read_varint(data, pos)
        elif wire_type in (FIXED64, FIXED32):
            size = 8 if wire_type == FIXED64 else 4
            if pos + size > len(data):
                raise WireFormatError(f"field {number} at byte {start} runs past the end")
            value = int.from_bytes(data[pos : pos + size], "little")
            pos += size
        elif wire_type == LENGTH_DELIMITED:
            length, pos = read_varint(data, pos)
            if length > len(data) - pos:
                raise WireFormatError(f"field {number} at byte {start} is longer than the message")
            value = data[pos : pos + length]
            pos += length
        else:
            raise WireFormatError(f"unsupported wire type {wire_type} at byte {start}")
        yield WireField(number, wire_type, value)


def parse_message(data: bytes) -> list[WireField]:
    """All fields of a message, checked to the end (a truncated message fails here, not half-way through use)."""
    return list(iter_fields(data))


def int_field(fields: list[WireField], number: int, default: int = 0) -> int:
    """The last varint value of field ``number`` (protobuf's rule for repeated scalars), or ``default``."""
    found = default
    for f in fields:
        if f.number == number:
            if f.wire_type != VARINT or not isinstance(f.value, int):
                raise WireFormatError(f"field {number} should be a number")
            found = f.value
    return found


def bytes_field(fields: list[WireField], number: int, default: bytes = b"") -> bytes:
    """The last length-delimited value of field ``number``, or ``default``."""
    found = default
    for f in fields:
        if f.number == number:
            if not isinstance(f.value, bytes):
                raise WireFormatError(f"field {number} should be bytes or text")
            found = f.value
    return found


def text_field(fields: list[WireField], number: int, default: str = "") -> str:
    """Field ``number`` as UTF-8 text, which protobuf requires of ``string`` fields."""
    raw = bytes_field(fields, number, default.encode("utf-8"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WireFormatError(f"field {number} is not UTF-8 text") from None


def message_fields(fields: list[WireField], number: int) -> list[bytes]:
    """Every value of a repeated length-delimited field (embedded messages), in order."""
    values: list[bytes] = []
    for f in fields:
        if f.number == number:
            if not isinstance(f.value, bytes):
                raise WireFormatError(f"field {number} should be an embedded message")
            values.append(f.value)
    return values
