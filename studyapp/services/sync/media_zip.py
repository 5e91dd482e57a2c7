"""The zips of Anki's media sync, and which file names may travel.

Both directions put each file in the zip under a number (``0``, ``1``...) and add a member ``_meta`` that
gives the real names, so a name from the other side is never used as a path inside the zip:

- download (``msync/downloadFiles``): ``_meta`` is a JSON object ``{"0": "name.jpg", ...}``;
- upload (``msync/uploadChanges``): ``_meta`` is a JSON list ``[["name.jpg", "0"], ["gone.mp3", null], ...]``,
  a ``null`` member being a deletion. The server takes at most 25 entries per zip.

Reading a download is bounded (members, sizes, the ``_meta`` text) and refuses a zip that names a file it was
not asked for: a server cannot make studyapp write anything it did not choose to fetch.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Sequence

from studyapp.services.media.media import is_safe_name

MAX_FILE_BYTES = 100 * 1024 * 1024  # Anki's limit for one media file in a sync
MAX_FILES_IN_ZIP = 25  # the server refuses an upload zip with more entries
TARGET_ZIP_BYTES = int(2.5 * 1024 * 1024)  # no further file is added to an upload zip once it holds this much
MAX_NAME_BYTES = 255  # the server refuses longer names
_MAX_META_BYTES = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOT_SYNCED = {"thumbs.db", ".ds_store"}  # never synced by Anki either


class MediaZipError(ValueError):
    """A zip from the server that cannot be read as the protocol says; the message says what is wrong."""


def name_problem(name: str) -> str | None:
    """Why ``name`` may not be a synced media file (in the folder or from the server); None when it may."""
    if not name:
        return "an empty name"
    if name in {".", ".."} or "/" in name or "\\" in name:
        return "a name with a folder in it"
    if name.startswith("."):
        return "a hidden name (starting with a dot)"
    if _CONTROL.search(name):
        return "a name with control characters"
    if not is_safe_name(name):
        return "a name with a character media files may not have (: or NUL)"
    if name.lower() in _NOT_SYNCED:
        return "a system file"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"a name longer than {MAX_NAME_BYTES} bytes"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "a name that is not valid Unicode"
    if unicodedata.normalize("NFC", name) != name:
        return "a name not in Unicode NFC form (as Anki requires)"
    return None


def build_upload_zip(entries: Sequence[tuple[str, bytes | None]]) -> bytes:
    """The ``uploadChanges`` body: each ``(name, data)``; ``data`` None sends the deletion of ``name``."""
    if len(entries) > MAX_FILES_IN_ZIP:
        raise ValueError(f"{len(entries)} entries in one media zip; the server takes {MAX_FILES_IN_ZIP}")
    buffer = io.BytesIO()
    meta: list[list[str | None]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index, (name, data) in enumerate(entries):
            if data is None:
                meta.append([name, None])
                continue
            archive.writestr(str(index), data)
            meta.append([name, str(index)])
        archive.writestr("_meta", json.dumps(meta))
    return buffer.getvalue()


def read_download_zip(data: bytes, asked: Sequence[str]) -> list[tuple[str, bytes]]:
    """The files of a ``downloadFiles`` reply, as ``(name, data)``; each name one of ``asked``, each once."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise MediaZipError(f"the media files came in a damaged zip ({error})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > len(asked) + 1:
            raise MediaZipError(f"the media zip holds {len(infos) - 1} files for {len(asked)} asked")
        try:
            meta_info = archive.getinfo("_meta")
        except KeyError:
            raise MediaZipError("the media zip has no _meta list of names") from None
        if meta_info.file_size > _MAX_META_BYTES:
            raise MediaZipError("the media zip's _meta is too large")
        try:
            meta = json.loads(_read(archive, meta_info, _MAX_META_BYTES))
        except ValueError:
            raise MediaZipError("the media zip's _meta is not JSON") from None
        if not isinstance(meta, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
            raise MediaZipError("the media zip's _meta is not a map of names")
        wanted = set(asked)
        seen: set[str] = set()
        files: list[tuple[str, bytes]] = []
        for info in infos:
            if info.filename == "_meta":
                continue
            name = meta.get(info.filename)
            if name is None:
                raise MediaZipError(f"the media zip holds a member {info.filename!r} that _meta does not name")
            if name not in wanted:
                raise MediaZipError(f"the media zip holds {name!r}, which was not asked for")
            if name in seen:
                raise MediaZipError(f"the media zip holds {name!r} twice")
            seen.add(name)
            if info.file_size > MAX_FILE_BYTES:
                raise MediaZipError(f"{name!r} in the media zip is larger than {MAX_FILE_BYTES // 2**20} MiB")
            files.append((name, _read(archive, info, MAX_FILE_BYTES)))
        return files


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, never more than ``limit`` whatever its header says."""
    try:
        with archive.open(info) as member:
            content = member.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise MediaZipError(f"{info.filename!r} in the media zip cannot be read ({error})") from None
    if len(content) > limit:
        raise MediaZipError(f"{info.filename!r} in the media zip is larger than its limit")
    return content
