"""Issue 12, point 6: one bad byte in a UTF-8 file no longer turns the whole file into mojibake.

10,000 UTF-8 rows and a single ``\\xff`` used to make the detector give up on UTF-8 and guess a legacy
code page: every "é" was stored as two wrong characters, and since a plain note's guid hashes its front,
importing the mended file then added every row again. The rule now (``importers/decoding.py``): a file
whose valid multi-byte UTF-8 characters are at least 4 times its bad byte sequences (or that starts with a
UTF-8 BOM and has at most 1 bad byte in 100) is UTF-8; its bad sequences become U+FFFD, and one warning
line names the file, the lines and the count, in the command line's output, the window's summary and the
preview. Legacy files (cp1252, latin-1, Shift-JIS...) are nowhere near that ratio and are detected as before.
"""

from __future__ import annotations

import codecs
import sqlite3
from pathlib import Path

import pytest

from studyapp.importers.decoding import decode_file
from studyapp.services.app import App
from studyapp.services.importing.import_preview import preview_file
from studyapp.services.importing.importing import ImportSummary

from ..test_cli import studyapp

ROWS = 10_000
BAD_LINE = 5001  # the row with the bad byte (line numbers from 1)


def utf8_rows(bad_in: str | None) -> bytes:
    """10,000 tab-separated UTF-8 rows full of accents; with one ``\\xff`` in the front or back of line 5001."""
    lines = []
    for number in range(1, ROWS + 1):
        front, back = f"café n°{number}", f"thé à {number} €"
        line = f"{front}\t{back}\n".encode()
        if number == BAD_LINE and bad_in == "front":
            line = line.replace("café".encode(), b"caf\xff")
        elif number == BAD_LINE and bad_in == "back":
            line = line.replace("thé".encode(), b"th\xff")
        lines.append(line)
    return b"".join(lines)


def stored(path: Path) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("select front, back, guid from notes n join decks d on d.id = n.deck_id"
                          " where d.name = 'Cafe' order by front").fetchall()  # fmt: skip
    finally:
        db.close()


def warning(path: Path, line: int = BAD_LINE) -> str:
    return f"{path}: line {line}: 1 byte sequence that is not UTF-8 was replaced by \ufffd"


def test_one_bad_byte_in_the_answer_spoils_nothing_and_the_mended_file_adds_nothing(app: App, tmp_path: Path) -> None:
    broken = tmp_path / "cafe.tsv"
    broken.write_bytes(utf8_rows(bad_in="back"))
    summary = app.import_file(broken, "Cafe")

    assert (summary.new, summary.skipped, summary.warnings) == (ROWS, (), (warning(broken),))
    assert summary.details["encoding"] == "utf-8"
    notes = stored(app.path)
    assert sum("café n°" in front for front, _, _ in notes) == ROWS  # no "cafÃ©", no "ﾃｩ"
    assert [back for _, back, _ in notes if "\ufffd" in back] == [f"th\ufffd à {BAD_LINE} €"]

    mended = tmp_path / "cafe.tsv"
    mended.write_bytes(utf8_rows(bad_in=None))
    again = app.import_file(mended, "Cafe")
    assert (again.new, again.updated, again.unchanged, again.warnings) == (0, 1, ROWS - 1, ())
    assert len(stored(app.path)) == ROWS


def test_a_bad_byte_in_a_question_changes_only_that_notes_identity(app: App, tmp_path: Path) -> None:
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(utf8_rows(bad_in="front"))
    app.import_file(broken, "Cafe")
    guids_before = {front: guid for front, _, guid in stored(app.path)}
    mended = tmp_path / "mended.tsv"
    mended.write_bytes(utf8_rows(bad_in=None))
    again = app.import_file(mended, "Cafe")
    # The mended question is a new note (its text changed); every other row is found by its same guid.
    assert (again.new, again.updated, again.unchanged) == (1, 0, ROWS - 1)
    guids_after = {front: guid for front, _, guid in stored(app.path)}
    assert {f: g for f, g in guids_after.items() if f in guids_before} == guids_before


def test_the_command_line_prints_the_warning_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "cafe.tsv"
    broken.write_bytes(utf8_rows(bad_in="back"))
    result = studyapp("--collection", str(tmp_path / "c.db"), "import", str(broken), "--deck", "Cafe")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Cafe: {ROWS} new, 0 updated, 0 unchanged",
        f"  warning: {warning(broken)}",
    ]


def test_the_preview_warns_too(tmp_path: Path) -> None:
    broken = tmp_path / "head.csv"
    broken.write_bytes("année,été\n".encode() * 30 + b"caf\xe9 cr\xe8me,x\n" + "sûr,là\n".encode() * 30)
    preview = preview_file(broken)
    assert preview.encoding == "utf-8"
    assert preview.warnings == (f"{broken}: line 31: 2 byte sequences that are not UTF-8 were replaced by \ufffd",)
    assert preview.rows[0] == ("année", "été")
    qa = tmp_path / "qa.txt"
    qa.write_bytes("Qu'est-ce qu'un été?\n\nLa saison chaude, très chaude.\n\n".encode() * 3 + b"Un caf\xe9?\n\nOui.\n")
    assert preview_file(qa).warnings == (warning(qa, 13),)


def test_many_bad_lines_are_counted_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    rows = [f"é{n},è{n}\n".encode() * 10 + (f"x{n},\xff\n".encode("latin-1")) for n in range(25)]
    path.write_bytes(b"".join(rows))
    decoded = decode_file(path)
    assert decoded.replaced == 25
    assert decoded.replaced_lines == tuple(11 * n + 11 for n in range(25))
    assert decoded.warnings(path) == (
        f"{path}: lines 11, 22, 33, 44, 55, 66, 77, 88, 99, 110 and 15 more: 25 byte sequences that are not UTF-8"
        " were replaced by \ufffd",
    )


def test_line_numbers_count_every_kind_of_line_end(tmp_path: Path) -> None:
    path = tmp_path / "ends.txt"
    path.write_bytes("é\r\né\ré\n".encode() + b"\xff\r\n" + "é\n".encode() * 12 + b"\xfe\xfe")
    decoded = decode_file(path)
    assert (decoded.replaced, decoded.replaced_lines) == (3, (4, 17))  # \xfe\xfe: two sequences, one line
    assert decoded.text.count("\n") == 16  # the same lines the importers count


def test_a_utf8_file_with_a_bom_and_a_bad_byte_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"plain,ascii\n" * 200 + b"one \x80 byte,x\n")
    decoded = decode_file(path)
    assert (decoded.encoding, decoded.replaced_lines) == ("utf-8-sig", (201,))
    assert decoded.text.endswith("one \ufffd byte,x\n") and not decoded.text.startswith("\ufeff")


def test_a_pasted_legacy_line_in_a_utf8_file_spoils_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "pasted.csv"
    path.write_bytes("Größe,Übung\n".encode() * 10 + "naïve façade,été\n".encode("cp1252"))
    decoded = decode_file(path)
    assert decoded.encoding == "utf-8"
    assert decoded.text.splitlines()[:10] == ["Größe,Übung"] * 10
    assert decoded.replaced_lines == (11,) and decoded.replaced == 4


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café crème,brûlée\nnaïve,façade\n3,50 €,«citation»\n", "cp1252"),
        ("à\ta1\r\n", "cp1252"),  # the shape of a real latin-1 TSV: one byte 0xe0
        ("Größe,Übung\n" * 50 + "é,\u00e9\n", "cp1252"),
        ("いろはにほへと,ちりぬるを\n日本語の文章です,漢字とカタカナ\n" * 40, "cp932"),
        ("我能吞下玻璃而不伤身体,中文的句子\n" * 40, "gb18030"),
        ("Съешь же ещё этих мягких,французских булок\n" * 20, "cp1251"),
    ],
    ids=["cp1252", "latin1-tsv", "cp1252-long", "shift-jis", "gbk", "cp1251"],
)
def test_legacy_files_are_still_detected(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    decoded = decode_file(path)
    assert decoded.replaced == 0
    assert decoded.text == text.replace("\r\n", "\n")


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_window_summary_shows_the_warning(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from studyapp.ui.importing.import_summary_view import ImportSummaryView

    view = ImportSummaryView()
    qtbot.addWidget(view)
    line = warning(tmp_path / "cafe.tsv")
    view.show_summary(ImportSummary("Cafe", ROWS, 0, 0, warnings=(line,)))
    view.show()
    qtbot.waitExposed(view)
    assert view.warnings_label.isVisible()
    assert f"Warning: {line}" in view.text().splitlines()
    view.show_summary(ImportSummary("Cafe", 1, 0, 0))
    assert not view.warnings_label.isVisible()
