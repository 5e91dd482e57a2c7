"""Broken and hostile packages: each is refused with one line naming the file, and nothing is written.

Every test runs in a sandbox whose temp folder must be empty again afterwards. The files under
``tmp_path`` are listed before and after, so an entry that tried to escape (``../x``, ``/abs``) would show.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from studyapp.importers.anki_package import read_anki_package
from studyapp.importers.errors import ImportFailure
from studyapp.importers.safe_zip import ZipLimits

from . import corpus
from .conftest import Sandbox
from .makers import AnkiPackages

BOMB = bytes(20 * 1024**2)  # 20 MiB of zeros: deflate and zstd both shrink it over a thousand times


def refused(sandbox: Sandbox, path: Path, *fragments: str, **kwargs: object) -> ImportFailure:
    """Read ``path``, expecting a one-line ``ImportFailure`` that names it and says ``fragments``."""
    before = sandbox.listing()
    with pytest.raises(ImportFailure) as caught:
        read_anki_package(path, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    for fragment in fragments:
        assert fragment in message, message
    assert sandbox.listing() == before, "the import wrote files"
    return caught.value


def test_an_empty_file(sandbox: Sandbox) -> None:
    path = sandbox.root / "empty.apkg"
    path.write_bytes(b"")
    refused(sandbox, path, "is empty")


def test_a_text_file_renamed(sandbox: Sandbox) -> None:
    path = sandbox.root / "notes.apkg"
    path.write_text("What is 2+2?\n\n4\n", encoding="utf-8")
    refused(sandbox, path, "is not a zip archive")


def test_a_missing_file_and_a_folder(sandbox: Sandbox) -> None:
    refused(sandbox, sandbox.root / "absent.apkg", "no such file")
    refused(sandbox, sandbox.cwd, "is a folder")


def test_a_truncated_package(sandbox: Sandbox, anki_packages: AnkiPackages) -> None:
    path = corpus.truncated_copy(anki_packages.legacy, sandbox.root / "cut.apkg")
    refused(sandbox, path, "is not a zip archive, or it is damaged or cut short")


def test_a_zip_without_a_collection(sandbox: Sandbox) -> None:
    path = corpus.write_zip(sandbox.root / "photos.apkg", {"media": b"{}", "0": b"data"})
    refused(sandbox, path, "has no Anki collection in it")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../escaped.txt", "climbs out of its folder"),
        ("media/../../escaped.txt", "climbs out of its folder"),
        ("..\\escaped.txt", "climbs out of its folder"),
        ("/tmp/escaped.txt", "has an absolute path"),
        ("C:/escaped.txt", "has an absolute path"),
    ],
)
def test_an_entry_that_points_outside(sandbox: Sandbox, own_package: Path, name: str, reason: str) -> None:
    members = corpus.members_of(own_package)
    members[name] = b"gotcha"
    path = corpus.write_zip(sandbox.root / "evil.apkg", members)
    refused(sandbox, path, f"entry {name!r}", reason)
    assert not (sandbox.root / "work" / "escaped.txt").exists()
    assert not (sandbox.root / "escaped.txt").exists()


def test_a_symlink_entry(sandbox: Sandbox, own_package: Path) -> None:
    link = zipfile.ZipInfo("0")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    members = [(zipfile.ZipInfo(name), data) for name, data in corpus.members_of(own_package).items() if name != "0"]
    path = corpus.write_zip_infos(sandbox.root / "link.apkg", [*members, (link, b"/etc/passwd")])
    refused(sandbox, path, "entry '0' is a symbolic link")


def test_an_encrypted_entry_and_a_repeated_name(sandbox: Sandbox) -> None:
    path = corpus.write_zip(sandbox.root / "secret.apkg", {"collection.anki2": b"x"})
    corpus.patch_flag_bits(path, "collection.anki2", 0x1)
    refused(sandbox, path, "entry 'collection.anki2' is encrypted")
    twice = [(zipfile.ZipInfo("collection.anki2"), b"a"), (zipfile.ZipInfo("collection.anki2"), b"b")]
    refused(sandbox, corpus.write_zip_infos(sandbox.root / "twice.apkg", twice), "appears twice")


def test_a_zip_bomb(sandbox: Sandbox) -> None:
    path = corpus.write_zip(sandbox.root / "bomb.apkg", {"collection.anki2": BOMB}, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 100_000
    refused(sandbox, path, "entry 'collection.anki2' expands more than 200 times")


def test_a_zip_bomb_whose_headers_lie(sandbox: Sandbox) -> None:
    """Declared 100 KB, so the up-front check passes: reading stops at the declared size and fails."""
    path = corpus.write_zip(sandbox.root / "liar.apkg", {"collection.anki2": BOMB}, zipfile.ZIP_DEFLATED)
    corpus.patch_declared_size(path, "collection.anki2", 100_000)
    refused(sandbox, path, "entry 'collection.anki2' cannot be read")


def test_a_zstd_bomb(sandbox: Sandbox) -> None:
    """The zip layer is honest (a few hundred bytes, stored); the bytes are counted as zstd expands them."""
    members = {"meta": corpus.META_V3, "collection.anki21b": corpus.zstd(BOMB)}
    path = corpus.write_zip(sandbox.root / "zbomb.apkg", members)
    refused(sandbox, path, "entry 'collection.anki21b' expands more than 200 times")


def test_the_total_size_is_bounded(sandbox: Sandbox, anki_packages: AnkiPackages) -> None:
    # Declared sizes fit in 100 kB; the zstd-compressed collection inside expands past it.
    refused(
        sandbox,
        anki_packages.modern,
        "expands to more than 100000 bytes (a zip bomb?)",
        limits=ZipLimits(max_total_bytes=100_000),
    )
    refused(sandbox, anki_packages.modern, "would expand to more than", limits=ZipLimits(max_total_bytes=1_000))


def test_a_collection_that_is_not_zstd(sandbox: Sandbox) -> None:
    path = corpus.write_zip(sandbox.root / "raw.apkg", {"meta": corpus.META_V3, "collection.anki21b": b"SQLite..."})
    refused(sandbox, path, "entry 'collection.anki21b' is not zstd-compressed data")


def test_damaged_zstd(sandbox: Sandbox) -> None:
    damaged = corpus.zstd(b"SQLite format 3\x00" * 1000)[:-20] + b"\xff" * 40
    path = corpus.write_zip(sandbox.root / "dmg.apkg", {"meta": corpus.META_V3, "collection.anki21b": damaged})
    refused(sandbox, path, "entry 'collection.anki21b'")


def test_a_collection_that_is_not_sqlite(sandbox: Sandbox) -> None:
    path = corpus.write_zip(sandbox.root / "junk.apkg", {"collection.anki2": b"\x00junk" * 400})
    refused(sandbox, path, "collection.anki2 is not an SQLite database")


def test_a_package_from_a_newer_anki(sandbox: Sandbox, own_package: Path) -> None:
    members = {**corpus.members_of(own_package), "meta": b"\x08\x07"}
    refused(sandbox, corpus.write_zip(sandbox.root / "new.apkg", members), "entry 'meta'", "package version 7")
    members["meta"] = b"\x08"  # a key without its value
    refused(sandbox, corpus.write_zip(sandbox.root / "meta.apkg", members), "entry 'meta' is not valid")


@pytest.mark.parametrize("media", [b"{not json", b"[1, 2]", b'{"0": 7}', b"[" * 100_000])
def test_a_legacy_media_map_that_is_not_valid(sandbox: Sandbox, own_package: Path, media: bytes) -> None:
    members = {**corpus.members_of(own_package), "media": media}
    path = corpus.write_zip(sandbox.root / "media.apkg", members)
    refused(sandbox, path, "entry 'media' is not a valid media list")


@pytest.mark.parametrize("media", [b"\x0a\xff", b"\x0a\x02\x0a\x09", b"\x0b"])
def test_a_protobuf_media_map_that_is_not_valid(sandbox: Sandbox, anki_packages: AnkiPackages, media: bytes) -> None:
    members = {**corpus.members_of(anki_packages.modern), "media": corpus.zstd(media)}
    path = corpus.write_zip(sandbox.root / "media.apkg", members)
    refused(sandbox, path, "entry 'media' is not a valid media list")
