"""Media sync against the real `anki.syncserver`, with an `anki` engine collection as the phone."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.services.media.media import media_dir_for
from studyapp.services.sync.client import SyncClient
from studyapp.services.sync.errors import SyncError
from studyapp.services.sync.media_sync import MediaSyncResult, conflicts_folder, sync_media
from studyapp.storage.collection import Collection
from studyapp.storage.sync.media_store import REFUSED, MediaEntry, MediaSyncStore
from tests.sync.conftest import SyncServer
from tests.sync.engine_device import EngineDevice


class Here:
    """A studyapp collection and its media folder, syncing media with one server as one user."""

    def __init__(self, path: Path, server: SyncServer) -> None:
        self.collection = Collection.open(path)
        self.folder = media_dir_for(path)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.client = SyncClient(server.endpoint)
        self.client.host_key(server.user, server.password)

    def sync(self, **options) -> MediaSyncResult:  # noqa: ANN003
        return sync_media(self.client, self.collection, self.folder, **options)

    def add(self, name: str, data: bytes, *, mtime: int | None = None) -> None:
        path = self.folder / name
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))

    def files(self) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in self.folder.iterdir() if path.is_file()}

    def close(self) -> None:
        self.client.close()
        self.collection.close()

    @property
    def store(self) -> MediaSyncStore:
        return MediaSyncStore(self.collection.db)


@pytest.fixture
def here(tmp_path: Path, sync_server: SyncServer) -> Iterator[Here]:
    side = Here(tmp_path / "here" / "collection.db", sync_server)
    try:
        yield side
    finally:
        side.close()


@pytest.fixture
def phone(tmp_path: Path, sync_server: SyncServer) -> Iterator[EngineDevice]:
    device = EngineDevice.for_server(tmp_path / "phone", sync_server)
    try:
        yield device
    finally:
        device.close()


def phone_changed(phone: EngineDevice, name: str, data: bytes | None) -> None:
    """Change or delete a file in the phone's folder behind the engine's back, as a file manager would; the
    engine notices changes by its folder's mtime, so that moves on."""
    path = phone.media_path(name)
    if data is None:
        path.unlink()
    else:
        path.write_bytes(data)
    folder = path.parent
    moved = int(folder.stat().st_mtime) + 7
    os.utime(folder, (moved, moved))


def test_a_file_added_here_reaches_the_phone_and_one_added_there_comes_here(here: Here, phone: EngineDevice) -> None:
    here.add("here.png", b"a picture made here")
    result = here.sync()
    assert (result.uploaded, result.downloaded, result.reset) == (1, 0, "")
    phone.sync_media()
    assert phone.media_path("here.png").read_bytes() == b"a picture made here"

    assert phone.add_media("phone.mp3", b"a sound recorded on the phone") == "phone.mp3"
    phone.sync_media()
    result = here.sync()
    assert (result.uploaded, result.downloaded, result.reset) == (0, 1, "")
    assert here.files() == {"here.png": b"a picture made here", "phone.mp3": b"a sound recorded on the phone"}
    assert here.store.pending_count() == 0
    assert not list(here.folder.glob(".incoming-*"))


def test_a_second_sync_with_no_changes_transfers_nothing(here: Here, phone: EngineDevice) -> None:
    here.add("a.png", b"A")
    phone.add_media("b.png", b"B")
    phone.sync_media()
    first = here.sync()
    assert (first.uploaded, first.downloaded) == (1, 1)
    again = here.sync()
    assert (again.transferred, again.calls) == (0, 0)  # begin only: no changes asked, nothing sent, no sanity
    assert again.lines() == ["media: 0 up, 0 down, 0 deleted on the server, 0 deleted here"]


def test_a_deletion_travels_both_ways(here: Here, phone: EngineDevice) -> None:
    here.add("mine.png", b"mine")
    here.add("theirs.png", b"theirs")
    here.sync()
    phone.sync_media()
    assert phone.media_path("mine.png").exists() and phone.media_path("theirs.png").exists()

    (here.folder / "mine.png").unlink()
    result = here.sync()
    assert (result.deleted_there, result.uploaded) == (1, 0)
    phone.sync_media()
    assert not phone.media_path("mine.png").exists()

    phone_changed(phone, "theirs.png", None)
    phone.sync_media()
    result = here.sync()
    assert (result.deleted_here, result.downloaded, result.reset) == (1, 0, "")
    assert here.files() == {}
    assert here.store.entries() == {}


def test_a_file_changed_on_both_sides_ends_as_the_servers_and_ours_is_kept(here: Here, phone: EngineDevice) -> None:
    here.add("map.png", b"first version", mtime=1_700_000_000)
    here.sync()
    phone.sync_media()
    phone_changed(phone, "map.png", b"changed on the phone")
    phone.sync_media()
    here.add("map.png", b"changed here", mtime=1_700_000_100)

    result = here.sync()
    assert (result.downloaded, result.uploaded, result.reset) == (1, 0, "")
    assert here.files() == {"map.png": b"changed on the phone"}
    kept = conflicts_folder(here.folder) / f"map.{hashlib.sha1(b'changed here').hexdigest()[:8]}.png"
    assert kept.read_bytes() == b"changed here"
    assert result.conflicts == [
        f"'map.png' changed here and on the server: the server's version is kept, ours is in {kept}"
    ]
    phone.sync_media()
    assert phone.media_path("map.png").read_bytes() == b"changed on the phone"
    assert here.sync().transferred == 0


def test_a_hidden_name_from_the_server_is_refused_named_and_not_deleted_there(here: Here, phone: EngineDevice) -> None:
    phone_changed(phone, ".hidden", b"the phone synced a dot file")
    phone.add_media("fine.png", b"fine")
    phone.sync_media()

    result = here.sync()
    assert result.downloaded == 1 and result.reset == ""  # the sanity check's counts agree
    assert result.refused == [
        f"'.hidden' on the server was not written into {here.folder}: a hidden name (starting with a dot)"
    ]
    assert here.files() == {"fine.png": b"fine"}
    assert here.store.entries()[".hidden"].refused
    assert here.sync().transferred == 0
    phone.sync_media()
    assert phone.media_path(".hidden").exists()  # nothing told the server to delete it


def test_300_files_go_up_in_batches_and_come_back_on_a_second_computer(
    here: Here, tmp_path: Path, sync_server: SyncServer
) -> None:
    files = {f"card-{index:03}.png": f"picture {index} ".encode() * 40 for index in range(300)}
    for name, data in files.items():
        here.add(name, data)
    seen: list[str] = []
    result = here.sync(progress=seen.append)
    assert (result.uploaded, result.reset) == (300, "")
    assert result.calls == 12 + 1  # 12 zips of at most 25, then the sanity check
    assert "media: 300 files sent" in seen

    other = Here(tmp_path / "other" / "collection.db", sync_server)
    try:
        result = other.sync()
        assert (result.downloaded, result.uploaded, result.reset) == (300, 0, "")
        assert result.calls == 1 + 12 + 1  # the changes, 12 zips, the sanity check
        assert other.files() == files
    finally:
        other.close()


def test_a_cancel_between_batches_keeps_what_went_and_the_next_sync_finishes(here: Here) -> None:
    for index in range(60):
        here.add(f"f{index:02}.jpg", bytes([index]) * 100)
    sent: list[str] = []

    def cancel_after_first_zip() -> bool:
        return "media: 25 files sent" in sent

    with pytest.raises(SyncError) as raised:
        here.sync(progress=sent.append, cancelled=cancel_after_first_zip)
    assert raised.value.kind == "cancelled"
    assert here.store.pending_count() == 35  # the 25 sent are clean, the rest still to go
    result = here.sync()
    assert (result.uploaded, result.reset) == (35, "")
    assert here.store.pending_count() == 0 and here.store.file_count() == 60


def test_counts_that_disagree_reset_the_media_state_and_say_so(here: Here) -> None:
    here.add("a.png", b"A")
    with here.collection.transaction():
        here.store.put([MediaEntry("ghost.png", "00" * 20, REFUSED, False)])  # a file the server never had
    result = here.sync()
    assert result.uploaded == 1
    assert result.reset.startswith("the server counts a different number of media files than the 2 here")
    assert here.store.entries() == {} and here.store.last_usn() == 0
    result = here.sync()  # from scratch: a.png is found again, and the server already has it
    assert result.reset == "" and here.store.file_count() == 1 and here.store.pending_count() == 0


class HostileServer:
    """A client whose server lists names that are paths, and answers with a zip of its own choosing."""

    endpoint = "http://hostile.example/"

    def __init__(self, zip_meta: dict[str, str]) -> None:
        self.zip_meta = zip_meta
        self.asked: list[list[str]] = []
        self.sha = hashlib.sha1(b"payload").hexdigest()

    def media_begin(self) -> dict:
        return {"data": {"usn": 3, "sk": "k"}, "err": ""}

    def media_changes(self, last_usn: int) -> dict:
        names = ["../x", "a/b", "ok.png"]
        rows = [[name, usn, self.sha] for usn, name in enumerate(names, 1) if usn > last_usn]
        return {"data": rows, "err": ""}

    def download_files(self, names: list[str]) -> bytes:
        self.asked.append(names)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in self.zip_meta:
                archive.writestr(member, b"payload")
            archive.writestr("_meta", json.dumps(self.zip_meta))
        return buffer.getvalue()

    def media_sanity(self, local_count: int) -> dict:
        return {"data": "OK" if local_count == 3 else "mediaSanity", "err": ""}


def test_names_with_folders_from_the_server_are_refused_and_nothing_is_written_outside(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "collection.db"
    server = HostileServer({"0": "ok.png"})
    with Collection.open(path) as collection:
        folder = media_dir_for(path)
        result = sync_media(server, collection, folder)  # type: ignore[arg-type]
        assert server.asked == [["ok.png"]]
        assert result.refused == [
            f"'../x' on the server was not written into {folder}: a name with a folder in it",
            f"'a/b' on the server was not written into {folder}: a name with a folder in it",
        ]
        assert (result.downloaded, result.reset) == (1, "")
        assert sorted(p.name for p in folder.iterdir()) == ["ok.png"]
        assert not [p for p in tmp_path.rglob("*") if p.name in {"x", "a", "b"}]


def test_a_zip_that_slips_in_a_path_stops_the_sync_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "collection.db"
    server = HostileServer({"0": "../x"})  # asked for ok.png, answers with ../x
    with Collection.open(path) as collection:
        folder = media_dir_for(path)
        with pytest.raises(SyncError) as raised:
            sync_media(server, collection, folder)  # type: ignore[arg-type]
        assert raised.value.kind == "protocol"
        assert str(raised.value) == "the media zip holds '../x', which was not asked for (from http://hostile.example/)"
        assert not (tmp_path / "deep" / "x").exists() and not folder.exists()
        store = MediaSyncStore(collection.db)
        assert (store.last_usn(), store.entries()) == (0, {})  # the batch did not finish: nothing of it kept

        server.zip_meta = {"0": "ok.png"}  # the next sync redoes the batch from the start, and says it all
        result = sync_media(server, collection, folder)  # type: ignore[arg-type]
        assert (result.downloaded, len(result.refused), store.last_usn()) == (1, 2, 3)


CHILD = """
import os, signal, sys
from pathlib import Path
from studyapp.services.media.media import media_dir_for
from studyapp.services.sync import media_sync
from studyapp.services.sync.client import SyncClient
from studyapp.storage.collection import Collection

path, endpoint, key = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
real_fsync = media_sync.fsync_path

def killed_before_the_rows(folder):  # the first zip's files are in the folder, their rows not yet written
    real_fsync(folder)
    os.kill(os.getpid(), signal.SIGKILL)

media_sync.fsync_path = killed_before_the_rows
collection = Collection.open(path)
media_sync.sync_media(SyncClient(endpoint, key), collection, media_dir_for(path))
"""


def test_a_sync_killed_between_writing_files_and_recording_them_loses_nothing(
    here: Here, tmp_path: Path, sync_server: SyncServer
) -> None:
    files = {f"k{index:02}.png": bytes([index + 1]) * 300 for index in range(40)}
    for name, data in files.items():
        here.add(name, data)
    assert here.sync().uploaded == 40
    path = tmp_path / "killed" / "collection.db"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), sync_server.endpoint, str(here.client.host_key)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert len(list(media_dir_for(path).iterdir())) == 25  # one zip written, none of it recorded

    killed = Here(path, sync_server)
    try:
        assert killed.store.entries() == {} and killed.store.last_usn() == 0
        result = killed.sync()
        assert (result.downloaded, result.uploaded, result.reset) == (15, 0, "")  # the 25 matched by SHA-1
        assert killed.files() == files and killed.store.pending_count() == 0
        assert killed.sync().transferred == 0
    finally:
        killed.close()


def test_a_server_that_stops_mid_sync_is_one_line_and_the_next_sync_finishes(
    here: Here, sync_server: SyncServer
) -> None:
    for index in range(60):
        here.add(f"s{index:02}.png", bytes([index + 1]) * 200)

    def stop_after_first_zip(line: str) -> None:
        if line == "media: 25 files sent":
            sync_server.stop()

    with pytest.raises(SyncError) as raised:
        here.sync(progress=stop_after_first_zip)
    assert raised.value.kind == "network" and "\n" not in str(raised.value)
    assert here.store.pending_count() == 35
    sync_server.start()
    here.client.close()
    result = here.sync()
    assert (result.uploaded, result.reset) == (35, "")
    assert here.store.file_count() == 60 and here.store.pending_count() == 0
