"""Media sync with an Anki sync server (``msync/...``), so images and sounds reach the phone and come back.

One run, after the collection sync:

1. the folder is compared with ``sync_media`` (``media_scan``): new and changed files and deletions here
   become pending (``dirty``);
2. ``begin`` gives the server's media usn; if it is not ours, ``mediaChanges`` lists what changed there since,
   in batches: a file deleted there is deleted here unless it changed here; a new or different file there
   is fetched (``downloadFiles``, 25 a zip) and written atomically into the folder. Where both sides changed a
   file the server's version wins (as in Anki: the other devices already have it) and ours is kept in
   ``collection.media-conflicts/`` and reported. A name the server holds that studyapp will not write
   (``../x``, ``.hidden``...) is refused with one line naming it, and remembered as held there;
3. what is pending here goes up (``uploadChanges``), at most 25 entries and about 2.5 MB a zip;
4. if anything moved, ``mediaSanity`` compares the counts; when they differ the media state is reset (as Anki
   does), so that the next sync compares every file again, and the result says so.

Rows change only for files actually exchanged, each batch in its own transaction, and the media usn moves only
once a batch is wholly done: a cancel, an error or a killed process between batches leaves a state the next sync
simply continues from (a file written but not yet recorded is found by the scan and matched by its SHA-1).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.media_scan import required_change, scan_folder
from studyapp.services.sync.media_zip import (
    MAX_FILE_BYTES,
    MAX_FILES_IN_ZIP,
    TARGET_ZIP_BYTES,
    MediaZipError,
    build_upload_zip,
    name_problem,
    read_download_zip,
)
from studyapp.storage import storage_faults
from studyapp.storage.collection import Collection
from studyapp.storage.durable import fsync_path
from studyapp.storage.sync.media_store import REFUSED, MediaEntry, MediaSyncStore

if TYPE_CHECKING:
    from studyapp.services.sync.client import SyncClient

STOPPED = "the media sync stopped there; the next sync continues from it"


@dataclass
class MediaSyncResult:
    uploaded: int = 0  # files sent to the server
    downloaded: int = 0  # files fetched from it
    deleted_here: int = 0  # files deleted here because they were deleted there
    deleted_there: int = 0  # deletions made here, sent
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> names in the folder that stay here
    refused: list[str] = field(default_factory=list)  # one line per name from the server not written here
    conflicts: list[str] = field(default_factory=list)  # one line per file changed on both sides
    reset: str = ""  # the line saying the sanity check failed and the state was reset
    calls: int = 0  # requests made after ``begin``

    @property
    def transferred(self) -> int:
        return self.uploaded + self.downloaded + self.deleted_here + self.deleted_there

    def lines(self) -> list[str]:
        """The summary, then one line per thing the student should know."""
        out = [
            f"media: {self.uploaded} up, {self.downloaded} down, {self.deleted_there} deleted on the server, "
            f"{self.deleted_here} deleted here"
        ]
        for reason, names in sorted(self.skipped.items()):
            shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
            out.append(f"{len(names)} file(s) in the media folder not synced, {reason}: {shown}")
        out.extend(self.refused)
        out.extend(self.conflicts)
        if self.reset:
            out.append(self.reset)
        return out


def conflicts_folder(media_folder: Path) -> Path:
    """Where our version of a file the server's version replaced is kept: ``collection.media-conflicts``."""
    return media_folder.with_name(media_folder.name + "-conflicts")


def sync_media(
    client: SyncClient,
    collection: Collection,
    media_folder: Path,
    *,
    progress: Callable[[str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MediaSyncResult:
    """Sync ``media_folder`` with the server ``client`` speaks to; see the module's docstring."""
    return _MediaSync(client, collection, media_folder, progress, cancelled).run()


class _MediaSync:
    def __init__(
        self,
        client: SyncClient,
        collection: Collection,
        folder: Path,
        progress: Callable[[str], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.client = client
        self.collection = collection
        self.folder = folder
        self.store = MediaSyncStore(collection.db)
        self.say = progress or (lambda _line: None)
        self.cancelled = cancelled or (lambda: False)
        self.result = MediaSyncResult()

    def run(self) -> MediaSyncResult:
        self.say("media: looking for changes in the media folder")
        scan = scan_folder(self.folder, self.store.entries(), lambda n: self.say(f"media: {n} files checked"))
        self.result.skipped = {reason: names for reason, names in scan.skipped.items()}
        if scan.changes:
            with self.collection.transaction():
                self.store.put(scan.changes)
        self._check_cancel()
        server_usn = int(_data(self.client.media_begin())["usn"])
        acted = False
        if server_usn != self.store.last_usn():
            self._fetch_changes(server_usn)
            acted = True
        if self.store.pending_count():
            self._send_changes()
            acted = True
        if acted:
            self._sanity_check()
        return self.result

    # --- 2. what changed there -----------------------------------------------------------------------------

    def _fetch_changes(self, server_usn: int) -> None:
        while True:
            self._check_cancel()
            last = self.store.last_usn()
            if last >= server_usn > 0:
                return  # all that ``begin`` announced is here (asking again would only get an empty list)
            batch = _data(self._call(self.client.media_changes, last))
            if not batch:
                return
            changes = [(str(row[0]), int(row[1]), str(row[2] or "")) for row in batch]
            self.say(f"media: {len(changes)} changes on the server")
            known = self.store.entries()
            downloads: list[str] = []
            deletes: list[str] = []
            clean: list[str] = []
            forget: list[str] = []
            refuse: list[MediaEntry] = []
            refused: list[str] = []
            for name, _usn, remote in changes:
                local = known.get(name)
                if local is not None and local.refused:
                    if remote:
                        continue  # still there, still refused (reported when first refused)
                    forget.append(name)
                    continue
                action = required_change(local, remote)
                if action == "download":
                    problem = name_problem(name)
                    if problem is None:
                        downloads.append(name)
                        continue
                    refused.append(f"{name!r} on the server was not written into {self.folder}: {problem}")
                    refuse.append(MediaEntry(name, remote, REFUSED, False))
                elif action == "delete":
                    deletes.append(name)
                elif action == "clean":
                    clean.append(name)
            self._download(downloads, {name: known.get(name) for name in downloads})
            for name in deletes:
                path = self.folder / name
                with storage_faults(path, STOPPED):
                    path.unlink(missing_ok=True)
            # the rest of the batch, and its usn, together: until then the next sync asks for this batch again
            with self.collection.transaction():
                self.store.remove([*deletes, *forget])
                self.store.mark_clean(clean)
                self.store.put(refuse)
                self.store.set_last_usn(changes[-1][1])
            self.result.deleted_here += len(deletes)
            self.result.refused.extend(refused)

    def _download(self, names: list[str], local: dict[str, MediaEntry | None]) -> None:
        while names:
            self._check_cancel()
            asked = names[:MAX_FILES_IN_ZIP]
            zipped = self._call(self.client.download_files, asked)
            try:
                files = read_download_zip(zipped, asked)
            except MediaZipError as error:
                raise _error(f"{error} (from {self._server()})", "protocol") from None
            if not files:
                raise _error(f"{self._server()} sent none of the {len(asked)} media files asked for", "protocol")
            rows = self._write(files, local)
            with self.collection.transaction():
                self.store.put(rows)
            self.result.downloaded += len(rows)
            got = {name for name, _data in files}
            names = [name for name in names if name not in got]
            self.say(f"media: {self.result.downloaded} files received")

    def _write(self, files: list[tuple[str, bytes]], local: dict[str, MediaEntry | None]) -> list[MediaEntry]:
        """Write one zip's files into the folder, each through a flushed temporary file renamed over its name."""
        for name, _data in files:
            if (self.folder / name).parent != self.folder or name_problem(name) is not None:  # held already
                raise _error(f"refused to write the media file {name!r} outside {self.folder}", "protocol")
        staged: dict[str, str] = {}
        with storage_faults(self.folder, STOPPED):
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                for name, data in files:
                    handle, staged[name] = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
                    with os.fdopen(handle, "wb") as out:
                        out.write(data)
                with ThreadPoolExecutor(max_workers=8) as pool:  # flushes overlap: a zip of small files is fast
                    list(pool.map(_flush, staged.values()))
                rows = []
                for name, data in files:
                    sha1 = hashlib.sha1(data, usedforsecurity=False).hexdigest()
                    target = self.folder / name
                    entry = local.get(name)
                    if entry is not None and entry.dirty and entry.sha1 and entry.sha1 != sha1 and target.is_file():
                        self._keep_ours(name, entry.sha1)
                    os.replace(staged.pop(name), target)
                    rows.append(MediaEntry(name, sha1, int(target.stat().st_mtime), False))
            finally:
                for temporary in staged.values():
                    Path(temporary).unlink(missing_ok=True)
            fsync_path(self.folder)  # the renames are on the disk before the rows say so
        return rows

    def _keep_ours(self, name: str, sha1: str) -> None:
        keep = conflicts_folder(self.folder)
        keep.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = name.rpartition(".")
        copy = keep / (f"{stem}.{sha1[:8]}.{suffix}" if dot and stem else f"{name}.{sha1[:8]}")
        shutil.copy2(self.folder / name, copy)
        self.result.conflicts.append(
            f"{name!r} changed here and on the server: the server's version is kept, ours is in {copy}"
        )

    # --- 3. what changed here ------------------------------------------------------------------------------

    def _send_changes(self) -> None:
        while True:
            self._check_cancel()
            pending = self.store.pending(MAX_FILES_IN_ZIP)
            if not pending:
                return
            entries: list[tuple[str, bytes | None]] = []
            sent: list[MediaEntry] = []
            size = 0
            for entry in pending:
                if size > TARGET_ZIP_BYTES:
                    break
                data = self._read(entry)
                entries.append((entry.name, data))
                if data is not None:
                    size += len(data)
                    entry = MediaEntry(
                        entry.name, hashlib.sha1(data, usedforsecurity=False).hexdigest(), entry.mtime, True
                    )
                elif entry.sha1 is not None:
                    entry = MediaEntry(entry.name, None, 0, True)  # gone since the scan: its deletion goes
                sent.append(entry)
            reply = _data(self._call(self.client.upload_changes, build_upload_zip(entries)))
            processed, current_usn = _upload_reply(reply)
            if processed <= 0:
                raise _error(f"{self._server()} took none of the {len(sent)} media changes sent", "server")
            done = sent[:processed]
            with self.collection.transaction():
                self.store.put(done)
                self.store.mark_clean(entry.name for entry in done)
                if self.store.last_usn() + len(done) == current_usn:
                    self.store.set_last_usn(current_usn)  # else the next sync asks what changed meanwhile
            self.result.uploaded += sum(1 for entry in done if entry.sha1 is not None)
            self.result.deleted_there += sum(1 for entry in done if entry.sha1 is None)
            self.say(f"media: {self.result.uploaded} files sent")

    def _read(self, entry: MediaEntry) -> bytes | None:
        """The file's bytes to send, or None to send its deletion."""
        if entry.sha1 is None:
            return None
        path = self.folder / entry.name
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _error(f"the media file {path} cannot be read ({error.strerror}); {STOPPED}", "server") from None
        if not data or len(data) > MAX_FILE_BYTES:
            return None
        return data

    # --- 4. the counts -------------------------------------------------------------------------------------

    def _sanity_check(self) -> None:
        local = self.store.file_count()
        answer = _data(self._call(self.client.media_sanity, local))
        if answer == "OK":
            return
        with self.collection.transaction():
            self.store.reset()
        self.result.reset = (
            f"the server counts a different number of media files than the {local} here: the media sync state "
            "was reset, and the next sync compares every file again"
        )

    # --- helpers -------------------------------------------------------------------------------------------

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        self.result.calls += 1
        return method(*args)

    def _check_cancel(self) -> None:
        if self.cancelled():
            raise _error(
                "the media sync was cancelled; what was exchanged is kept, the rest goes next time", "cancelled"
            )

    def _server(self) -> str:
        return str(getattr(self.client, "endpoint", "the sync server"))


def _flush(path: str) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _data(reply: Any) -> Any:
    """Media replies come wrapped as ``{"data": ..., "err": ""}``; the inner value (or the reply as it is)."""
    if isinstance(reply, dict) and "data" in reply and set(reply) <= {"data", "err"}:
        if reply.get("err"):
            raise _error(f"the sync server said: {reply['err']}", "server")
        return reply["data"]
    if isinstance(reply, dict) and set(reply) == {"err"} and reply["err"]:
        raise _error(f"the sync server said: {reply['err']}", "server")
    return reply


def _upload_reply(reply: Any) -> tuple[int, int]:
    try:
        if isinstance(reply, dict):
            return int(reply["processed"]), int(reply["current_usn"])
        return int(reply[0]), int(reply[1])
    except (KeyError, IndexError, TypeError, ValueError):
        raise _error(
            f"the sync server's answer to a media upload cannot be read: {str(reply)[:80]}", "protocol"
        ) from None


def _error(message: str, kind: str) -> SyncError:
    return SyncError(message=message, kind=kind)
