"""The editor's media service: content-hashed names, one file per content, atomic writes, caps, one-line errors."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from studyapp.services.media import adding
from studyapp.services.media.adding import MediaError, add_media_bytes, add_media_file, sniff
from studyapp.services.media.media import is_safe_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(40))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(50)
OGG_VORBIS = b"OggS\x00\x02" + bytes(22) + b"\x01vorbis" + bytes(30)
OGG_OPUS = b"OggS\x00\x02" + bytes(22) + b"OpusHead" + bytes(30)
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(40)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(40)


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_pasted_bytes_get_a_name_from_their_content_and_their_sniffed_type(tmp_path: Path) -> None:
    media = tmp_path / "collection.media"
    added = add_media_bytes(media, PNG)
    digest = hashlib.sha256(PNG).hexdigest()
    assert added.name == f"paste-{digest[:16]}.png"
    assert added.kind == "image" and added.stored
    assert added.reference == f'<img src="paste-{digest[:16]}.png">'
    assert (media / added.name).read_bytes() == PNG
    assert listing(media) == [added.name]  # no temporary file left behind


def test_the_same_bytes_twice_are_one_file_under_one_name_whatever_they_were_called(tmp_path: Path) -> None:
    media = tmp_path / "m"
    first = add_media_bytes(media, JPEG)
    (tmp_path / "holiday.jpeg").write_bytes(JPEG)
    (tmp_path / "copy.JPG").write_bytes(JPEG)
    again = add_media_file(media, tmp_path / "holiday.jpeg")
    third = add_media_file(media, tmp_path / "copy.JPG")
    assert again.name == third.name == first.name and first.name.endswith(".jpg")
    assert first.stored and not again.stored and not third.stored
    assert listing(media) == [first.name]
    different = add_media_bytes(media, JPEG + b"\x00")
    assert different.name != first.name and different.stored


def test_sounds_from_files_are_sound_tags_and_their_type_comes_from_the_bytes(tmp_path: Path) -> None:
    media = tmp_path / "m"
    cases = {
        "word.mp3": MP3_ID3,
        "frame.mp3": MP3_FRAME,
        "a.ogg": OGG_VORBIS,
        "b.opus": OGG_OPUS,
        "mislabelled.wav": MP3_ID3,
    }
    results = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        results[name] = add_media_file(media, tmp_path / name)
    assert results["word.mp3"].reference == f"[sound:{results['word.mp3'].name}]"
    assert results["word.mp3"].name.startswith("sound-") and results["word.mp3"].kind == "sound"
    assert results["a.ogg"].name.endswith(".ogg") and results["b.opus"].name.endswith(".opus")
    assert results["frame.mp3"].name.endswith(".mp3")
    assert results["mislabelled.wav"].name == results["word.mp3"].name  # the bytes say mp3: the same file


def test_a_file_whose_bytes_say_nothing_keeps_a_known_extension_and_anything_else_is_refused(tmp_path: Path) -> None:
    media = tmp_path / "m"
    (tmp_path / "speech.amr").write_bytes(b"#!AMR\n" + bytes(20))
    assert add_media_file(media, tmp_path / "speech.amr").name.endswith(".amr")
    (tmp_path / "notes.txt").write_bytes(b"hello")
    with pytest.raises(MediaError) as refused:
        add_media_file(media, tmp_path / "notes.txt")
    assert str(refused.value) == "notes.txt: not an image or a sound studyapp knows (.txt)"
    with pytest.raises(MediaError, match=r"^the pasted image: not an image or a sound studyapp knows$"):
        add_media_bytes(media, b"plain words, no picture")
    assert listing(media) == [add_media_file(media, tmp_path / "speech.amr").name]


def test_hostile_names_never_become_paths_the_stored_name_is_always_safe(tmp_path: Path) -> None:
    media = tmp_path / "m"
    odd = tmp_path / "dir"
    odd.mkdir()
    names = ["..png", ".hidden.png", "x:y.png", "spaces and ünïcode.png", "a\\b.png", "<img onerror=x>.png"]
    for name in names:
        (odd / name).write_bytes(PNG + name.encode())
        added = add_media_file(media, odd / name)
        assert is_safe_name(added.name) and added.name.startswith("paste-") and "<" not in added.reference[5:]
        assert (media / added.name).parent == media
    weird_suffix = odd / 'evil.png"><script>'
    weird_suffix.write_bytes(b"no bytes we know")
    with pytest.raises(MediaError):
        add_media_file(media, weird_suffix)
    assert len(listing(media)) == len(names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "m"]


def test_the_size_cap_and_empty_and_missing_files_are_one_line_naming_the_file(tmp_path: Path) -> None:
    media = tmp_path / "m"
    big = tmp_path / "lecture.mp3"
    big.write_bytes(MP3_ID3 + bytes(3 * 1024**2))
    with pytest.raises(MediaError) as refused:
        add_media_file(media, big, limit=2 * 1024**2)
    assert str(refused.value) == "lecture.mp3: 3.0 MB is more than the 2 MB a media file may have"
    with pytest.raises(MediaError, match=r"^the pasted image: 3\.0 MB is more than the 2 MB"):
        add_media_bytes(media, MP3_ID3 + bytes(3 * 1024**2 - len(MP3_ID3)), limit=2 * 1024**2)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(MediaError, match=r"^empty\.png: the file is empty$"):
        add_media_file(media, tmp_path / "empty.png")
    with pytest.raises(MediaError, match=r"^gone\.png: not a file$"):
        add_media_file(media, tmp_path / "gone.png")
    for message in ("\n",):
        assert all(message not in str(e) for e in [refused.value])
    assert not media.exists() or listing(media) == []


def test_a_write_cut_short_leaves_no_file_under_the_name_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    media = tmp_path / "m"
    media.mkdir()
    synced: list[int] = []
    real_fsync = os.fsync

    def failing_fsync(handle: int) -> None:
        synced.append(handle)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(adding.os, "fsync", failing_fsync)
    with pytest.raises(MediaError, match=r"^the pasted image: cannot be saved in m \(No space left on device\)$"):
        add_media_bytes(media, PNG)
    assert synced and listing(media) == []
    monkeypatch.setattr(adding.os, "fsync", real_fsync)
    assert add_media_bytes(media, PNG).stored


def test_the_file_is_flushed_and_renamed_into_place_before_the_reference_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    media = tmp_path / "m"
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(adding.os, "fsync", lambda handle: (events.append("fsync"), real_fsync(handle))[1])
    monkeypatch.setattr(
        adding.os, "replace", lambda a, b: (events.append(f"replace {Path(b).name}"), real_replace(a, b))[1]
    )
    monkeypatch.setattr(adding, "fsync_path", lambda path: events.append(f"fsync folder {path.name}"))
    added = add_media_bytes(media, PNG)
    assert events == ["fsync", f"replace {added.name}", "fsync folder m"]


def test_a_different_file_already_under_the_short_name_makes_the_full_hash_the_name(tmp_path: Path) -> None:
    media = tmp_path / "m"
    media.mkdir()
    digest = hashlib.sha256(PNG).hexdigest()
    (media / f"paste-{digest[:16]}.png").write_bytes(b"someone else's picture")
    added = add_media_bytes(media, PNG)
    assert added.name == f"paste-{digest}.png" and (media / added.name).read_bytes() == PNG
    assert add_media_bytes(media, PNG).name == added.name  # and found there the next time


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "png"), (JPEG, "jpg"), (b"GIF89a" + bytes(10), "gif"), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"), (b"fLaC\x00\x00", "flac"), (b"\x00\x00\x00\x20ftypM4A ", "m4a"),
        (b"\xff\xf1\x50\x80", "aac"), (b'<?xml version="1.0"?>\n<svg xmlns="x">', "svg"), (b"  <svg>", "svg"),
        (OGG_OPUS, "opus"), (OGG_VORBIS, "ogg"), (b"hello", None),
    ],
)  # fmt: skip
def test_sniffing(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected
