"""Reading a text file for import: refuse binaries and undecodable bytes with a message that says where."""

from __future__ import annotations

from pathlib import Path

from studyapp.importers.errors import ImportFailure

_BINARY_PROBE = 8192


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is dropped); line endings become ``\\n``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailure(path, "no such file") from None
    except IsADirectoryError:
        raise ImportFailure(path, "is a folder, not a file") from None
    except OSError as error:
        raise ImportFailure(path, f"cannot be read ({error.strerror or error})") from None
    if b"\x00" in data[:_BINARY_PROBE]:
        raise ImportFailure(path, "is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailure(
            path, f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})", line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
