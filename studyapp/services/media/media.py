"""The collection's media folder: images and sounds that cards refer to by file name.

It sits beside the collection file (``collection.db`` -> ``collection.media/``). Imported files never
overwrite a different file of the same name: they are stored under a name with their hash instead,
and the cards' references are rewritten.

An import streams its files into a staging folder beside the media folder (``.collection.media-stage-*``)
and moves them in only once its transaction has committed, so a failed, cancelled or killed import leaves
the media folder as it was. The transaction records the stage's name: at the next open a stage whose
import committed but was cut short before its files were moved is finished, and any other stage (and any
``.incoming-*`` file of an interrupted copy) is deleted.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from studyapp.core.drafts import MediaFile
from studyapp.storage import storage_faults
from studyapp.storage.durable import fsync_path
from studyapp.storage.errors import NOT_IMPORTED

_SAFE_NAME = re.compile(r"^[^/\\\x00:]+$")
STAGE_SETTING = "media_stage"  # the setting naming the stage of the last import that committed with media
_PLAN = "plan.json"  # in a stage: [[staged file, name in the media folder], ...], written before the commit
_INCOMING = ".incoming-"
_COPY_CHUNK = 1024**2
_MAX_NAME_BYTES = 255  # as the package reader allows (importing it here would load zstd at every start)


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
    """Point ``<img src="old">`` and ``[sound:old]`` references at the names the files were stored under."""
    for old, new in renames.items():
        for before, after in ((old, new), (old.replace("&", "&amp;"), new.replace("&", "&amp;"))):
            html = html.replace(f'src="{before}"', f'src="{after}"').replace(f"[sound:{before}]", f"[sound:{after}]")
    return html


def stage_prefix(media_dir: Path) -> str:
    """How the staging folders of imports into ``media_dir`` are named, beside it."""
    return f".{media_dir.name}-stage-"


class MediaStage:
    """One import's media files, staged beside the media folder until the import's transaction commits.

    Files are written under numbers (``0``, ``1``, ...), so no name from a package is ever a path here, each
    streamed, hashed as it goes and flushed to the disk. ``prepare()`` decides every file's name in the media
    folder (an identical file already there is not copied again; a different one keeps its name and this file
    gets its hash in its name) and writes that plan into the stage. The import records ``name`` in its
    transaction; ``commit()`` then moves the files in. ``discard()`` deletes the stage unless it committed.
    """

    def __init__(self, media_dir: Path) -> None:
        self.media_dir = media_dir
        self.directory: Path | None = None
        self._files: dict[str, tuple[str, int, bytes]] = {}  # name -> (staged file, size, sha1)
        self._plan: list[tuple[str, str]] = []
        self._count = 0
        self.committed = False

    def __len__(self) -> int:
        return len(self._files)

    @property
    def name(self) -> str | None:
        return self.directory.name if self.directory is not None else None

    def receive(self, name: str, chunks: Iterable[bytes]) -> tuple[int, bytes]:
        """Stream the file ``name`` into the stage; its size and SHA-1 digest. A full disk is a ``StorageError``."""
        with storage_faults(self.media_dir, NOT_IMPORTED):
            if self.directory is None:
                self.directory = Path(tempfile.mkdtemp(prefix=stage_prefix(self.media_dir), dir=self.media_dir.parent))
            staged = str(self._count)
            self._count += 1
            digest = hashlib.sha1(usedforsecurity=False)
            size = 0
            with open(self.directory / staged, "xb") as out:
                self._files[name] = (staged, 0, b"")  # known, so that ``discard`` removes it if the copy fails
                for chunk in chunks:
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
        self._files[name] = (staged, size, digest.digest())
        return size, digest.digest()

    def discard(self, name: str | None = None) -> None:
        """Forget one staged file; without a name, delete the whole stage (unless its import committed)."""
        if name is not None:
            staged = self._files.pop(name, None)
            if staged is not None and self.directory is not None:
                (self.directory / staged[0]).unlink(missing_ok=True)
            return
        if self.directory is not None and not self.committed:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def prepare(self) -> dict[str, str]:
        """Decide where each staged file goes and write the plan into the stage; the renames (name -> stored name)."""
        renames: dict[str, str] = {}
        claimed: set[str] = set()  # names (case-folded) given to files of this import
        self._plan = []
        for name, (staged, size, digest) in self._files.items():
            final, copy = self._final_name(name, size, digest, claimed)
            claimed.add(final.casefold())
            if final != name:
                renames[name] = final
            if copy:
                self._plan.append((staged, final))
        if self.directory is not None:  # the files and the plan on the disk before the transaction commits
            _flush_files(self.directory, [staged for staged, _ in self._plan])
            _write_durably(self.directory / _PLAN, json.dumps(self._plan).encode())
        return renames

    def commit(self) -> None:
        """After the transaction committed: move the files in and delete the stage. If that is cut short the
        stage stays, and the next open finishes it."""
        self.committed = True
        if self.directory is not None:
            try:
                _finish(self.directory, self.media_dir, self._plan)
            except OSError:
                return  # the notes are in; their files follow at the next open
            self.directory = None

    def _final_name(self, name: str, size: int, digest: bytes, claimed: set[str]) -> tuple[str, bool]:
        """The name the file gets in the media folder, and whether it must be copied there (not if identical)."""
        hexdigest = digest.hex()
        candidates = [name, _hashed(name, hexdigest[:8]), _hashed(name, hexdigest)]
        candidates += [_hashed(name, f"{hexdigest}-{number}") for number in range(2, 100)]
        for candidate in candidates:
            if candidate.casefold() in claimed:
                continue
            target = self.media_dir / candidate
            if not target.exists():
                return candidate, True
            if _same_content(target, size, digest):
                return candidate, False
        raise OSError(errno.EEXIST, "no free name for a media file", name)  # pragma: no cover - 100 collisions


def clean_media_stages(media_dir: Path, committed: str | None) -> None:
    """At open, with the collection's lock held: finish the stage named ``committed`` (its import committed but
    its files were not all moved in), delete every other stage and any ``.incoming-*`` file. Best effort: a
    folder that cannot be cleaned (read-only) is left as it is."""
    parent = media_dir.parent
    try:
        stages = list(parent.glob(glob.escape(stage_prefix(media_dir)) + "*"))
    except OSError:
        return
    for stage in stages:
        try:
            if stage.is_symlink() or not stage.is_dir():
                stage.unlink()
                continue
            if stage.name == committed and (stage / _PLAN).is_file():
                plan = json.loads((stage / _PLAN).read_text(encoding="utf-8"))
                steps = [(str(a), str(b)) for a, b in plan if is_safe_name(str(a)) and is_safe_name(str(b))]
                _finish(stage, media_dir, steps)
            else:
                shutil.rmtree(stage)
        except (OSError, ValueError, TypeError):
            shutil.rmtree(stage, ignore_errors=True)
    if media_dir.is_dir():
        for leftover in media_dir.glob(_INCOMING + "*"):
            leftover.unlink(missing_ok=True)


def _finish(stage: Path, media_dir: Path, plan: Sequence[tuple[str, str]]) -> None:
    """Move the planned files of ``stage`` into ``media_dir`` (those already moved are gone), then delete it."""
    if plan:
        media_dir.mkdir(parents=True, exist_ok=True)
    for staged, final in plan:
        source = stage / staged
        if source.exists():
            _move_in(source, media_dir / final)
    if plan:
        fsync_path(media_dir)
    shutil.rmtree(stage)


def _move_in(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    # The media folder is on another file system (a link to another drive): copy, then rename there.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=_INCOMING)
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out, _COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    source.unlink()


def _flush_files(folder: Path, names: Sequence[str]) -> None:
    """Flush the files ``names`` of ``folder`` to the disk: on Linux with one ``syncfs`` of its file system
    (an ``fsync`` per file costs some milliseconds each: 400 images took 2.5 s more), elsewhere file by file."""
    if not names:
        return
    if sys.platform.startswith("linux"):
        import ctypes  # only here: loading it costs a few milliseconds at every start

        handle = os.open(folder, os.O_RDONLY)
        try:
            if ctypes.CDLL(None, use_errno=True).syncfs(handle) == 0:
                return
        except (OSError, AttributeError):
            pass
        finally:
            os.close(handle)
    for name in names:
        with open(folder / name, "rb+") as data:
            os.fsync(data.fileno())


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    fsync_path(path.parent)


def _hashed(name: str, tag: str) -> str:
    """``name`` with ``-tag`` before its extension, shortened to fit a file name."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    ending = f"-{tag}" + (f".{suffix}" if dot else "")
    while stem and len((stem + ending).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + ending


def _same_content(path: Path, size: int, digest: bytes) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != size:
            return False
        found = hashlib.sha1(usedforsecurity=False)
        with path.open("rb") as data:
            while chunk := data.read(_COPY_CHUNK):
                found.update(chunk)
    except OSError:
        return False
    return found.digest() == digest
