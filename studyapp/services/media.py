"""The collection's media folder: images and sounds that cards refer to by file name.

It sits beside the collection file (``collection.db`` -> ``collection.media/``). Imported files never
overwrite a different file of the same name: they are stored under a name with their hash instead,
and the cards' references are rewritten. A failed or cancelled import removes what it wrote.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from studyapp.core.drafts import MediaFile

_SAFE_NAME = re.compile(r"^[^/\\\x00:]+$")


def media_dir_for(collection_path: Path) -> Path:
    return collection_path.with_name(collection_path.stem + ".media")


def is_safe_name(name: str) -> bool:
    return bool(_SAFE_NAME.match(name)) and name not in {".", ".."} and not name.startswith(".")


class MediaFolder:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def store(self, files: Sequence[MediaFile]) -> tuple[dict[str, str], list[Path]]:
        """Write ``files``; return the renames (old name -> stored name) and the paths newly written."""
        renames: dict[str, str] = {}
        written: list[Path] = []
        if not files:
            return renames, written
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            for media in files:
                if not is_safe_name(media.name):
                    raise ValueError(f"unsafe media file name {media.name!r}")
                name = self._free_name(media)
                target = self.directory / name
                if name != media.name:
                    renames[media.name] = name
                if target.exists():
                    continue  # the very same bytes are already there
                self._write(target, media.data)
                written.append(target)
        except BaseException:
            self.remove(written)
            raise
        return renames, written

    def _free_name(self, media: MediaFile) -> str:
        target = self.directory / media.name
        if not target.exists() or target.read_bytes() == media.data:
            return media.name
        stem, dot, suffix = media.name.rpartition(".")
        digest = hashlib.sha1(media.data).hexdigest()[:8]
        return f"{stem}-{digest}.{suffix}" if dot else f"{media.name}-{digest}"

    def _write(self, target: Path, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def remove(paths: Sequence[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)


def rewrite_references(html: str, renames: dict[str, str]) -> str:
    """Point ``<img src="old">`` references at the names the files were stored under."""
    for old, new in renames.items():
        html = html.replace(f'src="{old}"', f'src="{new}"')
    return html
