"""The protobuf wire reader and the two media map formats, including random bytes (hypothesis)."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.importers.anki_media import (
    MediaMap,
    MemoryMedia,
    parse_legacy_media_map,
    parse_media_map_v3,
    read_media_files,
)
from studyapp.importers.anki_package import read_anki_package
from studyapp.importers.anki_protobuf import (
    WireField,
    WireFormatError,
    bytes_field,
    int_field,
    message_fields,
    parse_message,
    read_varint,
    text_field,
)
from studyapp.importers.errors import ImportFailure
from studyapp.importers.safe_zip import SafeZip

from . import corpus
from .conftest import Sandbox
from .makers import AnkiPackages

FIELD_NUMBERS = st.integers(min_value=1, max_value=(1 << 29) - 1)


@pytest.mark.parametrize(
    ("data", "value"),
    [
        (b"\x00", 0),
        (b"\x01", 1),
        (b"\x7f", 127),
        (b"\x80\x01", 128),
        (b"\xac\x02", 300),
        (b"\xff" * 9 + b"\x01", 2**64 - 1),
    ],
)
def test_varints(data: bytes, value: int) -> None:
    assert read_varint(data + b"rest", 0) == (value, len(data))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x80", "runs past the end"),
        (b"\xff" * 11, "longer than 10 bytes"),
        (b"\xff" * 9 + b"\x7f", "larger than 64 bits"),
    ],
)
def test_bad_varints(data: bytes, problem: str) -> None:
    with pytest.raises(WireFormatError, match=problem):
        read_varint(data, 0)


def test_a_message_with_every_wire_type() -> None:
    data = b"\x08\x96\x01" + b"\x12\x03abc" + b"\x19" + bytes(range(8)) + b"\x25\x01\x00\x00\x00" + b"\xf8\x0f\x05"
    fields = parse_message(data)
    assert fields == [
        WireField(1, 0, 150),
        WireField(2, 2, b"abc"),
        WireField(3, 1, int.from_bytes(bytes(range(8)), "little")),
        WireField(4, 5, 1),
        WireField(255, 0, 5),
    ]
    assert (int_field(fields, 1), text_field(fields, 2), int_field(fields, 255), int_field(fields, 9, 7)) == (
        150,
        "abc",
        5,
        7,
    )
    with pytest.raises(WireFormatError, match="should be a number"):
        int_field(fields, 2)
    with pytest.raises(WireFormatError, match="should be bytes"):
        bytes_field(fields, 1)
    with pytest.raises(WireFormatError, match="not UTF-8"):
        text_field(parse_message(b"\x12\x01\xff"), 2)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x12\x05ab", "longer than the message"),
        (b"\x0b", "unsupported wire type 3"),
        (b"\x19\x00", "runs past the end"),
        (b"\x00", "field number 0"),
    ],
)
def test_malformed_messages(data: bytes, problem: str) -> None:
    with pytest.raises(WireFormatError, match=problem):
        parse_message(data)


@given(st.binary(max_size=300))
def test_random_bytes_raise_only_the_wire_error(data: bytes) -> None:
    try:
        fields = parse_message(data)
    except WireFormatError:
        return
    for number in {f.number for f in fields}:
        for read in (int_field, bytes_field, text_field, message_fields):
            with contextlib.suppress(WireFormatError):
                read(fields, number)


@given(st.lists(st.tuples(FIELD_NUMBERS, st.one_of(st.integers(0, 2**64 - 1), st.binary(max_size=40))), max_size=20))
def test_what_is_encoded_is_read_back(fields: list[tuple[int, int | bytes]]) -> None:
    data = b""
    for number, value in fields:
        if isinstance(value, int):
            data += corpus.varint(number << 3) + corpus.varint(value)
        else:
            data += corpus.varint(number << 3 | 2) + corpus.varint(len(value)) + value
    assert [(f.number, f.value) for f in parse_message(data)] == fields


def test_the_v3_media_map() -> None:
    digest = hashlib.sha1(b"abc").digest()
    data = corpus.media_entries(
        corpus.media_entry("a.png", 3, digest), corpus.media_entry("b.mp3"), corpus.media_entry("c.jpg", member=9)
    )
    entries = parse_media_map_v3(data)
    assert [(e.index, e.member, e.name, e.size, e.sha1) for e in entries] == [
        (0, "0", "a.png", 3, digest),
        (1, "1", "b.mp3", 0, b""),
        (2, "9", "c.jpg", 0, b""),
    ]
    assert parse_media_map_v3(b"") == []


def test_the_legacy_media_map_is_in_member_order() -> None:
    entries = parse_legacy_media_map(b'{"10": "k.png", "2": "c.png", "x": "odd.png", "0": "a.png"}')
    assert [(e.member, e.name) for e in entries] == [("0", "a.png"), ("2", "c.png"), ("10", "k.png"), ("x", "odd.png")]
    assert parse_legacy_media_map(b"") == []
    big = "9" * 5000  # int() refuses numbers this long; the order must not use it
    assert [e.member for e in parse_legacy_media_map(f'{{"{big}": "z.png", "1": "y.png"}}'.encode())] == ["1", big]


@given(st.binary(max_size=200))
def test_random_media_maps_raise_only_value_errors(data: bytes) -> None:
    for parse in (parse_media_map_v3, parse_legacy_media_map):
        with contextlib.suppress(ValueError):
            parse(data)


def test_damaged_v3_media_are_skipped(sandbox: Sandbox, anki_packages: AnkiPackages) -> None:
    members = corpus.members_of(anki_packages.modern)
    members.update({"0": corpus.zstd(b"abc"), "1": corpus.zstd(b"abd"), "2": corpus.zstd(b"abc")})
    good = hashlib.sha1(b"abc").digest()
    entries = (corpus.media_entry(n, 3, good) for n in ("fine.png", "flipped.png"))
    members["media"] = corpus.zstd(corpus.media_entries(*entries, corpus.media_entry("short.png", 2)))
    path = corpus.write_zip(sandbox.root / "dmg.apkg", members)
    with SafeZip(path) as archive:  # every entry, as if the notes used them all (they use cat.png only)
        memory = MemoryMedia()
        _, skipped = read_media_files(archive, MediaMap(archive, version3=True).entries(), version3=True, sink=memory)
    assert [(m.name, m.data) for m in memory.media_files()] == [("fine.png", b"abc")]
    reasons = [(s.place, s.reason) for s in skipped if s.place.startswith("entry")]
    assert reasons == [
        ("entry media/1", "media file 'flipped.png' is damaged (its checksum does not match)"),
        ("entry media/2", "media file 'short.png' is damaged (size 3, expected 2)"),
    ]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scratch")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=120), version3=st.booleans())
def test_random_media_maps_in_a_package_give_import_failures_only(
    scratch: Path, own_package: Path, anki_packages: AnkiPackages, data: bytes, version3: bool
) -> None:
    members = corpus.members_of(anki_packages.modern if version3 else own_package)
    members["media"] = corpus.zstd(data) if version3 else data
    path = corpus.write_zip(scratch / "random.apkg", members)
    try:
        read_anki_package(path)
    except ImportFailure as failure:
        assert "\n" not in str(failure) and str(failure).startswith(f"{path}: ")
