"""Packages out of proportion: media no note uses, media of hundreds of megabytes, an import killed mid-media,
and media names that are not plain, portable file names.

Before: a 10 MB package whose media expand 200 times was read whole into memory (2 GB), every file was written
whether a note used it or not, a SIGKILL during the import left the files it had written (and a half-written
``.incoming-*``) in the media folder, and a file named ``.hidden.png`` ended the import with a traceback.
Now only the files the notes use are read, each streamed into a staging folder beside the media folder and
moved in after the transaction commits; the next open deletes a stage whose import did not commit (and
finishes one whose import did), and a name that cannot be a plain file name is one skip line.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from studyapp.services.app import App
from studyapp.services.media.media import MediaStage, media_dir_for, stage_prefix
from tests.anki.corpus import varint
from tests.conftest import REPO, collection_fingerprint

genanki = pytest.importorskip("genanki")

MIB = 1024**2
BIG = 120 * MIB  # the one large file the notes use
UNUSED = 3  # files of BIG bytes each that no note uses
PEAK_LIMIT_MB = 300  # the bound for any package; reading the media whole needed 4 x BIG and more


def _compressible(size: int, seed: int) -> Iterator[bytes]:
    """``size`` bytes in 1 MiB chunks: 256 random bytes every 32 KiB, zeros between. Deflate and zstd shrink it
    about 75 times, under the zip-bomb ratio cap (200), so the package is refused by no limit."""
    rng = random.Random(seed)
    blocks = [b"".join(rng.randbytes(256) + bytes(32 * 1024 - 256) for _ in range(32)) for _ in range(4)]
    for index in range(size // MIB):
        yield blocks[index % len(blocks)]


def _digest(size: int, seed: int) -> str:
    digest = hashlib.sha1()
    for chunk in _compressible(size, seed):
        digest.update(chunk)
    return digest.hexdigest()


def _package(path: Path, fronts: list[str], media: list[tuple[str, bytes | tuple[int, int]]]) -> Path:
    """A legacy package: one basic note per front, and media members ``0``, ``1``... for ``media`` in order,
    each given as bytes or as (size, seed) of ``_compressible`` data, streamed into the zip."""
    deck = genanki.Deck(2_059_400_300, "Bounds")
    for index, front in enumerate(fronts):
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, f"answer {index}"], guid=f"b{index}"))
    plain = path.with_suffix(".plain.apkg")
    genanki.Package(deck).write_to_file(str(plain))
    with zipfile.ZipFile(plain) as source:
        collection = source.read("collection.anki2")
    plain.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("collection.anki2", collection)
        archive.writestr("media", json.dumps({str(i): name for i, (name, _) in enumerate(media)}))
        for index, (_, content) in enumerate(media):
            if isinstance(content, bytes):
                archive.writestr(str(index), content)
                continue
            with archive.open(str(index), "w", force_zip64=True) as member:
                for chunk in _compressible(*content):
                    member.write(chunk)
    return path


def _v3_package(path: Path, front: str, name: str, size: int, seed: int) -> Path:
    """A version 3 package (Anki 2.1.50+): zstd-compressed collection, protobuf media map, and one media file
    of ``size`` bytes, zstd-compressed as a stream into a stored zip member."""
    import zstandard

    legacy = _package(path.with_suffix(".legacy.apkg"), [front], [])
    with zipfile.ZipFile(legacy) as source:
        collection = source.read("collection.anki2")
    legacy.unlink()
    raw = name.encode()
    entry = b"\x0a" + varint(len(raw)) + raw + b"\x10" + varint(size)
    entry += b"\x1a\x14" + bytes.fromhex(_digest(size, seed))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("meta", b"\x08\x03")
        archive.writestr("collection.anki21b", zstandard.ZstdCompressor().compress(collection))
        archive.writestr("media", zstandard.ZstdCompressor().compress(b"\x0a" + varint(len(entry)) + entry))
        member = archive.open("0", "w", force_zip64=True)
        with member, zstandard.ZstdCompressor().stream_writer(member, closefd=False) as compressed:
            for chunk in _compressible(size, seed):
                compressed.write(chunk)
    return path


@pytest.fixture(scope="module")
def heavy_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three notes using big.png (120 MiB), small.png and hello.mp3; three files of 120 MiB that no note uses."""
    fronts = ['Big? <img src="big.png">', 'Small? <img src="small.png">', "Hear? [sound:hello.mp3]"]
    media: list[tuple[str, bytes | tuple[int, int]]] = [("big.png", (BIG, 1)), ("small.png", b"tiny image")]
    media += [(f"unused-{i}.png", (BIG, 10 + i)) for i in range(UNUSED)] + [("hello.mp3", b"a sound")]
    return _package(tmp_path_factory.mktemp("heavy") / "heavy.apkg", fronts, media)


def _command(collection: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "studyapp", "--collection", str(collection), *args]


def _run(collection: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "STUDYAPP_COLLECTION"}
    return subprocess.run(
        _command(collection, *args), capture_output=True, text=True, cwd=REPO, env=environment, timeout=300
    )


# Started from a small interpreter, so that the peak is the import's own: a child forked from this test
# process counts this process's memory in its peak until it execs.
_LAUNCHER = (
    "import resource, subprocess, sys; status = subprocess.call(sys.argv[2:]);"
    " open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(status)"
)


def _measured(collection: Path, folder: Path, *args: str) -> tuple[int, str, str, float]:
    """Run studyapp in a child; its exit status, output, errors and peak resident memory in MB."""
    peak = folder / "peak.txt"
    launcher = [sys.executable, "-c", _LAUNCHER, str(peak), *_command(collection, *args)]
    result = subprocess.run(launcher, capture_output=True, text=True, cwd=REPO, timeout=300)
    return result.returncode, result.stdout, result.stderr, int(peak.read_text()) / 1024


def _listing(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {path.name: hashlib.sha1(path.read_bytes()).hexdigest() for path in folder.iterdir()}


def _stages(collection: Path) -> list[Path]:
    return sorted(collection.parent.glob(stage_prefix(media_dir_for(collection)) + "*"))


def test_unused_media_are_not_read_and_a_large_file_streams_in_bounded_memory(
    heavy_package: Path, tmp_path: Path
) -> None:
    collection = tmp_path / "c.db"
    assert _run(collection, "decks").returncode == 0
    status, out, err, peak_mb = _measured(collection, tmp_path, "import", str(heavy_package))
    assert (status, err) == (0, ""), err
    assert out.splitlines()[0] == "Bounds: 3 new, 0 updated, 0 unchanged, 1 skipped"
    assert (
        "  skipped media: 3 media files no note uses were not imported (no field, template or styling names it)"
        in out.splitlines()
    )
    assert peak_mb < PEAK_LIMIT_MB, f"peak memory {peak_mb:.0f} MB"
    small, sound = hashlib.sha1(b"tiny image").hexdigest(), hashlib.sha1(b"a sound").hexdigest()
    assert _listing(media_dir_for(collection)) == {"big.png": _digest(BIG, 1), "small.png": small, "hello.mp3": sound}
    assert _stages(collection) == []
    print(f"package {heavy_package.stat().st_size / MIB:.1f} MiB, media {(UNUSED + 1) * BIG / MIB:.0f} MiB: "
          f"peak memory of the import {peak_mb:.0f} MB")  # fmt: skip


def test_a_large_zstd_file_of_a_version_3_package_streams_too(tmp_path: Path) -> None:
    package = _v3_package(tmp_path / "modern.apkg", 'Big? <img src="big.png">', "big.png", BIG, 3)
    collection = tmp_path / "c.db"
    status, out, err, peak_mb = _measured(collection, tmp_path, "import", str(package))
    assert (status, err, out.splitlines()) == (0, "", ["Bounds: 1 new, 0 updated, 0 unchanged"])
    assert peak_mb < 200, f"peak memory {peak_mb:.0f} MB"  # the 128 MB zstd window at most, and the app
    assert _listing(media_dir_for(collection)) == {"big.png": _digest(BIG, 3)}
    print(f"v3 package {package.stat().st_size / MIB:.1f} MiB, media {BIG / MIB:.0f} MiB: peak {peak_mb:.0f} MB")


def test_an_import_killed_mid_media_leaves_the_collection_and_media_folder_as_they_were(
    heavy_package: Path, tmp_path: Path
) -> None:
    collection = tmp_path / "c.db"
    assert _run(collection, "decks").returncode == 0
    media = media_dir_for(collection)
    media.mkdir()
    (media / "keep.png").write_bytes(b"already here")
    before, files = collection_fingerprint(collection), _listing(media)
    child = subprocess.Popen(_command(collection, "import", str(heavy_package)), cwd=REPO, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    staged: list[Path] = []
    while time.monotonic() < deadline and child.poll() is None:
        staged = [file for stage in _stages(collection) for file in stage.iterdir() if file.stat().st_size > MIB]
        if staged:
            break
        time.sleep(0.002)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert staged and child.returncode == -signal.SIGKILL, "the import was not caught writing big.png"
    assert _listing(media) == files  # nothing of the import reached the media folder
    (media / ".incoming-k2j4f8").write_bytes(b"half a file from an interrupted copy")

    result = _run(collection, "decks", "--json")  # the next open
    assert result.returncode == 0, result.stderr
    assert _stages(collection) == []
    assert _listing(media) == files
    assert collection_fingerprint(collection) == before


def test_an_import_cut_short_after_its_commit_gets_its_media_at_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _package(tmp_path / "pictures.apkg", ['Cat? <img src="cat.png">'], [("cat.png", b"a cat")])
    collection = tmp_path / "c.db"
    app = App.open(collection)
    try:
        # The process dies between the commit and the moves: the stage is left as it is.
        monkeypatch.setattr(MediaStage, "commit", lambda stage: setattr(stage, "committed", True))
        summary = app.import_file(package)
    finally:
        app.close()
    assert (summary.new, summary.media) == (1, 1)
    assert not (media_dir_for(collection) / "cat.png").exists() and len(_stages(collection)) == 1
    monkeypatch.undo()
    App.open(collection).close()
    assert _listing(media_dir_for(collection)) == {"cat.png": hashlib.sha1(b"a cat").hexdigest()}
    assert _stages(collection) == []


def test_a_hidden_media_name_is_one_skip_line_not_a_traceback(tmp_path: Path) -> None:
    package = _package(tmp_path / "hidden.apkg", ['Dot? <img src=".hidden.png">'], [(".hidden.png", b"secret")])
    collection = tmp_path / "c.db"
    assert _run(collection, "decks").returncode == 0
    result = _run(collection, "import", str(package))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "Bounds: 1 new, 0 updated, 0 unchanged, 1 skipped",
        "  skipped entry media/0: media file '.hidden.png' starts with '.' (a hidden file; the media folder keeps"
        " its own files under such names)",
    ]
    assert _listing(media_dir_for(collection)) == {}
    assert _stages(collection) == []


ODD_NAMES = [
    ("..", "is not a file name"),
    ("a/b.png", "has a folder in it"),
    ("a\\b.png", "has a folder in it"),
    ("tab\t.png", "has control characters in it"),
    ("x" * 300 + ".png", "is longer than 255 bytes"),
    ("CON.png", "is a device name on Windows"),
    ("lpt1", "is a device name on Windows"),
    ("trailing.png.", "ends with a dot or a space (Windows drops them)"),
    ("star*.png", "has a character Windows does not allow in file names"),
]


def test_media_names_are_decided_by_the_map_and_checked(tmp_path: Path) -> None:
    media: list[tuple[str, bytes | tuple[int, int]]] = [(name, b"odd %d" % i) for i, (name, _) in enumerate(ODD_NAMES)]
    media += [("Same.png", b"upper"), ("same.png", b"lower"), ("taken.png", b"new")]
    fronts = [f"Odd {i}? [sound:{name}]" for i, (name, _) in enumerate(media)]
    package = _package(tmp_path / "odd.apkg", fronts, media)
    collection = tmp_path / "c.db"
    app = App.open(collection)
    try:
        media_dir = media_dir_for(collection)
        media_dir.mkdir()
        (media_dir / "taken.png").write_bytes(b"old")  # a different file of the same name is already there
        summary = app.import_file(package)
        stored = {n.front: n.front.split("[sound:")[1].rstrip("]") for n in app.collection.notes.in_decks([
            d.id for d in app.decks() if d.name == "Bounds"])}  # fmt: skip
    finally:
        app.close()
    assert summary.new == len(media)
    skips = {skip.place: skip.reason for skip in summary.skipped}
    for index, (name, reason) in enumerate(ODD_NAMES):
        assert skips.pop(f"entry media/{index}") == f"media file {name!r} {reason}"
    assert skips == {}
    files = _listing(media_dir)
    by_note = {front.split("?")[0]: files.get(name) for front, name in stored.items()}
    sha = {data: hashlib.sha1(data).hexdigest() for data in (b"upper", b"lower", b"new", b"old")}
    first, second, taken = (len(ODD_NAMES) + i for i in range(3))
    # Same.png and same.png are one name on Windows and macOS: the second gets its hash in its name.
    assert (by_note[f"Odd {first}"], by_note[f"Odd {second}"]) == (sha[b"upper"], sha[b"lower"])
    assert by_note[f"Odd {taken}"] == sha[b"new"] and files["taken.png"] == sha[b"old"]
    assert len(files) == 4  # the three imported files and the one that was there
    written = {p.name for p in tmp_path.rglob("*") if media_dir not in p.parents and not p.name.startswith("c.")}
    assert written == {"odd.apkg"}  # no name climbed out of the media folder, no stage was left


def test_a_committed_stage_is_recorded_in_the_collection(tmp_path: Path) -> None:
    package = _package(tmp_path / "one.apkg", ['One? <img src="one.png">'], [("one.png", b"1")])
    collection = tmp_path / "c.db"
    app = App.open(collection)
    try:
        app.import_file(package)
    finally:
        app.close()
    with closing(sqlite3.connect(collection)) as db:
        (value,) = db.execute("SELECT value FROM settings WHERE key = 'media_stage'").fetchone()
    assert json.loads(value).startswith(stage_prefix(media_dir_for(collection)))
