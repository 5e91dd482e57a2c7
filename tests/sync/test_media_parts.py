"""The parts of media sync that need no server: names, zips, the folder scan, the state table, the rules."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from studyapp.services.sync.media_scan import required_change, scan_folder
from studyapp.services.sync.media_zip import MediaZipError, build_upload_zip, name_problem, read_download_zip
from studyapp.storage.collection import Collection
from studyapp.storage.sync.media_store import REFUSED, MediaEntry, MediaSyncStore


def download_zip(files: dict[str, bytes], meta: object | None = None) -> bytes:
    """A zip as the server's downloadFiles makes it: members 0, 1... and _meta {"0": name}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, data in enumerate(files.values()):
            archive.writestr(str(index), data)
        archive.writestr(
            "_meta", json.dumps(meta if meta is not None else dict(zip(map(str, range(99)), files, strict=False)))
        )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../x", "folder"),
        ("a/b", "folder"),
        ("a\\b", "folder"),
        ("..", "folder"),
        (".hidden", "hidden"),
        ("a:b.png", "character"),
        ("tab\there.png", "control"),
        ("Thumbs.db", "system"),
        ("x" * 252 + ".png", "longer"),
        ("e\u0301.png", "NFC"),
        ("bad\udcff.png", "Unicode"),
    ],
)
def test_names_that_may_not_travel_say_why(name: str, problem: str) -> None:
    assert problem in (name_problem(name) or "")


@pytest.mark.parametrize("name", ["cat.jpg", "é.png", "日本語.mp3", "a b (1).png", "_font.woff", "x" * 251 + ".png"])
def test_ordinary_names_travel(name: str) -> None:
    assert name_problem(name) is None


def test_upload_zip_numbers_members_and_lists_deletions_in_meta() -> None:
    data = build_upload_zip([("a.png", b"AAA"), ("gone.mp3", None), ("b.png", b"BB")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["0", "2", "_meta"]
        assert json.loads(archive.read("_meta")) == [["a.png", "0"], ["gone.mp3", None], ["b.png", "2"]]
        assert archive.read("2") == b"BB"
    with pytest.raises(ValueError, match="25"):
        build_upload_zip([(f"{i}.png", b"x") for i in range(26)])


def test_download_zip_gives_the_asked_files_by_their_real_names() -> None:
    files = read_download_zip(download_zip({"a.png": b"A", "b.png": b"B"}), ["a.png", "b.png", "c.png"])
    assert files == [("a.png", b"A"), ("b.png", b"B")]


@pytest.mark.parametrize(
    ("zipped", "says"),
    [
        (b"not a zip", "damaged"),
        (download_zip({"a.png": b"A"}, meta={}), "does not name"),
        (download_zip({"../x": b"A"}), "not asked for"),
        (download_zip({"a.png": b"A"}, meta={"0": "a.png", "1": "a.png"}), ""),
        (download_zip({"a.png": b"A"}, meta=["a.png"]), "not a map"),
    ],
)
def test_a_download_zip_that_does_not_keep_to_the_protocol_is_refused(zipped: bytes, says: str) -> None:
    if not says:  # the same real name twice
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("0", b"A")
            archive.writestr("1", b"B")
            archive.writestr("_meta", json.dumps({"0": "a.png", "1": "a.png"}))
        zipped, says = buffer.getvalue(), "twice"
    with pytest.raises(MediaZipError, match=says):
        read_download_zip(zipped, ["a.png", "b.png"])


def test_a_zip_with_more_members_than_asked_is_refused_before_reading_them() -> None:
    with pytest.raises(MediaZipError, match="3 files for 1 asked"):
        read_download_zip(download_zip({"a.png": b"A", "b.png": b"B", "c.png": b"C"}), ["a.png"])


def test_scan_finds_new_changed_touched_and_deleted_files_and_lists_what_it_leaves(tmp_path: Path) -> None:
    folder = tmp_path / "collection.media"
    folder.mkdir()
    (folder / "new.png").write_bytes(b"new")
    (folder / "same.png").write_bytes(b"same")
    (folder / "touched.png").write_bytes(b"touched")
    (folder / "changed.png").write_bytes(b"changed now")
    (folder / ".hidden").write_bytes(b"h")
    (folder / ".incoming-123").write_bytes(b"partial copy")
    (folder / "empty.png").write_bytes(b"")
    (folder / "sub").mkdir()
    os.symlink(folder / "new.png", folder / "link.png")
    import hashlib

    def sha(data: bytes) -> str:
        return hashlib.sha1(data).hexdigest()

    def mtime(name: str) -> int:
        return int((folder / name).stat().st_mtime)

    known = {
        "same.png": MediaEntry("same.png", sha(b"same"), mtime("same.png"), False),
        "touched.png": MediaEntry("touched.png", sha(b"touched"), mtime("touched.png") - 5, False),
        "changed.png": MediaEntry("changed.png", sha(b"before"), mtime("changed.png") - 5, False),
        "deleted.png": MediaEntry("deleted.png", sha(b"d"), 100, False),
        "already-gone.png": MediaEntry("already-gone.png", None, 0, True),
        ".refused": MediaEntry(".refused", sha(b"r"), REFUSED, False),
    }
    scan = scan_folder(folder, known)
    assert sorted(scan.changes, key=lambda e: e.name) == [
        MediaEntry("changed.png", sha(b"changed now"), mtime("changed.png"), True),
        MediaEntry("deleted.png", None, 0, True),
        MediaEntry("new.png", sha(b"new"), mtime("new.png"), True),
        MediaEntry("touched.png", sha(b"touched"), mtime("touched.png"), False),  # same bytes: not a change
    ]
    assert {reason: sorted(names) for reason, names in scan.skipped.items()} == {
        "not a plain file (a folder or a link)": ["link.png", "sub"],
        "a hidden name (starting with a dot)": [".hidden"],
        "an empty file": ["empty.png"],
    }


def test_the_store_keeps_rows_pending_until_sent_and_counts_refused_names(collection_path: Path) -> None:
    with Collection.open(collection_path) as collection:
        store = MediaSyncStore(collection.db)
        with collection.transaction():
            store.put(
                [
                    MediaEntry("a.png", "aa", 1, True),
                    MediaEntry("b.png", None, 0, True),
                    MediaEntry("c.png", "cc", 1, False),
                    MediaEntry(".r", "rr", REFUSED, False),
                ]
            )
            store.set_last_usn(7)
        assert [e.name for e in store.pending(10)] == ["a.png", "b.png"]
        assert store.file_count() == 3
        with collection.transaction():
            store.mark_clean(["a.png", "b.png"])
        assert store.pending_count() == 0
        assert set(store.entries()) == {"a.png", "c.png", ".r"}  # the sent deletion's row is gone
        assert store.entries()[".r"].refused
        assert store.last_usn() == 7 and collection.setting("sync.media_usn") == 7
        with collection.transaction():
            store.reset()
        assert store.entries() == {} and store.last_usn() == 0


@pytest.mark.parametrize(
    ("local", "remote", "action"),
    [
        (None, "", ""),  # deleted there, never known here
        (MediaEntry("f", None, 0, True), "", "delete"),  # deleted on both sides
        (MediaEntry("f", None, 0, True), "11", "download"),  # there again: it comes back even if deleted here
        (MediaEntry("f", "11", 5, True), "", ""),  # deleted there, changed here: ours goes up
        (MediaEntry("f", "11", 5, False), "", "delete"),
        (MediaEntry("f", "11", 5, False), "11", ""),
        (MediaEntry("f", "11", 5, True), "11", "clean"),  # the same bytes both sides
        (MediaEntry("f", "aa", 5, True), "bb", "download"),  # changed both sides: the server's wins
        (MediaEntry("f", "aa", 5, False), "bb", "download"),
        (None, "bb", "download"),
    ],
)
def test_what_a_change_on_the_server_asks_of_this_side(local: MediaEntry | None, remote: str, action: str) -> None:
    assert required_change(local, remote) == action
