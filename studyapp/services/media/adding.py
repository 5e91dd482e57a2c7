"""Adding one image or sound to the media folder from the editor: pasted bytes, a dropped or chosen file.

A file is stored under a name made from its content (``paste-<first 16 hex digits of its SHA-256>.png``
for an image, ``sound-<...>.mp3`` for a sound), so the same bytes always get the same name and are stored
once, whatever they were called and however often they are pasted. The type is read from the bytes (a
pasted screenshot has no name); a file whose bytes say nothing known keeps its own extension if that is an
image or sound extension. The file is written to a temporary name in the folder, flushed, renamed into
place and the folder flushed, all before the reference is handed back, so a field that refers to it is
never saved before its file is on the disk.

What the field gets is Anki's form: ``<img src="name">`` or ``[sound:name]``. Anything refused (too large,
not an image or sound, unreadable) is a :class:`MediaError` with one line naming the file.
"""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from studyapp.storage.durable import fsync_path

MAX_MEDIA_BYTES = 100 * 1024**2  # as AnkiWeb allows a media file
IMAGE_PREFIX = "paste-"
SOUND_PREFIX = "sound-"
HASH_DIGITS = 16  # 64 bits of SHA-256 in the name: a clash is only ever met by the full-hash fallback
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "svg", "avif", "tif", "tiff", "ico"})
# What Anki plays with [sound:] (video too: it plays its sound track).
SOUND_EXTENSIONS = frozenset(
    {"mp3", "ogg", "oga", "opus", "wav", "m4a", "aac", "flac", "spx", "webm", "mp4", "3gp", "amr"}
)
_CHUNK = 1024**2
Writer = Callable[[BinaryIO], object]
_INCOMING = ".incoming-"  # leftovers of an interrupted write are deleted at the next open (media.py)


class MediaError(ValueError):
    """One line for the user, naming the file."""


@dataclass(frozen=True)
class AddedMedia:
    name: str  # the file's name in the media folder
    kind: str  # "image" or "sound"
    reference: str  # what the field gets: <img src="name"> or [sound:name]
    stored: bool  # False when the same bytes were already there (nothing was written)


def sniff(head: bytes) -> str | None:
    """The extension the first bytes of a file say it has, or ``None``."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"BM") and len(head) > 14:
        return "bmp"
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    if head[4:8] == b"ftyp":
        return "m4a" if head[8:11] in (b"M4A", b"M4B") else "mp4"
    if head.startswith(b"OggS"):
        return "opus" if b"OpusHead" in head[:64] else "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF2):
        return "mp3"  # an ID3 tag, or an MPEG layer III frame
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"  # ADTS
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    text = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith((b"<?xml", b"<!doctype svg")) and b"<svg" in head.lower()):
        return "svg"
    return None


def kind_of(extension: str) -> str | None:
    extension = extension.lower()
    if extension in IMAGE_EXTENSIONS:
        return "image"
    if extension in SOUND_EXTENSIONS:
        return "sound"
    return None


def reference_for(name: str, kind: str) -> str:
    """How a field refers to the file ``name``: ``<img src="name">`` or ``[sound:name]``."""
    return f'<img src="{html.escape(name)}">' if kind == "image" else f"[sound:{name}]"


def add_media_bytes(
    media_dir: Path, data: bytes, label: str = "the pasted image", extension: str | None = None,
    limit: int = MAX_MEDIA_BYTES,
) -> AddedMedia:  # fmt: skip
    """Store ``data`` (pasted: its type read from the bytes, else ``extension``); ``label`` names it in errors."""
    _check_size(label, len(data), limit)
    ext = _extension(label, data[:4096], extension)
    digest = hashlib.sha256(data).hexdigest()
    return _place(media_dir, ext, digest, label, lambda out: out.write(data))


def add_media_file(media_dir: Path, path: Path, limit: int = MAX_MEDIA_BYTES) -> AddedMedia:
    """Store a copy of the file at ``path`` (dropped, pasted from a file manager, chosen in a dialog)."""
    label = path.name or str(path)
    try:
        if not path.is_file():
            raise MediaError(f"{label}: not a file")
        _check_size(label, path.stat().st_size, limit)
        digest = hashlib.sha256()
        with path.open("rb") as data:
            head = data.read(4096)
            digest.update(head)
            while chunk := data.read(_CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise MediaError(f"{label}: cannot be read ({error.strerror or error})") from None
    ext = _extension(label, head, path.suffix.lstrip("."))

    def copy(out: BinaryIO) -> None:
        with path.open("rb") as data:
            while chunk := data.read(_CHUNK):
                out.write(chunk)

    return _place(media_dir, ext, digest.hexdigest(), label, copy)


def _check_size(label: str, size: int, limit: int) -> None:
    if size == 0:
        raise MediaError(f"{label}: the file is empty")
    if size > limit:
        raise MediaError(f"{label}: {size / 1024**2:.1f} MB is more than the {_megabytes(limit)} a media file may have")


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f} MB" if size % 1024**2 else f"{size // 1024**2} MB"


def _extension(label: str, head: bytes, given: str | None) -> str:
    found = sniff(head)
    if found is not None:
        return found  # what the bytes say (a .jpeg and a .jpg of the same bytes are one file)
    if given and kind_of(given) is not None:
        return given.lower()
    what = f" (.{given})" if given else ""
    raise MediaError(f"{label}: not an image or a sound studyapp knows{what}")


def _place(media_dir: Path, ext: str, digest: str, label: str, write: Writer) -> AddedMedia:
    kind = kind_of(ext) or "image"
    prefix = IMAGE_PREFIX if kind == "image" else SOUND_PREFIX
    try:
        media_dir.mkdir(parents=True, exist_ok=True)
        for name in (f"{prefix}{digest[:HASH_DIGITS]}.{ext}", f"{prefix}{digest}.{ext}"):
            target = media_dir / name
            if target.is_file():
                if _sha256(target) == digest:
                    return AddedMedia(name, kind, reference_for(name, kind), stored=False)
                continue  # another file under the short name (64 bits met): the whole hash
            _write_atomically(target, write)
            return AddedMedia(name, kind, reference_for(name, kind), stored=True)
    except OSError as error:
        raise MediaError(f"{label}: cannot be saved in {media_dir.name} ({error.strerror or error})") from None
    raise MediaError(f"{label}: {media_dir.name} holds other files under its names")  # pragma: no cover


def _write_atomically(target: Path, write: Writer) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=_INCOMING)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_path(target.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
