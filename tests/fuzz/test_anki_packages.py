"""Fuzz the Anki package reader (``.apkg`` and ``.colpkg``) with mutants of small valid packages.

Seeds, made once per session by the tools that make packages in the wild: genanki (``collection.anki2``,
JSON media map), and the real Anki engine (``collection.anki21`` legacy; ``collection.anki21b`` with zstd
and the protobuf media map, as ``.apkg`` and ``.colpkg``). Three kinds of mutant: bytes of the zip file
flipped, cut or inserted; members of the zip changed, dropped or added (the inner SQLite file, the media
map, ``meta``, media files, strange names); and the inner collection changed with SQL (values of the
wrong type or size, rows and tables gone) and zipped again. Reading gives a draft or an ``ImportFailure``;
``App.import_file`` also leaves the collection and its media folder unchanged on failure.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.clock import FixedClock
from studyapp.core.drafts import ImportOptions
from studyapp.importers import ImportFailure
from studyapp.importers.anki_package import read_anki_package
from studyapp.services.app import App

from ..anki.corpus import members_of, write_zip
from ..anki.makers import AnkiPackages
from ..conftest import T0, collection_fingerprint
from .counting import END_TO_END, PARSE, count
from .strategies import check_draft, check_failure

Seeds = dict[str, tuple[str, bytes]]  # seed name -> (suffix, file bytes)


@pytest.fixture(scope="module")
def seeds(fuzz_anki_packages: AnkiPackages, fuzz_genanki_package: Path) -> Seeds:
    packages = {
        "genanki": fuzz_genanki_package,
        "modern": fuzz_anki_packages.modern,
        "legacy": fuzz_anki_packages.legacy,
        "colpkg": fuzz_anki_packages.colpkg,
    }
    return {name: (path.suffix, path.read_bytes()) for name, path in packages.items()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-anki-mutants")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = App.open(tmp_path_factory.mktemp("fuzz-anki-collection") / "collection.db", FixedClock(T0), random.Random(9))
    yield app
    app.close()


# -- mutations -------------------------------------------------------------------------------------------

# An edit of a byte string: ("flip", position, bits), ("cut", position, _), ("insert", position, bytes),
# ("write", position, bytes). Positions are taken modulo the length, so they always land.
EDIT = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20), st.none()),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("write"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
)
EDITS = st.lists(EDIT, min_size=1, max_size=4)


def edited(data: bytes, edits: list[tuple[str, int, object]]) -> bytes:
    buffer = bytearray(data)
    for kind, where, value in edits:
        at = where % (len(buffer) + 1)
        if kind == "flip" and at < len(buffer):
            buffer[at] ^= int(value)  # type: ignore[call-overload]
        elif kind == "cut":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = value  # type: ignore[assignment]
        elif kind == "write":
            buffer[at : at + len(value)] = value  # type: ignore[arg-type]
    return bytes(buffer)


def zstd_decompress(data: bytes) -> bytes:
    return zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True).read()


NAMES = ["meta", "media", "0", "1", "collection.anki2", "collection.anki21", "collection.anki21b", "x/../y",
         "../escape", "/absolute", "C:drive", "dir/", "a\\b", "\u00e9", "00"]  # fmt: skip
MEMBER_CHANGE = st.one_of(
    st.tuples(st.just("edit"), st.sampled_from(NAMES[:7]), EDITS),
    st.tuples(st.just("edit-inside-zstd"), st.sampled_from(["collection.anki21b", "media", "0"]), EDITS),
    st.tuples(st.just("drop"), st.sampled_from(NAMES[:7]), st.none()),
    st.tuples(st.just("add"), st.sampled_from(NAMES), st.binary(max_size=64)),
    st.tuples(
        st.just("replace"),
        st.sampled_from(["media", "meta"]),
        st.sampled_from(
            [
                b"",
                b"{}",
                b"[]",
                b'{"0": 5}',
                b'{"0": "../x.png"}',
                b'{"99999999999999999999": "a.png"}',
                b'{"0": "a.png", "1": "a.png"}',
                b"[" * 5000,
                b"\x08\x09",
                b"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
                b"\x0a\x05\x0a\x03a.p",
                b"\x0a\x02\x10\x05",
                b"null",
                b"\xff\xfe",
            ]
        ),  # fmt: skip
    ),
)


def changed_members(members: dict[str, bytes], changes: list[tuple[str, str, object]]) -> dict[str, bytes]:
    result = dict(members)
    for kind, name, value in changes:
        if kind == "edit" and name in result:
            result[name] = edited(result[name], value)  # type: ignore[arg-type]
        elif kind == "edit-inside-zstd" and name in result:
            try:
                inner = zstd_decompress(result[name])
            except zstandard.ZstdError:
                continue
            result[name] = zstandard.ZstdCompressor().compress(edited(inner, value))  # type: ignore[arg-type]
        elif kind == "drop":
            result.pop(name, None)
        elif kind in ("add", "replace"):
            result[name] = value  # type: ignore[assignment]
    return result


# SQL that damages a valid collection: wrong types and sizes, missing rows and tables, hostile JSON.
VALUES = ["NULL", "-1", "0", "1", "9223372036854775807", "-9223372036854775808", "1e300", "''", "'x'", "x'00ff'",
          "'{\"bad json'", "'[]'", "'{}'", "'{\"1\": {\"name\": 5}}'",
          "'{\"1\": {\"flds\": [], \"tmpls\": [], \"name\": \"n\"}}'",
          "'\x1f\x1f\x1f'", "replace(hex(zeroblob(3000)), '0', '[')", "'a' || char(31) || 'b'", "x'fffe'",
          "'<script>alert(1)</script>'", "'{{c1::x}}'", "'\xff'"]  # fmt: skip
COLUMNS = {
    "notes": ["id", "guid", "mid", "tags", "flds", "sfld", "csum"],
    "cards": ["id", "nid", "did", "ord", "odid", "type", "queue", "due", "ivl"],
    "col": ["ver", "models", "decks", "crt"],
    "revlog": ["id", "cid", "ease", "time", "type", "ivl"],
    "notetypes": ["id", "name", "config"],
    "fields": ["ntid", "ord", "name"],
    "templates": ["ntid", "ord", "name"],
    "decks": ["id", "name"],
}
STATEMENT = st.one_of(
    st.builds(
        lambda table, column, value: f"UPDATE {table} SET {column} = {value}",
        st.sampled_from(sorted(COLUMNS))
        .flatmap(lambda t: st.tuples(st.just(t), st.sampled_from(COLUMNS[t])))
        .map(lambda pair: pair[0]),
        st.sampled_from(sorted({c for cs in COLUMNS.values() for c in cs})),
        st.sampled_from(VALUES),
    ),
    st.sampled_from(sorted(COLUMNS)).map(lambda table: f"DELETE FROM {table}"),
    st.sampled_from(sorted(COLUMNS)).map(lambda table: f"DROP TABLE {table}"),
    st.sampled_from(sorted(COLUMNS)).map(lambda table: f"DROP TABLE {table}; CREATE VIEW {table} AS SELECT 1 AS id"),
    st.just("INSERT INTO notes SELECT * FROM notes WHERE 0"),
    st.just("UPDATE notes SET id = id + 1, guid = guid || 'x'"),
    st.just(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "SELECT 1, id, 0, 3, 1, 0, 0, -5, 0 FROM cards"
    ),  # fmt: skip
    st.just("UPDATE cards SET nid = (SELECT max(id) + 1 FROM notes)"),
    st.just("PRAGMA user_version = 99999"),
)


def sql_changed(collection: bytes, statements: list[str]) -> bytes:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "c.db"
        path.write_bytes(collection)
        with closing(sqlite3.connect(path)) as connection:
            for statement in statements:
                try:
                    connection.executescript(statement)
                except sqlite3.Error:
                    continue  # a change SQLite itself refuses (a constraint, a missing column): no mutant
            connection.commit()
        return path.read_bytes()


def inner_changed(members: dict[str, bytes], statements: list[str]) -> dict[str, bytes]:
    result = dict(members)
    for name in ("collection.anki21b", "collection.anki21", "collection.anki2"):
        if name in result:
            zstd = name.endswith("b")
            collection = zstd_decompress(result[name]) if zstd else result[name]
            changed = sql_changed(collection, statements)
            result[name] = zstandard.ZstdCompressor().compress(changed) if zstd else changed
            return result  # the newest collection present: the one that is read
    return result


@st.composite
def mutants(draw: st.DrawFn, seeds: Seeds) -> tuple[str, bytes]:
    """A seed's suffix and a mutant of its bytes."""
    suffix, data = seeds[draw(st.sampled_from(sorted(seeds)))]
    kind = draw(st.sampled_from(["bytes", "members", "sql"]))
    if kind == "bytes":
        return suffix, edited(data, draw(EDITS))
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / f"seed{suffix}"
        source.write_bytes(data)
        members = members_of(source)
        if kind == "members":
            members = changed_members(members, draw(st.lists(MEMBER_CHANGE, min_size=1, max_size=3)))
        else:
            members = inner_changed(members, draw(st.lists(STATEMENT, min_size=1, max_size=3)))
        compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
        target = Path(temp) / f"mutant{suffix}"
        write_zip(target, members, compression)
        return suffix, target.read_bytes()


# -- targets ---------------------------------------------------------------------------------------------


@PARSE
@given(data=st.data(), history=st.booleans())
def test_anki_package_parse(seeds: Seeds, folder: Path, data: st.DataObject, history: bool) -> None:
    suffix, mutant = data.draw(mutants(seeds))
    path = folder / f"mutant{suffix}"
    path.write_bytes(mutant)
    count(f"anki {suffix} (parse)")
    try:
        draft = read_anki_package(path, ImportOptions(include_history=history))
    except ImportFailure as failure:
        check_failure(failure, path)
    else:
        check_draft(draft)


@END_TO_END
@given(data=st.data(), history=st.booleans())
def test_anki_package_end_to_end(fuzz_app: App, seeds: Seeds, folder: Path, data: st.DataObject, history: bool) -> None:
    suffix, mutant = data.draw(mutants(seeds))
    path = folder / f"import{suffix}"
    path.write_bytes(mutant)
    media = fuzz_app.media_dir
    before = collection_fingerprint(fuzz_app.path), sorted(media.iterdir()) if media.is_dir() else []
    count(f"anki {suffix} (import_file)")
    try:
        fuzz_app.import_file(path, options=ImportOptions(include_history=history))
    except ImportFailure as failure:
        check_failure(failure, path)
        assert (collection_fingerprint(fuzz_app.path), sorted(media.iterdir()) if media.is_dir() else []) == before
