"""Turning a text file's bytes into text: whatever encoding it was saved in, or a message that says why not.

Anki reads UTF-8 only; students bring UTF-8 (with or without a BOM), UTF-16 from Windows tools and
legacy single-byte exports such as Excel's cp1252. Byte-order marks decide first (UTF-16 is full of
NUL bytes, so the binary check comes after them), then strict UTF-8, then charset-normalizer guesses
a legacy encoding. On short files its guesses between Western code pages are arbitrary (``Café`` is
the same text in cp1250, cp1252 and latin-1), so among equally good guesses cp1252 wins: it is what
Excel writes in Western locales, the commonest source of such files.

A file that is UTF-8 but for a few bad bytes (a stray ``\\xff``, a character cut in two by a tool) is
UTF-8: read as a legacy encoding, every other accent in it would be wrong, and since a plain note's
guid hashes its front, re-importing the mended file would make duplicates. The rule: a file is read
as UTF-8 with its bad sequences replaced by U+FFFD when its valid multi-byte UTF-8 characters are at
least ``_UTF8_EVIDENCE`` times its bad sequences, or it starts with a UTF-8 BOM and at most 1 byte in
100 is bad. Legacy text is far from that: Western code pages (cp1252, latin-1, cp1250...) have no valid
UTF-8 characters at all, Shift-JIS, GBK, Big5 and EUC-KR about one for every two bad sequences. The
lines of the replaced bytes are kept (``DecodedText.replaced_lines``) for a warning in the summary.

Only regular files are read, and never more than ``MAX_FILE_BYTES`` whatever ``stat`` says: a symlink
to ``/dev/zero``, a named pipe or a file that keeps growing ends with one line, not a hang or a
``MemoryError``.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from studyapp.importers.errors import ImportFailure, one_line

# Reports ``(done, total)`` now and then while a file is read; it may raise to cancel the import.
Progress = Callable[[int, int], None]

MAX_FILE_BYTES = 200 * 1024 * 1024  # a deck this big is a mistake (or an attack), not a deck
_BINARY_PROBE = 8192
# UTF-32 first: its little-endian BOM begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = ("utf-16", "utf-32")  # encodings whose text is full of NUL bytes
_GUESS_SAMPLE = 32 * 1024  # charset-normalizer is slow on big inputs: it sees samples only
_PREFERRED_LEGACY = "cp1252"
_UTF8_EVIDENCE = 4  # valid multi-byte characters per bad sequence for a file to count as UTF-8
_BOM_BAD_SHARE = 100  # with a UTF-8 BOM: at most one byte in this many bad
_LISTED_LINES = 10  # lines named in a warning; the rest are counted
_READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class DecodedText:
    """A file's text with ``\\n`` line ends, and the encoding it was read with (a Python codec name).

    ``complete`` is false when only the head of the file was read (for a preview); its last line
    may then be cut short.
    """

    text: str
    encoding: str
    complete: bool = True
    replaced: int = 0  # bad UTF-8 sequences replaced by U+FFFD
    replaced_lines: tuple[int, ...] = ()  # the lines they are on (1-based), each once

    def warnings(self, path: Path) -> tuple[str, ...]:
        """One line naming the file, the lines and the count of replaced bytes; nothing if none were."""
        if not self.replaced:
            return ()
        return (replacement_warning(path, self.replaced, self.replaced_lines),)


def replacement_warning(path: Path, count: int, lines: tuple[int, ...]) -> str:
    """``f.csv: line 5001: 1 byte sequence that is not UTF-8 was replaced by \ufffd``; many lines are counted."""
    shown = ", ".join(str(line) for line in lines[:_LISTED_LINES])
    more = f" and {len(lines) - _LISTED_LINES} more" if len(lines) > _LISTED_LINES else ""
    where = f"line {shown}" if len(lines) == 1 else f"lines {shown}{more}"
    what = "1 byte sequence that is not UTF-8 was" if count == 1 else f"{count} byte sequences that are not UTF-8 were"
    return f"{one_line(str(path))}: {where}: {what} replaced by \ufffd"


def decode_file(path: Path, encoding: str | None = None) -> DecodedText:
    """The whole file decoded; ``encoding`` forces one (a BOM is still dropped), ``None`` detects it."""
    data = _read(path, None)
    return decode_bytes(data, path, encoding)


def decode_file_head(path: Path, max_bytes: int, encoding: str | None = None) -> DecodedText:
    """The first ``max_bytes`` of the file decoded, for sniffing and previews that must stay cheap."""
    data = _read(path, max_bytes + 1)
    complete = len(data) <= max_bytes
    return decode_bytes(data[:max_bytes], path, encoding, complete=complete)


def read_text(path: Path) -> str:
    """The file's text in whatever encoding it was saved; line endings become ``\\n``."""
    return decode_file(path).text


def decode_bytes(data: bytes, path: Path, encoding: str | None = None, complete: bool = True) -> DecodedText:
    """Decode ``data`` read from ``path`` (named in messages). ``complete=False``: ``data`` is a head."""
    bom_encoding, bom_length = _bom(data)
    if len(data) == bom_length:
        raise ImportFailure(path, "is empty")
    if encoding is not None:
        name = _codec_name(path, encoding)
        if bom_encoding is not None and _same_family(name, bom_encoding):
            name = bom_encoding
        elif bom_encoding is None and not name.startswith(_WIDE):
            _refuse_binary(data, path)  # with another encoding's BOM, decoding fails with a better message
        return _decode_as(data, name, path, complete, bom_encoding == "utf-8-sig")
    if bom_encoding is not None:
        return _decode_as(data, bom_encoding, path, complete, bom_encoding == "utf-8-sig")
    _refuse_binary(data, path)
    try:
        return DecodedText(_normalise(_strict(data, "utf-8", complete)), "utf-8", complete)
    except UnicodeDecodeError as utf8_error:
        mostly_utf8 = _mostly_utf8(data, "utf-8", complete, bom=False)
        if mostly_utf8 is not None:
            return mostly_utf8
        for name in _legacy_candidates(data, utf8_error.start):
            try:
                return DecodedText(_normalise(_strict(data, name, complete)), name, complete)
            except UnicodeDecodeError:
                continue
        raise _not_text(data, path, "UTF-8", utf8_error, ", and no other encoding fits") from None


def _too_large(path: Path, size: int | None) -> ImportFailure:
    measured = f"{size / 2**20:.0f} MB; " if size is not None else ""
    return ImportFailure(path, f"is too large to import ({measured}the limit is {MAX_FILE_BYTES // 2**20} MB)")


def open_regular_file(path: Path) -> tuple[int, int]:
    """An open file descriptor of ``path`` and its size, after making sure it is a regular file.

    Opened without blocking (a named pipe with no writer would wait forever) and checked on the open
    descriptor, so the file cannot be swapped for a device between the check and the read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ImportFailure(path, "no such file") from None
    except IsADirectoryError:
        raise ImportFailure(path, "is a folder, not a file") from None
    except OSError as error:
        raise ImportFailure(path, f"cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportFailure(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailure(path, f"is not a regular file but {_kind(info.st_mode)}")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(path, info.st_size)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


class _Capped(io.RawIOBase):
    """A file read through this raises ``ImportFailure`` once more than ``MAX_FILE_BYTES`` came out of it."""

    def __init__(self, path: Path, fd: int) -> None:
        super().__init__()
        self._path = path
        self._file = os.fdopen(fd, "rb", buffering=0)
        self._got = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._file.readinto(buffer) or 0
        self._got += count
        if self._got > MAX_FILE_BYTES:
            raise _too_large(self._path, None)
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """``path`` opened as text for streaming (``newline=""``, as the csv module wants), with the checks and the
    size cap of ``decode_file``: a regular file, and never more than ``MAX_FILE_BYTES`` read from it."""
    fd, _ = open_regular_file(path)
    return io.TextIOWrapper(io.BufferedReader(_Capped(path, fd)), encoding=encoding, newline="")


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _read(path: Path, limit: int | None) -> bytes:
    """The file's bytes (its first ``limit``), never more than ``MAX_FILE_BYTES``, however big it says it is."""
    fd, size = open_regular_file(path)
    want = MAX_FILE_BYTES + 1 if limit is None else limit
    chunks: list[bytes] = []
    try:
        with os.fdopen(fd, "rb", buffering=0) as stream:
            got, ask = 0, min(size + 1, want)  # all of it in one read when it is as big as stat says
            while got < want:
                chunk = stream.read(min(ask, want - got))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
                ask = _READ_CHUNK  # it grew, or stat did not know its size: read on in chunks, up to the cap
    except OSError as error:
        raise ImportFailure(path, f"cannot be read ({error.strerror or error})") from None
    if limit is None and got > MAX_FILE_BYTES:
        raise _too_large(path, None)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _bom(data: bytes) -> tuple[str | None, int]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def _codec_name(path: Path, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise ImportFailure(path, f"unknown encoding '{encoding}'") from None
    if not getattr(codec, "_is_text_encoding", True):  # base64, rot13, zlib: bytes to bytes, not text
        raise ImportFailure(path, f"'{encoding}' is not a text encoding")
    return codec.name.replace("_", "-")


def _same_family(forced: str, bom_encoding: str) -> bool:
    """A forced ``utf-16`` with a little-endian BOM is the BOM's ``utf-16-le``; likewise UTF-8 and UTF-32."""
    return bom_encoding.startswith(forced.removesuffix("-sig"))


def _refuse_binary(data: bytes, path: Path) -> None:
    if b"\x00" in data[:_BINARY_PROBE]:
        raise ImportFailure(path, "is a binary file, not text")


def _strict(data: bytes, name: str, complete: bool) -> str:
    """Decode strictly; a head (``complete=False``) may end inside a character, which is left out."""
    decoder = codecs.getincrementaldecoder(name)(errors="strict")
    return decoder.decode(data, final=complete)


def _decode_as(data: bytes, name: str, path: Path, complete: bool, utf8_bom: bool) -> DecodedText:
    """``data`` in the encoding ``name``; for UTF-8, a few bad bytes are replaced (see the module docstring)."""
    if name in ("utf-8", "utf-8-sig"):
        try:
            return DecodedText(_normalise(_strict(data, name, complete)), name, complete)
        except UnicodeDecodeError:
            mostly_utf8 = _mostly_utf8(data, name, complete, utf8_bom)
            if mostly_utf8 is not None:
                return mostly_utf8
    return DecodedText(_decode(data, name, path, complete), name, complete)


def _mostly_utf8(data: bytes, name: str, complete: bool, bom: bool) -> DecodedText | None:
    """``data`` as UTF-8 with its bad sequences replaced, if it is UTF-8 but for a few bytes; else ``None``."""
    text = codecs.getincrementaldecoder(name)(errors="replace").decode(data, final=complete)
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # a real U+FFFD in the file is not bad
    if bad <= 0:
        return None
    high_bytes = len(data) - len(data.translate(None, _HIGH_BYTES))
    valid = len(text) - (len(data) - high_bytes) - bad  # each ASCII byte is one character, each bad one U+FFFD
    if valid < _UTF8_EVIDENCE * bad and not (bom and bad * _BOM_BAD_SHARE <= len(data)):
        return None
    return DecodedText(_normalise(text), name, complete, bad, _bad_lines(data, name, complete))


_HIGH_BYTES = bytes(range(128, 256))
_found = threading.local()


def _note_bad(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _found.positions.append(error.start)
    return "\ufffd", error.end


codecs.register_error("studyapp.note-bad-bytes", _note_bad)


def _bad_lines(data: bytes, name: str, complete: bool) -> tuple[int, ...]:
    """The lines (``\\n``, ``\\r\\n`` or ``\\r`` ends) of the bytes that are not UTF-8, each once. One pass."""
    _found.positions = []
    try:
        codecs.getincrementaldecoder(name)(errors="studyapp.note-bad-bytes").decode(data, final=complete)
        positions = _found.positions
    finally:
        del _found.positions
    lines: list[int] = []
    line, previous = 1, 0
    for position in positions:
        line += _line_breaks(data, previous, position)
        previous = position
        if not lines or lines[-1] != line:
            lines.append(line)
    return tuple(lines)


def _line_breaks(data: bytes, start: int, end: int) -> int:
    return data.count(b"\n", start, end) + data.count(b"\r", start, end) - data.count(b"\r\n", start, end)


def _decode(data: bytes, name: str, path: Path, complete: bool) -> str:
    try:
        return _normalise(_strict(data, name, complete))
    except UnicodeDecodeError as error:
        label = "UTF-8" if name in ("utf-8", "utf-8-sig") else name
        raise _not_text(data, path, label, error, "") from None
    except UnicodeError as error:  # the codec refuses the whole stream: UTF-16 or UTF-32 without a BOM
        raise ImportFailure(path, f"is not {name} text ({error})") from None


def _normalise(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _not_text(data: bytes, path: Path, label: str, error: UnicodeDecodeError, suffix: str) -> ImportFailure:
    line = data.count(b"\n", 0, error.start) + 1
    return ImportFailure(
        path, f"is not {label} text (byte 0x{data[error.start]:02x} at offset {error.start}){suffix}", line
    )


def _legacy_candidates(data: bytes, first_bad: int) -> list[str]:
    """Encodings to try, best first, as guessed by charset-normalizer from samples around non-ASCII bytes."""
    matches = list(charset_normalizer.from_bytes(_guess_sample(data, first_bad)))
    if not matches:
        return []
    best_chaos = min(match.chaos for match in matches)
    best = [match for match in matches if match.chaos <= best_chaos]
    names: list[str] = []
    if any(_PREFERRED_LEGACY in match.could_be_from_charset for match in best):
        names.append(_PREFERRED_LEGACY)
    for match in matches:
        # Without a BOM, UTF-16 cannot be told from a single-byte file by charset-normalizer's guess alone,
        # and UTF-8 has already failed.
        if not match.encoding.startswith(("utf_16", "utf_32", "utf_8", "ascii")):
            names.append(match.encoding)
    return list(dict.fromkeys(names))


def _guess_sample(data: bytes, first_bad: int) -> bytes:
    """The file's start and the stretch around its first non-UTF-8 byte, cut at line ends."""
    if len(data) <= 2 * _GUESS_SAMPLE:
        return data
    head = data[: data.rfind(b"\n", 0, _GUESS_SAMPLE) + 1 or _GUESS_SAMPLE]
    start = data.rfind(b"\n", 0, max(first_bad - _GUESS_SAMPLE // 2, 0)) + 1
    end = data.find(b"\n", first_bad + _GUESS_SAMPLE // 2)
    middle = data[max(start, len(head)) : end + 1 if end >= 0 else len(data)]
    return head + middle
