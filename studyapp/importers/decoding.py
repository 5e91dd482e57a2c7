"""Turning a text file's bytes into text: whatever encoding it was saved in, or a message that says why not.

Anki reads UTF-8 only; students bring UTF-8 (with or without a BOM), UTF-16 from Windows tools and
legacy single-byte exports such as Excel's cp1252. Byte-order marks decide first (UTF-16 is full of
NUL bytes, so the binary check comes after them), then strict UTF-8, then charset-normalizer guesses
a legacy encoding. On short files its guesses between Western code pages are arbitrary (``Café`` is
the same text in cp1250, cp1252 and latin-1), so among equally good guesses cp1252 wins: it is what
Excel writes in Western locales, the commonest source of such files.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from studyapp.importers.errors import ImportFailure

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


@dataclass(frozen=True)
class DecodedText:
    """A file's text with ``\\n`` line ends, and the encoding it was read with (a Python codec name).

    ``complete`` is false when only the head of the file was read (for a preview); its last line
    may then be cut short.
    """

    text: str
    encoding: str
    complete: bool = True


def decode_file(path: Path, encoding: str | None = None) -> DecodedText:
    """The whole file decoded; ``encoding`` forces one (a BOM is still dropped), ``None`` detects it."""
    data = _read(path, None)
    return decode_bytes(data, path, encoding)


def decode_file_head(path: Path, max_bytes: int, encoding: str | None = None) -> DecodedText:
    """The first ``max_bytes`` of the file decoded, for sniffing and previews that must stay cheap."""
    data = _read(path, max_bytes)
    complete = len(data) < max_bytes or path.stat().st_size <= max_bytes
    return decode_bytes(data, path, encoding, complete=complete)


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
        return DecodedText(_decode(data, name, path, complete), name, complete)
    if bom_encoding is not None:
        return DecodedText(_decode(data, bom_encoding, path, complete), bom_encoding, complete)
    _refuse_binary(data, path)
    try:
        return DecodedText(_normalise(_strict(data, "utf-8", complete)), "utf-8", complete)
    except UnicodeDecodeError as utf8_error:
        for name in _legacy_candidates(data, utf8_error.start):
            try:
                return DecodedText(_normalise(_strict(data, name, complete)), name, complete)
            except UnicodeDecodeError:
                continue
        raise _not_text(data, path, "UTF-8", utf8_error, ", and no other encoding fits") from None


def _read(path: Path, limit: int | None) -> bytes:
    if path.is_dir():
        raise ImportFailure(path, "is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailure(
                path, f"is too large to import ({size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)"
            )
        with path.open("rb") as stream:
            return stream.read() if limit is None else stream.read(limit)
    except FileNotFoundError:
        raise ImportFailure(path, "no such file") from None
    except OSError as error:
        raise ImportFailure(path, f"cannot be read ({error.strerror or error})") from None


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
