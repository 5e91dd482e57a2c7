"""Decoding: BOMs first, then UTF-8, then a detected legacy encoding; clear one-line refusals otherwise."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from studyapp.importers import ImportFailure, decoding
from studyapp.importers.decoding import decode_bytes, decode_file, decode_file_head, read_text

from .support import write

TEXT = "Caf\u00e9 \u201cna\u00efve\u201d \u2013 r\u00e9sum\u00e9?\nYes.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16"), "utf-16-le" if TEXT.encode("utf-16")[:2] == codecs.BOM_UTF16_LE else "utf-16-be"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "utf16-native", "utf32-le-bom", "cp1252"],
)
def test_each_encoding_gives_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    decoded = decode_file(write(tmp_path, "f.txt", data))
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Stra\u00dfe;street\n\u00c4pfel;apples\n", "cp1252"),
        ("\u00e9\n", "cp1252"),  # two bytes: charset-normalizer alone would say UTF-16
        ("Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144,test\n\u0141\u00f3d\u017a,city\n", "cp1250"),
        (
            "\u041f\u0440\u0438\u0432\u0435\u0442,\u043c\u0438\u0440\n\u0421\u043e\u0431\u0430\u043a\u0430,dog\n",
            "cp1251",
        ),
    ],
    ids=["german-cp1252", "tiny-cp1252", "polish-cp1250", "russian-cp1251"],
)
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding), Path("legacy.txt"))
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_line_endings_become_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, "f.txt", b"a\r\nb\rc\n")
    assert read_text(path) == "a\nb\nc\n"


def test_a_legacy_byte_far_into_a_big_file_is_found(tmp_path: Path) -> None:
    data = b"plain,ascii\n" * 20_000 + "caf\u00e9,\u201cquoted\u201d\n".encode("cp1252")
    decoded = decode_file(write(tmp_path, "big.csv", data))
    assert decoded.encoding == "cp1252"
    assert decoded.text.endswith("caf\u00e9,\u201cquoted\u201d\n")


def test_a_forced_encoding_is_used_and_a_bom_still_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "f.txt", "\ufeffna\u00efve\n", encoding="utf-8")
    assert decode_file(path, "utf-8").text == "na\u00efve\n"
    legacy = write(tmp_path, "g.txt", "na\u00efve\n", encoding="cp1252")
    assert decode_file(legacy, "latin-1").text == "na\u00efve\n"
    utf16 = write(tmp_path, "h.txt", "\ufeffx\n", encoding="utf-16-be")
    assert decode_file(utf16, "utf-16") == decoding.DecodedText("x\n", "utf-16-be")


def test_forcing_utf8_on_a_cp1252_file_says_where_it_breaks(tmp_path: Path) -> None:
    path = write(tmp_path, "f.txt", "First line\nCaf\u00e9 means?\n", encoding="cp1252")
    with pytest.raises(ImportFailure) as caught:
        decode_file(path, "utf-8")
    assert str(caught.value) == f"{path}: line 2: is not UTF-8 text (byte 0xe9 at offset 14)"
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        (b"", None, "is empty"),
        (codecs.BOM_UTF8, None, "is empty"),
        (codecs.BOM_UTF16_LE, None, "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), None, "is a binary file, not text"),
        (b"PK\x03\x04\x14\x00\x00\x00", "utf-8", "is a binary file, not text"),
        (b"abc", "no-such-codec", "unknown encoding 'no-such-codec'"),
        (b"\xff\xfea\x00", "utf-8", "line 1: is not UTF-8 text (byte 0xff at offset 0)"),
        (b"ok\n\x81\x8d\x8f\x90\x9d\x81\x8d", "cp1252", "line 2: is not cp1252 text (byte 0x81 at offset 3)"),
    ],
    ids=["empty", "bom-only", "utf16-bom-only", "png", "zip-forced", "unknown-codec", "utf16-as-utf8", "bad-cp1252"],
)
def test_refusals_are_one_line_naming_the_file(
    tmp_path: Path, content: bytes, encoding: str | None, message: str
) -> None:
    path = write(tmp_path, "f.txt", content)
    with pytest.raises(ImportFailure) as caught:
        decode_file(path, encoding)
    assert str(caught.value) == f"{path}: {message}"


def test_missing_files_folders_and_oversized_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImportFailure, match="nothing.txt: no such file"):
        decode_file(tmp_path / "nothing.txt")
    with pytest.raises(ImportFailure, match="is a folder, not a file"):
        decode_file(tmp_path)
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 2 * 2**20)
    path = write(tmp_path, "huge.txt", b"x" * (3 * 2**20))
    with pytest.raises(ImportFailure, match=r"huge.txt: is too large to import \(3 MB; the limit is 2 MB\)"):
        decode_file(path)


def test_the_head_of_a_file_can_end_inside_a_character(tmp_path: Path) -> None:
    path = write(tmp_path, "f.txt", "\u00e9" * 100)  # two bytes each
    head = decode_file_head(path, 51)
    assert (head.text, head.encoding, head.complete) == ("\u00e9" * 25, "utf-8", False)
    assert decode_file_head(path, 1000).complete
