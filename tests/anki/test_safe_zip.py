"""SafeZip on its own: name checks, bounded reads, and counting the bytes that really come out."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from studyapp.importers.errors import ImportFailure
from studyapp.importers.safe_zip import SafeZip, ZipLimits, unsafe_name_reason

from . import corpus


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("collection.anki2", None),
        ("media/0", None),
        ("a..b", None),
        ("", "has an empty name"),
        ("a\x00b", "has a NUL byte in its name"),
        ("/etc/passwd", "has an absolute path"),
        ("\\\\server\\share", "has an absolute path"),
        ("D:evil", "has an absolute path"),
        ("..", "climbs out of its folder with '..'"),
        ("a/../../b", "climbs out of its folder with '..'"),
        ("a\\..\\b", "climbs out of its folder with '..'"),
    ],
)
def test_member_names(name: str, reason: str | None) -> None:
    assert unsafe_name_reason(name) == reason


def test_reads_are_bounded_and_copies_stream(tmp_path: Path) -> None:
    path = corpus.write_zip(tmp_path / "a.zip", {"small": b"12345", "big": bytes(3 * 1024**2)}, zipfile.ZIP_DEFLATED)
    with SafeZip(path, ZipLimits(max_ratio=10_000)) as archive:
        assert archive.names == ["small", "big"] and "small" in archive and "other" not in archive
        assert archive.read("small", max_bytes=5) == b"12345"
        with pytest.raises(ImportFailure, match=r"entry 'small' is larger than 4 bytes"):
            archive.read("small", max_bytes=4)
        target = io.BytesIO()
        assert archive.copy_to("big", target) == 3 * 1024**2
        with pytest.raises(ImportFailure, match="has no entry 'other'"):
            archive.read("other")


def test_more_bytes_than_the_header_declared_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """zipfile itself stops at the declared size; should a decompressor ever give more, the count catches it."""
    path = corpus.write_zip(tmp_path / "a.zip", {"member": b"x" * 100})
    with SafeZip(path) as archive:
        monkeypatch.setattr(archive._zip, "open", lambda info: io.BytesIO(b"x" * 101))
        with pytest.raises(ImportFailure, match="entry 'member' is larger than its header says"):
            archive.read("member")


def test_the_budget_counts_every_member(tmp_path: Path) -> None:
    members = {str(i): bytes(range(256)) * 16 for i in range(4)}  # 4 KiB each
    path = corpus.write_zip(tmp_path / "a.zip", members)
    with SafeZip(path, ZipLimits(max_total_bytes=16 * 1024)) as archive:
        for name in members:
            archive.read(name)
        with pytest.raises(ImportFailure, match="expands to more than"):
            archive.read("0")  # a second read counts again: the budget is for what comes out


def test_a_zstd_member_is_bounded_like_any_other(tmp_path: Path) -> None:
    path = corpus.write_zip(tmp_path / "a.zip", {"z": corpus.zstd(b"hello" * 1000), "plain": b"hello"})
    with SafeZip(path) as archive:
        assert archive.read("z", zstd=True) == b"hello" * 1000
        with pytest.raises(ImportFailure, match="entry 'plain' is not zstd-compressed data"):
            archive.read("plain", zstd=True)
        with pytest.raises(ImportFailure, match=r"entry 'z' is larger than 100 bytes"):
            archive.read("z", zstd=True, max_bytes=100)
